//! Secrets stay out of logs: every field the spec marks secret (M2M tokens,
//! machine-token JWTs) shows as `***` in `Debug`, a pending request hides
//! the token it carries, and the errors of a response that can hold one
//! keep its raw body for code but never print it.

mod common;

use clerk_backend_api::Error;
use clerk_backend_api::models::{
    CreateM2mTokenRequestBody, MachineToken, MachineTokenObject, VerifyM2mTokenRequestBody,
};
use common::{TOKEN, client};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIVE: &str = "mt_live_5ecret_t0ken_value";

/// Every way a value reaches a log: `Debug`, pretty `Debug`, `Display`.
fn printed(value: &(impl std::fmt::Debug + ?Sized)) -> String {
    format!("{value:?}\n{value:#?}")
}

fn assert_hidden(text: &str) {
    assert!(!text.contains(LIVE), "a secret leaked: {text}");
    assert!(!text.contains(TOKEN), "the secret key leaked: {text}");
}

/// A created M2M token, as the API returns it, carrying `LIVE`.
fn created_token() -> serde_json::Value {
    json!({
        "object": "machine_to_machine_token",
        "id": "mt_0123456789abcdef0123456789abcdef",
        "subject": "mch_2vYVtestTESTtestTESTtestTES",
        "token": LIVE,
        "revoked": false,
        "expired": false,
        "created_at": 1_716_883_200_000_u64,
        "updated_at": 1_716_883_200_000_u64
    })
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn decoded_tokens_show_as_stars() {
    let server = answering(ResponseTemplate::new(201).set_body_json(created_token())).await;
    let token = client(&server)
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .await
        .expect("decodes");
    // The value is there for code, and nowhere in what is printed.
    assert_eq!(token.token, LIVE);
    let shown = printed(&token);
    assert_hidden(&shown);
    assert!(shown.contains("token: \"***\""), "{shown}");
    assert!(
        shown.contains("mt_0123456789abcdef0123456789abcdef"),
        "{shown}"
    );

    let machine = MachineToken::new(MachineTokenObject::Token, LIVE);
    assert_hidden(&printed(&machine));
    assert_eq!(machine.jwt, LIVE);
}

#[test]
fn a_pending_request_hides_the_token_it_carries() {
    let clerk = clerk_backend_api::Clerk::builder()
        .bearer_auth(TOKEN)
        .build()
        .expect("valid");
    let pending = clerk
        .m2m()
        .verify_token(VerifyM2mTokenRequestBody::new(LIVE));
    assert_hidden(&printed(&pending));
    assert_hidden(&printed(&VerifyM2mTokenRequestBody::new(LIVE)));
    assert_hidden(&printed(&clerk));
}

#[tokio::test]
async fn a_success_body_that_does_not_decode_is_not_printed() {
    // `revoked` is a string: the body holds a token but does not match.
    let mut body = created_token();
    body["revoked"] = json!("no");
    let server = answering(ResponseTemplate::new(201).set_body_json(&body)).await;
    let error = client(&server)
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .await
        .expect_err("does not decode");
    let Error::Decode(decode) = &error else {
        panic!("{error:?}");
    };
    // Code still has the raw body for diagnosis.
    let raw = String::from_utf8_lossy(&decode.body);
    assert!(raw.contains(LIVE));
    let shown = format!("{}\n{error}\n{}", printed(&error), error_chain(&error));
    assert_hidden(&shown);
    let length = decode.body.len();
    assert!(
        error.to_string().ends_with(&format!(
            "{length} bytes, not shown: the response may hold secrets"
        )),
        "{error}"
    );
    // The serde error, which says what did not match, is still there.
    assert!(
        shown.contains("invalid type: string \"no\", expected a boolean"),
        "{shown}"
    );
}

/// A response without secrets is still shown in full: hiding is for the
/// operations whose responses can hold one.
#[tokio::test]
async fn other_responses_are_shown_as_before() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"valid\": \"maybe\"}"))
        .mount(&server)
        .await;
    let error = client(&server)
        .m2m()
        .verify_token(VerifyM2mTokenRequestBody::new(LIVE))
        .await
        .expect_err("does not decode");
    assert!(
        error.to_string().contains("{\"valid\": \"maybe\"}"),
        "{error}"
    );
}

fn error_chain(error: &Error) -> String {
    let mut text = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push_str(&format!("{inner}\n{inner:?}\n"));
        source = inner.source();
    }
    text
}
