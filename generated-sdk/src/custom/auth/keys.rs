//! The instance's signing keys: the JWKS, fetched through the API and cached
//! per client, with one fetch in flight however many verifications wait.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey};

use super::error::{AuthError, echo};
use crate::Clerk;
use crate::models::JwksKeys;
use crate::runtime::ClientCore;

/// How long a fetched JWKS is used before it is fetched again.
pub const JWKS_CACHE_TTL: Duration = Duration::from_secs(5 * 60);

/// One verification key of the instance.
pub(super) struct Key {
    pub(super) key: DecodingKey,
    /// The algorithm the JWK is for (its `alg`), when it names an RSA one.
    algorithm: Option<Algorithm>,
}

impl Key {
    /// Whether a token signed with `algorithm` may be checked with this key:
    /// a JWK that names its algorithm is used with that one only.
    pub(super) fn allows(&self, algorithm: Algorithm) -> bool {
        self.algorithm.is_none_or(|own| own == algorithm)
    }
}

/// One client's cache.
#[derive(Default)]
pub(super) struct KeyCache {
    state: Mutex<State>,
    /// Held while a fetch is in flight: the one fetch the waiters share.
    in_flight: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Arc<Key>>,
    fetched_at: Option<Instant>,
    /// Bumped by every fetch that ends, so that a waiter can tell whether
    /// one ended while it waited and use its result instead of fetching.
    fetches: u64,
    /// How the last fetch failed, when it did (shared with its waiters).
    last_failure: Option<AuthError>,
}

/// Caches by client: a weak reference to the client's core (which keeps the
/// address from being reused while the entry exists) and its cache.
static CACHES: Mutex<Vec<(Weak<ClientCore>, Arc<KeyCache>)>> = Mutex::new(Vec::new());

/// A lock that a panic elsewhere cannot poison for good: the state is
/// replaced whole, so it is consistent whenever the lock is free.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The cache of `clerk` (shared by its clones), created on first use;
/// caches of dropped clients are removed.
pub(super) fn cache_of(clerk: &Clerk) -> Arc<KeyCache> {
    let mut caches = lock(&CACHES);
    caches.retain(|(core, _)| core.strong_count() > 0);
    let core = Arc::as_ptr(&clerk.core);
    if let Some((_, cache)) = caches.iter().find(|(owner, _)| owner.as_ptr() == core) {
        return Arc::clone(cache);
    }
    let cache = Arc::new(KeyCache::default());
    caches.push((Arc::downgrade(&clerk.core), Arc::clone(&cache)));
    cache
}

impl State {
    fn fresh(&self) -> bool {
        self.fetched_at
            .is_some_and(|at| at.elapsed() < JWKS_CACHE_TTL)
    }
}

impl KeyCache {
    /// The key named `kid`: from the cache while it is fresh and knows the
    /// kid, else after one fetch (shared with every caller waiting for one).
    pub(super) async fn key(&self, clerk: &Clerk, kid: &str) -> Result<Arc<Key>, AuthError> {
        let seen = {
            let state = lock(&self.state);
            if state.fresh() {
                if let Some(key) = state.keys.get(kid) {
                    return Ok(Arc::clone(key));
                }
            }
            state.fetches
        };
        let _in_flight = self.in_flight.lock().await;
        {
            let state = lock(&self.state);
            if state.fetches != seen {
                // A fetch ended while this caller waited: its answer is as
                // new as another fetch's would be.
                return match (state.keys.get(kid), &state.last_failure) {
                    (Some(key), _) => Ok(Arc::clone(key)),
                    (None, Some(failure)) => Err(failure.clone()),
                    (None, None) => Err(AuthError::UnknownKey(Some(echo(kid)))),
                };
            }
        }
        let fetched = fetch(clerk).await;
        let mut state = lock(&self.state);
        state.fetches += 1;
        match fetched {
            Ok(keys) => {
                state.keys = keys;
                state.fetched_at = Some(Instant::now());
                state.last_failure = None;
            }
            Err(failure) => {
                state.last_failure = Some(failure.clone());
                return Err(failure);
            }
        }
        state
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| AuthError::UnknownKey(Some(echo(kid))))
    }
}

/// The instance's RSA signing keys by kid, through the generated `GetJWKS`
/// call. Keys of other types, and RSA keys that do not parse, are left out.
async fn fetch(clerk: &Clerk) -> Result<HashMap<String, Arc<Key>>, AuthError> {
    let jwks = clerk
        .jwks()
        .get_jwks()
        .await
        .map_err(|error| AuthError::api(&error))?;
    let mut keys = HashMap::new();
    for jwk in jwks.keys.unwrap_or_default() {
        let JwksKeys::JwksRsaPublicKey(jwk) = jwk else {
            continue;
        };
        if !jwk.use_.is_empty() && jwk.use_ != "sig" {
            continue;
        }
        let algorithm = match jwk.alg.as_str() {
            "RS256" => Some(Algorithm::RS256),
            "RS384" => Some(Algorithm::RS384),
            "RS512" => Some(Algorithm::RS512),
            "" => None,
            // A key for another algorithm never verifies our tokens.
            _ => continue,
        };
        let Ok(key) = DecodingKey::from_rsa_components(&jwk.n, &jwk.e) else {
            continue;
        };
        keys.insert(jwk.kid, Arc::new(Key { key, algorithm }));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::jwk::Jwk;
    use jsonwebtoken::{Algorithm, EncodingKey};
    use rsa::RsaPrivateKey;
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    use rsa::rand_core::OsRng;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    #[tokio::test]
    async fn the_jwks_is_fetched_again_once_it_is_five_minutes_old() {
        let private = RsaPrivateKey::new(&mut OsRng, 2048)
            .unwrap()
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap();
        let encoding = EncodingKey::from_rsa_pem(private.as_bytes()).unwrap();
        let mut jwk =
            serde_json::to_value(Jwk::from_encoding_key(&encoding, Algorithm::RS256).unwrap())
                .unwrap();
        jwk["kid"] = json!("kid_a");
        jwk["use"] = json!("sig");
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/jwks"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "keys": [jwk] })))
            .expect(2)
            .mount(&server)
            .await;
        let clerk = Clerk::builder()
            .bearer_auth("sk_test_auth")
            .server_url(server.uri())
            .build()
            .unwrap();
        let cache = cache_of(&clerk);
        assert!(Arc::ptr_eq(&cache, &cache_of(&clerk.clone())));
        for _ in 0..3 {
            cache.key(&clerk, "kid_a").await.expect("the key");
        }
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        // Almost five minutes old: still fresh.
        let age = |by: Duration| {
            let mut state = lock(&cache.state);
            state.fetched_at = Instant::now().checked_sub(by);
        };
        age(JWKS_CACHE_TTL - Duration::from_secs(5));
        cache.key(&clerk, "kid_a").await.expect("the key");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
        age(JWKS_CACHE_TTL);
        cache.key(&clerk, "kid_a").await.expect("the key");
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }

    #[test]
    fn a_dropped_client_leaves_the_registry() {
        let clerk = Clerk::builder()
            .bearer_auth("sk_test_auth")
            .build()
            .unwrap();
        let cache = cache_of(&clerk);
        let weak = Arc::downgrade(&cache);
        drop((clerk, cache));
        // The next lookup, by any client, removes the entry.
        let other = Clerk::builder()
            .bearer_auth("sk_test_auth")
            .build()
            .unwrap();
        let _ = cache_of(&other);
        assert!(weak.upgrade().is_none());
    }
}
