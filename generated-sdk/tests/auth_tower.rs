//! The tower layer (feature `tower`): authenticated requests reach the
//! service with their `Authenticated`; the rest are answered 401.
#![cfg(feature = "tower")]

mod auth_support;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use auth_support::*;
use clerk_backend_api::Clerk;
use clerk_backend_api::auth::{AuthError, Authenticated, ClerkAuthLayer, VerifyOptions};
use http::{Request, Response, StatusCode};
use tower::{Layer, ServiceExt, service_fn};

/// The layer around a service that answers with the user's id, counting calls.
fn app(
    calls: Arc<AtomicUsize>,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    let clerk = Clerk::builder()
        // Never called: the options hold the PEM key.
        .server_url("http://127.0.0.1:9")
        .bearer_auth("sk_test_auth")
        .build()
        .unwrap();
    let options = VerifyOptions::new().jwt_key(public_a());
    ClerkAuthLayer::new(clerk, options).layer(service_fn(move |request: Request<String>| {
        calls.fetch_add(1, Ordering::SeqCst);
        let who = match request.extensions().get::<Authenticated>() {
            Some(Authenticated::Session(claims)) => claims.sub.clone(),
            Some(Authenticated::Machine(token)) => token.subject.clone(),
            _ => "nobody".to_owned(),
        };
        async move { Ok::<_, Infallible>(Response::new(who)) }
    }))
}

fn request(authorization: Option<String>) -> Request<String> {
    let mut builder = Request::builder().uri("/me");
    if let Some(value) = authorization {
        builder = builder.header("authorization", value);
    }
    builder.body(String::new()).unwrap()
}

#[tokio::test]
async fn an_authenticated_request_reaches_the_service_with_its_claims() {
    let calls = Arc::new(AtomicUsize::new(0));
    let token = token_a(&session_claims());
    let response = app(calls.clone())
        .oneshot(request(Some(format!("Bearer {token}"))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "user_2abc");
    let machine = token_a(&machine_claims());
    let response = app(calls.clone())
        .oneshot(request(Some(format!("Bearer {machine}"))))
        .await
        .unwrap();
    assert_eq!(response.body(), "mch_2xyz");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn any_other_request_is_answered_401_without_reaching_the_service() {
    let calls = Arc::new(AtomicUsize::new(0));
    let forged = sign(
        &session_claims(),
        private_b(),
        jsonwebtoken::Algorithm::RS256,
        None,
    );
    for (authorization, error) in [
        (None, AuthError::MissingToken),
        (Some(format!("Bearer {forged}")), AuthError::BadSignature),
    ] {
        let response = app(calls.clone())
            .oneshot(request(authorization))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(response.body(), "");
        assert_eq!(response.extensions().get::<AuthError>(), Some(&error));
    }
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
