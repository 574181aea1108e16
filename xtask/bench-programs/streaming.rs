//! `cargo xtask bench --streaming`: decodes 100,000 small server-sent
//! events from a server on 127.0.0.1 with the generated SDK's
//! `chat_stream()`, beside the same bytes through the parser crate alone
//! (`sse-stream`, no JSON) and through the parser plus `serde_json` into
//! the same model, each read from the same server over reqwest. Installed
//! into the crate of `generator/tests/shapes/streaming.yaml` as an example.

use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use http_body::Body as _;
use shape_streaming::Shape;
use shape_streaming::models::{ChatRequest, Chunk};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const EVENTS: usize = 100_000;
const ROUNDS: usize = 7;

/// The stream: `EVENTS` small chunks, then the sentinel.
fn body() -> Vec<u8> {
    let mut body = Vec::new();
    for i in 0..EVENTS {
        body.extend_from_slice(
            format!("data: {{\"id\":\"{i}\",\"text\":\"hello\"}}\n\n").as_bytes(),
        );
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    body
}

/// Serves `body` to every connection, as a `Content-Length` response.
async fn serve(body: Bytes) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // The request head, then its (small) body.
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    url
}

/// The response body as a stream of data chunks, read with reqwest.
async fn raw_chunks(
    http: &reqwest::Client,
    url: &str,
) -> impl futures::Stream<Item = Result<Bytes, reqwest::Error>> {
    let response = http
        .post(format!("{url}/chat"))
        .header("accept", "text/event-stream")
        .body(r#"{"prompt":"hi","stream":true}"#)
        .send()
        .await
        .expect("a response");
    let mut body = Box::pin(reqwest::Body::from(response));
    futures::stream::poll_fn(move |cx| {
        Pin::new(&mut body)
            .poll_frame(cx)
            .map(|frame| frame.map(|frame| frame.map(|f| f.into_data().unwrap_or_default())))
    })
}

async fn parser_alone(http: &reqwest::Client, url: &str) -> usize {
    let events = sse_stream::SseByteStream::new(raw_chunks(http, url).await);
    events
        .try_fold(0, |n, event| async move {
            Ok(n + usize::from(event.data.is_some_and(|d| d != "[DONE]")))
        })
        .await
        .expect("the stream parses")
}

async fn parser_and_serde(http: &reqwest::Client, url: &str) -> usize {
    let events = sse_stream::SseByteStream::new(raw_chunks(http, url).await);
    events
        .try_fold(0, |n, event| async move {
            let data = event.data.unwrap_or_default();
            if data == "[DONE]" {
                return Ok(n);
            }
            let chunk: Chunk = serde_json::from_str(&data).expect("a chunk");
            Ok(n + usize::from(!chunk.id.is_empty()))
        })
        .await
        .expect("the stream parses")
}

async fn sdk(client: &Shape) -> usize {
    let stream = client
        .chat()
        .chat_stream(ChatRequest::new("hi"))
        .await
        .expect("the stream opens");
    stream
        .map(|item| item.expect("every event decodes"))
        .fold(0, |n, chunk| async move {
            n + usize::from(!chunk.id.is_empty())
        })
        .await
}

fn median(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[0],
        samples[samples.len() - 1],
    )
}

fn rate(elapsed: Duration) -> f64 {
    EVENTS as f64 / elapsed.as_secs_f64()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let url = serve(Bytes::from(body())).await;
    let http = reqwest::Client::new();
    let client = Shape::builder().server_url(&url).build().expect("a client");
    let mut times: [Vec<Duration>; 3] = Default::default();
    // Interleaved rounds, so that drift in the machine's load hits all three.
    for round in 0..=ROUNDS {
        let start = Instant::now();
        assert_eq!(parser_alone(&http, &url).await, EVENTS);
        let parser = start.elapsed();
        let start = Instant::now();
        assert_eq!(parser_and_serde(&http, &url).await, EVENTS);
        let serde = start.elapsed();
        let start = Instant::now();
        assert_eq!(sdk(&client).await, EVENTS);
        let decoded = start.elapsed();
        // The first round warms up connections and allocators.
        if round > 0 {
            times[0].push(parser);
            times[1].push(serde);
            times[2].push(decoded);
        }
    }
    let [parser, serde, decoded] = times.map(median);
    println!("{EVENTS} events of ~40 bytes from 127.0.0.1, median of {ROUNDS} rounds (min-max):");
    for (name, (m, lo, hi)) in [
        ("sse-stream alone (no JSON)", parser),
        ("sse-stream + serde_json into Chunk", serde),
        ("SDK chat_stream() -> EventStream<Chunk>", decoded),
    ] {
        println!(
            "  {name:<42} {:>10.0} events/s ({:.0}-{:.0})",
            rate(m),
            rate(hi),
            rate(lo)
        );
    }
    println!(
        "SDK / parser alone: {:.0}%; SDK / parser + serde_json: {:.0}%",
        100.0 * parser.0.as_secs_f64() / decoded.0.as_secs_f64(),
        100.0 * serde.0.as_secs_f64() / decoded.0.as_secs_f64()
    );
}
