//! Retries, timeouts, hooks, per-call options and secret redaction.

// These tests exercise `machine_tokens().create`, which the API deprecated
// (replaced by M2M tokens); the crate keeps it, so its tests call it.
#![allow(deprecated)]

mod common;

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clerk_backend_api::models::CreateMachineTokenRequestBody;
use clerk_backend_api::{
    Backoff, Clerk, Error, Hook, HookContext, Response, RetryConfig, StatusMatch,
};
use common::{TOKEN, builder, client, fast_retries, token_body};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn body() -> CreateMachineTokenRequestBody {
    CreateMachineTokenRequestBody::new("mch_retry").expires_in_seconds(3600)
}

/// Answers `status` (with extra headers) `times` times, then 200.
async fn flaky_server(status: u16, times: u64, headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start().await;
    let mut failure = ResponseTemplate::new(status);
    for (name, value) in headers {
        failure = failure.insert_header(*name, *value);
    }
    Mock::given(method("POST"))
        .respond_with(failure)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .with_priority(2)
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

#[tokio::test]
async fn retries_503_until_success_resending_the_same_body() {
    let server = flaky_server(503, 2, &[]).await;
    let token = client(&server)
        .machine_tokens()
        .create(body())
        .retries(fast_retries(Duration::from_secs(5)))
        .await
        .expect("third attempt succeeds");
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.sig");
    let requests = server.received_requests().await.expect("recording enabled");
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.body, requests[0].body);
        assert_eq!(
            request.headers.get("authorization"),
            requests[0].headers.get("authorization")
        );
    }
    assert_eq!(
        &requests[0].body[..],
        br#"{"machine_id":"mch_retry","expires_in_seconds":3600}"#
    );
}

/// Without any configuration the spec's `x-speakeasy-retries` applies:
/// backoff starting at 500 ms on 5XX.
#[tokio::test]
async fn the_spec_default_policy_retries_5xx() {
    let server = flaky_server(502, 1, &[]).await;
    let started = Instant::now();
    client(&server)
        .machine_tokens()
        .create(body())
        .await
        .expect("second attempt succeeds");
    assert_eq!(request_count(&server).await, 2);
    // The first wait is the spec's initial interval, 500 ms less up to 25% jitter.
    assert!(
        started.elapsed() >= Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn honours_retry_after_seconds() {
    let server = flaky_server(429, 1, &[("retry-after", "1")]).await;
    // Waits are capped at 20 ms, and so is a `Retry-After` unless its own
    // cap is raised.
    let quick = Backoff::new()
        .initial_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(20))
        .max_elapsed_time(Duration::from_secs(5));
    let only_429 = &[StatusMatch::Exact(429)][..];
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .retries(RetryConfig::backoff(quick).status_codes(only_429))
        .await
        .expect_err("a 1 s wait is past the 20 ms cap");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(request_count(&server).await, 1);
    let server = flaky_server(429, 1, &[("retry-after", "1")]).await;
    let start = Instant::now();
    let quick = quick.max_retry_after(Duration::from_secs(2));
    client(&server)
        .machine_tokens()
        .create(body())
        .retries(RetryConfig::backoff(quick).status_codes(only_429))
        .await
        .expect("second attempt succeeds");
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        start.elapsed()
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn stops_when_retry_after_exceeds_the_elapsed_budget() {
    let server = flaky_server(503, 1, &[("retry-after", "30")]).await;
    let start = Instant::now();
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .retries(fast_retries(Duration::from_millis(500)))
        .await
        .expect_err("gives up");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(request_count(&server).await, 1);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "did not give up early"
    );
}

#[tokio::test]
async fn elapsed_time_bound_stops_the_loop() {
    let server = flaky_server(503, u64::MAX, &[]).await;
    let start = Instant::now();
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .retries(fast_retries(Duration::from_millis(150)))
        .await
        .expect_err("always 503");
    assert!(
        matches!(&error, Error::UnexpectedStatus(r) if r.status.as_u16() == 503),
        "{error:?}"
    );
    let attempts = request_count(&server).await;
    assert!(attempts >= 2, "only {attempts} attempts");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn retry_none_makes_exactly_one_attempt() {
    let server = flaky_server(503, 1, &[]).await;
    // The client-level config would retry; the per-call one wins.
    let error = builder(&server)
        .retry_config(fast_retries(Duration::from_secs(5)))
        .build()
        .expect("valid")
        .machine_tokens()
        .create(body())
        .retries(RetryConfig::none())
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn client_retry_config_applies_and_status_codes_are_respected() {
    let server = flaky_server(503, 1, &[]).await;
    let clerk = builder(&server)
        .retry_config(fast_retries(Duration::from_secs(5)))
        .build()
        .expect("valid");
    clerk
        .machine_tokens()
        .create(body())
        .await
        .expect("client config retries");
    assert_eq!(request_count(&server).await, 2);

    let server = flaky_server(502, 1, &[]).await;
    let only_503 =
        fast_retries(Duration::from_secs(5)).status_codes(&[StatusMatch::Exact(503)][..]);
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .retries(only_503)
        .await
        .expect_err("502");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(request_count(&server).await, 1);
}

/// Counts attempts; on attempt `bind_on`, binds `port` and hands the listener over.
struct LateServer {
    attempts: Arc<AtomicU32>,
    port: u16,
    bind_on: u32,
    listener: Mutex<Option<tokio::sync::oneshot::Sender<TcpListener>>>,
}

impl Hook for LateServer {
    fn before_request(
        &self,
        ctx: &HookContext,
        _request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if ctx.attempt == self.bind_on {
            let listener = TcpListener::bind(("127.0.0.1", self.port)).map_err(Error::hook)?;
            if let Some(sender) = self.listener.lock().expect("not poisoned").take() {
                sender
                    .send(listener)
                    .map_err(|_| Error::hook("test receiver gone"))?;
            }
        }
        Ok(())
    }
}

/// A port with nothing listening (bound, then released).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("bound").port()
}

#[tokio::test]
async fn refused_connections_are_retried_until_the_server_is_up() {
    let port = free_port();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let attempts = Arc::new(AtomicU32::new(0));
    let hook = LateServer {
        attempts: attempts.clone(),
        port,
        bind_on: 3,
        listener: Mutex::new(Some(sender)),
    };
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
        .hook(hook)
        .build()
        .expect("valid");
    let token = clerk
        .machine_tokens()
        .create(body())
        .retries(fast_retries(Duration::from_secs(5)))
        .await
        .expect("succeeds once the server is up");
    assert_eq!(token.jwt, "eyJhbGciOiJSUzI1NiJ9.e30.sig");
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "two refused attempts, then success"
    );
    let server = server.await.expect("server task");
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn refused_connection_without_retries_is_one_transport_error() {
    let attempts = Arc::new(AtomicU32::new(0));
    let hook = LateServer {
        attempts: attempts.clone(),
        port: 0,
        bind_on: 0,
        listener: Mutex::new(None),
    };
    let clerk = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("http://127.0.0.1:{}/v1", free_port()))
        .hook(hook)
        .build()
        .expect("valid");
    let error = clerk
        .machine_tokens()
        .create(body())
        .retries(RetryConfig::none())
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::Transport(e) if e.is_connect()),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}

async fn slow_server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body())
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn slow_responses_time_out() {
    let server = slow_server(Duration::from_secs(2)).await;
    // The spec retries timeouts; this test is about one attempt.
    let clerk = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry_config(RetryConfig::none())
        .build()
        .expect("valid");
    let start = Instant::now();
    let error = clerk
        .machine_tokens()
        .create(body())
        .await
        .expect_err("too slow");
    assert!(
        matches!(error, Error::Timeout(d) if d == Duration::from_millis(100)),
        "{error:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn per_call_timeout_overrides_the_client_timeout() {
    let server = slow_server(Duration::from_millis(300)).await;
    let clerk = builder(&server)
        .timeout(Duration::from_millis(50))
        .build()
        .expect("valid");
    clerk
        .machine_tokens()
        .create(body())
        .timeout(Duration::from_secs(10))
        .await
        .expect("the per-call timeout is long enough");
    let clerk = builder(&server)
        .retry_config(RetryConfig::none())
        .build()
        .expect("valid");
    let error = clerk
        .machine_tokens()
        .create(body())
        .timeout(Duration::from_millis(50))
        .await
        .expect_err("short");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
}

/// Records what it sees; adds `x-hook: 1`.
#[derive(Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Hook for Recorder {
    fn before_request(
        &self,
        ctx: &HookContext,
        request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        request
            .headers_mut()
            .insert("x-hook", "1".parse().expect("valid header value"));
        let mut seen = self.seen.lock().expect("not poisoned");
        seen.push(format!(
            "before {} {} {ctx:?} {request:?}",
            ctx.operation_id, ctx.attempt
        ));
        Ok(())
    }

    fn after_success(&self, ctx: &HookContext, response: &Response) {
        let mut seen = self.seen.lock().expect("not poisoned");
        seen.push(format!(
            "success {} {}",
            ctx.attempt,
            response.status().as_u16()
        ));
    }

    fn after_error(&self, ctx: &HookContext, error: &Error) {
        let mut seen = self.seen.lock().expect("not poisoned");
        seen.push(format!(
            "error {} {:?} {error:?}",
            ctx.attempt,
            error.status().map(|s| s.as_u16())
        ));
    }
}

#[tokio::test]
async fn hooks_modify_requests_and_observe_outcomes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/machine_tokens"))
        .and(header("x-hook", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .expect(1)
        .mount(&server)
        .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let clerk = builder(&server)
        .hook(Recorder { seen: seen.clone() })
        .build()
        .expect("valid");
    clerk
        .machine_tokens()
        .create(body())
        .await
        .expect("the hook header matched");

    let error = clerk
        .machine_tokens()
        .create(body())
        .server_url(format!("{}/nowhere", server.uri()))
        .await;
    assert_eq!(
        error.expect_err("404").status().map(|s| s.as_u16()),
        Some(404)
    );
    let invalid = clerk
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("x".repeat(97)))
        .await;
    assert!(matches!(invalid, Err(Error::Validation(_))));

    let seen = seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), 5, "{seen:#?}");
    assert!(
        seen[0].starts_with("before CreateMachineToken 1"),
        "{}",
        seen[0]
    );
    assert_eq!(seen[1], "success 1 200");
    assert!(
        seen[3].starts_with("error 1 Some(404) UnexpectedStatus"),
        "{}",
        seen[3]
    );
    assert!(
        seen[4].starts_with("error 0 None Validation"),
        "{}",
        seen[4]
    );
    for line in seen.iter() {
        assert!(!line.contains(TOKEN), "token leaked: {line}");
    }
}

#[tokio::test]
async fn hooks_can_reject_requests() {
    struct Deny;
    impl Hook for Deny {
        fn before_request(&self, _: &HookContext, _: &mut reqwest::Request) -> Result<(), Error> {
            Err(Error::hook("denied by policy"))
        }
    }
    let server = MockServer::start().await;
    let clerk = builder(&server).hook(Deny).build().expect("valid");
    let error = clerk
        .machine_tokens()
        .create(body())
        .await
        .expect_err("denied");
    assert!(matches!(&error, Error::Hook(_)), "{error:?}");
    let cause = std::error::Error::source(&error).map(ToString::to_string);
    assert_eq!(cause.as_deref(), Some("denied by policy"));
    assert!(!error.to_string().contains("denied by policy"), "{error}");
    assert_eq!(request_count(&server).await, 0);
}

#[tokio::test]
async fn per_call_headers_and_server_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/other/machine_tokens"))
        .and(header("x-trace", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body()))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .machine_tokens()
        .create(body())
        .server_url(format!("{}/other/", server.uri()))
        .header("x-trace", "abc")
        .await
        .expect("matched");
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .header("bad header", "v")
        .await;
    assert!(
        matches!(&error, Err(Error::Config(m)) if m.contains("bad header")),
        "{error:?}"
    );
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .header("x-ok", "line\nbreak")
        .await;
    assert!(matches!(error, Err(Error::Config(_))));
    let error = client(&server)
        .machine_tokens()
        .create(body())
        .server_url("not a url")
        .await;
    assert!(matches!(error, Err(Error::Config(_))));
}

#[tokio::test]
async fn debug_output_never_contains_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(common::clerk_errors_body()))
        .mount(&server)
        .await;
    let builder = builder(&server).retry_config(RetryConfig::none());
    let builder_debug = format!("{builder:?}");
    let clerk = builder.build().expect("valid");
    let request = clerk
        .machine_tokens()
        .create(body())
        .header("x-api-key", TOKEN);
    let request_debug = format!("{request:?}");
    let error = request.await.expect_err("401");
    for text in [
        builder_debug,
        format!("{clerk:?}"),
        request_debug,
        format!("{error:?}"),
        error.to_string(),
    ] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
    assert!(format!("{clerk:?}").contains("***"));
    assert!(matches!(
        Clerk::builder().server_url("ftp://x").build(),
        Err(Error::Config(_))
    ));
}
