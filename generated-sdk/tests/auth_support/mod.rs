//! Helpers shared by the `auth` tests: the test instances' keys, token
//! minting, and a JWKS server that counts its requests.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_backend_api::Clerk;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::rand_core::OsRng;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// An RSA key pair standing for one Clerk instance, made for this test
/// run: PKCS#8 private key and SPKI public key, both PEM (the public one as
/// Clerk's Dashboard shows it).
pub struct InstanceKey {
    pub private_pem: String,
    pub public_pem: String,
}

impl InstanceKey {
    fn generate() -> Self {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).expect("an RSA key pair");
        Self {
            private_pem: key
                .to_pkcs8_pem(LineEnding::LF)
                .expect("a PKCS#8 PEM")
                .to_string(),
            public_pem: key
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .expect("an SPKI PEM"),
        }
    }
}

static INSTANCE_A: LazyLock<InstanceKey> = LazyLock::new(InstanceKey::generate);
static INSTANCE_B: LazyLock<InstanceKey> = LazyLock::new(InstanceKey::generate);

/// Instance A's private key.
pub fn private_a() -> &'static str {
    &INSTANCE_A.private_pem
}

/// Instance A's public key.
pub fn public_a() -> &'static str {
    &INSTANCE_A.public_pem
}

/// Instance B's private key.
pub fn private_b() -> &'static str {
    &INSTANCE_B.private_pem
}

/// Instance B's public key.
pub fn public_b() -> &'static str {
    &INSTANCE_B.public_pem
}

/// The kid of instance A's key in its JWKS.
pub const KID_A: &str = "ins_key_a";

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs() as i64
}

/// A session token's claims, valid for a minute.
pub fn session_claims() -> Value {
    let now = now();
    json!({
        "sub": "user_2abc",
        "sid": "sess_2abc",
        "azp": "https://app.example.com",
        "iss": "https://clerk.example.com",
        "exp": now + 60,
        "nbf": now - 10,
        "iat": now - 10,
        "org_id": "org_1",
        "org_role": "org:admin",
        "org_slug": "acme",
        "org_permissions": ["org:sys_memberships:read"],
        "act": { "sub": "user_support", "iss": "https://dashboard.clerk.com" },
        "fea": "u:search",
        "v": 2
    })
}

/// An M2M JWT's claims, valid for a minute.
pub fn machine_claims() -> Value {
    let now = now();
    json!({
        "sub": "mch_2xyz",
        "jti": "mt_2xyz",
        "scopes": "mch_2abc mch_2def",
        "exp": now + 60,
        "iat": now - 10,
        "tier": "gold"
    })
}

/// `claims` signed with `private_pem` under `algorithm`, with `kid`.
pub fn sign(claims: &Value, private_pem: &str, algorithm: Algorithm, kid: Option<&str>) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    let key = EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("a test key");
    jsonwebtoken::encode(&header, claims, &key).expect("the token signs")
}

/// A session token of instance A (RS256, kid A) with `claims`.
pub fn token_a(claims: &Value) -> String {
    sign(claims, private_a(), Algorithm::RS256, Some(KID_A))
}

/// A token with the given raw header and claims, and `signature` as its
/// third segment (nothing is signed).
pub fn raw_token(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// The JWK of a private key's public half, as Clerk's JWKS lists it.
pub fn jwk(private_pem: &str, kid: &str) -> Value {
    let key = EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("a test key");
    let jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).expect("an RSA key has a JWK");
    let mut jwk = serde_json::to_value(jwk).expect("a JWK serialises");
    jwk["kid"] = json!(kid);
    jwk["use"] = json!("sig");
    jwk
}

/// A JWKS server on 127.0.0.1 that counts its requests, serves whatever
/// keys the test sets, and can hold its answers until released.
pub struct JwksServer {
    pub url: String,
    requests: Arc<AtomicUsize>,
    keys: Arc<Mutex<Vec<Value>>>,
    gate: Arc<Gate>,
}

/// Holds answers while closed; tells when a request arrived.
#[derive(Default)]
struct Gate {
    closed: Mutex<bool>,
    opened: Notify,
    arrived: Notify,
}

impl JwksServer {
    /// A server serving `keys` at `/v1/jwks`.
    pub async fn start(keys: Vec<Value>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let url = format!("http://{}/v1", listener.local_addr().expect("bound"));
        let requests = Arc::new(AtomicUsize::new(0));
        let keys = Arc::new(Mutex::new(keys));
        let gate = Arc::new(Gate::default());
        let (counter, served, held) = (requests.clone(), keys.clone(), gate.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let (counter, served, held) = (counter.clone(), served.clone(), held.clone());
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&request);
                    assert!(
                        head.starts_with("GET /v1/jwks "),
                        "unexpected request: {head}"
                    );
                    counter.fetch_add(1, Ordering::SeqCst);
                    held.arrived.notify_one();
                    loop {
                        let opened = held.opened.notified();
                        if !*held.closed.lock().unwrap() {
                            break;
                        }
                        opened.await;
                    }
                    let body = json!({ "keys": *served.lock().unwrap() }).to_string();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
        Self {
            url,
            requests,
            keys,
            gate,
        }
    }

    /// A client of this server's instance.
    pub fn client(&self) -> Clerk {
        Clerk::builder()
            .bearer_auth("sk_test_auth")
            .server_url(self.url.clone())
            .build()
            .expect("valid test configuration")
    }

    /// How many JWKS requests arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Serves `keys` from now on.
    pub fn serve(&self, keys: Vec<Value>) {
        *self.keys.lock().unwrap() = keys;
    }

    /// Holds every answer until [`open`](Self::open).
    pub fn close(&self) {
        *self.gate.closed.lock().unwrap() = true;
    }

    /// Answers the held requests and the next ones.
    pub fn open(&self) {
        *self.gate.closed.lock().unwrap() = false;
        self.gate.opened.notify_waiters();
    }

    /// Waits until a request arrives (one that arrived before counts).
    pub async fn arrival(&self) {
        self.gate.arrived.notified().await;
    }
}
