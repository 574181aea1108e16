//! Throughput and allocations of `machine_tokens().create(..)` against the
//! same request written by hand with reqwest, both against one local
//! server on 127.0.0.1, sharing one `reqwest::Client`. Run it in release:
//! `cargo run --release -p clerk-backend-api --example throughput`
//! (`cargo xtask bench` does).

// The benchmark measures `machine_tokens().create`, which the API
// deprecated (replaced by M2M tokens); the crate keeps it.
#![allow(deprecated)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clerk_backend_api::models::CreateMachineTokenRequestBody;
use clerk_backend_api::{Clerk, RetryConfig};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Counts every allocation of the process (client and server alike; the
/// server's share is the same for both clients).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TOKEN: &str = "sk_test_benchmark";
const REQUESTS: u32 = 3_000;
const ROUNDS: usize = 5;
const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 47\r\n\r\n{\"object\":\"machine_token\",\"jwt\":\"eyJ.e30.sig_\"}";

/// A keep-alive HTTP/1.1 server that answers every request with `RESPONSE`.
async fn serve(listener: TcpListener) {
    while let Ok((mut socket, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(4096);
            let mut chunk = [0u8; 4096];
            loop {
                // A request is complete once its head and announced body are in.
                let complete = |buffer: &[u8]| {
                    let end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
                    let head = std::str::from_utf8(&buffer[..end]).ok()?;
                    let length = head
                        .lines()
                        .find_map(|line| {
                            let (name, value) = line.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    (buffer.len() >= end + length).then_some(end + length)
                };
                while let Some(used) = complete(&buffer) {
                    buffer.drain(..used);
                    if socket.write_all(RESPONSE).await.is_err() {
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

#[derive(Serialize)]
struct Body<'a> {
    machine_id: &'a str,
    expires_in_seconds: i64,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Decoded as the SDK decodes it; the fields are not read.
struct Token {
    object: String,
    jwt: String,
}

/// The request as a careful user would write it without the SDK.
async fn by_hand(http: &reqwest::Client, url: &str) -> Result<Token, Box<dyn std::error::Error>> {
    let response = http
        .post(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::USER_AGENT, "hand-written/1.0")
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(&Body {
            machine_id: "mch_bench",
            expires_in_seconds: 3600,
        })?)
        .send()
        .await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("HTTP {status}").into());
    }
    Ok(serde_json::from_slice(&bytes)?)
}

/// Requests per second and allocations per request of `REQUESTS` calls.
async fn measure<F, Fut>(mut call: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    let start = Instant::now();
    for _ in 0..REQUESTS {
        call().await;
    }
    let elapsed = start.elapsed();
    let allocated = ALLOCATIONS.load(Ordering::Relaxed) - allocations;
    (
        f64::from(REQUESTS) / elapsed.as_secs_f64(),
        allocated as f64 / f64::from(REQUESTS),
    )
}

fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    tokio::spawn(serve(listener));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let clerk = Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(&base)
        .http_client(reqwest::Client::builder().timeout(Duration::from_secs(10)))
        .retry_config(RetryConfig::none())
        .build()?;
    let url = format!("{base}/machine_tokens");
    let sdk = || async {
        let body = CreateMachineTokenRequestBody::new("mch_bench").expires_in_seconds(3600);
        clerk
            .machine_tokens()
            .create(body)
            .await
            .expect("the local server answers 200");
    };
    let hand = || async {
        by_hand(&http, &url)
            .await
            .expect("the local server answers 200");
    };
    // Warm up connections and caches.
    measure(sdk).await;
    measure(hand).await;
    let (mut sdk_rates, mut hand_rates, mut sdk_allocs, mut hand_allocs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (rate, allocs) = measure(sdk).await;
        sdk_rates.push(rate);
        sdk_allocs.push(allocs);
        let (rate, allocs) = measure(hand).await;
        hand_rates.push(rate);
        hand_allocs.push(allocs);
    }
    let (sdk_rate, sdk_min, sdk_max) = median(sdk_rates);
    let (hand_rate, hand_min, hand_max) = median(hand_rates);
    let (sdk_alloc, _, _) = median(sdk_allocs);
    let (hand_alloc, _, _) = median(hand_allocs);
    println!("| client        | requests/s (median, min–max) | allocations/request |");
    println!("| ------------- | ---------------------------- | ------------------- |");
    println!(
        "| SDK `create`  | {sdk_rate:>8.0} ({sdk_min:.0}–{sdk_max:.0})     | {sdk_alloc:>19.1} |"
    );
    println!(
        "| hand reqwest  | {hand_rate:>8.0} ({hand_min:.0}–{hand_max:.0})     | {hand_alloc:>19.1} |"
    );
    println!(
        "\nSDK / hand: {:.1}% of the throughput (target ≥ 97%), {:.2}× the allocations (target ≤ 1×); {REQUESTS} sequential requests × {ROUNDS} rounds",
        100.0 * sdk_rate / hand_rate,
        sdk_alloc / hand_alloc
    );
    Ok(())
}
