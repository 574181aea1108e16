//! Walking a paginated list against the same pages fetched by hand: 10,000
//! M2M tokens in 100 pages of 100 from one local server on 127.0.0.1, with
//! `list_tokens(..).limit(100).items()` (capped at 100 pages, so both send
//! the same 100 requests) and with 100 plain `.offset(n).limit(100).await`
//! calls. Run it in release:
//! `cargo run --release -p clerk-backend-api --example pagination_throughput`
//! (`cargo xtask bench --pagination` does).

use std::time::{Duration, Instant};

use clerk_backend_api::{Clerk, RetryConfig};
use futures::TryStreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "sk_test_benchmark";
const MACHINE: &str = "mch_2vYVtestTESTtestTESTtestTES";
const PAGE: usize = 100;
const PAGES: usize = 100;
const ROUNDS: usize = 21;

/// The whole HTTP response of the page at `offset` (empty past the end).
fn response(offset: usize) -> Vec<u8> {
    let tokens: Vec<String> = (offset..(offset + PAGE).min(PAGE * PAGES))
        .map(|n| {
            format!(
                r#"{{"object":"machine_to_machine_token","id":"mt_{n:032x}","subject":"{MACHINE}","claims":null,"scopes":[],"revoked":false,"revocation_reason":null,"expired":false,"expiration":null,"last_used_at":null,"created_at":1716883200000,"updated_at":1716883200000}}"#
            )
        })
        .collect();
    let body = format!(
        r#"{{"m2m_tokens":[{}],"total_count":{}}}"#,
        tokens.join(","),
        PAGE * PAGES
    );
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// The `offset` query value of a request head (0 without one).
fn offset_of(head: &str) -> usize {
    head.split_once("offset=")
        .and_then(|(_, rest)| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// A keep-alive HTTP/1.1 server answering each GET with its page.
async fn serve(listener: TcpListener, pages: &'static [Vec<u8>]) {
    let empty: &'static [u8] = Box::leak(response(PAGE * PAGES).into_boxed_slice());
    while let Ok((mut socket, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                    buffer.drain(..end + 4);
                    let page = pages
                        .get(offset_of(&head) / PAGE)
                        .map_or(empty, Vec::as_slice);
                    if socket.write_all(page).await.is_err() {
                        return;
                    }
                }
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
            }
        });
    }
}

fn median(mut values: Vec<Duration>) -> (Duration, Duration, Duration) {
    values.sort();
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: &'static [Vec<u8>] = Box::leak(
        (0..PAGES)
            .map(|p| response(p * PAGE))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    tokio::spawn(serve(listener, pages));
    let clerk = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(&base)
        .retry_config(RetryConfig::none())
        .build()?;
    let walk = || async {
        let start = Instant::now();
        let count = clerk
            .m2m()
            .list_tokens(MACHINE)
            .limit(PAGE as i64)
            .max_pages(PAGES as u64)
            .items()
            .try_fold(0usize, |count, token| {
                std::hint::black_box(token);
                async move { Ok(count + 1) }
            })
            .await
            .expect("the local server answers 200");
        assert_eq!(count, PAGE * PAGES);
        start.elapsed()
    };
    let by_pages = || async {
        let start = Instant::now();
        let mut count = 0;
        for page in 0..PAGES {
            let request = clerk.m2m().list_tokens(MACHINE).limit(PAGE as i64);
            let request = if page == 0 {
                request
            } else {
                request.offset((page * PAGE) as i64)
            };
            let page = request.await.expect("the local server answers 200");
            for token in page.m2m_tokens {
                std::hint::black_box(token);
                count += 1;
            }
        }
        assert_eq!(count, PAGE * PAGES);
        start.elapsed()
    };
    // Warm up connections and caches.
    walk().await;
    by_pages().await;
    let (mut walks, mut plains) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        walks.push(walk().await);
        plains.push(by_pages().await);
    }
    let (walk, walk_min, walk_max) = median(walks);
    let (plain, plain_min, plain_max) = median(plains);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| 10,000 items, 100 pages of 100      | time (median, min–max of {ROUNDS}) |");
    println!("| ----------------------------------- | ------------------------------ |");
    println!(
        "| `.items()` walk (`max_pages(100)`)  | {:>7.1} ms ({:.1}–{:.1})          |",
        ms(walk),
        ms(walk_min),
        ms(walk_max)
    );
    println!(
        "| 100 plain `.offset(n).await` calls  | {:>7.1} ms ({:.1}–{:.1})          |",
        ms(plain),
        ms(plain_min),
        ms(plain_max)
    );
    println!(
        "\nThe walk costs {:+.1}% against the plain calls (medians).",
        100.0 * (walk.as_secs_f64() / plain.as_secs_f64() - 1.0)
    );
    Ok(())
}
