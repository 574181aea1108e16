// Wire tests for the crates generated from Clerk's whole specs, copied into
// each as `tests/wire.rs` by `cargo xtask breadth`, after lines that name
// the crate `clerk_sdk` (and `CRATE` its package). They pin what the issues
// ask of the whole API: both colliding query parameters of
// `GetPublicInterstitial` reach the wire under their own names, the
// multipart uploads send real file parts, path parameters stay in their
// segment, and the bulk invitations' item limits are checked.

use clerk_sdk::models::{SetUserProfileImageRequestBody, UploadOrganizationLogoRequestBody};
use clerk_sdk::{Clerk, File, RetryConfig};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Clerk {
    Clerk::builder()
        .bearer_auth("sk_test_wire")
        .server_url(format!("{}/v1", server.uri()))
        .retry_config(RetryConfig::none())
        .build()
        .expect("valid configuration")
}

async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

#[tokio::test]
// Clerk deprecates the camel-case `frontendApi` parameter; its setter is
// `#[deprecated]`, and this test must still send it.
#[allow(deprecated)]
async fn colliding_query_parameters_keep_their_own_wire_names() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/public/interstitial"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html></html>"))
        .mount(&server)
        .await;
    let _ = client(&server)
        .miscellaneous()
        .get_public_interstitial()
        .frontend_api("snake")
        .frontend_api2("camel")
        .await;
    let request = only_request(&server).await;
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("frontendApi".to_owned(), "camel".to_owned()),
            ("frontend_api".to_owned(), "snake".to_owned()),
        ]
    );
}

/// The parts of a multipart body: (headers, content) per part.
fn multipart_parts(request: &wiremock::Request) -> Vec<(String, Vec<u8>)> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("a content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let mut parts = Vec::new();
    let mut rest: &[u8] = body;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let rest_after_crlf = &rest[2..];
        let end = find(rest_after_crlf, delimiter.as_bytes()).expect("a closing delimiter");
        let part = &rest_after_crlf[..end - 2];
        let split = find(part, b"\r\n\r\n").expect("part headers");
        parts.push((
            String::from_utf8_lossy(&part[..split]).into_owned(),
            part[split + 4..].to_vec(),
        ));
        rest = &rest_after_crlf[end..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn uploads_send_file_parts_with_name_and_type() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let png = b"\x89PNG\r\n\x1a\n\x00binary".to_vec();
    let logo = UploadOrganizationLogoRequestBody::new(
        File::new(png.clone()).file_name("logo.png").content_type("image/png"),
    )
    .uploader_user_id("user_1");
    // The response decodes or not; the request is what is checked here.
    let _ = client(&server).organizations().upload_logo("org_1", logo).await;
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/organizations/org_1/logo");
    let parts = multipart_parts(&request);
    assert_eq!(parts.len(), 2, "{parts:?}");
    let file = parts
        .iter()
        .find(|(head, _)| head.contains("name=\"file\""))
        .expect("a file part");
    assert!(file.0.contains("filename=\"logo.png\""), "{}", file.0);
    assert!(file.0.contains("Content-Type: image/png"), "{}", file.0);
    assert_eq!(file.1, png);
    let uploader = parts
        .iter()
        .find(|(head, _)| head.contains("name=\"uploader_user_id\""))
        .expect("a text part");
    assert_eq!(uploader.1, b"user_1");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let image = SetUserProfileImageRequestBody::new().file(File::new(b"GIF89a".to_vec()));
    let _ = client(&server).users().set_profile_image("user_1", image).await;
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/v1/users/user_1/profile_image");
    let parts = multipart_parts(&request);
    assert_eq!(parts.len(), 1, "{parts:?}");
    assert!(parts[0].0.contains("name=\"file\"; filename=\"file\""), "{}", parts[0].0);
    assert!(parts[0].0.contains("Content-Type: application/octet-stream"), "{}", parts[0].0);
    assert_eq!(parts[0].1, b"GIF89a");
}

/// A user id taken from a web request cannot climb out of its segment:
/// `..`, `.` and an empty id would address `/v1/users` itself, so they are
/// refused before anything is sent; every other value stays one segment.
#[tokio::test]
async fn a_path_parameter_never_leaves_its_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    for id in ["..", ".", ""] {
        let error = client(&server).users().delete(id).await.expect_err(id);
        let clerk_sdk::Error::Validation(error) = error else {
            panic!("{id:?}: {error:?}");
        };
        assert_eq!(error.path, "user_id");
        assert_eq!(error.rule, clerk_sdk::Rule::PathSegment);
    }
    assert!(server.received_requests().await.expect("recording on").is_empty());
    for (id, sent) in [
        ("a/../b", "/v1/users/a%2F..%2Fb"),
        ("%2e%2e", "/v1/users/%252e%252e"),
        ("user 1?#", "/v1/users/user%201%3F%23"),
        ("ü", "/v1/users/%C3%BC"),
    ] {
        let _ = client(&server).users().delete(id).await;
        let requests = server.received_requests().await.expect("recording on");
        let request = requests.last().expect("sent");
        assert_eq!(request.url.path(), sent, "{id:?}");
    }
}

/// Clerk's bulk invitations take 1 to 10 at a time: an inline array body's
/// `minItems` and `maxItems` are checked before sending, like a field's.
#[tokio::test]
async fn a_bulk_body_outside_its_item_limits_is_not_sent() {
    use clerk_sdk::models::CreateBulkInvitationsRequestBody as Invitation;
    // The 2025-04-10 document sets no limits on this body; later ones do.
    if CRATE == "clerk-2025-04-10" {
        return;
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/invitations/bulk"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    let invitation = |n: usize| Invitation::new(format!("user{n}@example.com"));
    for (count, rule) in [
        (0, clerk_sdk::Rule::MinItems(1)),
        (11, clerk_sdk::Rule::MaxItems(10)),
    ] {
        let body: Vec<Invitation> = (0..count).map(invitation).collect();
        let error = client(&server)
            .invitations()
            .bulk_create()
            .body(body)
            .await
            .expect_err("outside the limits");
        let clerk_sdk::Error::Validation(error) = error else {
            panic!("{count}: {error:?}");
        };
        assert_eq!((error.path.as_str(), error.rule), ("body", rule));
    }
    assert!(server.received_requests().await.expect("recording on").is_empty());
    let ten: Vec<Invitation> = (0..10).map(invitation).collect();
    let _ = client(&server).invitations().bulk_create().body(ten).await;
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}
