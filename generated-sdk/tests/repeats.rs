//! Retries never repeat work the server may have done: a POST or PATCH is
//! retried after a failure to connect or a listed status, not after it was
//! sent and then timed out or broke off, unless the call says it is safe to
//! repeat. GET keeps retrying every connection error and timeout. Attempts
//! and `Retry-After` waits are capped, and opening a connection has a
//! default timeout.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clerk_backend_api::models::CreateM2mTokenRequestBody;
use clerk_backend_api::{Backoff, Clerk, Error, RetryConfig, StatusMatch};
use common::TOKEN;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUBJECT: &str = "mch_2vYVtestTESTtestTESTtestTES";

/// Retries every 5 ms for up to 3 s, connection errors and 5XX included.
fn eager() -> RetryConfig {
    RetryConfig::backoff(
        Backoff::new()
            .initial_interval(Duration::from_millis(5))
            .max_interval(Duration::from_millis(5))
            .max_elapsed_time(Duration::from_secs(3)),
    )
    .retry_connection_errors(true)
}

/// A server on 127.0.0.1 that, on every connection, reads the request and
/// writes `reply`, then holds the connection open without finishing it.
/// Returns its URL and how many connections it accepted.
async fn stalling_server(reply: &'static [u8]) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("bound");
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut request = vec![0; 64 * 1024];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(reply).await;
                let _ = socket.flush().await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    (format!("http://{address}/v1"), accepted)
}

fn client(server_url: &str) -> Clerk {
    Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(server_url)
        .timeout(Duration::from_millis(200))
        .total_timeout(Duration::from_millis(1500))
        .retry_config(eager())
        .build()
        .expect("valid configuration")
}

/// A created M2M token's status and headers, then a body that stalls.
const STALLS_AFTER_STATUS: &[u8] =
    b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"object\":";

#[tokio::test]
async fn a_post_whose_body_stalls_after_the_status_is_sent_once() {
    let (url, accepted) = stalling_server(STALLS_AFTER_STATUS).await;
    let error = client(&url)
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .await
        .expect_err("the body never ends");
    assert!(matches!(error, Error::Body(_)), "{error:?}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "a second token was created"
    );
}

#[tokio::test]
async fn a_post_that_times_out_after_it_was_sent_is_sent_once() {
    // Accepts and reads, never answers.
    let (url, accepted) = stalling_server(b"").await;
    let error = client(&url)
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .await
        .expect_err("no answer");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_get_that_stalls_is_retried() {
    const LIST_STALLS: &[u8] =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"m2m";
    let (url, accepted) = stalling_server(LIST_STALLS).await;
    let error = client(&url)
        .m2m()
        .list_tokens(SUBJECT)
        .await
        .expect_err("the body never ends");
    assert!(error.is_retryable(), "{error:?}");
    assert!(accepted.load(Ordering::SeqCst) >= 2, "a GET is retried");
}

#[tokio::test]
async fn a_post_the_caller_declares_idempotent_is_retried() {
    let (url, accepted) = stalling_server(STALLS_AFTER_STATUS).await;
    let _ = client(&url)
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .assume_idempotent()
        .await
        .expect_err("the body never ends");
    assert!(accepted.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn a_post_is_retried_on_a_listed_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let _ = client(&format!("{}/v1", server.uri()))
        .m2m()
        .create_token(CreateM2mTokenRequestBody::new())
        .retries(eager().status_codes(&[StatusMatch::Exact(503)][..]))
        .await
        .expect_err("always 503");
    let sent = server.received_requests().await.map(|r| r.len());
    assert!(sent.is_some_and(|n| n >= 2), "{sent:?}");
}

#[tokio::test]
async fn max_attempts_caps_the_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    for cap in [1, 3] {
        let before = server.received_requests().await.map_or(0, |r| r.len());
        let error = client(&format!("{}/v1", server.uri()))
            .m2m()
            .list_tokens(SUBJECT)
            .retries(RetryConfig::backoff(
                Backoff::new()
                    .initial_interval(Duration::from_millis(1))
                    .max_interval(Duration::from_millis(1))
                    .max_attempts(cap),
            ))
            .await
            .expect_err("always 503");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        let after = server.received_requests().await.map_or(0, |r| r.len());
        assert_eq!(after - before, cap as usize);
    }
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_returns_the_response_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    // The spec's own policy: waits of up to 60 s, so a 120 s wait is not
    // started; a cap raised past it would wait (bounded here by the call's
    // total timeout, which returns the response the same way).
    let start = Instant::now();
    let error = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("{}/v1", server.uri()))
        .build()
        .expect("valid")
        .m2m()
        .list_tokens(SUBJECT)
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
    assert!(start.elapsed() < Duration::from_secs(30));
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so
/// a connect hangs as it does to a host that went away.
async fn black_hole() -> (std::net::SocketAddr, Vec<TcpStream>) {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("address"))
        .expect("bind");
    let address = socket.local_addr().expect("bound");
    let listener = socket.listen(0).expect("listen");
    // Never accepted: fill the queue, then leak the listener with the test.
    let mut held = Vec::new();
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(address)).await {
            Ok(Ok(stream)) => held.push(stream),
            _ => break,
        }
    }
    std::mem::forget(listener);
    (address, held)
}

#[tokio::test]
async fn a_hanging_connect_ends_at_the_default_connect_timeout() {
    let (address, _held) = black_hole().await;
    let start = Instant::now();
    let error = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("http://{address}/v1"))
        .retry_config(RetryConfig::none())
        .build()
        .expect("valid")
        .m2m()
        .list_tokens(SUBJECT)
        .await
        .expect_err("never connects");
    let elapsed = start.elapsed();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_connect() && e.is_timeout()),
        "{error:?}"
    );
    assert!(
        elapsed >= Duration::from_secs(9) && elapsed < Duration::from_secs(30),
        "{elapsed:?}"
    );
    assert_eq!(
        clerk_backend_api::DEFAULT_CONNECT_TIMEOUT,
        Duration::from_secs(10)
    );
}
