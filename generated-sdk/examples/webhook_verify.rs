//! Verifications per second of a 2 KB webhook delivery (Clerk's
//! `user.created` example, padded to 2,048 bytes), beside the raw
//! HMAC-SHA256 of the same signed content: what the verifier adds to the
//! hash it cannot avoid. Run it in release:
//! `cargo run --release -p clerk-backend-api --features webhooks --example webhook_verify`
//! (`cargo xtask bench --webhooks` does).

#[cfg(feature = "webhooks")]
fn main() {
    bench::run();
}

#[cfg(not(feature = "webhooks"))]
fn main() {
    eprintln!("this example needs the `webhooks` feature: add `--features webhooks`");
    std::process::exit(2);
}

#[cfg(feature = "webhooks")]
mod bench {
    use std::hint::black_box;
    use std::time::{Duration, Instant, UNIX_EPOCH};

    use clerk_backend_api::reqwest::header::{HeaderMap, HeaderValue};
    use clerk_backend_api::webhooks::{Webhook, WebhookEvent};
    use hmac::{Hmac, Mac};
    use serde_json::Value;
    use sha2::Sha256;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: i64 = 1_716_883_200;
    const SIZE: usize = 2048;
    const ITERATIONS: u32 = 100_000;
    const RUNS: usize = 7;

    /// Clerk's `user.created` example payload, padded to [`SIZE`] bytes
    /// with a public metadata string (free-form, so it still decodes).
    fn body() -> Vec<u8> {
        let document = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../spec/upstream/clerk-webhooks-2025-04-15.yml"
        );
        let text = std::fs::read_to_string(document).expect("Clerk's webhooks document");
        let document: Value = serde_yaml::from_str(&text).expect("YAML");
        let mut example = document["x-webhooks"]["user.created"]["post"]["requestBody"]["content"]
            ["application/json"]["example"]
            .clone();
        example["data"]["public_metadata"]["padding"] = Value::String(String::new());
        let short = serde_json::to_vec(&example).expect("JSON").len();
        assert!(short <= SIZE, "the example alone is {short} bytes");
        example["data"]["public_metadata"]["padding"] = Value::String("x".repeat(SIZE - short));
        let body = serde_json::to_vec(&example).expect("JSON");
        assert_eq!(body.len(), SIZE);
        body
    }

    /// The median time of one call of `f`, over [`RUNS`] runs.
    fn median(mut f: impl FnMut()) -> Duration {
        let mut runs: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..ITERATIONS {
                    f();
                }
                start.elapsed() / ITERATIONS
            })
            .collect();
        runs.sort();
        runs[RUNS / 2]
    }

    fn per_second(time: Duration) -> f64 {
        1.0 / time.as_secs_f64()
    }

    pub fn run() {
        let webhook = Webhook::new(SECRET).expect("the example secret");
        let body = body();
        let mut headers = HeaderMap::new();
        headers.insert("svix-id", HeaderValue::from_static(ID));
        headers.insert("svix-timestamp", HeaderValue::from(TIMESTAMP));
        let signature = webhook.sign(ID, TIMESTAMP, &body);
        headers.insert(
            "svix-signature",
            HeaderValue::from_str(&signature).expect("ASCII"),
        );
        let now = UNIX_EPOCH + Duration::from_secs(1_716_883_260);
        assert!(matches!(
            webhook.verify_at(&body, &headers, now),
            Ok(WebhookEvent::UserCreated(_))
        ));

        let key = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(SECRET.trim_start_matches("whsec_"))
                .expect("base64")
        };
        let raw = median(|| {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
            mac.update(ID.as_bytes());
            mac.update(b".");
            mac.update(TIMESTAMP.to_string().as_bytes());
            mac.update(b".");
            mac.update(black_box(&body));
            black_box(mac.finalize().into_bytes());
        });
        let signature_only = median(|| {
            black_box(webhook.verify_signature_at(black_box(&body), &headers, now)).expect("valid");
        });
        let full = median(|| {
            black_box(webhook.verify_at(black_box(&body), &headers, now)).expect("valid");
        });
        println!("## Webhook verification: a {SIZE}-byte delivery (Clerk's `user.created`)\n");
        println!("| What | Time per delivery | Per second | Against the raw HMAC |");
        println!("| --- | --- | --- | --- |");
        for (what, time) in [
            (
                "raw HMAC-SHA256 of `{id}.{timestamp}.{body}` (hmac crate)",
                raw,
            ),
            (
                "`verify_signature_at` (headers, window, HMAC, base64, constant-time compare)",
                signature_only,
            ),
            (
                "`verify_at` (the same, then decoding `WebhookEvent::UserCreated`)",
                full,
            ),
        ] {
            println!(
                "| {what} | {:.2} µs | {:.0} | {:.2}× |",
                time.as_secs_f64() * 1e6,
                per_second(time),
                time.as_secs_f64() / raw.as_secs_f64()
            );
        }
        println!();
    }
}
