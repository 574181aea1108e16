//! A call owns its share of the client: it can be stored without a
//! lifetime, spawned, and sent after the client value it came from is gone.

mod common;

use clerk_backend_api::apis::m2m::VerifyM2mToken;
use clerk_backend_api::models::VerifyM2mTokenRequestBody;
use clerk_backend_api::{Clerk, Request};
use common::client;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A pending call kept in a struct with no lifetime parameter.
struct Pending {
    request: Request<VerifyM2mToken>,
}

fn pending(clerk: &Clerk, token: &str) -> Pending {
    Pending {
        request: clerk
            .m2m()
            .verify_token(VerifyM2mTokenRequestBody::new(token)),
    }
}

async fn verifying_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens/verify"))
        .and(body_json(json!({ "token": "mt_owned" })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "machine_to_machine_token",
            "id": "mt_0123456789abcdef0123456789abcdef",
            "subject": "mch_2vYVtestTESTtestTESTtestTES",
            "revoked": false,
            "expired": false,
            "created_at": 1_716_883_200_000_u64,
            "updated_at": 1_716_883_200_000_u64
        })))
        .expect(3)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_sent_call_is_spawned_after_its_client_is_dropped() {
    let server = verifying_server().await;
    let clerk = client(&server);
    let future = clerk
        .m2m()
        .verify_token(VerifyM2mTokenRequestBody::new("mt_owned"))
        .send();
    let group = clerk.m2m();
    let stored = pending(&clerk, "mt_owned");
    drop(clerk);
    let verified = tokio::spawn(future)
        .await
        .expect("the task ends")
        .expect("verified");
    assert_eq!(verified.subject, "mch_2vYVtestTESTtestTESTtestTES");
    // A group handle and a stored request outlive the client value too.
    let again = tokio::spawn(
        group
            .verify_token(VerifyM2mTokenRequestBody::new("mt_owned"))
            .send(),
    );
    assert!(again.await.expect("the task ends").is_ok());
    assert!(stored.request.await.is_ok());
}

/// Compile-time check: requests and their futures are `Send + 'static`.
const _: fn() = || {
    fn owned<T: Send + 'static>(_: &T) {}
    let clerk = Clerk::builder().bearer_auth("sk").build().expect("valid");
    let request = clerk
        .m2m()
        .verify_token(VerifyM2mTokenRequestBody::new("t"));
    owned(&request);
    owned(&request.send());
    owned(&clerk.m2m());
};
