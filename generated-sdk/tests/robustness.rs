//! Real-use guarantees: no panic from server data or arguments, error chains
//! that print each message once, retry and timeout bounds, authentication
//! and identity.

// These tests exercise `machine_tokens().create`, which the API deprecated
// (replaced by M2M tokens); the crate keeps it, so its tests call it.
#![allow(deprecated)]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_backend_api::models::CreateMachineTokenRequestBody;
use clerk_backend_api::{
    Backoff, Clerk, Error, ErrorBody, Hook, HookContext, Response, RetryConfig, StatusMatch,
};
use common::{TOKEN, builder, clerk_errors_body, client, fast_retries, token_body, user_agent};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn body() -> CreateMachineTokenRequestBody {
    CreateMachineTokenRequestBody::new("mch_robust").expires_in_seconds(3600)
}

/// Answers 503 with `Retry-After: retry_after` after `delay`, every time.
async fn unavailable(retry_after: &str, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", retry_after)
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("recording enabled")
        .len()
}

/// The spec's own policy (5XX retried, 1 h budget): a `Retry-After` past
/// what any `Instant` can hold, sent after the call has run for over a
/// second, ends the call with that response at once.
#[tokio::test]
async fn a_retry_after_of_u64_max_seconds_returns_the_response_at_once() {
    for retry_after in ["18446744073709551615", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = unavailable(retry_after, Duration::from_millis(1100)).await;
        let start = Instant::now();
        let error = client(&server)
            .machine_tokens()
            .create(body())
            .await
            .expect_err("503");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
        assert_eq!(request_count(&server).await, 1, "{retry_after}");
        assert!(start.elapsed() < Duration::from_secs(5), "{retry_after}");
    }
}

#[tokio::test]
async fn the_largest_timeouts_are_no_limit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&server)
        .await;
    let clerk = builder(&server)
        .timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .build()
        .expect("valid");
    clerk
        .machine_tokens()
        .create(body())
        .await
        .expect("client-wide limits");
    clerk
        .machine_tokens()
        .create(body())
        .timeout(Duration::MAX)
        .total_timeout(Duration::MAX)
        .await
        .expect("per-call limits");
}

#[tokio::test]
async fn total_timeout_bounds_the_retries() {
    // Always 503, answered at once. Waits of 300..400 ms, then 450..600 ms:
    // the second wait would end past the 600 ms total, so the call ends
    // with the last 503 there (a timeout error would mean it slept into
    // the deadline), long before the 10 s retry budget. A call that slept
    // the second wait out would end after 750 ms at the earliest; the
    // bound leaves a loaded machine room on both sides.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let policy = RetryConfig::backoff(
        Backoff::new()
            .initial_interval(Duration::from_millis(400))
            .max_elapsed_time(Duration::from_secs(10)),
    );
    let start = Instant::now();
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .retries(policy)
        .total_timeout(Duration::from_millis(600))
        .await
        .expect_err("503");
    let elapsed = start.elapsed();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(request_count(&server).await, 2);
    assert!(elapsed < Duration::from_millis(700), "{elapsed:?}");
}

#[tokio::test]
async fn total_timeout_ends_a_slow_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body())
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let start = Instant::now();
    let error = builder(&server)
        .total_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("valid")
        .machine_tokens()
        .create(body())
        .await
        .expect_err("too slow");
    assert!(
        matches!(error, Error::Timeout(limit) if limit == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

/// Every message of the chain `error`, `source()`, ... appears once: no
/// level repeats the text of the level below it.
fn assert_each_message_once(error: &(dyn std::error::Error + 'static)) {
    let mut levels = vec![error.to_string()];
    let mut next = error.source();
    while let Some(cause) = next {
        levels.push(cause.to_string());
        next = cause.source();
    }
    assert!(levels.len() >= 2, "no source: {levels:?}");
    for pair in levels.windows(2) {
        assert!(!pair[1].is_empty(), "{levels:?}");
        assert!(!pair[0].contains(&pair[1]), "repeated: {levels:?}");
    }
}

#[tokio::test]
async fn error_chains_print_each_message_once() {
    // Validation.
    let server = MockServer::start().await;
    let invalid = client(&server)
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("x".repeat(97)))
        .await
        .expect_err("too long");
    assert!(matches!(invalid, Error::Validation(_)));
    assert_each_message_once(&invalid);

    // Decode.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"jwt\": 5}"))
        .mount(&server)
        .await;
    let decode = client(&server)
        .machine_tokens()
        .create(body())
        .await
        .expect_err("bad body");
    assert!(matches!(decode, Error::Decode(_)));
    assert_each_message_once(&decode);

    // Hook.
    struct Deny;
    impl Hook for Deny {
        fn before_request(&self, _: &HookContext, _: &mut reqwest::Request) -> Result<(), Error> {
            Err(Error::hook("denied by policy"))
        }
    }
    let hook = builder(&server).hook(Deny).build().expect("valid");
    let denied = hook
        .machine_tokens()
        .create(body())
        .await
        .expect_err("denied");
    assert_each_message_once(&denied);

    // Transport: nothing listens on the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let refused = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("http://127.0.0.1:{port}"))
        .retry_config(RetryConfig::none())
        .build()
        .expect("valid")
        .machine_tokens()
        .create(body())
        .await
        .expect_err("refused");
    assert!(matches!(refused, Error::Transport(_)));
    assert_each_message_once(&refused);

    // Through anyhow-style formatting of the whole chain.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(invalid);
    assert!(boxed.source().is_some());
}

#[tokio::test]
async fn api_error_bodies_are_one_accessor_away() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(422).set_body_json(clerk_errors_body()))
        .mount(&server)
        .await;
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .await
        .expect_err("422");
    let errors = error
        .api_body()
        .and_then(ErrorBody::as_clerk_errors)
        .expect("a ClerkErrors body");
    assert_eq!(errors.errors[0].code, "form_param_format_invalid");
    assert_eq!(errors.errors[0].message, "is invalid");
}

#[tokio::test]
async fn backoff_alone_keeps_the_spec_statuses() {
    // 429 is not in the spec's list (5XX): one attempt.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let clerk = builder(&server)
        .retry_config(fast_retries(Duration::from_secs(5)))
        .build()
        .expect("valid");
    let error = clerk
        .machine_tokens()
        .create(body())
        .await
        .expect_err("429");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(request_count(&server).await, 1);
    // Asked for: retried.
    let error = clerk
        .machine_tokens()
        .create(body())
        .retries(
            fast_retries(Duration::from_millis(100)).status_codes(vec![StatusMatch::Exact(429)]),
        )
        .await
        .expect_err("always 429");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert!(request_count(&server).await >= 3);
}

#[test]
fn building_without_the_required_credential_fails() {
    let error = Clerk::builder().build().expect_err("no credential");
    assert!(matches!(&error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("`bearer_auth`"), "{error}");
}

#[test]
fn a_bearer_token_that_is_not_a_header_value_fails_to_build() {
    let secret = "sk_test_line\nbreak";
    let error = Clerk::builder()
        .bearer_auth(secret)
        .build()
        .expect_err("invalid header value");
    assert!(matches!(&error, Error::Config(_)), "{error:?}");
    assert!(!error.to_string().contains("sk_test_line"), "{error}");
    assert!(!format!("{error:?}").contains("sk_test_line"), "{error:?}");
}

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&server)
        .await;
    server
}

async fn sent_user_agent(server: &MockServer) -> Option<String> {
    let requests = server.received_requests().await.expect("recording enabled");
    let last = requests.last()?;
    Some(last.headers.get("user-agent")?.to_str().ok()?.to_owned())
}

#[tokio::test]
async fn the_user_agent_names_the_sdk_and_the_api_and_can_be_replaced() {
    let server = ok_server().await;
    client(&server)
        .machine_tokens()
        .create(body())
        .await
        .expect("ok");
    assert_eq!(sent_user_agent(&server).await, Some(user_agent()));

    let custom = builder(&server)
        .user_agent("my-app/2.0")
        .build()
        .expect("valid");
    custom.machine_tokens().create(body()).await.expect("ok");
    assert_eq!(
        sent_user_agent(&server).await.as_deref(),
        Some("my-app/2.0")
    );

    let bad = builder(&server).user_agent("bad\nagent").build();
    assert!(matches!(bad, Err(Error::Config(_))));
}

/// The secret key never reaches another origin: the redirect comes back as
/// `Error::Redirect` with its status and `Location`, through the generated
/// decoding of an undocumented status.
#[tokio::test]
async fn a_redirect_to_another_origin_keeps_the_secret_key_home() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    let location = format!("{}/v1/machine_tokens", elsewhere.uri());
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .await
        .expect_err("not followed");
    assert!(matches!(error, Error::Redirect(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    let sent_location = error.headers().and_then(|h| h.get("location"));
    assert_eq!(
        sent_location.and_then(|v| v.to_str().ok()),
        Some(location.as_str())
    );
    assert!(!error.is_retryable());
    assert_eq!(request_count(&elsewhere).await, 0);
}

#[tokio::test]
async fn a_custom_http_client_keeps_its_own_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-from-client", "yes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .expect(1)
        .mount(&server)
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-client", "yes".parse().expect("valid"));
    let http = reqwest::Client::builder()
        .user_agent("their-agent/1")
        .default_headers(defaults);
    let clerk = builder(&server).http_client(http).build().expect("valid");
    clerk
        .machine_tokens()
        .create(body())
        .await
        .expect("custom client used");
    assert_eq!(
        sent_user_agent(&server).await.as_deref(),
        Some("their-agent/1")
    );
}

/// Records each hook call's attempt number.
struct Attempts(Arc<Mutex<Vec<String>>>);

impl Hook for Attempts {
    fn before_request(&self, ctx: &HookContext, _: &mut reqwest::Request) -> Result<(), Error> {
        self.0
            .lock()
            .expect("not poisoned")
            .push(format!("before {}", ctx.attempt));
        Ok(())
    }

    fn after_success(&self, ctx: &HookContext, response: &Response) {
        let line = format!("success {} {}", ctx.attempt, response.attempts());
        self.0.lock().expect("not poisoned").push(line);
    }

    fn after_error(&self, ctx: &HookContext, _: &Error) {
        self.0
            .lock()
            .expect("not poisoned")
            .push(format!("error {}", ctx.attempt));
    }
}

#[tokio::test]
async fn hooks_see_each_attempt_number_across_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .with_priority(2)
        .mount(&server)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let clerk = builder(&server)
        .hook(Attempts(seen.clone()))
        .retry_config(fast_retries(Duration::from_secs(5)))
        .build()
        .expect("valid");
    clerk
        .machine_tokens()
        .create(body())
        .await
        .expect("third attempt");
    let seen = seen.lock().expect("not poisoned").clone();
    assert_eq!(seen, ["before 1", "before 2", "before 3", "success 3 3"]);
}

/// The spec's default policy (first wait 500 ms) retries a refused
/// connection: the server comes up after the first attempt.
#[tokio::test]
async fn the_spec_default_policy_retries_connection_errors() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("bound").port();
    drop(listener);
    let attempts = Arc::new(AtomicU32::new(0));
    struct BindAfterFirst {
        attempts: Arc<AtomicU32>,
        port: u16,
        started: Mutex<Option<tokio::sync::oneshot::Sender<std::net::TcpListener>>>,
    }
    impl Hook for BindAfterFirst {
        fn before_request(&self, ctx: &HookContext, _: &mut reqwest::Request) -> Result<(), Error> {
            self.attempts.fetch_add(1, Ordering::SeqCst);
            if ctx.attempt == 2 {
                let listener =
                    std::net::TcpListener::bind(("127.0.0.1", self.port)).map_err(Error::hook)?;
                if let Some(sender) = self.started.lock().expect("not poisoned").take() {
                    sender
                        .send(listener)
                        .map_err(|_| Error::hook("receiver gone"))?;
                }
            }
            Ok(())
        }
    }
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        let listener = receiver.await.expect("hook binds the port");
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
            .mount(&server)
            .await;
        server
    });
    let clerk = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("http://127.0.0.1:{port}/v1"))
        .hook(BindAfterFirst {
            attempts: attempts.clone(),
            port,
            started: Mutex::new(Some(sender)),
        })
        .build()
        .expect("valid");
    let start = Instant::now();
    clerk
        .machine_tokens()
        .create(body())
        .await
        .expect("the second attempt connects");
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    // Jitter keeps the first wait within 75%..100% of 500 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(370),
        "{:?}",
        start.elapsed()
    );
    let server = server.await.expect("server task");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn claims_come_straight_from_json_and_must_be_an_object() {
    let server = ok_server().await;
    let claims = serde_json::json!({ "role": "worker" });
    client(&server)
        .machine_tokens()
        .create(body().claims(claims))
        .await
        .expect("an object is sent");
    assert_eq!(request_count(&server).await, 1);
    let error = client(&server)
        .machine_tokens()
        .create(body().claims(serde_json::json!(["not", "an", "object"])))
        .await
        .expect_err("not an object");
    let Error::Validation(validation) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(validation.path, "claims");
    assert_eq!(validation.rule, clerk_backend_api::Rule::Object);
    assert_eq!(request_count(&server).await, 1, "nothing more was sent");
}
