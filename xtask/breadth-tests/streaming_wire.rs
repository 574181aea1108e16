// Wire tests of streamed responses, run by `cargo xtask breadth` on the
// crate of `generator/tests/shapes/streaming.yaml` (installed there as
// `tests/wire.rs`). A hand-rolled HTTP/1.1 server on 127.0.0.1 sends each
// piece of the body as one chunk of a chunked body, so a test decides where
// the bytes split, and whether the body ends, breaks off or stalls.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use shape_streaming::models::{ChatRequest, Chunk, LogLine, RunEvent};
use shape_streaming::{BodyFailure, Error, Shape};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How the server ends the body after its pieces.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// The last chunk: a complete body.
    Finish,
    /// Closes the connection mid-body.
    Cut,
    /// Sends nothing more, and waits until the client closes.
    Stall,
}

/// What the server received: the request head and body.
struct Received {
    head: String,
    body: Vec<u8>,
}

/// Serves one response: `status`, `content_type`, then `pieces` as chunks.
async fn serve(
    status: u16,
    content_type: &'static str,
    pieces: Vec<Vec<u8>>,
    end: End,
) -> (String, JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a connection");
        let received = read_request(&mut socket).await;
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        socket.write_all(head.as_bytes()).await.expect("head sent");
        // An empty chunk would be the last one.
        for piece in pieces.into_iter().filter(|piece| !piece.is_empty()) {
            let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
            chunk.extend_from_slice(&piece);
            chunk.extend_from_slice(b"\r\n");
            if socket.write_all(&chunk).await.is_err() {
                return received;
            }
            let _ = socket.flush().await;
        }
        match end {
            End::Finish => {
                let _ = socket.write_all(b"0\r\n\r\n").await;
            }
            End::Cut => {}
            End::Stall => {
                // Until the client closes the connection.
                let mut rest = [0u8; 64];
                while matches!(socket.read(&mut rest).await, Ok(n) if n > 0) {}
            }
        }
        received
    });
    (url, task)
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Received {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let n = socket.read(&mut buffer).await.expect("request read");
        bytes.extend_from_slice(&buffer[..n]);
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length: "))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while bytes.len() < end + 4 + length {
                let n = socket.read(&mut buffer).await.expect("body read");
                bytes.extend_from_slice(&buffer[..n]);
            }
            return Received {
                head,
                body: bytes[end + 4..end + 4 + length].to_vec(),
            };
        }
        assert!(n > 0, "the client closed before sending a request");
    }
}

fn client(url: &str) -> Shape {
    Shape::builder().server_url(url).build().expect("a client")
}

fn request() -> ChatRequest {
    ChatRequest::new("hi")
}

/// A chat stream exercising the event-stream rules: a BOM, LF, CRLF and CR
/// line ends, comments (keep-alives), `id`/`retry`/`event` fields, a block
/// without data, multi-line data, multi-byte UTF-8 and, last, the sentinel
/// without its closing blank line.
const CHAT: &str = "\u{feff}: keep-alive\n\n\
data: {\"id\":\"1\",\"text\":\"h\u{e9}llo \u{1f980}\"}\n\n\
id: 7\r\nretry: 1500\r\nevent: delta\r\ndata: {\"id\":\"2\",\r\ndata: \"text\":\"two\\nlines\"}\r\n\r\n\
: ping\r\r\
id: only-metadata\n\n\
data: {\"id\":\"3\",\"text\":\"cr\"}\r\r\
data: [DONE]";

fn chat_expected() -> Vec<Chunk> {
    let chunk = Chunk::new;
    vec![
        chunk("1", "h\u{e9}llo \u{1f980}"),
        chunk("2", "two\nlines"),
        chunk("3", "cr"),
    ]
}

async fn chat_items(pieces: Vec<Vec<u8>>) -> Vec<Chunk> {
    let (url, server) = serve(200, "text/event-stream", pieces, End::Finish).await;
    let stream = client(&url)
        .chat()
        .chat_stream(request())
        .await
        .expect("the stream opens");
    let items: Vec<Chunk> = stream.try_collect().await.expect("every event decodes");
    server.await.expect("the server ran");
    items
}

#[tokio::test]
async fn events_decode_the_same_wherever_the_bytes_split() {
    let bytes = CHAT.as_bytes();
    for at in 0..=bytes.len() {
        let pieces = vec![bytes[..at].to_vec(), bytes[at..].to_vec()];
        assert_eq!(
            chat_items(pieces).await,
            chat_expected(),
            "split at byte {at}"
        );
    }
    let single_bytes = bytes.iter().map(|b| vec![*b]).collect();
    assert_eq!(
        chat_items(single_bytes).await,
        chat_expected(),
        "one byte a chunk"
    );
}

#[tokio::test]
async fn the_json_method_and_the_stream_method_ask_for_their_answer() {
    let (url, server) = serve(
        200,
        "text/event-stream",
        vec![b"data: [DONE]\n\n".to_vec()],
        End::Finish,
    )
    .await;
    let stream = client(&url)
        .chat()
        .chat_stream(request())
        .await
        .expect("opens");
    assert_eq!(stream.count().await, 0, "the sentinel is never yielded");
    let received = server.await.expect("served");
    assert!(
        received.head.contains("accept: text/event-stream"),
        "{}",
        received.head
    );
    let body: Value = serde_json::from_slice(&received.body).expect("a JSON body");
    assert_eq!(body["stream"], Value::Bool(true));
    assert_eq!(body["prompt"], "hi");

    let (url, server) = serve(
        200,
        "application/json",
        vec![br#"{"id":"9","text":"all"}"#.to_vec()],
        End::Finish,
    )
    .await;
    let whole = client(&url)
        .chat()
        .chat(request())
        .await
        .expect("a JSON answer");
    assert_eq!(whole.text, "all");
    let received = server.await.expect("served");
    assert!(
        received.head.contains("accept: application/json"),
        "{}",
        received.head
    );
    let body: Value = serde_json::from_slice(&received.body).expect("a JSON body");
    assert_eq!(body["stream"], Value::Bool(false));
}

#[tokio::test]
async fn an_error_status_before_the_stream_is_the_typed_error() {
    let (url, _server) = serve(
        422,
        "application/json",
        vec![br#"{"detail":"no"}"#.to_vec()],
        End::Finish,
    )
    .await;
    let error = client(&url)
        .chat()
        .chat_stream(request())
        .await
        .expect_err("422");
    match &error {
        Error::Api(api) => assert_eq!(api.status.as_u16(), 422),
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert!(
        matches!(error.api_body(), Some(shape_streaming::ErrorBody::Problem(p)) if p.detail == "no")
    );
}

#[tokio::test]
async fn a_malformed_event_is_one_decode_error_and_the_stream_goes_on() {
    let body = "data: {\"id\":\"1\",\"text\":\"a\"}\n\ndata: {not json\n\ndata: {\"id\":\"2\",\"text\":\"b\"}\n\n";
    let (url, _server) = serve(
        200,
        "text/event-stream",
        vec![body.as_bytes().to_vec()],
        End::Finish,
    )
    .await;
    let items: Vec<Result<Chunk, Error>> = client(&url)
        .chat()
        .chat_stream(request())
        .await
        .expect("opens")
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().expect("first").text, "a");
    match &items[1] {
        Err(Error::Decode(decode)) => {
            assert_eq!(&decode.body[..], b"data: {not json\n");
            assert_eq!(decode.status.as_u16(), 200);
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    assert_eq!(items[2].as_ref().expect("third").text, "b");
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_a_body_error_and_the_end() {
    let pieces = vec![
        b"data: {\"id\":\"1\",\"text\":\"a\"}\n\n".to_vec(),
        b"data: {\"id\":\"2\",".to_vec(),
    ];
    let (url, _server) = serve(200, "text/event-stream", pieces, End::Cut).await;
    let mut stream = client(&url)
        .chat()
        .chat_stream(request())
        .await
        .expect("opens");
    assert_eq!(
        stream
            .try_next()
            .await
            .expect("first")
            .expect("an item")
            .text,
        "a"
    );
    match stream.next().await {
        Some(Err(Error::Body(body))) => {
            assert!(
                matches!(body.failure, BodyFailure::Interrupted(_)),
                "{body:?}"
            );
            assert_eq!(&body.received[..], b"data: {\"id\":\"2\",");
        }
        other => panic!("expected Error::Body, got {other:?}"),
    }
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn a_stalled_producer_trips_the_idle_timeout() {
    let pieces = vec![b"data: {\"id\":\"1\",\"text\":\"a\"}\n\n".to_vec()];
    let (url, server) = serve(200, "text/event-stream", pieces, End::Stall).await;
    let mut stream = client(&url)
        .chat()
        .chat_stream(request())
        .idle_timeout(Duration::from_millis(200))
        .await
        .expect("opens");
    assert_eq!(
        stream
            .try_next()
            .await
            .expect("first")
            .expect("an item")
            .text,
        "a"
    );
    match stream.next().await {
        Some(Err(Error::Body(body))) => {
            assert!(
                matches!(body.failure, BodyFailure::TimedOut(limit) if limit == Duration::from_millis(200))
            );
        }
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
    drop(stream);
    // The server's wait for the client to close ends: dropping closed it.
    server.await.expect("the server saw the connection close");
}

#[tokio::test]
async fn an_event_growing_past_the_limit_ends_the_stream() {
    // The second event arrives in pieces of 10 bytes and never ends.
    let mut pieces = vec![b"data: {\"id\":\"1\",\"text\":\"a\"}\n\n".to_vec()];
    let big = format!("data: {{\"id\":\"2\",\"text\":\"{}", "x".repeat(200));
    pieces.extend(big.as_bytes().chunks(10).map(<[u8]>::to_vec));
    let (url, _server) = serve(200, "text/event-stream", pieces, End::Stall).await;
    let mut stream = client(&url)
        .chat()
        .chat_stream(request())
        .max_event_size(100)
        .await
        .expect("opens");
    let first = stream.try_next().await.expect("first").expect("an item");
    assert_eq!(first.text, "a");
    match stream.next().await {
        Some(Err(Error::Body(body))) => {
            assert!(
                matches!(body.failure, BodyFailure::EventTooLarge(100)),
                "{body:?}"
            );
            // What was held when the limit was passed: the start of the
            // second event, past the limit (by at most what one read got).
            assert!(body.received.len() > 100, "{body:?}");
            assert!(big.as_bytes().starts_with(&body.received), "{body:?}");
        }
        other => panic!("expected EventTooLarge, got {other:?}"),
    }
    assert!(stream.next().await.is_none(), "the stream ends");
}

#[tokio::test]
async fn keep_alives_and_events_under_the_limit_never_add_up_to_it() {
    // 2,000 bytes of keep-alives and events, each chunk of its own, with
    // a limit of 64 bytes.
    let mut pieces = Vec::new();
    for i in 0..50 {
        pieces.push(b": keep-alive\n\n".to_vec());
        pieces.push(format!("data: {{\"id\":\"{i}\",\"text\":\"t\"}}\n\n").into_bytes());
    }
    let (url, _server) = serve(200, "text/event-stream", pieces, End::Finish).await;
    let items: Vec<Chunk> = client(&url)
        .chat()
        .chat_stream(request())
        .max_event_size(64)
        .await
        .expect("opens")
        .try_collect()
        .await
        .expect("every event decodes");
    assert_eq!(items.len(), 50);
    assert_eq!(items[49].id, "49");
}

#[tokio::test]
async fn a_json_line_growing_past_the_limit_ends_the_stream() {
    let line = format!("{{\"level\":\"info\",\"message\":\"{}", "y".repeat(64));
    let mut pieces = vec![b"{\"level\":\"info\",\"message\":\"a\"}\n".to_vec()];
    pieces.extend(line.as_bytes().chunks(9).map(<[u8]>::to_vec));
    let (url, _server) = serve(200, "application/jsonl", pieces, End::Stall).await;
    let mut stream = client(&url)
        .logs()
        .logs()
        .max_event_size(64)
        .await
        .expect("opens");
    assert_eq!(stream.try_next().await.expect("first").expect("an item").message, "a");
    match stream.next().await {
        Some(Err(Error::Body(body))) => {
            assert!(matches!(body.failure, BodyFailure::EventTooLarge(64)), "{body:?}");
            assert!(body.received.len() > 64, "{body:?}");
            assert!(line.as_bytes().starts_with(&body.received), "{body:?}");
        }
        other => panic!("expected EventTooLarge, got {other:?}"),
    }
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    // Far more than socket buffers hold: the server blocks until the client
    // reads, or closes.
    let event = b"data: {\"id\":\"1\",\"text\":\"x\"}\n\n".to_vec();
    let pieces = vec![event; 200_000];
    let (url, server) = serve(200, "text/event-stream", pieces, End::Finish).await;
    let mut stream = client(&url)
        .chat()
        .chat_stream(request())
        .await
        .expect("opens");
    assert!(stream.try_next().await.expect("first").is_some());
    drop(stream);
    // A write fails once the client is gone, so the server returns early.
    server.await.expect("the server stopped writing");
}

#[tokio::test]
async fn envelope_events_pick_their_type_by_name_and_keep_unknown_ones() {
    let body = "event: progress\nid: 1\nretry: 10\ndata: {\"percent\":50}\n\n\
event: log\ndata: plain text\n\n\
event: surprise\ndata: {\"new\":true}\n\n\
event: surprise\ndata: not json\n\n\
event: done\ndata: [DONE]\n\n\
event: log\ndata: after the end\n\n";
    let (url, server) = serve(
        200,
        "text/event-stream",
        vec![body.as_bytes().to_vec()],
        End::Finish,
    )
    .await;
    let events: Vec<RunEvent> = client(&url)
        .runs()
        .watch_run("r1")
        .since("5")
        .await
        .expect("opens")
        .try_collect()
        .await
        .expect("every event decodes");
    assert!(
        server
            .await
            .expect("served")
            .head
            .starts_with("get /runs/r1/events?since=5 ")
    );
    assert_eq!(events.len(), 4, "{events:?}");
    match &events[0] {
        RunEvent::ProgressEvent(progress) => {
            assert_eq!(progress.data.percent, 50);
            assert_eq!(progress.id.as_deref(), Some("1"));
            assert_eq!(progress.retry, Some(10));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&events[1], RunEvent::LogEvent(log) if log.data == "plain text"));
    match &events[2] {
        RunEvent::Unknown(raw) => {
            assert_eq!(raw["event"], "surprise");
            assert_eq!(raw["data"]["new"], true);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&events[3], RunEvent::Unknown(raw) if raw["data"] == "not json"));
}

#[tokio::test]
async fn an_item_schema_stream_decodes_its_data_as_the_content_schema() {
    let body = "event: tick\nid: a\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\n";
    let (url, _server) = serve(
        200,
        "text/event-stream",
        vec![body.as_bytes().to_vec()],
        End::Finish,
    )
    .await;
    let ticks: Vec<_> = client(&url)
        .runs()
        .ticks()
        .await
        .expect("opens")
        .try_collect()
        .await
        .expect("decodes");
    let numbers: Vec<i64> = ticks
        .iter()
        .filter_map(|t| t.data.as_ref())
        .map(|d| d.n)
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(ticks[0].event.as_deref(), Some("tick"));
    assert_eq!(ticks[0].id.as_deref(), Some("a"));
}

fn log_lines(lines: &[Result<LogLine, Error>]) -> Vec<String> {
    lines
        .iter()
        .map(|line| match line {
            Ok(line) => format!("{}:{}", line.level, line.message),
            Err(Error::Decode(decode)) => {
                format!("error:{}", String::from_utf8_lossy(&decode.body))
            }
            Err(other) => format!("other:{other}"),
        })
        .collect()
}

#[tokio::test]
async fn json_lines_ndjson_and_json_seq_split_anywhere() {
    let lines = "{\"level\":\"info\",\"message\":\"\u{e9}\"}\r\n\n{bad}\n{\"level\":\"warn\",\"message\":\"b\"}";
    let seq = "\u{1e}{\"level\":\"info\",\"message\":\"\u{e9}\"}\n\u{1e}{bad}\n\u{1e}{\"level\":\"warn\",\"message\":\"b\"}\n";
    let expected = ["info:\u{e9}", "error:{bad}", "warn:b"];
    for (body, content_type) in [
        (lines, "application/jsonl"),
        (lines, "application/x-ndjson"),
        (seq, "application/json-seq"),
    ] {
        let bytes = body.as_bytes();
        for at in 0..=bytes.len() {
            let pieces = vec![bytes[..at].to_vec(), bytes[at..].to_vec()];
            let (url, _server) = serve(200, content_type, pieces, End::Finish).await;
            let logs = client(&url).logs();
            let stream = match content_type {
                "application/jsonl" => logs.logs().await,
                "application/x-ndjson" => logs.logs_ndjson().await,
                _ => logs.logs_seq().await,
            };
            let items: Vec<_> = stream.expect("opens").collect().await;
            assert_eq!(log_lines(&items), expected, "{content_type} split at {at}");
        }
    }
}

#[cfg(feature = "blocking")]
mod blocking {
    use super::*;

    /// Runs `serve` on a runtime of its own, as the blocking client must
    /// not run inside one.
    fn serve_blocking(
        pieces: Vec<Vec<u8>>,
        end: End,
    ) -> (tokio::runtime::Runtime, String, JoinHandle<Received>) {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let (url, task) = runtime.block_on(serve(200, "text/event-stream", pieces, end));
        (runtime, url, task)
    }

    fn blocking_client(url: &str) -> shape_streaming::blocking::Shape {
        shape_streaming::blocking::Shape::builder()
            .server_url(url)
            .build()
            .expect("a client")
    }

    #[test]
    fn the_blocking_stream_is_an_iterator_wherever_the_bytes_split() {
        let bytes = CHAT.as_bytes();
        for at in [0, 1, 3, 17, bytes.len() / 2, bytes.len() - 1, bytes.len()] {
            let pieces = vec![bytes[..at].to_vec(), bytes[at..].to_vec()];
            let (_runtime, url, _server) = serve_blocking(pieces, End::Finish);
            let items: Result<Vec<Chunk>, Error> = blocking_client(&url)
                .chat()
                .chat_stream(request())
                .send()
                .expect("opens")
                .collect();
            assert_eq!(items.expect("decodes"), chat_expected(), "split at {at}");
        }
    }

    #[test]
    fn the_blocking_stream_reports_a_cut_and_an_idle_timeout() {
        let first = b"data: {\"id\":\"1\",\"text\":\"a\"}\n\n".to_vec();
        let (_runtime, url, _server) =
            serve_blocking(vec![first.clone(), b"data: {".to_vec()], End::Cut);
        let mut stream = blocking_client(&url)
            .chat()
            .chat_stream(request())
            .send()
            .expect("opens");
        assert_eq!(stream.next().expect("one").expect("an item").text, "a");
        assert!(
            matches!(stream.next(), Some(Err(Error::Body(b))) if matches!(b.failure, BodyFailure::Interrupted(_)))
        );
        assert!(stream.next().is_none());

        let (runtime, url, server) = serve_blocking(vec![first], End::Stall);
        let mut stream = blocking_client(&url)
            .chat()
            .chat_stream(request())
            .idle_timeout(Duration::from_millis(200))
            .send()
            .expect("opens");
        assert_eq!(stream.next().expect("one").expect("an item").text, "a");
        assert!(
            matches!(stream.next(), Some(Err(Error::Body(b))) if matches!(b.failure, BodyFailure::TimedOut(_)))
        );
        assert!(stream.next().is_none());
        drop(stream);
        runtime
            .block_on(server)
            .expect("the connection closed when the stream was dropped");
    }
}

/// Answers one connection after another, each with the next of `answers`
/// (status, pieces, end); returns how many connections it took.
async fn serve_in_turn(answers: Vec<(u16, Vec<Vec<u8>>, End)>) -> (String, JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let task = tokio::spawn(async move {
        let mut taken = 0;
        for (status, pieces, end) in answers {
            let Ok(Ok((mut socket, _))) =
                tokio::time::timeout(Duration::from_secs(3), listener.accept()).await
            else {
                break;
            };
            taken += 1;
            read_request(&mut socket).await;
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await.expect("head sent");
            for piece in pieces {
                let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                chunk.extend_from_slice(&piece);
                chunk.extend_from_slice(b"\r\n");
                socket.write_all(&chunk).await.expect("chunk sent");
            }
            if end == End::Finish {
                socket.write_all(b"0\r\n\r\n").await.expect("end sent");
            }
        }
        taken
    });
    (url, task)
}

fn quick_retries() -> shape_streaming::RetryConfig {
    use shape_streaming::{Backoff, RetryConfig, StatusMatch};
    RetryConfig::backoff(
        Backoff::new()
            .initial_interval(Duration::from_millis(1))
            .max_interval(Duration::from_millis(5))
            .max_elapsed_time(Duration::from_secs(10)),
    )
    .status_codes(vec![StatusMatch::Exact(503)])
    .retry_connection_errors(true)
}

#[tokio::test]
async fn a_stream_is_retried_before_its_head_and_never_after_its_first_byte() {
    let event = b"data: {\"id\":\"1\",\"text\":\"a\"}\n\n".to_vec();
    // A 503, then the stream: the call is retried and the stream read.
    let (url, server) = serve_in_turn(vec![
        (503, vec![b"busy".to_vec()], End::Finish),
        (200, vec![event.clone()], End::Finish),
    ])
    .await;
    let items: Vec<Chunk> = client(&url)
        .chat()
        .chat_stream(request())
        .retries(quick_retries())
        .await
        .expect("opens on the second attempt")
        .try_collect()
        .await
        .expect("decodes");
    assert_eq!(items.len(), 1);
    assert_eq!(server.await.expect("served"), 2);
    // A stream cut after its first event is not sent again.
    let (url, server) = serve_in_turn(vec![
        (200, vec![event.clone(), b"data: {".to_vec()], End::Cut),
        (200, vec![event], End::Finish),
    ])
    .await;
    let items: Vec<Result<Chunk, Error>> = client(&url)
        .chat()
        .chat_stream(request())
        .retries(quick_retries())
        .await
        .expect("opens")
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Err(Error::Body(_))), "{items:?}");
    assert_eq!(server.await.expect("served"), 1, "no second attempt");
}
