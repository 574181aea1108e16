//! The exact request sent, client-side validation and response decoding.

// These tests exercise `machine_tokens().create`, which the API deprecated
// (replaced by M2M tokens); the crate keeps it, so its tests call it.
#![allow(deprecated)]

mod common;

use clerk_backend_api::models::{CreateMachineTokenRequestBody, MachineTokenObject};
use clerk_backend_api::{Error, ErrorBody, Nullable, Number, RetryConfig, Rule};
use common::{TOKEN, clerk_errors_body, client, token_body, user_agent};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Mounts a 200 token response on `POST /v1/machine_tokens`.
async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/machine_tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&server)
        .await;
    server
}

/// Sends `body` and returns the JSON body the server received.
async fn sent_body(body: CreateMachineTokenRequestBody) -> Value {
    let server = ok_server().await;
    client(&server)
        .machine_tokens()
        .create(body)
        .await
        .expect("call succeeds");
    let requests = server.received_requests().await.expect("recording enabled");
    assert_eq!(requests.len(), 1);
    serde_json::from_slice(&requests[0].body).expect("JSON body")
}

#[tokio::test]
async fn sends_the_exact_request() {
    let server = ok_server().await;
    let token = client(&server)
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_2abc"))
        .await
        .expect("call succeeds");
    assert_eq!(token.object, MachineTokenObject::Token);
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.sig");

    let requests = server.received_requests().await.expect("recording enabled");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v1/machine_tokens");
    assert_eq!(request.url.query(), None);
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(
        header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(header("content-type"), Some("application/json"));
    assert_eq!(header("accept"), Some("application/json"));
    assert_eq!(header("user-agent"), Some(user_agent().as_str()));
    let body: Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body, json!({ "machine_id": "mch_2abc" }));
}

#[tokio::test]
async fn sends_set_fields_and_omits_absent_ones() {
    let body =
        sent_body(CreateMachineTokenRequestBody::new("mch_2abc").expires_in_seconds(3600)).await;
    assert_eq!(
        body,
        json!({ "machine_id": "mch_2abc", "expires_in_seconds": 3600 })
    );
}

#[tokio::test]
async fn sends_nested_claims_unchanged() {
    let claims = json!({ "org": { "id": "org_1", "roles": ["admin", "billing"] }, "n": 1.5 });
    let body = sent_body(
        CreateMachineTokenRequestBody::new("mch_2abc")
            .claims(claims.clone())
            .allowed_clock_skew(0),
    )
    .await;
    assert_eq!(
        body,
        json!({ "machine_id": "mch_2abc", "claims": claims, "allowed_clock_skew": 0 })
    );
}

#[tokio::test]
async fn sends_explicit_nulls() {
    let body = sent_body(
        CreateMachineTokenRequestBody::new("mch_2abc")
            .claims(Nullable::Null)
            .expires_in_seconds(Nullable::from_option(None)),
    )
    .await;
    assert_eq!(
        body,
        json!({ "machine_id": "mch_2abc", "claims": null, "expires_in_seconds": null })
    );
}

#[test]
fn request_body_round_trips_absent_null_and_value() {
    let parsed: CreateMachineTokenRequestBody = serde_json::from_value(
        json!({ "machine_id": "mch_1", "claims": null, "expires_in_seconds": 60 }),
    )
    .expect("valid body");
    assert_eq!(parsed.claims, Some(Nullable::Null));
    assert_eq!(parsed.expires_in_seconds, Some(Nullable::Value(60)));
    assert_eq!(parsed.allowed_clock_skew, None);
    let back = serde_json::to_value(&parsed).expect("serialisable");
    assert_eq!(
        back,
        json!({ "machine_id": "mch_1", "claims": null, "expires_in_seconds": 60 })
    );
}

#[test]
fn models_decode_from_every_kind_of_input_and_reject_bad_objects() {
    use clerk_backend_api::models::MachineToken;
    // Borrowed keys (slice), escaped keys and values (copied), a reader (never
    // borrowed) and a `Value` decode alike; unknown keys are skipped.
    let text = r#"{"object":"tok\u0065n","j\u0077t":"a.b.c","extra":[1,{"x":2}]}"#;
    let from_slice: MachineToken = serde_json::from_slice(text.as_bytes()).expect("slice");
    let from_reader: MachineToken = serde_json::from_reader(text.as_bytes()).expect("reader");
    let value: Value = serde_json::from_str(text).expect("JSON");
    let from_value: MachineToken = serde_json::from_value(value).expect("value");
    assert_eq!(from_slice.jwt, "a.b.c");
    assert_eq!(from_slice.object, MachineTokenObject::Token);
    assert_eq!(from_slice, from_reader);
    assert_eq!(from_slice, from_value);
    // Unknown enum values are kept, whatever the input.
    let unknown: MachineTokenObject =
        serde_json::from_reader(&b"\"later\""[..]).expect("any string");
    assert_eq!(unknown.as_str(), "later");
    // A missing required field, a repeated key and a non-object are errors.
    let missing =
        serde_json::from_str::<MachineToken>(r#"{"object":"token"}"#).expect_err("jwt is required");
    assert!(
        missing.to_string().contains("missing field `jwt`"),
        "{missing}"
    );
    let twice = serde_json::from_str::<MachineToken>(r#"{"object":"token","jwt":"a","jwt":"b"}"#)
        .expect_err("jwt twice");
    assert!(
        twice.to_string().contains("duplicate field `jwt`"),
        "{twice}"
    );
    assert!(serde_json::from_str::<MachineToken>("[1, 2]").is_err());
    assert!(serde_json::from_str::<MachineToken>(r#"{"object":1,"jwt":"a"}"#).is_err());
}

#[test]
fn boundary_values_are_valid() {
    let body = CreateMachineTokenRequestBody::new("m".repeat(96))
        .expires_in_seconds(30)
        .allowed_clock_skew(300);
    assert_eq!(body.validate(), Ok(()));
    let body = CreateMachineTokenRequestBody::new("é".repeat(96)) // 192 bytes, 96 characters
        .expires_in_seconds(315_360_000)
        .allowed_clock_skew(0);
    assert_eq!(body.validate(), Ok(()));
}

/// Asserts that `body` is rejected with `rule` on `field`, without any request.
async fn assert_rejected(
    body: CreateMachineTokenRequestBody,
    field: &str,
    rule: Rule,
    value: &str,
) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .expect(0)
        .mount(&server)
        .await;
    let error = client(&server)
        .machine_tokens()
        .create(body)
        .await
        .expect_err("invalid body");
    let Error::Validation(validation) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(validation.path, field);
    assert_eq!(validation.rule, rule);
    assert_eq!(validation.value, value);
    // The details are the error's `source()`, shown once.
    let message = validation.to_string();
    assert!(message.contains(field), "{message}");
    assert!(message.contains(&rule.to_string()), "{message}");
    assert_eq!(error.to_string(), "invalid request");
    assert!(
        server
            .received_requests()
            .await
            .expect("recording enabled")
            .is_empty()
    );
}

#[tokio::test]
async fn rejects_too_long_machine_id() {
    let id = format!("mch_{}", "a".repeat(93));
    let shown = format!("{:?}...", &id[..64]);
    assert_rejected(
        CreateMachineTokenRequestBody::new(id),
        "machine_id",
        Rule::MaxLength(96),
        &shown,
    )
    .await;
    let error = CreateMachineTokenRequestBody::new("é".repeat(97))
        .validate()
        .expect_err("too long");
    assert_eq!(error.measured(), Some(97));
    assert!(
        error
            .to_string()
            .starts_with("machine_id: must be at most 96 characters long, got 97 (value: \"ééé"),
        "{error}"
    );
}

#[tokio::test]
async fn rejects_out_of_range_expires_in_seconds() {
    let min = Rule::Minimum {
        limit: Number::Int(30),
        exclusive: false,
    };
    let body = CreateMachineTokenRequestBody::new("mch_1").expires_in_seconds(29);
    assert_rejected(body, "expires_in_seconds", min, "29").await;
    let max = Rule::Maximum {
        limit: Number::Int(315_360_000),
        exclusive: false,
    };
    let body = CreateMachineTokenRequestBody::new("mch_1").expires_in_seconds(315_360_001);
    assert_rejected(body, "expires_in_seconds", max, "315360001").await;
    let error = CreateMachineTokenRequestBody::new("mch_1")
        .expires_in_seconds(10)
        .validate()
        .expect_err("too small");
    assert_eq!(
        error.to_string(),
        "expires_in_seconds: must be at least 30, got 10"
    );
}

#[tokio::test]
async fn rejects_out_of_range_allowed_clock_skew() {
    let min = Rule::Minimum {
        limit: Number::Int(0),
        exclusive: false,
    };
    let body = CreateMachineTokenRequestBody::new("mch_1").allowed_clock_skew(-1);
    assert_rejected(body, "allowed_clock_skew", min, "-1").await;
    let max = Rule::Maximum {
        limit: Number::Int(300),
        exclusive: false,
    };
    let body = CreateMachineTokenRequestBody::new("mch_1").allowed_clock_skew(301);
    assert_rejected(body, "allowed_clock_skew", max, "301").await;
}

/// Responds to the create call with `template` and returns the result.
async fn respond_with(
    template: ResponseTemplate,
) -> Result<clerk_backend_api::models::MachineToken, Error> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/machine_tokens"))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    // Retries are switched off: these tests are about decoding one answer.
    client(&server)
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_1"))
        .retries(RetryConfig::none())
        .await
}

#[tokio::test]
async fn decoding_ignores_unknown_fields_and_keeps_unknown_enum_values() {
    let body = json!({ "object": "machine_token_v2", "jwt": "abc", "expires_at": 1700000000 });
    let token = respond_with(ResponseTemplate::new(200).set_body_json(body))
        .await
        .expect("decodes");
    assert_eq!(
        token.object,
        MachineTokenObject::Unknown("machine_token_v2".to_owned())
    );
    assert_eq!(token.object.to_string(), "machine_token_v2");
    assert_eq!(token.jwt, "abc");
    assert_eq!(
        serde_json::to_value(&token.object).expect("serialisable"),
        json!("machine_token_v2")
    );
}

#[tokio::test]
async fn documented_error_statuses_decode_into_clerk_errors() {
    for status in [400, 401, 422] {
        let template = ResponseTemplate::new(status)
            .insert_header("x-request-id", "req_42")
            .set_body_json(clerk_errors_body());
        let error = respond_with(template).await.expect_err("error status");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            error
                .headers()
                .and_then(|h| h.get("x-request-id"))
                .map(|v| v.as_bytes()),
            Some(&b"req_42"[..])
        );
        let Error::Api(api) = &error else {
            panic!("expected Error::Api, got {error:?}")
        };
        let ErrorBody::ClerkErrors(body) = &api.body else {
            panic!("unexpected body {:?}", api.body)
        };
        assert_eq!(body.errors[0].code, "form_param_format_invalid");
        assert_eq!(body.clerk_trace_id.as_deref(), Some("trace_0123456789"));
        assert_eq!(error.api_body(), Some(&api.body));
        let message = error.to_string();
        assert!(message.contains(&status.to_string()), "{message}");
        assert!(message.contains("machine_id is invalid"), "{message}");
        assert!(message.contains("trace_0123456789"), "{message}");
        assert!(!error.is_retryable());
    }
}

#[tokio::test]
async fn undocumented_statuses_are_unexpected() {
    for status in [404, 500] {
        let template = ResponseTemplate::new(status).set_body_string("upstream says no");
        let error = respond_with(template).await.expect_err("error status");
        let Error::UnexpectedStatus(response) = &error else {
            panic!("expected UnexpectedStatus, got {error:?}")
        };
        assert_eq!(response.status.as_u16(), status);
        assert_eq!(&response.body[..], b"upstream says no");
        assert_eq!(error.raw_body(), Some(&b"upstream says no"[..]));
        assert!(error.to_string().contains("upstream says no"), "{error}");
        assert_eq!(error.is_retryable(), status == 500);
    }
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_with_the_raw_body() {
    let raw = r#"{"object": "token", "jwt": "#;
    let error = respond_with(ResponseTemplate::new(200).set_body_raw(raw, "application/json"))
        .await
        .expect_err("malformed");
    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}")
    };
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(&decode.body[..], raw.as_bytes());
    // The response holds a JWT, marked secret: the body is for code, not
    // for `Display` (tests/secrets.rs).
    let shown = format!("{} bytes, not shown", raw.len());
    assert!(error.to_string().contains(&shown), "{error}");

    // A documented error status whose body does not match its schema.
    let error = respond_with(ResponseTemplate::new(422).set_body_json(json!({ "oops": true })))
        .await
        .expect_err("mismatch");
    assert!(
        matches!(&error, Error::Decode(d) if d.status.as_u16() == 422),
        "{error:?}"
    );
    // Only the success response holds secrets: an error body is shown.
    assert!(error.to_string().contains("oops"), "{error}");
}

#[tokio::test]
async fn long_error_bodies_are_truncated_in_display() {
    let long = "x".repeat(10_000);
    let error = respond_with(ResponseTemplate::new(500).set_body_string(long))
        .await
        .expect_err("500");
    let message = error.to_string();
    assert!(message.len() < 2_300, "{} bytes", message.len());
    assert!(message.ends_with("(10000 bytes in total)"), "{message}");
}

#[test]
fn error_stays_small() {
    println!("size_of::<Error>() = {}", std::mem::size_of::<Error>());
    assert!(
        std::mem::size_of::<Error>() <= 32,
        "{}",
        std::mem::size_of::<Error>()
    );
}
