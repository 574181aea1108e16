//! The blocking client (feature `blocking`).

// These tests exercise `machine_tokens().create`, which the API deprecated
// (replaced by M2M tokens); the crate keeps it, so its tests call it.
#![allow(deprecated)]
#![cfg(feature = "blocking")]

mod common;

use std::time::Duration;

use clerk_backend_api::blocking::Clerk;
use clerk_backend_api::models::CreateMachineTokenRequestBody;
use clerk_backend_api::{Error, ErrorBody};
use common::{TOKEN, clerk_errors_body, fast_retries, token_body, user_agent};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Starts a mock server on a background runtime (the blocking client must
/// run outside any async runtime).
fn start(mocks: Vec<Mock>) -> (tokio::runtime::Runtime, MockServer) {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        for mock in mocks {
            server.register(mock).await;
        }
        server
    });
    (runtime, server)
}

fn client(server: &MockServer) -> Clerk {
    Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid configuration")
}

#[test]
fn blocking_create_sends_the_request_and_decodes() {
    let (runtime, server) = start(vec![
        Mock::given(method("POST"))
            .and(path("/v1/machine_tokens"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body())),
    ]);
    let token = client(&server)
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_2abc").expires_in_seconds(3600))
        .timeout(Duration::from_secs(10))
        .send()
        .expect("call succeeds");
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.sig");

    let requests = runtime
        .block_on(server.received_requests())
        .expect("recording enabled");
    assert_eq!(requests.len(), 1);
    let header = |name: &str| requests[0].headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(header("user-agent"), Some(user_agent().as_str()));
    let body: Value = serde_json::from_slice(&requests[0].body).expect("JSON body");
    assert_eq!(
        body,
        json!({ "machine_id": "mch_2abc", "expires_in_seconds": 3600 })
    );
}

#[test]
fn blocking_errors_and_retries() {
    let (_runtime, server) = start(vec![
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1),
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(422).set_body_json(clerk_errors_body()))
            .with_priority(2),
    ]);
    let clerk = client(&server);
    let error = clerk
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_1"))
        .retries(fast_retries(Duration::from_secs(5)))
        .send()
        .expect_err("422 after a retried 503");
    assert!(
        matches!(error.api_body(), Some(ErrorBody::ClerkErrors(_))),
        "{error:?}"
    );
    assert!(!format!("{clerk:?}").contains(TOKEN));

    let invalid = clerk
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("m".repeat(97)))
        .send();
    assert!(matches!(invalid, Err(Error::Validation(_))));
}

#[test]
fn one_blocking_client_serves_several_threads() {
    let (_runtime, server) = start(vec![
        Mock::given(method("POST"))
            .and(path("/v1/machine_tokens"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
            .expect(12),
    ]);
    let clerk = client(&server);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let clerk = clerk.clone();
                scope.spawn(move || {
                    for call in 0..3 {
                        let id = format!("mch_{worker}_{call}");
                        clerk
                            .machine_tokens()
                            .create(CreateMachineTokenRequestBody::new(id))
                            .send()
                            .expect("each call succeeds");
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().expect("no worker panicked");
        }
    });
}

/// The documented way to call blocking code from async code: the call runs
/// on the client's own runtime thread, and the `spawn_blocking` thread only
/// waits for it.
#[test]
fn send_works_on_spawn_blocking_threads() {
    let (runtime, server) = start(vec![
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
            .expect(2),
    ]);
    let clerk = client(&server);
    let worker = clerk.clone();
    let call = move || {
        worker
            .machine_tokens()
            .create(CreateMachineTokenRequestBody::new("mch_1"))
            .send()
    };
    let token = runtime
        .block_on(async { tokio::task::spawn_blocking(call).await })
        .expect("the blocking task ends")
        .expect("the call succeeds");
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.sig");
    // A plain thread, after the client it came from is dropped: the request
    // holds the runtime thread alive.
    let request = clerk
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_2"));
    drop(clerk);
    let token = std::thread::spawn(move || request.send())
        .join()
        .expect("no panic")
        .expect("the call succeeds");
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.sig");
}

#[test]
fn dropping_a_blocking_client_inside_an_async_runtime_does_not_panic() {
    let (runtime, server) = start(Vec::new());
    let clerk = client(&server);
    runtime.block_on(async move { drop(clerk) });
}
