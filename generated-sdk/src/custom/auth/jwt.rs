//! One JWT, verified offline, in a fixed order: the header and its algorithm
//! (before any key is touched), the signature, then the claims.
//!
//! jsonwebtoken's `decode` would check the algorithm against a list and the
//! claims in its own order, and report several of our rules as one error;
//! here its RSA verifier is called directly, so each rule is its own step
//! and its own [`AuthError`].

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

use super::VerifyOptions;
use super::claims::WireClaims;
use super::error::{AuthError, echo};

/// Longer tokens are refused before decoding (Clerk's are a few KiB).
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A token split into its segments, with its header read and its algorithm
/// allowed; nothing in it is trusted yet.
pub(super) struct Unverified<'a> {
    pub(super) algorithm: Algorithm,
    pub(super) kid: Option<String>,
    signed: &'a str,
    payload: &'a str,
    signature: &'a str,
}

/// The header fields the rules read; others are ignored.
#[derive(Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
    kid: Option<String>,
    /// Extensions the verifier must understand (RFC 7515 §4.1.11): we
    /// understand none, so a token that lists any is refused.
    crit: Option<serde_json::Value>,
}

/// Splits `token`, reads its header and applies the algorithm and `typ`
/// rules. No key is used.
pub(super) fn parse(token: &str) -> Result<Unverified<'_>, AuthError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::Malformed("longer than 16 KiB"));
    }
    let mut segments = token.split('.');
    let (Some(encoded_header), Some(payload), Some(signature), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return Err(AuthError::Malformed("not three dot-separated segments"));
    };
    let header_json = URL_SAFE_NO_PAD
        .decode(encoded_header)
        .map_err(|_| AuthError::Malformed("the header is not base64url"))?;
    let header: Header = serde_json::from_slice(&header_json)
        .map_err(|_| AuthError::Malformed("the header is not a JSON object with `alg`"))?;
    let algorithm = match header.alg.as_str() {
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        other => return Err(AuthError::UnsupportedAlgorithm(echo(other))),
    };
    if header
        .typ
        .as_deref()
        .is_some_and(|typ| !typ.eq_ignore_ascii_case("JWT"))
    {
        return Err(AuthError::WrongType);
    }
    if header.crit.is_some() {
        return Err(AuthError::Malformed("the header lists critical extensions"));
    }
    Ok(Unverified {
        algorithm,
        kid: header.kid,
        // The header and payload as sent, with the dot between them: what
        // the signature covers.
        signed: &token[..encoded_header.len() + 1 + payload.len()],
        payload,
        signature,
    })
}

impl Unverified<'_> {
    /// Checks the signature with `key`, then decodes the claims (only now:
    /// nothing in them is read before the signature holds).
    pub(super) fn verify(&self, key: &DecodingKey) -> Result<WireClaims, AuthError> {
        let signature = URL_SAFE_NO_PAD
            .decode(self.signature)
            .map_err(|_| AuthError::Malformed("the signature is not base64url"))?;
        // The provider is named rather than installed process-wide, so that
        // another crate's jsonwebtoken provider choice cannot change ours.
        let verifier = (DEFAULT_PROVIDER.verifier_factory)(&self.algorithm, key)
            .map_err(|_| AuthError::InvalidKey)?;
        verifier
            .verify(self.signed.as_bytes(), &signature)
            .map_err(|_| AuthError::BadSignature)?;
        let payload = URL_SAFE_NO_PAD
            .decode(self.payload)
            .map_err(|_| AuthError::Malformed("the payload is not base64url"))?;
        serde_json::from_slice(&payload)
            .map_err(|_| AuthError::Malformed("the payload is not a JSON object of claims"))
    }
}

/// The claim rules every accepted JWT meets, session or machine: the times
/// with the clock skew, and a subject.
pub(super) fn check_common(claims: &WireClaims, options: &VerifyOptions) -> Result<(), AuthError> {
    let now = now();
    let skew = i64::try_from(options.clock_skew.as_secs()).unwrap_or(i64::MAX);
    let exp = claims.exp().ok_or(AuthError::MissingClaim("exp"))?;
    if exp.saturating_add(skew) <= now {
        return Err(AuthError::Expired(exp));
    }
    if let Some(nbf) = claims.nbf().filter(|nbf| nbf.saturating_sub(skew) > now) {
        return Err(AuthError::NotYetValid(nbf));
    }
    if let Some(iat) = claims.iat().filter(|iat| iat.saturating_sub(skew) > now) {
        return Err(AuthError::IssuedInFuture(iat));
    }
    if claims.sub().is_none() {
        return Err(AuthError::MissingClaim("sub"));
    }
    Ok(())
}

/// The rules only a session token meets: `azp` and `aud`, when configured.
pub(super) fn check_session(claims: &WireClaims, options: &VerifyOptions) -> Result<(), AuthError> {
    if !options.authorized_parties.is_empty() {
        match claims.azp() {
            None => return Err(AuthError::UnauthorizedParty(None)),
            Some(azp) if !options.authorized_parties.iter().any(|party| party == azp) => {
                return Err(AuthError::UnauthorizedParty(Some(echo(azp))));
            }
            Some(_) => {}
        }
    }
    if !options.audience.is_empty()
        && !claims
            .aud()
            .iter()
            .any(|aud| options.audience.contains(aud))
    {
        return Err(AuthError::WrongAudience);
    }
    Ok(())
}

/// Seconds since the Unix epoch (0 if the clock is before it).
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}
