//! The Cargo features that choose the HTTP stack: each response encoding is
//! accepted and decoded only with its feature, and without a TLS backend an
//! `https` call fails as a transport error. `.ci/run` runs this file with
//! every encoding and with no TLS feature.

mod common;

use clerk_backend_api::models::GetM2mTokensResponseBody;
use common::client;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A machine ID, as the API's pattern wants it.
const MACHINE: &str = "mch_2vYVtestTESTtestTESTtestTES";

/// `{"m2m_tokens":[],"total_count":0}`, the body every encoded response holds.
#[allow(dead_code, reason = "used only by the tests of enabled encodings")]
const PAGE: &[u8] = br#"{"m2m_tokens":[],"total_count":0}"#;

/// The `Accept-Encoding` the SDK sent, if any.
async fn accepted(server: &MockServer) -> Option<String> {
    let requests = server.received_requests().await.expect("recording enabled");
    let request = requests.first().expect("one request");
    request
        .headers
        .get("accept-encoding")
        .map(|value| value.to_str().expect("ASCII").to_owned())
}

/// Lists tokens from a server answering `body` with `Content-Encoding:
/// encoding`; returns the page and the `Accept-Encoding` sent.
async fn list(encoding: &str, body: &[u8]) -> (GetM2mTokensResponseBody, Option<String>) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .insert_header("content-encoding", encoding)
                .set_body_raw(body.to_vec(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .await
        .expect("the body decodes");
    (page, accepted(&server).await)
}

#[cfg(feature = "gzip")]
#[tokio::test]
async fn gzip_is_accepted_and_decoded() {
    const GZIP: &[u8] = &[
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 202, 53, 202, 141, 47, 201, 207, 78, 205, 43, 86,
        178, 138, 142, 213, 81, 42, 201, 47, 73, 204, 137, 79, 206, 47, 205, 43, 81, 178, 50, 168,
        5, 0, 175, 58, 218, 225, 33, 0, 0, 0,
    ];
    let (page, accepted) = list("gzip", GZIP).await;
    assert_eq!(page.total_count, 0);
    assert!(accepted.expect("sent").contains("gzip"));
}

#[cfg(feature = "deflate")]
#[tokio::test]
async fn deflate_is_accepted_and_decoded() {
    // HTTP's `deflate` is the zlib format (RFC 9110, section 8.4.1.2).
    const DEFLATE: &[u8] = &[
        120, 156, 171, 86, 202, 53, 202, 141, 47, 201, 207, 78, 205, 43, 86, 178, 138, 142, 213,
        81, 42, 201, 47, 73, 204, 137, 79, 206, 47, 205, 43, 81, 178, 50, 168, 5, 0, 199, 155, 11,
        180,
    ];
    let (page, accepted) = list("deflate", DEFLATE).await;
    assert_eq!(page.total_count, 0);
    assert!(accepted.expect("sent").contains("deflate"));
}

#[cfg(feature = "brotli")]
#[tokio::test]
async fn brotli_is_accepted_and_decoded() {
    const BROTLI: &[u8] = &[
        11, 16, 128, 123, 34, 109, 50, 109, 95, 116, 111, 107, 101, 110, 115, 34, 58, 91, 93, 44,
        34, 116, 111, 116, 97, 108, 95, 99, 111, 117, 110, 116, 34, 58, 48, 125, 3,
    ];
    let (page, accepted) = list("br", BROTLI).await;
    assert_eq!(page.total_count, 0);
    assert!(accepted.expect("sent").contains("br"));
}

#[cfg(feature = "zstd")]
#[tokio::test]
async fn zstd_is_accepted_and_decoded() {
    const ZSTD: &[u8] = &[
        40, 181, 47, 253, 0, 104, 9, 1, 0, 123, 34, 109, 50, 109, 95, 116, 111, 107, 101, 110, 115,
        34, 58, 91, 93, 44, 34, 116, 111, 116, 97, 108, 95, 99, 111, 117, 110, 116, 34, 58, 48,
        125,
    ];
    let (page, accepted) = list("zstd", ZSTD).await;
    assert_eq!(page.total_count, 0);
    assert!(accepted.expect("sent").contains("zstd"));
}

/// Without an encoding feature nothing is advertised, so a server sends the
/// body as is, as before these features existed.
#[cfg(not(any(
    feature = "gzip",
    feature = "deflate",
    feature = "brotli",
    feature = "zstd"
)))]
#[tokio::test]
async fn without_an_encoding_feature_none_is_accepted() {
    let (page, accepted) = list("identity", PAGE).await;
    assert_eq!(page.total_count, 0);
    assert_eq!(accepted, None);
}

/// Without a TLS feature the crate still speaks `http` (every other test
/// here), and refuses `https` at once: a client for it does not build, and
/// a call for it fails before sending (a transport error would be retried
/// as a connection error, for up to the policy's hour).
#[cfg(not(any(
    feature = "rustls",
    feature = "rustls-no-provider",
    feature = "native-tls"
)))]
#[tokio::test]
async fn without_a_tls_feature_https_is_a_config_error() {
    use clerk_backend_api::{Clerk, Error};

    let built = Clerk::builder().bearer_auth(common::TOKEN).build();
    assert!(
        matches!(&built, Err(Error::Config(m)) if m.contains("TLS")),
        "{built:?}"
    );
    let server = MockServer::start().await;
    let error = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .server_url("https://127.0.0.1:1/v1")
        .await
        .expect_err("https needs TLS");
    assert!(
        matches!(&error, Error::Config(m) if m.contains("TLS")),
        "{error:?}"
    );
    assert!(
        server
            .received_requests()
            .await
            .expect("recording")
            .is_empty()
    );
}

/// `rustls-no-provider` without an installed provider: `build()` fails
/// rather than letting reqwest panic.
#[cfg(all(
    feature = "rustls-no-provider",
    not(feature = "rustls"),
    not(feature = "native-tls")
))]
#[test]
fn without_a_crypto_provider_build_is_a_config_error() {
    let built = clerk_backend_api::Clerk::builder()
        .bearer_auth(common::TOKEN)
        .build();
    assert!(
        matches!(&built, Err(clerk_backend_api::Error::Config(m)) if m.contains("provider")),
        "{built:?}"
    );
}
