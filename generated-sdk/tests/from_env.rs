//! The hand-written `Clerk::from_env()` (src/custom/env.rs): the secret key
//! comes from `CLERK_SECRET_KEY` and is sent as a bearer token to the server
//! in `CLERK_API_URL`; a missing or empty key is a configuration error. One
//! test, alone in its binary, because it changes the process's environment.

// These tests exercise `machine_tokens().create`, which the API deprecated
// (replaced by M2M tokens); the crate keeps it, so its tests call it.
#![allow(deprecated)]

use clerk_backend_api::models::CreateMachineTokenRequestBody;
use clerk_backend_api::{API_URL_VAR, Clerk, Error, SECRET_KEY_VAR};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn set(name: &str, value: Option<&str>) {
    // SAFETY: this binary has one test, and nothing else in it reads or
    // writes the environment while it runs.
    unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    }
}

#[tokio::test]
async fn from_env_reads_the_secret_key_and_server_from_the_environment() {
    assert_eq!(
        (SECRET_KEY_VAR, API_URL_VAR),
        ("CLERK_SECRET_KEY", "CLERK_API_URL")
    );

    set(SECRET_KEY_VAR, None);
    let Err(Error::Config(message)) = Clerk::from_env() else {
        panic!("an unset CLERK_SECRET_KEY is a configuration error");
    };
    assert!(message.contains("CLERK_SECRET_KEY"), "{message}");

    set(SECRET_KEY_VAR, Some("  "));
    assert!(matches!(Clerk::from_env(), Err(Error::Config(message)) if message.contains("empty")));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/machine_tokens"))
        .and(header("authorization", "Bearer sk_test_from_env"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "token", "jwt": "eyJ.x.y"
        })))
        .expect(1)
        .mount(&server)
        .await;
    set(SECRET_KEY_VAR, Some("sk_test_from_env"));
    set(API_URL_VAR, Some(&server.uri()));
    let clerk = Clerk::from_env().expect("a client from the environment");
    let token = clerk
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_test"))
        .await
        .expect("the call reaches the server with the key");
    assert_eq!(token.jwt, "eyJ.x.y");
}
