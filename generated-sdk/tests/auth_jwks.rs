//! `auth` (feature `auth`) with the instance's JWKS: the per-client cache,
//! one refetch for an unknown kid, one fetch for many waiters, a second
//! instance's keys; opaque `mt_…` tokens through the API.
#![cfg(feature = "auth")]

mod auth_support;

use auth_support::*;
use clerk_backend_api::Clerk;
use clerk_backend_api::auth::{AuthError, Authenticated, TokenKind, VerifyOptions};
use clerk_backend_api::reqwest::header::HeaderMap;
use jsonwebtoken::Algorithm;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_jwks_is_fetched_once_and_cached_by_the_client_and_its_clones() {
    let server = JwksServer::start(vec![jwk(private_a(), KID_A)]).await;
    let clerk = server.client();
    let token = token_a(&session_claims());
    let options = VerifyOptions::new();
    for client in [clerk.clone(), clerk.clone(), clerk] {
        let claims = client
            .verify_token(&token, &options)
            .await
            .expect("verifies");
        assert_eq!(claims.sub, "user_2abc");
    }
    assert_eq!(server.requests(), 1);
    // Another client of the same instance has a cache of its own.
    server
        .client()
        .verify_token(&token, &options)
        .await
        .expect("verifies");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_token_signed_by_another_instance_never_passes_on_a_cached_kid() {
    // Both instances name their key alike.
    let instance_a = JwksServer::start(vec![jwk(private_a(), KID_A)]).await;
    let instance_b = JwksServer::start(vec![jwk(private_b(), KID_A)]).await;
    let (clerk_a, clerk_b) = (instance_a.client(), instance_b.client());
    let token_of_a = token_a(&session_claims());
    let token_of_b = sign(
        &session_claims(),
        private_b(),
        Algorithm::RS256,
        Some(KID_A),
    );
    let options = VerifyOptions::new();
    assert!(clerk_a.verify_token(&token_of_a, &options).await.is_ok());
    assert!(clerk_b.verify_token(&token_of_b, &options).await.is_ok());
    // Each client's cache now holds its instance's key under the same kid.
    assert_eq!(
        clerk_a.verify_token(&token_of_b, &options).await,
        Err(AuthError::BadSignature)
    );
    assert_eq!(
        clerk_b.verify_token(&token_of_a, &options).await,
        Err(AuthError::BadSignature)
    );
    assert_eq!((instance_a.requests(), instance_b.requests()), (1, 1));
}

#[tokio::test]
async fn an_unknown_kid_is_fetched_again_exactly_once() {
    let server = JwksServer::start(vec![jwk(private_a(), KID_A)]).await;
    let clerk = server.client();
    let options = VerifyOptions::new();
    clerk
        .verify_token(&token_a(&session_claims()), &options)
        .await
        .expect("verifies");
    assert_eq!(server.requests(), 1);
    // A kid the instance does not have: one refetch, then refused.
    let stranger = sign(
        &session_claims(),
        private_b(),
        Algorithm::RS256,
        Some("ins_key_x"),
    );
    assert_eq!(
        clerk.verify_token(&stranger, &options).await,
        Err(AuthError::UnknownKey(Some("ins_key_x".into())))
    );
    assert_eq!(server.requests(), 2);
    // The instance rotates in a new key: the refetch finds it.
    server.serve(vec![jwk(private_a(), KID_A), jwk(private_b(), "ins_key_b")]);
    let rotated = sign(
        &session_claims(),
        private_b(),
        Algorithm::RS256,
        Some("ins_key_b"),
    );
    assert!(clerk.verify_token(&rotated, &options).await.is_ok());
    assert_eq!(server.requests(), 3);
    // Known kids do not fetch.
    assert!(clerk.verify_token(&rotated, &options).await.is_ok());
    assert!(
        clerk
            .verify_token(&token_a(&session_claims()), &options)
            .await
            .is_ok()
    );
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_token_without_a_kid_is_refused_without_a_fetch() {
    let server = JwksServer::start(vec![jwk(private_a(), KID_A)]).await;
    let token = sign(&session_claims(), private_a(), Algorithm::RS256, None);
    assert_eq!(
        server
            .client()
            .verify_token(&token, &VerifyOptions::new())
            .await,
        Err(AuthError::UnknownKey(None))
    );
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_jwk_for_another_algorithm_does_not_verify() {
    let mut key = jwk(private_a(), KID_A);
    key["alg"] = json!("RS256");
    let server = JwksServer::start(vec![key]).await;
    let token = sign(
        &session_claims(),
        private_a(),
        Algorithm::RS512,
        Some(KID_A),
    );
    assert_eq!(
        server
            .client()
            .verify_token(&token, &VerifyOptions::new())
            .await,
        Err(AuthError::BadSignature)
    );
}

#[tokio::test]
async fn a_hundred_verifications_on_an_empty_cache_share_one_fetch() {
    let server = JwksServer::start(vec![jwk(private_a(), KID_A)]).await;
    let clerk = server.client();
    let token = token_a(&session_claims());
    // Hold the JWKS answer until every verification has found the cache
    // empty and is waiting (on this single-threaded runtime, a task that
    // was polled once is parked inside `verify_token`).
    server.close();
    let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (clerk, token, started) = (clerk.clone(), token.clone(), started.clone());
            tokio::spawn(async move {
                started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                clerk.verify_token(&token, &VerifyOptions::new()).await
            })
        })
        .collect();
    server.arrival().await;
    while started.load(std::sync::atomic::Ordering::SeqCst) < 100 {
        tokio::task::yield_now().await;
    }
    tokio::task::yield_now().await;
    server.open();
    for task in tasks {
        let claims = task.await.expect("the task ends").expect("verifies");
        assert_eq!(claims.sub, "user_2abc");
    }
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_failed_fetch_is_an_api_error_with_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/jwks"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let clerk = Clerk::builder()
        .bearer_auth("sk_test_wrong")
        .server_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    assert_eq!(
        clerk
            .verify_token(&token_a(&session_claims()), &VerifyOptions::new())
            .await,
        Err(AuthError::Api { status: Some(401) })
    );
}

/// An M2M token as `POST /m2m_tokens/verify` answers.
fn verified(subject: &str, revoked: bool, expired: bool) -> serde_json::Value {
    json!({
        "object": "machine_to_machine_token",
        "id": "mt_2xyz",
        "subject": subject,
        "claims": { "tier": "gold" },
        "scopes": ["mch_2abc"],
        "revoked": revoked,
        "revocation_reason": null,
        "expired": expired,
        "expiration": 1_716_886_800_000_u64,
        "last_used_at": null,
        "created_at": 1_716_883_200_000_u64,
        "updated_at": 1_716_883_200_000_u64
    })
}

/// A client and a server answering the verification of `mt_secret` with
/// `status` and `body`.
async fn m2m_server(status: u16, body: serde_json::Value) -> (MockServer, Clerk) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/m2m_tokens/verify"))
        .and(header("authorization", "Bearer sk_test_auth"))
        .and(body_json(json!({ "token": "mt_secret" })))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let clerk = Clerk::builder()
        .bearer_auth("sk_test_auth")
        .server_url(format!("{}/v1", server.uri()))
        .build()
        .unwrap();
    (server, clerk)
}

fn bearer(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    headers
}

#[tokio::test]
async fn an_opaque_machine_token_is_verified_by_the_api() {
    let (_server, clerk) = m2m_server(200, verified("mch_2xyz", false, false)).await;
    let Ok(Authenticated::Machine(machine)) = clerk
        .authenticate_request(&bearer("mt_secret"), &VerifyOptions::new())
        .await
    else {
        panic!("a machine");
    };
    assert_eq!(machine.id.as_deref(), Some("mt_2xyz"));
    assert_eq!(machine.subject, "mch_2xyz");
    assert_eq!(machine.scopes, ["mch_2abc"]);
    assert_eq!(machine.claims.get("tier"), Some(&json!("gold")));
    assert_eq!(machine.exp, Some(1_716_886_800));
}

#[tokio::test]
async fn a_revoked_expired_or_unknown_machine_token_is_refused() {
    let cases = [
        (200, verified("mch_2xyz", true, false), AuthError::Revoked),
        (
            200,
            verified("mch_2xyz", false, true),
            AuthError::Expired(1_716_886_800),
        ),
        (
            404,
            json!({ "errors": [{ "message": "not found", "code": "resource_not_found" }] }),
            AuthError::Api { status: Some(404) },
        ),
        // A verified token whose subject is not a machine is not a machine.
        (
            200,
            verified("user_2abc", false, false),
            AuthError::WrongTokenKind {
                expected: TokenKind::Machine,
                found: TokenKind::Session,
            },
        ),
    ];
    for (status, body, expected) in cases {
        let (_server, clerk) = m2m_server(status, body).await;
        let result = clerk
            .authenticate_request(&bearer("mt_secret"), &VerifyOptions::new())
            .await;
        assert_eq!(result, Err(expected.clone()));
        assert!(!expected.to_string().contains("mt_secret"));
    }
}
