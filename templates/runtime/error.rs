//! The crate's single error type.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::validate::ValidationError;
use crate::ErrorBody;

/// How much of a response body `Display` shows.
const MAX_DISPLAY_BODY: usize = 2048;

/// Any error returned by this crate.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status documented by the spec; the
    /// body was decoded into its schema.
    Api(Box<ApiError>),
    /// The server answered with a status the spec does not document.
    UnexpectedStatus(Box<ResponseError>),
    /// The server redirected the request to another origin (scheme, host or
    /// port), `https` to `http` included. It was not followed, so that no
    /// credential leaves the origin the request was built for; the target
    /// is the response's `Location` header. Redirects within the origin are
    /// followed.
    Redirect(Box<ResponseError>),
    /// The response body did not match its schema.
    Decode(Box<DecodeError>),
    /// The request could not be sent or the response not received
    /// (connection refused, TLS, broken connection...).
    Transport(reqwest::Error),
    /// An attempt did not complete within the configured timeout.
    Timeout(Duration),
    /// The server answered (status and headers arrived) but its body could
    /// not be read to the end: the connection broke or the timeout ran out.
    Body(Box<BodyError>),
    /// The request violates a constraint of the spec; nothing was sent.
    Validation(Box<ValidationError>),
    /// Invalid configuration: server URL, header name or value, credentials...
    Config(String),
    /// The request body could not be serialised.
    Encode(serde_json::Error),
    /// A [`Hook`](crate::Hook) rejected the request.
    Hook(Box<dyn std::error::Error + Send + Sync>),
    /// Walking a list's pages stopped because the server's answers would
    /// loop or lead elsewhere; the pages before were delivered.
    Pagination(PaginationError),
}

/// Why walking a list's pages stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationError {
    /// The server gave a next cursor it had already given: following it
    /// would fetch the same pages forever.
    RepeatedCursor(String),
    /// The server gave a next-page URL it had already given.
    RepeatedUrl(String),
    /// The next-page URL is on another origin (scheme, host or port): it is
    /// not followed, so that no credential leaves for another server.
    ForeignUrl(String),
    /// The next-page URL is not a URL.
    InvalidUrl(String),
    /// The next offset or page number does not fit the input's type.
    OffsetOverflow,
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RepeatedCursor(cursor) => {
                write!(f, "the server repeated the next cursor {cursor:?}")
            }
            Self::RepeatedUrl(url) => write!(f, "the server repeated the next-page URL {url}"),
            Self::ForeignUrl(url) => {
                write!(f, "the next-page URL {url} is on another server: not followed")
            }
            Self::InvalidUrl(url) => write!(f, "the next-page URL {url:?} is not a valid URL"),
            Self::OffsetOverflow => f.write_str("the next page's offset does not fit its type"),
        }
    }
}

impl std::error::Error for PaginationError {}

/// A documented error response, decoded into its schema.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: ErrorBody,
    /// The raw body.
    pub raw: Bytes,
}

/// A response with a status the spec does not document.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

/// A response whose body could not be read to the end.
///
/// When the operation's response can hold a secret, `Display` and `Debug`
/// show how many bytes arrived but not the bytes; `received` has them.
#[non_exhaustive]
pub struct BodyError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The part of the body that arrived before the failure.
    pub received: Bytes,
    /// Why reading stopped.
    pub failure: BodyFailure,
    /// Whether the body is left out of `Display` and `Debug`.
    pub(crate) hidden: bool,
}

/// Why a response body could not be read to the end.
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyFailure {
    /// The connection broke, or the body was shorter than announced.
    Interrupted(reqwest::Error),
    /// The attempt's timeout ran out while the body was arriving.
    TimedOut(Duration),
    /// One event of a streamed response grew past the stream's
    /// `max_event_size` (the limit, in bytes) before it ended.
    EventTooLarge(usize),
}

/// A response whose body did not match its schema.
///
/// When the operation's response can hold a secret (a field the spec marks
/// `format: password`), `Display` and `Debug` show the body's length and
/// what did not match, never the bytes; `body` keeps them for diagnosis.
#[non_exhaustive]
pub struct DecodeError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// What did not match.
    pub source: serde_json::Error,
    /// Whether the body is left out of `Display` and `Debug`.
    pub(crate) hidden: bool,
}

/// A raw body in `Debug` output: its length alone when it is hidden.
struct ShownBody<'a> {
    bytes: &'a Bytes,
    hidden: bool,
}

impl fmt::Debug for ShownBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hidden {
            write!(f, "<{} bytes, hidden: may hold secrets>", self.bytes.len())
        } else {
            fmt::Debug::fmt(self.bytes, f)
        }
    }
}

impl fmt::Debug for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let received = ShownBody {
            bytes: &self.received,
            hidden: self.hidden,
        };
        f.debug_struct("BodyError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("received", &received)
            .field("failure", &self.failure)
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = ShownBody {
            bytes: &self.body,
            hidden: self.hidden,
        };
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .field("source", &self.source)
            .finish()
    }
}

impl Error {
    /// Wraps an error raised by a [`Hook`](crate::Hook).
    pub fn hook(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Hook(error.into())
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::UnexpectedStatus(e) | Error::Redirect(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Body(e) => Some(e.status),
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The response headers, when the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api(e) => Some(&e.headers),
            Error::UnexpectedStatus(e) | Error::Redirect(e) => Some(&e.headers),
            Error::Decode(e) => Some(&e.headers),
            Error::Body(e) => Some(&e.headers),
            _ => None,
        }
    }

    /// The raw response body, when the server answered.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::UnexpectedStatus(e) | Error::Redirect(e) => Some(&e.body),
            Error::Decode(e) => Some(&e.body),
            Error::Body(e) => Some(&e.received),
            _ => None,
        }
    }

    /// The decoded body of a documented error response.
    pub fn api_body(&self) -> Option<&ErrorBody> {
        match self {
            Error::Api(e) => Some(&e.body),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: timeouts, connection
    /// failures, and statuses 408, 429, 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout(_) => true,
            Error::Body(e) => matches!(e.failure, BodyFailure::TimedOut(_)),
            Error::Transport(e) => e.is_connect() || e.is_timeout(),
            _ => matches!(
                self.status().map(|s| s.as_u16()),
                Some(408 | 429 | 500 | 502..=504)
            ),
        }
    }

    /// Whether the request provably never reached the server: the
    /// connection could not be opened (refused, DNS, TLS handshake, connect
    /// timeout). A POST that failed so is safe to send again.
    pub(crate) fn never_sent(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_connect())
    }

    /// Whether this is a failure to connect or a timeout (the errors
    /// `retry_connection_errors` retries).
    pub(crate) fn is_connection_error(&self) -> bool {
        match self {
            // A body that stalls is retried like any timeout; one cut off
            // is not, since the server has acted on the request.
            Error::Timeout(_) => true,
            Error::Body(e) => matches!(e.failure, BodyFailure::TimedOut(_)),
            Error::Transport(e) => e.is_connect() || e.is_timeout(),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::UnexpectedStatus(e) => e.fmt(f),
            Error::Redirect(e) => write_redirect(f, e),
            Error::Decode(e) => e.fmt(f),
            // The inner error is the `source()`, so it is not repeated here.
            Error::Transport(_) => f.write_str("HTTP transport error"),
            Error::Timeout(d) => write!(f, "request timed out after {d:?}"),
            Error::Body(e) => e.fmt(f),
            Error::Validation(_) => f.write_str("invalid request"),
            Error::Config(message) => write!(f, "invalid configuration: {message}"),
            Error::Encode(_) => f.write_str("failed to encode the request body"),
            Error::Hook(_) => f.write_str("request rejected by a hook"),
            Error::Pagination(_) => f.write_str("stopped walking the pages"),
        }
    }
}

/// Each message of an error chain is shown once: a variant wrapping another
/// error returns it from `source()` and leaves it out of `Display`.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode(e) => Some(&e.source),
            Error::Body(e) => match &e.failure {
                BodyFailure::Interrupted(source) => Some(source),
                BodyFailure::TimedOut(_) | BodyFailure::EventTooLarge(_) => None,
            },
            Error::Transport(e) => Some(e),
            Error::Validation(e) => Some(e.as_ref()),
            Error::Encode(e) => Some(e),
            Error::Hook(e) => Some(e.as_ref()),
            Error::Pagination(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        Error::Validation(Box::new(error))
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error)
    }
}

/// Writes `body` as text, truncated to [`MAX_DISPLAY_BODY`] bytes.
fn write_body(f: &mut fmt::Formatter<'_>, body: &[u8]) -> fmt::Result {
    if body.is_empty() {
        return f.write_str("(empty body)");
    }
    let shown = body.get(..MAX_DISPLAY_BODY).unwrap_or(body);
    f.write_str(String::from_utf8_lossy(shown).trim_end_matches('\u{FFFD}'))?;
    if body.len() > MAX_DISPLAY_BODY {
        write!(f, "... ({} bytes in total)", body.len())?;
    }
    Ok(())
}

/// A redirect that was not followed. Only the target's origin is shown: the
/// rest of a `Location` may hold a signed URL's secrets.
fn write_redirect(f: &mut fmt::Formatter<'_>, e: &ResponseError) -> fmt::Result {
    let target = e
        .headers
        .get(reqwest::header::LOCATION)
        .and_then(|location| location.to_str().ok())
        .and_then(|location| reqwest::Url::parse(location).ok())
        .map(|url| url.origin().ascii_serialization());
    write!(f, "redirect (HTTP {}) ", e.status)?;
    match target {
        Some(origin) => write!(f, "to {origin} "),
        None => f.write_str("to a relative or unreadable location "),
    }?;
    f.write_str("not followed: it leaves the origin the request was built for")
}

/// Writes `body` as [`write_body`] does, or only its length when `hidden`.
fn write_shown_body(f: &mut fmt::Formatter<'_>, body: &[u8], hidden: bool) -> fmt::Result {
    if hidden {
        write!(f, "{} bytes, not shown: the response may hold secrets", body.len())
    } else {
        write_body(f, body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error (HTTP {}): ", self.status)?;
        write_body(f, &self.raw)
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected HTTP status {}: ", self.status)?;
        write_body(f, &self.body)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // What did not match is the `source()`.
        write!(f, "failed to decode the response (HTTP {}); body: ", self.status)?;
        write_shown_body(f, &self.body, self.hidden)
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            // Why it broke is the `source()`.
            BodyFailure::Interrupted(_) => write!(
                f,
                "the response body (HTTP {}) was cut off after {} bytes; received: ",
                self.status,
                self.received.len()
            )?,
            BodyFailure::TimedOut(limit) => write!(
                f,
                "the response body (HTTP {}) did not arrive within {limit:?}; received {} bytes: ",
                self.status,
                self.received.len()
            )?,
            BodyFailure::EventTooLarge(limit) => write!(
                f,
                "an event of the streamed response (HTTP {}) grew past {limit} bytes; received: ",
                self.status
            )?,
        }
        write_shown_body(f, &self.received, self.hidden)
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            BodyFailure::Interrupted(source) => Some(source),
            BodyFailure::TimedOut(_) | BodyFailure::EventTooLarge(_) => None,
        }
    }
}
impl std::error::Error for ApiError {}
impl std::error::Error for ResponseError {}
impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Compile-time check: the error can cross threads and be boxed into
/// `anyhow`/`eyre`/`Box<dyn Error + Send + Sync>`.
const _: fn() = || {
    fn is_error<T: std::error::Error + Send + Sync + 'static>() {}
    is_error::<Error>();
    is_error::<BodyError>();
    is_error::<DecodeError>();
};
