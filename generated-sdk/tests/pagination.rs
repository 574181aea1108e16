//! Walking Clerk's paginated lists (`getM2MTokens`, offset and limit):
//! `items()` and `pages()` across pages, when they stop, what every page
//! request carries, errors, laziness and `max_pages`, async and blocking.
//! The cursor, URL and page-number kinds are tested on the runtime's own
//! operations (`src/runtime/paginate.rs`).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clerk_backend_api::{Error, Hook, HookContext, Response};
use common::{TOKEN, builder, client, fast_retries};
use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MACHINE: &str = "mch_2vYVtestTESTtestTESTtestTES";

/// An M2M token numbered `n` (its id ends with `n`).
fn token(n: usize) -> Value {
    json!({
        "object": "machine_to_machine_token",
        "id": format!("mt_{n:032x}"),
        "subject": MACHINE,
        "claims": null,
        "scopes": [],
        "revoked": false,
        "revocation_reason": null,
        "expired": false,
        "expiration": null,
        "last_used_at": null,
        "created_at": 1_716_883_200_000_u64,
        "updated_at": 1_716_883_200_000_u64
    })
}

/// A page holding tokens `from..to` of `total`.
fn page(from: usize, to: usize, total: usize) -> Value {
    json!({
        "m2m_tokens": (from..to).map(token).collect::<Vec<_>>(),
        "total_count": total
    })
}

/// Matches the `offset` query parameter of the page at this offset: the
/// first page goes as the request was built, without one.
struct OffsetIs(usize);

impl wiremock::Match for OffsetIs {
    fn matches(&self, request: &wiremock::Request) -> bool {
        let offset = request
            .url
            .query_pairs()
            .find(|(name, _)| name == "offset")
            .map(|(_, value)| value.into_owned());
        match self.0 {
            0 => offset.is_none(),
            n => offset == Some(n.to_string()),
        }
    }
}

/// Serves the page at `offset` (`limit` query value `limit`).
async fn serve_page(server: &MockServer, offset: usize, limit: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path("/v1/m2m_tokens"))
        .and(query_param("subject", MACHINE))
        .and(OffsetIs(offset))
        .and(query_param("limit", limit))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

fn ids(tokens: &[clerk_backend_api::models::GetM2mTokensM2mTokens]) -> Vec<String> {
    tokens.iter().map(|t| t.id.clone()).collect()
}

fn expected_ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("mt_{n:032x}")).collect()
}

#[tokio::test]
async fn items_walk_three_pages_and_stop_at_the_short_one() {
    let server = MockServer::start().await;
    serve_page(&server, 0, "2", page(0, 2, 5)).await;
    serve_page(&server, 2, "2", page(2, 4, 5)).await;
    serve_page(&server, 4, "2", page(4, 5, 5)).await;
    let tokens: Vec<_> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("three pages decode");
    assert_eq!(ids(&tokens), expected_ids(0..5));
    // The mocks' `expect(1)` check that no fourth page was asked for.
}

#[tokio::test]
async fn pages_keep_the_fields_beside_the_results() {
    let server = MockServer::start().await;
    serve_page(&server, 0, "2", page(0, 2, 3)).await;
    serve_page(&server, 2, "2", page(2, 3, 3)).await;
    let pages: Vec<_> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .limit(2)
        .pages()
        .try_collect()
        .await
        .expect("two pages decode");
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.total_count == 3));
    assert_eq!(ids(&pages[1].m2m_tokens), expected_ids(2..3));
}

#[tokio::test]
async fn without_a_limit_the_walk_stops_at_an_empty_page() {
    let server = MockServer::start().await;
    for (offset, body) in [(0, page(0, 3, 5)), (3, page(3, 5, 5)), (5, page(5, 5, 5))] {
        Mock::given(method("GET"))
            .and(path("/v1/m2m_tokens"))
            .and(OffsetIs(offset))
            .and(query_param_is_missing("limit"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let tokens: Vec<_> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .items()
        .try_collect()
        .await
        .expect("pages decode");
    assert_eq!(ids(&tokens), expected_ids(0..5));
}

#[tokio::test]
async fn the_walk_starts_at_the_offset_the_request_sets() {
    let server = MockServer::start().await;
    serve_page(&server, 10, "2", page(10, 12, 13)).await;
    serve_page(&server, 12, "2", page(12, 13, 13)).await;
    let tokens: Vec<_> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .offset(10)
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("pages decode");
    assert_eq!(ids(&tokens), expected_ids(10..13));
}

#[tokio::test]
async fn an_error_on_page_two_comes_once_after_the_first_pages_items() {
    let server = MockServer::start().await;
    serve_page(&server, 0, "2", page(0, 2, 9)).await;
    Mock::given(method("GET"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errors": [{ "message": "bad", "long_message": "bad offset", "code": "bad_request" }]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<Result<_, Error>> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .limit(2)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 3, "two items, one error, then the end");
    assert!(results[0].is_ok() && results[1].is_ok());
    match &results[2] {
        Err(Error::Api(error)) => assert_eq!(error.status.as_u16(), 400),
        other => panic!("expected the page-two error, got {other:?}"),
    }
}

#[tokio::test]
async fn nothing_is_sent_before_the_first_poll_and_dropping_stops_the_walk() {
    let server = MockServer::start().await;
    serve_page(&server, 0, "2", page(0, 2, 9)).await;
    // Pages after the first must never be asked for.
    Mock::given(method("GET"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2, 4, 9)))
        .expect(0)
        .mount(&server)
        .await;
    let clerk = client(&server);
    let items = clerk.m2m().list_tokens(MACHINE).limit(2).items();
    tokio::task::yield_now().await;
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "a stream not yet polled sends nothing"
    );
    let mut items = Box::pin(items);
    let first = items.next().await.expect("an item").expect("decodes");
    assert_eq!(first.id, expected_ids(0..1)[0]);
    let second = items.next().await.expect("an item").expect("decodes");
    assert_eq!(second.id, expected_ids(1..2)[0]);
    drop(items);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}

#[tokio::test]
async fn max_pages_caps_the_walk() {
    let server = MockServer::start().await;
    serve_page(&server, 0, "2", page(0, 2, 9)).await;
    serve_page(&server, 2, "2", page(2, 4, 9)).await;
    let tokens: Vec<_> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .limit(2)
        .max_pages(2)
        .items()
        .try_collect()
        .await
        .expect("pages decode");
    assert_eq!(ids(&tokens), expected_ids(0..4));
}

/// Counts the calls that ended well.
struct Counting(Arc<AtomicUsize>);

impl Hook for Counting {
    fn after_success(&self, _ctx: &HookContext, _response: &Response) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn every_page_carries_the_first_requests_inputs_headers_server_and_hooks() {
    let server = MockServer::start().await;
    for (offset, body) in [(0, page(0, 2, 3)), (2, page(2, 3, 3))] {
        Mock::given(method("GET"))
            .and(path("/v2/m2m_tokens"))
            .and(query_param("subject", MACHINE))
            .and(query_param("revoked", "true"))
            .and(query_param("limit", "2"))
            .and(OffsetIs(offset))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .and(header("x-trace", "walk-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let successes = Arc::new(AtomicUsize::new(0));
    let clerk = builder(&server)
        .hook(Counting(Arc::clone(&successes)))
        .build()
        .expect("valid configuration");
    let tokens: Vec<_> = clerk
        .m2m()
        .list_tokens(MACHINE)
        .revoked(true)
        .limit(2)
        .header("x-trace", "walk-1")
        .server_url(format!("{}/v2", server.uri()))
        .timeout(Duration::from_secs(5))
        .retries(fast_retries(Duration::from_secs(1)))
        .items()
        .try_collect()
        .await
        .expect("both pages decode");
    assert_eq!(tokens.len(), 3);
    assert_eq!(
        successes.load(Ordering::SeqCst),
        2,
        "the hook saw both pages"
    );
}

#[tokio::test]
async fn each_page_is_retried_like_a_single_call() {
    let server = MockServer::start().await;
    serve_page(&server, 0, "2", page(0, 2, 3)).await;
    // Page two fails once with a retried status, then succeeds.
    Mock::given(method("GET"))
        .and(query_param("offset", "2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    serve_page(&server, 2, "2", page(2, 3, 3)).await;
    let tokens: Vec<_> = client(&server)
        .m2m()
        .list_tokens(MACHINE)
        .limit(2)
        .retries(fast_retries(Duration::from_secs(2)))
        .items()
        .try_collect()
        .await
        .expect("the retry recovers page two");
    assert_eq!(ids(&tokens), expected_ids(0..3));
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    fn start() -> (tokio::runtime::Runtime, MockServer) {
        let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            serve_page(&server, 0, "2", page(0, 2, 3)).await;
            serve_page(&server, 2, "2", page(2, 3, 3)).await;
            server
        });
        (runtime, server)
    }

    fn client(server: &MockServer) -> clerk_backend_api::blocking::Clerk {
        clerk_backend_api::blocking::Clerk::builder()
            .bearer_auth(TOKEN)
            .server_url(format!("{}/v1", server.uri()))
            .build()
            .expect("valid configuration")
    }

    #[test]
    fn blocking_items_iterate_across_pages() {
        let (_runtime, server) = start();
        let tokens: Result<Vec<_>, Error> = client(&server)
            .m2m()
            .list_tokens(MACHINE)
            .limit(2)
            .items()
            .collect();
        assert_eq!(ids(&tokens.expect("pages decode")), expected_ids(0..3));
    }

    #[test]
    fn blocking_pages_iterate_page_by_page() {
        let (_runtime, server) = start();
        let pages: Vec<_> = client(&server)
            .m2m()
            .list_tokens(MACHINE)
            .limit(2)
            .pages()
            .collect::<Result<_, Error>>()
            .expect("pages decode");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].total_count, 3);
        assert_eq!(ids(&pages[1].m2m_tokens), expected_ids(2..3));
    }

    #[test]
    fn blocking_max_pages_caps_the_walk() {
        let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            serve_page(&server, 0, "2", page(0, 2, 9)).await;
            Mock::given(method("GET"))
                .and(query_param("offset", "2"))
                .respond_with(ResponseTemplate::new(200).set_body_json(page(2, 4, 9)))
                .expect(0)
                .mount(&server)
                .await;
            server
        });
        let tokens: Vec<_> = client(&server)
            .m2m()
            .list_tokens(MACHINE)
            .limit(2)
            .max_pages(1)
            .items()
            .collect::<Result<_, Error>>()
            .expect("page one decodes");
        assert_eq!(ids(&tokens), expected_ids(0..2));
    }
}
