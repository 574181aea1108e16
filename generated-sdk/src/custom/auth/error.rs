//! Why a token was refused: one variant per rule, none holding the token or a key.

use std::fmt;

/// Why a token (or a request) was not authenticated.
///
/// Each variant names the rule that failed. None holds the token, a key or
/// a secret, so an error can be logged as it is; the few values taken from
/// the token (an algorithm name, a `kid`, an `azp`) are cut to
/// [`MAX_ECHOED_LEN`] characters of printable ASCII.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The request carries no token: neither an `Authorization: Bearer`
    /// header nor a `__session` cookie.
    MissingToken,
    /// The token is not a well-formed JWT (three base64url segments holding
    /// JSON), or a claim has the wrong type; the reason says which part.
    Malformed(&'static str),
    /// The header's `alg` is not RS256, RS384 or RS512 (`none`, HMAC, ECDSA
    /// and the rest are refused before any key is looked at).
    UnsupportedAlgorithm(String),
    /// The header's `typ` is present and is not `JWT`.
    WrongType,
    /// The signature does not match the token under the instance's key.
    BadSignature,
    /// No key of the instance has the token's `kid`, even after fetching the
    /// instance's JWKS again.
    UnknownKey(Option<String>),
    /// The configured PEM key (or a key in the instance's JWKS) is not an RSA
    /// public key.
    InvalidKey,
    /// `exp` (with the clock skew) has passed; the time is the token's `exp`.
    Expired(i64),
    /// `nbf` (less the clock skew) has not come yet; the time is the token's `nbf`.
    NotYetValid(i64),
    /// `iat` (less the clock skew) is in the future; the time is the token's `iat`.
    IssuedInFuture(i64),
    /// A claim every accepted token must carry is absent: `sub` or `exp`.
    MissingClaim(&'static str),
    /// Authorized parties are set and the token's `azp` is absent (`None`)
    /// or not one of them.
    UnauthorizedParty(Option<String>),
    /// An audience is set and none of the token's `aud` values is in it.
    WrongAudience,
    /// A machine token where a session token was expected, or the reverse.
    WrongTokenKind {
        /// What the caller accepts.
        expected: TokenKind,
        /// What the token is.
        found: TokenKind,
    },
    /// Clerk says the machine token was revoked.
    Revoked,
    /// A call to the Clerk API (the JWKS, or an `mt_` token's verification)
    /// failed; `status` is the HTTP status when the server answered (for an
    /// `mt_` token, 404 and 400 mean Clerk does not know it).
    Api {
        /// The HTTP status, when the server answered.
        status: Option<u16>,
    },
}

/// A token's kind, in [`AuthError::WrongTokenKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// A session token: a JWT whose `sub` is not a machine's.
    Session,
    /// A machine token: an opaque `mt_…` token, or a JWT whose `sub` starts with `mch_`.
    Machine,
}

/// The most characters of a token-supplied value an [`AuthError`] repeats.
pub const MAX_ECHOED_LEN: usize = 64;

/// A token-supplied value fit to repeat in an error: printable ASCII only,
/// at most [`MAX_ECHOED_LEN`] characters (a hostile header cannot fill logs).
pub(super) fn echo(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(MAX_ECHOED_LEN)
        .collect()
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenKind::Session => "session token",
            TokenKind::Machine => "machine token",
        })
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::MissingToken => f.write_str(
                "no token: neither an Authorization: Bearer header nor a __session cookie",
            ),
            AuthError::Malformed(reason) => write!(f, "malformed token: {reason}"),
            AuthError::UnsupportedAlgorithm(alg) => {
                write!(
                    f,
                    "algorithm `{alg}` refused: only RS256, RS384 and RS512 are accepted"
                )
            }
            AuthError::WrongType => f.write_str("the header's `typ` is not JWT"),
            AuthError::BadSignature => f.write_str("bad signature"),
            AuthError::UnknownKey(Some(kid)) => write!(f, "unknown key `{kid}`"),
            AuthError::UnknownKey(None) => f.write_str("the token names no key (`kid`)"),
            AuthError::InvalidKey => f.write_str("the verification key is not an RSA public key"),
            AuthError::Expired(exp) => write!(f, "expired (exp {exp})"),
            AuthError::NotYetValid(nbf) => write!(f, "not yet valid (nbf {nbf})"),
            AuthError::IssuedInFuture(iat) => write!(f, "issued in the future (iat {iat})"),
            AuthError::MissingClaim(claim) => write!(f, "the `{claim}` claim is missing"),
            AuthError::UnauthorizedParty(Some(azp)) => write!(f, "unauthorized party `{azp}`"),
            AuthError::UnauthorizedParty(None) => {
                f.write_str("unauthorized party: the token has no `azp`")
            }
            AuthError::WrongAudience => f.write_str("wrong audience"),
            AuthError::WrongTokenKind { expected, found } => {
                write!(f, "a {found} where a {expected} was expected")
            }
            AuthError::Revoked => f.write_str("the machine token was revoked"),
            AuthError::Api {
                status: Some(status),
            } => {
                write!(f, "the Clerk API answered {status}")
            }
            AuthError::Api { status: None } => f.write_str("the Clerk API could not be reached"),
        }
    }
}

impl std::error::Error for AuthError {}

impl AuthError {
    /// An API call's failure, keeping only its status: the error's body could
    /// repeat the request, which holds the token.
    pub(super) fn api(error: &crate::Error) -> Self {
        AuthError::Api {
            status: error.status().map(|status| status.as_u16()),
        }
    }
}
