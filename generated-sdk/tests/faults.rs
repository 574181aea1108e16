//! A server on 127.0.0.1 that misbehaves at the byte level: each fault gives
//! a typed error that keeps what did arrive (status, headers, body), and the
//! bearer token shows up in none of them.

// These tests exercise `machine_tokens().create`, which the API deprecated
// (replaced by M2M tokens); the crate keeps it, so its tests call it.
#![allow(deprecated)]

mod common;

use std::time::Duration;

use clerk_backend_api::models::{CreateMachineTokenRequestBody, VerifyM2mTokenRequestBody};
use clerk_backend_api::{BodyFailure, Clerk, Error, RetryConfig};
use common::TOKEN;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one connection: reads the request, writes `reply` verbatim, keeps
/// the connection open for `hold`, then drops it.
async fn misbehaving_server(reply: &'static [u8], hold: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("bound address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        // The request is small; one read of its head and body is enough for
        // these tests, which only need the client to be waiting.
        let mut request = vec![0; 64 * 1024];
        let _ = socket.read(&mut request).await;
        let _ = socket.write_all(reply).await;
        let _ = socket.flush().await;
        tokio::time::sleep(hold).await;
    });
    format!("http://{address}/v1")
}

fn client(server_url: String) -> Clerk {
    Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(server_url)
        .timeout(Duration::from_millis(500))
        .retry_config(RetryConfig::none())
        .build()
        .expect("valid configuration")
}

async fn create(server_url: String) -> Error {
    client(server_url)
        .machine_tokens()
        .create(CreateMachineTokenRequestBody::new("mch_faults"))
        .await
        .expect_err("the server misbehaves")
}

fn assert_no_token(error: &Error) {
    assert!(!format!("{error}").contains(TOKEN), "{error}");
    assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
}

#[tokio::test]
async fn a_connection_closed_mid_body_keeps_status_headers_and_what_arrived() {
    let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_cut\r\ncontent-length: 100\r\n\r\n{\"object\":\"tok";
    let error = create(misbehaving_server(reply, Duration::ZERO).await).await;
    let Error::Body(body) = &error else {
        panic!("expected Error::Body, got {error:?}")
    };
    assert!(
        matches!(body.failure, BodyFailure::Interrupted(_)),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(
        error.headers().and_then(|h| h.get("x-request-id")),
        Some(&"req_cut".parse().expect("header value"))
    );
    assert_eq!(error.raw_body(), Some(&b"{\"object\":\"tok"[..]));
    assert!(!error.is_retryable(), "the server may have acted on it");
    assert!(
        error.to_string().contains("cut off after 14 bytes"),
        "{error}"
    );
    // Why it broke is the `source()`, of both `BodyError` and `Error`, and
    // not repeated in their `Display`.
    let cause = std::error::Error::source(body.as_ref()).map(ToString::to_string);
    let cause = cause.expect("BodyError exposes the broken connection");
    assert_eq!(
        std::error::Error::source(&error).map(ToString::to_string),
        Some(cause.clone())
    );
    assert!(!error.to_string().contains(&cause), "{error} / {cause}");
    assert_no_token(&error);
}

/// The machine token's JWT is a secret: a body cut off after it arrived
/// keeps the bytes for code, and `Display` and `Debug` show only how many.
#[tokio::test]
async fn a_body_cut_off_after_a_secret_does_not_print_it() {
    let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"object\":\"token\",\"jwt\":\"eyJ.live.jwt";
    for hold in [Duration::ZERO, Duration::from_secs(2)] {
        let error = create(misbehaving_server(reply, hold).await).await;
        let Error::Body(body) = &error else {
            panic!("expected Error::Body, got {error:?}")
        };
        assert!(String::from_utf8_lossy(&body.received).contains("eyJ.live.jwt"));
        let shown = format!("{error}\n{error:?}\n{error:#?}");
        assert!(!shown.contains("eyJ.live.jwt"), "{shown}");
        let length = body.received.len();
        assert!(
            shown.contains(&format!("{length} bytes, not shown")),
            "{shown}"
        );
        let hidden = format!("<{length} bytes, hidden: may hold secrets>");
        assert!(shown.contains(&hidden), "{shown}");
        assert_no_token(&error);
    }
}

#[tokio::test]
async fn a_server_that_hangs_after_the_headers_times_out_with_the_headers() {
    let reply =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n{\"obj";
    let error = create(misbehaving_server(reply, Duration::from_secs(5)).await).await;
    let Error::Body(body) = &error else {
        panic!("expected Error::Body, got {error:?}")
    };
    assert!(
        matches!(body.failure, BodyFailure::TimedOut(limit) if limit == Duration::from_millis(500)),
        "{error:?}"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.raw_body(), Some(&b"{\"obj"[..]));
    assert!(error.is_retryable());
    assert_no_token(&error);
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_plain_timeout() {
    let error = create(misbehaving_server(b"", Duration::from_secs(5)).await).await;
    assert!(
        matches!(error, Error::Timeout(limit) if limit == Duration::from_millis(500)),
        "{error:?}"
    );
    assert_eq!(error.status(), None);
    assert_no_token(&error);
}

#[tokio::test]
async fn html_instead_of_json_is_a_decode_error_with_the_page() {
    let reply = b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 27\r\n\r\n<html>maintenance</html>\r\n\r\n";
    let error = create(misbehaving_server(reply, Duration::ZERO).await).await;
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(
        decode.headers.get("content-type"),
        Some(&"text/html".parse().expect("header value"))
    );
    assert!(decode.body.starts_with(b"<html>maintenance</html>"));
    // A created machine token's response holds a JWT, so its body is not
    // shown (tests/secrets.rs); an operation without secrets shows it.
    assert!(error.to_string().contains("27 bytes, not shown"), "{error}");
    let error = client(misbehaving_server(reply, Duration::ZERO).await)
        .m2m()
        .verify_token(VerifyM2mTokenRequestBody::new("mt_faults"))
        .await
        .expect_err("the server misbehaves");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("maintenance"), "{error}");
    assert_no_token(&error);
}

#[tokio::test]
async fn bytes_beyond_the_announced_length_are_not_read() {
    // The body says 5 bytes and sends a valid document after them: only the
    // announced bytes are the body, which then does not decode.
    let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5\r\n\r\n{\"obj\":1}{\"object\":\"token\",\"jwt\":\"x\"}";
    let error = create(misbehaving_server(reply, Duration::ZERO).await).await;
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(&decode.body[..], b"{\"obj");
    assert_no_token(&error);
}

#[tokio::test]
async fn a_garbled_status_line_is_a_transport_error() {
    let error = create(misbehaving_server(b"NOT HTTP AT ALL\r\n\r\n", Duration::ZERO).await).await;
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_no_token(&error);
}
