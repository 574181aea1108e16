//! Offline verification of a session token (the `auth` feature, with the
//! PEM key: no network) against jsonwebtoken's own `decode` of the same
//! token with the same key, both in one process, alternating rounds. Run it
//! in release: `cargo run --release -p clerk-backend-api --features auth
//! --example auth_verify` (`cargo xtask bench --auth` does).

#[cfg(feature = "auth")]
fn main() {
    measure::run();
}

#[cfg(not(feature = "auth"))]
fn main() {
    eprintln!("this benchmark needs the `auth` feature: --features auth");
    std::process::exit(2);
}

#[cfg(feature = "auth")]
mod measure {
    use std::hint::black_box;
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use clerk_backend_api::Clerk;
    use clerk_backend_api::auth::VerifyOptions;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    use rsa::rand_core::OsRng;
    use serde_json::{Map, Value, json};

    /// Verifications per side per round.
    const CALLS: u32 = 1_000;
    const ROUNDS: usize = 9;

    pub fn run() {
        // A 2048-bit key pair standing for the instance, made for this run.
        let key = RsaPrivateKey::new(&mut OsRng, 2048).expect("an RSA key pair");
        let private = key.to_pkcs8_pem(LineEnding::LF).expect("a PKCS#8 PEM");
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("an SPKI PEM");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        // A session token as Clerk issues them (v2 claims), valid for an hour.
        let claims = json!({
            "sub": "user_2abc", "sid": "sess_2abc", "azp": "https://app.example.com",
            "iss": "https://clerk.example.com", "exp": now + 3600, "nbf": now - 10,
            "iat": now - 10, "v": 2, "fea": "u:search",
            "o": { "id": "org_1", "rol": "admin", "slg": "acme" }
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("ins_key_a".into());
        let signing = EncodingKey::from_rsa_pem(private.as_bytes()).unwrap();
        let token = jsonwebtoken::encode(&header, &claims, &signing).unwrap();

        let options = VerifyOptions::new()
            .jwt_key(public.as_str())
            .authorized_parties(["https://app.example.com"]);
        // Never called: the PEM key makes verification networkless.
        let clerk = Clerk::builder()
            .bearer_auth("sk_test_bench")
            .server_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        let key = DecodingKey::from_rsa_pem(public.as_bytes()).unwrap();
        let validation = Validation::new(Algorithm::RS256);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();

        let ours = || {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..CALLS {
                    let claims = clerk
                        .verify_token(black_box(&token), &options)
                        .await
                        .unwrap();
                    black_box(claims);
                }
                start.elapsed()
            })
        };
        let theirs = || {
            let start = Instant::now();
            for _ in 0..CALLS {
                let data = jsonwebtoken::decode::<Map<String, Value>>(
                    black_box(&token),
                    &key,
                    &validation,
                )
                .unwrap();
                black_box(data);
            }
            start.elapsed()
        };
        // Warm-up.
        ours();
        theirs();
        let per_second = |elapsed: Duration| f64::from(CALLS) / elapsed.as_secs_f64();
        let mut shares = Vec::new();
        println!(
            "| Round | `verify_token` (tokens/s) | jsonwebtoken `decode` (tokens/s) | Share |"
        );
        println!("| --- | ---: | ---: | ---: |");
        for round in 1..=ROUNDS {
            let (ours, theirs) = (per_second(ours()), per_second(theirs()));
            let share = ours / theirs * 100.0;
            shares.push(share);
            println!("| {round} | {ours:.0} | {theirs:.0} | {share:.1}% |");
        }
        shares.sort_by(f64::total_cmp);
        println!(
            "\nMedian share: {:.1}% of jsonwebtoken's decode (target: at least 90%).",
            shares[shares.len() / 2]
        );
    }
}
