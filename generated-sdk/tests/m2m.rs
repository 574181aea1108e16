//! M2M tokens (`Clerk::m2m()`): the exact request each operation sends,
//! what it decodes, the checks made before sending, and the documented
//! errors, like the machine tokens' own tests.

mod common;

use clerk_backend_api::models::{
    CreateM2mTokenRequestBody, CreateM2mTokenTokenFormat, RevokeM2mTokenRequestBody,
    VerifyM2mTokenRequestBody,
};
use clerk_backend_api::{Error, ErrorBody, Nullable};
use common::{TOKEN, client};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN_ID: &str = "mt_0123456789abcdef0123456789abcdef";
const MACHINE: &str = "mch_2vYVtestTESTtestTESTtestTES";

/// An M2M token as the API returns it.
fn m2m_token(revoked: bool) -> Value {
    json!({
        "object": "machine_to_machine_token",
        "id": TOKEN_ID,
        "subject": MACHINE,
        "claims": { "tier": "gold" },
        "scopes": [MACHINE],
        "token": "mt_secret_value",
        "revoked": revoked,
        "revocation_reason": if revoked { json!("rotated") } else { Value::Null },
        "expired": false,
        "expiration": 1_716_886_800_000_u64,
        "last_used_at": null,
        "created_at": 1_716_883_200_000_u64,
        "updated_at": 1_716_883_200_000_u64
    })
}

/// An M2M error body.
fn errors(code: &str) -> Value {
    json!({ "errors": [{ "message": "conflict", "long_message": "a token already exists", "code": code }] })
}

#[tokio::test]
async fn create_token_posts_its_body_and_decodes_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(json!({
            "token_format": "opaque",
            "seconds_until_expiration": 3600.0,
            "claims": { "tier": "gold" },
            "min_remaining_ttl_seconds": 240
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(m2m_token(false)))
        .expect(1)
        .mount(&server)
        .await;
    let body = CreateM2mTokenRequestBody::new()
        .token_format(CreateM2mTokenTokenFormat::Opaque)
        .seconds_until_expiration(3600.0)
        .claims(json!({ "tier": "gold" }))
        .min_remaining_ttl_seconds(240);
    let token = client(&server)
        .m2m()
        .create_token(body)
        .await
        .expect("201 decodes");
    assert_eq!(token.id, TOKEN_ID);
    assert_eq!(token.subject, MACHINE);
    assert_eq!(token.token, "mt_secret_value");
    assert_eq!(
        token.claims,
        Some(Nullable::Value(json!({ "tier": "gold" })))
    );
    assert_eq!(token.expiration, Some(1_716_886_800_000));
    assert!(!token.revoked && !token.expired);
}

#[tokio::test]
async fn list_tokens_sends_the_subject_and_filters_as_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/m2m_tokens"))
        .and(query_param("subject", MACHINE))
        .and(query_param("revoked", "true"))
        .and(query_param("limit", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "m2m_tokens": [m2m_token(true)],
            "total_count": 1
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .revoked(true)
        .limit(10)
        .await
        .expect("200 decodes");
    assert_eq!(page.total_count, 1);
    assert_eq!(page.m2m_tokens.len(), 1);
    assert_eq!(
        page.m2m_tokens[0].revocation_reason.as_deref(),
        Some("rotated")
    );
}

#[tokio::test]
async fn revoke_token_puts_the_id_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/m2m_tokens/{TOKEN_ID}/revoke").as_str()))
        .and(body_json(json!({ "revocation_reason": "rotated" })))
        .respond_with(ResponseTemplate::new(200).set_body_json(m2m_token(true)))
        .expect(1)
        .mount(&server)
        .await;
    let body = RevokeM2mTokenRequestBody::new().revocation_reason("rotated".to_owned());
    let token = client(&server)
        .m2m()
        .revoke_token(TOKEN_ID, body)
        .await
        .expect("200 decodes");
    assert!(token.revoked);
}

#[tokio::test]
async fn verify_token_posts_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens/verify"))
        .and(body_json(json!({ "token": "mt_secret_value" })))
        .respond_with(ResponseTemplate::new(200).set_body_json(m2m_token(false)))
        .expect(1)
        .mount(&server)
        .await;
    let token = client(&server)
        .m2m()
        .verify_token(VerifyM2mTokenRequestBody::new("mt_secret_value"))
        .await
        .expect("200 decodes");
    assert_eq!(token.subject, MACHINE);
}

#[tokio::test]
async fn broken_constraints_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let clerk = client(&server);
    // `seconds_until_expiration` must be greater than 0 (exclusive).
    let zero = CreateM2mTokenRequestBody::new().seconds_until_expiration(0.0);
    let Err(Error::Validation(error)) = clerk.m2m().create_token(zero).await else {
        panic!("a zero lifetime is refused before sending");
    };
    assert!(
        error.to_string().contains("seconds_until_expiration"),
        "{error}"
    );
    // `min_remaining_ttl_seconds` must be at least 0.
    let negative = CreateM2mTokenRequestBody::new().min_remaining_ttl_seconds(-1);
    let Err(Error::Validation(error)) = clerk.m2m().create_token(negative).await else {
        panic!("a negative remaining TTL is refused before sending");
    };
    assert!(
        error.to_string().contains("min_remaining_ttl_seconds"),
        "{error}"
    );
}

#[tokio::test]
async fn documented_errors_decode_into_their_schemas() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens"))
        .respond_with(ResponseTemplate::new(409).set_body_json(errors("duplicate_record")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/m2m_tokens/{TOKEN_ID}/revoke").as_str()))
        .respond_with(ResponseTemplate::new(404).set_body_json(errors("resource_not_found")))
        .mount(&server)
        .await;
    let clerk = client(&server);

    let error = clerk
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .await
        .expect_err("409 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    let body = error
        .api_body()
        .and_then(ErrorBody::as_m2m_response_body)
        .expect("409 decodes into its schema");
    assert_eq!(body.errors[0].code, "duplicate_record");

    let error = clerk
        .m2m()
        .revoke_token(TOKEN_ID, RevokeM2mTokenRequestBody::new())
        .await
        .expect_err("404 is an error");
    // The M2M operations repeat their error shapes inline: one type per
    // shape decodes them all, named by the group and the words their names
    // share (the not-found errors have the shape of create's 409).
    let body = error
        .api_body()
        .and_then(ErrorBody::as_m2m_response_body)
        .expect("404 decodes into its schema");
    assert_eq!(body.errors[0].message, "conflict");
}

/// The checks of the API description can be skipped, per call or for the
/// client, when the API accepts what this version of it refuses; a path
/// parameter still cannot leave its segment.
#[tokio::test]
async fn client_side_checks_can_be_skipped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens/legacy-id/revoke"))
        .respond_with(ResponseTemplate::new(200).set_body_json(m2m_token(true)))
        .expect(2)
        .mount(&server)
        .await;
    let clerk = client(&server);
    let revoke = |clerk: &clerk_backend_api::Clerk, id: &str| {
        clerk
            .m2m()
            .revoke_token(id, RevokeM2mTokenRequestBody::new())
    };
    // On by default: the id breaks the spec's pattern, nothing is sent.
    let error = revoke(&clerk, "legacy-id").await.expect_err("refused");
    assert!(matches!(error, Error::Validation(_)), "{error:?}");
    // Per call.
    revoke(&clerk, "legacy-id")
        .skip_validation()
        .await
        .expect("sent as is");
    // For the client.
    let lenient = common::builder(&server)
        .skip_validation()
        .build()
        .expect("valid");
    revoke(&lenient, "legacy-id").await.expect("sent as is");
    for id in ["..", "."] {
        let error = revoke(&lenient, id).await.expect_err("still refused");
        let Error::Validation(error) = error else {
            panic!("{id}: {error:?}");
        };
        assert_eq!(error.rule, clerk_backend_api::Rule::PathSegment);
    }
    // The model's own check stays callable.
    assert!(RevokeM2mTokenRequestBody::new().validate().is_ok());
}

/// The first string literal passed to `.{method}(` at each call in `text`.
fn literal_arguments(text: &str, method: &str) -> Vec<String> {
    let call = format!(".{method}(\"");
    text.match_indices(&call)
        .filter_map(|(at, _)| {
            let rest = &text[at + call.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// The docs' examples pass the checks the crate runs before sending: a
/// spec example that breaks the pattern is replaced by one built from it.
#[tokio::test]
async fn the_documented_examples_pass_the_crates_own_checks() {
    let docs = [
        include_str!("../README.md"),
        include_str!("../docs/sdks/m2m/README.md"),
    ]
    .concat();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "m2m_tokens": [], "total_count": 0
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(m2m_token(true)))
        .mount(&server)
        .await;
    let subjects = literal_arguments(&docs, "list_tokens");
    let token_ids = literal_arguments(&docs, "revoke_token");
    assert!(!subjects.is_empty() && !token_ids.is_empty());
    let clerk = client(&server);
    for subject in subjects {
        let result = clerk.m2m().list_tokens(subject.as_str()).await;
        assert!(
            !matches!(result, Err(Error::Validation(_))),
            "{subject}: {result:?}"
        );
    }
    for id in token_ids {
        let result = clerk
            .m2m()
            .revoke_token(id.as_str(), RevokeM2mTokenRequestBody::new())
            .await;
        assert!(
            !matches!(result, Err(Error::Validation(_))),
            "{id}: {result:?}"
        );
    }
}
