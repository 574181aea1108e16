//! Tests of `paginate.rs` (copied with it, into crates with a paginated
//! operation only): the walk of each kind of paging, on a test operation
//! against a local server: what each page request carries and when the walk
//! ends.

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use reqwest::Method;
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::builder::{ApiConfig, ClientBuilder};
use super::error::{Error, PaginationError};
use super::paginate::{PageInfo, Paginated, Paging};
use super::request::{Operation, Prepared, Request, Sealed};
use super::retry::RetryConfig;
use super::response::Response;
use super::transport::ClientCore;

static API: ApiConfig = ApiConfig {
    user_agent: "paginate-test",
    default_server: "http://127.0.0.1:9",
    security_schemes: &[],
    default_security: &[],
    retries: RetryConfig::none(),
    requires_credential: None,
};

const OFFSET: u8 = 0;
const PAGE: u8 = 1;
const CURSOR: u8 = 2;
const URL: u8 = 3;

/// `GET /list`, paged as `KIND` says: `offset`/`page`, `limit` and
/// `after` query parameters.
#[derive(Clone, Debug, Default)]
struct List<const KIND: u8> {
    position: Option<i64>,
    limit: Option<i64>,
    after: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Page {
    items: Vec<u32>,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    pages: Option<i64>,
}

impl<const KIND: u8> Sealed for List<KIND> {}

impl<const KIND: u8> Operation for List<KIND> {
    const OPERATION_ID: &'static str = "List";
    type Output = Page;

    fn prepare(&self, _validate: bool) -> Result<Prepared, Error> {
        let mut prepared = Prepared::new("List", Method::GET, "/list");
        let name = if KIND == PAGE { "page" } else { "offset" };
        if let Some(position) = self.position {
            prepared.query(name, position);
        }
        if let Some(limit) = self.limit {
            prepared.query("limit", limit);
        }
        if let Some(after) = &self.after {
            prepared.query("after", after);
        }
        Ok(prepared)
    }

    fn decode(response: Response) -> Result<Page, Error> {
        match response.status().as_u16() {
            200 => response.json(),
            _ => Err(response.unexpected()),
        }
    }
}

impl<const KIND: u8> Paginated for List<KIND> {
    type Item = u32;
    const PAGING: Paging = match KIND {
        OFFSET => Paging::Offset,
        PAGE => Paging::Page,
        CURSOR => Paging::Cursor,
        _ => Paging::Url,
    };

    fn page_info(output: &Page) -> PageInfo {
        PageInfo {
            results: output.items.len(),
            next: output.next.clone(),
            num_pages: output.pages,
        }
    }

    fn into_items(output: Page) -> Vec<u32> {
        output.items
    }

    fn limit(&self) -> Option<i64> {
        self.limit
    }

    fn offset(&self) -> Option<i64> {
        self.position
    }

    fn set_offset(&mut self, offset: i64) -> Result<(), Error> {
        self.position = Some(offset);
        Ok(())
    }

    fn set_cursor(&mut self, cursor: String) {
        self.after = Some(cursor);
    }
}

fn request<const KIND: u8>(server: &MockServer, list: List<KIND>) -> Request<List<KIND>> {
    let builder = ClientBuilder::<()>::new(&API).server_url(server.uri());
    let core = ClientCore::new(builder).expect("a valid configuration");
    Request::new(Arc::new(core), list)
}

/// Serves `body` to the request whose query is exactly `query`.
async fn serve(server: &MockServer, query: &str, body: serde_json::Value) {
    let query = query.to_owned();
    Mock::given(method("GET"))
        .and(path("/list"))
        .and(move |request: &wiremock::Request| request.url.query().unwrap_or("") == query)
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

async fn all<const KIND: u8>(request: Request<List<KIND>>) -> Vec<Result<u32, Error>> {
    request.items().collect().await
}

fn pagination_error(result: Option<&Result<u32, Error>>) -> Option<&PaginationError> {
    match result {
        Some(Err(Error::Pagination(error))) => Some(error),
        _ => None,
    }
}

#[tokio::test]
async fn a_cursor_walk_follows_next_cursors_until_there_is_none() {
    let server = MockServer::start().await;
    serve(
        &server,
        "limit=2",
        serde_json::json!({"items": [1, 2], "next": "c1"}),
    )
    .await;
    serve(
        &server,
        "limit=2&after=c1",
        serde_json::json!({"items": [3, 4], "next": "c2"}),
    )
    .await;
    serve(
        &server,
        "limit=2&after=c2",
        serde_json::json!({"items": [5], "next": null}),
    )
    .await;
    let list = List::<CURSOR> {
        limit: Some(2),
        ..List::default()
    };
    let items: Vec<u32> = request(&server, list)
        .items()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn a_cursor_walk_stops_at_an_empty_cursor_or_an_empty_page() {
    let server = MockServer::start().await;
    serve(&server, "", serde_json::json!({"items": [1], "next": "c1"})).await;
    serve(
        &server,
        "after=c1",
        serde_json::json!({"items": [2], "next": ""}),
    )
    .await;
    let items: Vec<u32> = request(&server, List::<CURSOR>::default())
        .items()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items, [1, 2]);

    let server = MockServer::start().await;
    serve(&server, "", serde_json::json!({"items": [1], "next": "c1"})).await;
    serve(
        &server,
        "after=c1",
        serde_json::json!({"items": [], "next": "c2"}),
    )
    .await;
    let items: Vec<u32> = request(&server, List::<CURSOR>::default())
        .items()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items, [1]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_walk_with_an_error() {
    let server = MockServer::start().await;
    serve(&server, "", serde_json::json!({"items": [1], "next": "c1"})).await;
    serve(
        &server,
        "after=c1",
        serde_json::json!({"items": [2], "next": "c1"}),
    )
    .await;
    let results = all(request(&server, List::<CURSOR>::default())).await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(
        pagination_error(results.get(2)),
        Some(&PaginationError::RepeatedCursor("c1".to_owned()))
    );
}

#[tokio::test]
async fn a_url_walk_follows_relative_and_absolute_urls_on_the_same_server() {
    let server = MockServer::start().await;
    let absolute = format!("{}/list?p=3", server.uri());
    serve(
        &server,
        "limit=2",
        serde_json::json!({"items": [1, 2], "next": "/list?p=2"}),
    )
    .await;
    serve(
        &server,
        "p=2",
        serde_json::json!({"items": [3, 4], "next": absolute}),
    )
    .await;
    serve(&server, "p=3", serde_json::json!({"items": [5]})).await;
    let list = List::<URL> {
        limit: Some(2),
        ..List::default()
    };
    let items: Vec<u32> = request(&server, list)
        .items()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn a_url_on_another_server_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let next = format!("{}/list?p=2", elsewhere.uri());
    serve(&server, "", serde_json::json!({"items": [1], "next": next})).await;
    let results = all(request(&server, List::<URL>::default())).await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(matches!(
        pagination_error(results.get(1)),
        Some(PaginationError::ForeignUrl(url)) if url.starts_with(&elsewhere.uri())
    ));
}

#[tokio::test]
async fn a_repeated_url_ends_the_walk_with_an_error() {
    let server = MockServer::start().await;
    serve(
        &server,
        "",
        serde_json::json!({"items": [1], "next": "/list?p=2"}),
    )
    .await;
    serve(
        &server,
        "p=2",
        serde_json::json!({"items": [2], "next": "/list?p=2"}),
    )
    .await;
    let results = all(request(&server, List::<URL>::default())).await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(matches!(
        pagination_error(results.get(2)),
        Some(PaginationError::RepeatedUrl(url)) if url.ends_with("/list?p=2")
    ));
}

#[tokio::test]
async fn a_page_walk_counts_pages_from_one_and_stops_past_the_number_of_pages() {
    let server = MockServer::start().await;
    serve(&server, "", serde_json::json!({"items": [1], "pages": 3})).await;
    serve(
        &server,
        "page=2",
        serde_json::json!({"items": [2], "pages": 3}),
    )
    .await;
    serve(
        &server,
        "page=3",
        serde_json::json!({"items": [3], "pages": 3}),
    )
    .await;
    let items: Vec<u32> = request(&server, List::<PAGE>::default())
        .items()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items, [1, 2, 3]);
}

#[tokio::test]
async fn a_page_walk_stops_at_a_short_page() {
    let server = MockServer::start().await;
    serve(
        &server,
        "page=4&limit=2",
        serde_json::json!({"items": [1, 2]}),
    )
    .await;
    serve(&server, "page=5&limit=2", serde_json::json!({"items": [3]})).await;
    let list = List::<PAGE> {
        position: Some(4),
        limit: Some(2),
        ..List::default()
    };
    let pages: Vec<Page> = request(&server, list)
        .pages()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].items, [3]);
}

#[tokio::test]
async fn an_offset_walk_advances_by_the_results_received() {
    let server = MockServer::start().await;
    serve(&server, "limit=3", serde_json::json!({"items": [1, 2, 3]})).await;
    serve(
        &server,
        "offset=3&limit=3",
        serde_json::json!({"items": [4, 5]}),
    )
    .await;
    let list = List::<OFFSET> {
        limit: Some(3),
        ..List::default()
    };
    let items: Vec<u32> = request(&server, list)
        .items()
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn an_offset_that_would_overflow_ends_the_walk_with_an_error() {
    let server = MockServer::start().await;
    serve(
        &server,
        &format!("offset={}", i64::MAX),
        serde_json::json!({"items": [1]}),
    )
    .await;
    let list = List::<OFFSET> {
        position: Some(i64::MAX),
        ..List::default()
    };
    let results = all(request(&server, list)).await;
    assert_eq!(
        pagination_error(results.get(1)),
        Some(&PaginationError::OffsetOverflow)
    );
    assert_eq!(results.len(), 2);
}
