//! Hand-written: who is calling — a signed-in user or a machine. Declared in
//! `spec/sdk.toml` (`[[modules]]`, feature `auth`); the generator never
//! writes this file.
//!
//! [`Clerk::authenticate_request`] reads the token from the request's
//! `Authorization: Bearer` header or its `__session` cookie and verifies it:
//!
//! - a **session token** (a JWT whose `sub` is a user) becomes
//!   [`Authenticated::Session`](crate::auth::Authenticated::Session) with its [`Claims`](crate::auth::Claims);
//! - a **machine token** becomes [`Authenticated::Machine`](crate::auth::Authenticated::Machine): an opaque
//!   `mt_…` token is verified by the API (`m2m().verify_token`), an M2M JWT
//!   (`sub` `mch_…`) offline, like a session token.
//!
//! [`Clerk::verify_token`] verifies a session token you already hold.
//!
//! A JWT is checked in this order, each rule failing with its own
//! [`AuthError`](crate::auth::AuthError): the algorithm (RS256, RS384 or RS512 only, refused before
//! any key is used) and `typ` (`JWT` when present); the signature, under the
//! PEM key of [`VerifyOptions::jwt_key`](crate::auth::VerifyOptions::jwt_key) (no network) or else the instance's
//! key named by the token's `kid` in its JWKS; then the claims — `exp`, `nbf`
//! and `iat` with the clock skew, `sub`, and for a session token `azp` (when
//! [`VerifyOptions::authorized_parties`](crate::auth::VerifyOptions::authorized_parties) is set) and `aud` (when
//! [`VerifyOptions::audience`](crate::auth::VerifyOptions::audience) is set).
//!
//! The JWKS is fetched through the client (`GET /jwks`, with its secret key),
//! cached for [`JWKS_CACHE_TTL`](crate::auth::JWKS_CACHE_TTL) by that client and its clones only, fetched
//! again at most once when a token names a `kid` it does not hold, and never
//! fetched twice at once: concurrent verifications share one fetch. The
//! JWKS fetch and an `mt_` token's verification are ordinary calls of the
//! client, with its retry and timeout settings: the spec's retries go on for
//! up to an hour, so a server that authenticates requests should give its
//! client a `total_timeout` (or pass `jwt_key`, which needs no call at all).
//!
//! ```no_run
//! # async fn run(headers: http::HeaderMap) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_backend_api::Clerk;
//! use clerk_backend_api::auth::{Authenticated, VerifyOptions};
//!
//! let clerk = Clerk::from_env()?;
//! let options = VerifyOptions::new().authorized_parties(["https://example.com"]);
//! match clerk.authenticate_request(&headers, &options).await? {
//!     Authenticated::Session(claims) => println!("user {}", claims.sub),
//!     Authenticated::Machine(token) => println!("machine {}", token.subject),
//!     _ => {}
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap};

use crate::Clerk;
use crate::models::VerifyM2mTokenRequestBody;

#[path = "auth/claims.rs"]
mod claims;
#[path = "auth/error.rs"]
mod error;
#[path = "auth/jwt.rs"]
mod jwt;
#[path = "auth/keys.rs"]
mod keys;
#[cfg(feature = "tower")]
#[path = "auth/layer.rs"]
mod layer;

pub use claims::{Actor, Claims, MachineToken};
pub use error::{AuthError, MAX_ECHOED_LEN, TokenKind};
pub use keys::JWKS_CACHE_TTL;
#[cfg(feature = "tower")]
pub use layer::{ClerkAuth, ClerkAuthLayer};

use claims::{MACHINE_PREFIX, WireClaims};

/// The prefix of an opaque machine token.
const OPAQUE_MACHINE_PREFIX: &str = "mt_";

/// The cookie Clerk keeps a browser's session token in.
pub const SESSION_COOKIE: &str = "__session";

/// The clock skew [`VerifyOptions::new`] allows.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(5);

/// How tokens are verified: the key, the authorized parties, the audience
/// and the clock skew. Cheap to clone; build it once and share it.
#[derive(Clone)]
pub struct VerifyOptions {
    /// The PEM key, parsed once (`Err` when it is not an RSA public key).
    key: Option<Result<Arc<DecodingKey>, ()>>,
    authorized_parties: Vec<String>,
    audience: Vec<String>,
    clock_skew: Duration,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for VerifyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match &self.key {
            None => "JWKS",
            Some(Ok(_)) => "PEM",
            Some(Err(())) => "PEM (not an RSA public key)",
        };
        f.debug_struct("VerifyOptions")
            .field("key", &key)
            .field("authorized_parties", &self.authorized_parties)
            .field("audience", &self.audience)
            .field("clock_skew", &self.clock_skew)
            .finish()
    }
}

impl VerifyOptions {
    /// Keys from the instance's JWKS, any `azp` and `aud`, 5 seconds of
    /// clock skew.
    pub fn new() -> Self {
        Self {
            key: None,
            authorized_parties: Vec::new(),
            audience: Vec::new(),
            clock_skew: DEFAULT_CLOCK_SKEW,
        }
    }

    /// Verifies with this key instead of the instance's JWKS, with no
    /// network call: Clerk's PEM public key (Dashboard → API keys), with or
    /// without its `-----BEGIN PUBLIC KEY-----` lines. A key that is not an
    /// RSA public key fails each verification with [`AuthError::InvalidKey`].
    pub fn jwt_key(mut self, pem: impl AsRef<str>) -> Self {
        let pem = pem.as_ref().trim();
        let parsed = if pem.starts_with("-----BEGIN") {
            DecodingKey::from_rsa_pem(pem.as_bytes())
        } else {
            let wrapped = format!("-----BEGIN PUBLIC KEY-----\n{pem}\n-----END PUBLIC KEY-----\n");
            DecodingKey::from_rsa_pem(wrapped.as_bytes())
        };
        self.key = Some(parsed.map(Arc::new).map_err(|_| ()));
        self
    }

    /// Accepts a session token only when its `azp` is one of these origins
    /// (e.g. `["https://example.com"]`); a token without `azp` is refused.
    pub fn authorized_parties<I, S>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.authorized_parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// Accepts a session token only when one of its `aud` values is one of these.
    pub fn audience<I, S>(mut self, audience: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.audience = audience.into_iter().map(Into::into).collect();
        self
    }

    /// How far `exp`, `nbf` and `iat` may be off the local clock (5 seconds
    /// unless set).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }
}

/// Who a request comes from.
// Sessions are the common case, so boxing their claims to shrink the
// rarer machine variant would cost an allocation for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Authenticated {
    /// A signed-in user, by their session token.
    Session(Claims),
    /// A machine, by its M2M token.
    Machine(MachineToken),
}

/// Where a request's token came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Header,
    Cookie,
}

impl Clerk {
    /// Verifies a session token: see the [`auth`](crate::auth) module for
    /// the rules. A machine token, opaque or JWT, is refused
    /// ([`AuthError::WrongTokenKind`]).
    ///
    /// # Errors
    ///
    /// The [`AuthError`] naming the rule the token broke.
    pub async fn verify_token(
        &self,
        token: &str,
        options: &VerifyOptions,
    ) -> Result<Claims, AuthError> {
        if token.starts_with(OPAQUE_MACHINE_PREFIX) {
            return Err(wrong_kind(TokenKind::Session, TokenKind::Machine));
        }
        match self.verify_jwt(token, options).await? {
            Authenticated::Session(claims) => Ok(claims),
            Authenticated::Machine(_) => Err(wrong_kind(TokenKind::Session, TokenKind::Machine)),
        }
    }

    /// Authenticates a request by its `Authorization: Bearer` token, else its
    /// `__session` cookie: a session token or a machine token (a machine
    /// token is accepted from the header only; a browser's cookie holds a
    /// session). See the [`auth`](crate::auth) module for the rules.
    ///
    /// # Errors
    ///
    /// [`AuthError::MissingToken`] when the request has no token, else the
    /// [`AuthError`] naming the rule the token broke.
    pub async fn authenticate_request(
        &self,
        headers: &HeaderMap,
        options: &VerifyOptions,
    ) -> Result<Authenticated, AuthError> {
        let (token, source) = token_of(headers).ok_or(AuthError::MissingToken)?;
        let authenticated = if token.starts_with(OPAQUE_MACHINE_PREFIX) {
            // Refused before the API is asked: a browser's cookie holds a session.
            if source == Source::Cookie {
                return Err(wrong_kind(TokenKind::Session, TokenKind::Machine));
            }
            Authenticated::Machine(self.verify_opaque_machine_token(token).await?)
        } else {
            self.verify_jwt(token, options).await?
        };
        if source == Source::Cookie && matches!(authenticated, Authenticated::Machine(_)) {
            return Err(wrong_kind(TokenKind::Session, TokenKind::Machine));
        }
        Ok(authenticated)
    }

    /// Header, key, signature, then claims: see [`jwt`].
    async fn verify_jwt(
        &self,
        token: &str,
        options: &VerifyOptions,
    ) -> Result<Authenticated, AuthError> {
        let unverified = jwt::parse(token)?;
        let claims: WireClaims = match &options.key {
            Some(Ok(key)) => unverified.verify(key)?,
            Some(Err(())) => return Err(AuthError::InvalidKey),
            None => {
                let kid = unverified
                    .kid
                    .as_deref()
                    .ok_or(AuthError::UnknownKey(None))?;
                let key = keys::cache_of(self).key(self, kid).await?;
                if !key.allows(unverified.algorithm) {
                    return Err(AuthError::BadSignature);
                }
                unverified.verify(&key.key)?
            }
        };
        jwt::check_common(&claims, options)?;
        if claims.is_machine() {
            Ok(Authenticated::Machine(claims.into_machine()?))
        } else {
            jwt::check_session(&claims, options)?;
            Ok(Authenticated::Session(claims.into_session()?))
        }
    }

    /// An opaque `mt_…` token, verified by the API.
    async fn verify_opaque_machine_token(&self, token: &str) -> Result<MachineToken, AuthError> {
        let verified = self
            .m2m()
            .verify_token(VerifyM2mTokenRequestBody::new(token))
            .await
            .map_err(|error| AuthError::api(&error))?;
        // The API answers in milliseconds.
        let exp = verified.expiration.map(|ms| ms / 1000);
        if verified.revoked {
            return Err(AuthError::Revoked);
        }
        if verified.expired {
            return Err(AuthError::Expired(exp.unwrap_or_default()));
        }
        if !verified.subject.starts_with(MACHINE_PREFIX) {
            return Err(wrong_kind(TokenKind::Machine, TokenKind::Session));
        }
        let claims = match verified.claims {
            Some(crate::Nullable::Value(serde_json::Value::Object(claims))) => claims,
            _ => serde_json::Map::new(),
        };
        Ok(MachineToken {
            id: Some(verified.id),
            subject: verified.subject,
            scopes: verified.scopes.unwrap_or_default(),
            claims,
            exp,
        })
    }
}

fn wrong_kind(expected: TokenKind, found: TokenKind) -> AuthError {
    AuthError::WrongTokenKind { expected, found }
}

/// The bearer token, else the `__session` cookie; empty values count as absent.
fn token_of(headers: &HeaderMap) -> Option<(&str, Source)> {
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty());
    if let Some(token) = bearer {
        return Some((token, Source::Header));
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|cookie| cookie.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|token| !token.is_empty())
        .map(|token| (token, Source::Cookie))
}
