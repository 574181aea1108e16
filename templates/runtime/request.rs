//! Per-call request data and the awaitable [`Request`].

use std::borrow::Cow;
use std::fmt::{self, Display};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde::Serialize;

use super::error::Error;
use super::hook::HookContext;
use super::retry::RetryConfig;
use super::response::Response;
use super::transport::ClientCore;

/// What one call of an operation returns: `Output` is what awaiting its
/// [`Request`] (or sending it on the blocking client) gives on success.
///
/// Implemented by this crate's operation types only (the trait is sealed):
/// it turns their inputs into a request and decodes the response.
///
/// Generated impls mark both methods `#[inline]`, so that, like the generic
/// [`Request`] future that calls them, they are compiled in the crate that
/// sends the operation, and only if it does: a program using five of an
/// API's two hundred operations compiles the encoding and decoding of those
/// five (the decoding of a response type is most of an operation's code),
/// and building this crate alone compiles none of it.
pub trait Operation: Sealed + Send + 'static {
    /// The spec's `operationId`.
    const OPERATION_ID: &'static str;
    /// The decoded success response.
    type Output: Send;
    /// Validates the parameters (when `validate`: the spec's constraints;
    /// a path parameter is always kept in its segment) and builds the
    /// request.
    #[doc(hidden)]
    fn prepare(&self, validate: bool) -> Result<Prepared, Error>;
    /// Maps the final response (any status) to the output or an error.
    #[doc(hidden)]
    fn decode(response: Response) -> Result<Self::Output, Error>;
}

/// Seals [`Operation`]: public, so that generated operations implement it,
/// but in a module users cannot name.
pub trait Sealed {}

/// A request body, already serialised.
#[derive(Clone, Debug)]
pub struct Body {
    /// The `Content-Type`.
    pub content_type: HeaderValue,
    /// The bytes, resent unchanged by retries.
    pub bytes: Bytes,
}

/// An operation's request, ready for the send path.
#[derive(Debug)]
pub struct Prepared {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path, parameters substituted and percent-encoded; starts with `/`.
    /// Borrowed when the path has no parameters.
    pub path: Cow<'static, str>,
    /// Query parameters, already serialised (encoded when sent).
    pub query: Vec<(&'static str, String)>,
    /// The `Accept` header, when the operation returns a body.
    pub accept: Option<&'static str>,
    /// Header parameters.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The body.
    pub body: Option<Body>,
    /// Security requirement: alternatives (OR) of scheme indexes (AND);
    /// empty means no authentication.
    pub security: &'static [&'static [usize]],
    /// The operation's retry override from the spec.
    pub retries: Option<&'static RetryConfig>,
    /// The idempotency-key header the spec declares on the operation
    /// (lower case): a POST or PATCH that carries it is retried like a PUT.
    pub idempotency_key: Option<&'static str>,
    /// Whether a success response can hold a field the spec marks secret:
    /// errors then keep its raw body for code but never show it.
    pub secret_response: bool,
}

impl Prepared {
    /// A request without parameters or body, to a path without parameters.
    pub(crate) fn new(operation_id: &'static str, method: Method, path: &'static str) -> Self {
        Self::at(operation_id, method, Cow::Borrowed(path))
    }

    /// A request without parameters or body, to a path with parameters
    /// already substituted.
    pub(crate) fn with_path(operation_id: &'static str, method: Method, path: String) -> Self {
        Self::at(operation_id, method, Cow::Owned(path))
    }

    fn at(operation_id: &'static str, method: Method, path: Cow<'static, str>) -> Self {
        Self {
            operation_id,
            method,
            path,
            query: Vec::new(),
            accept: None,
            headers: Vec::new(),
            body: None,
            security: &[],
            retries: None,
            idempotency_key: None,
            secret_response: false,
        }
    }

    /// Serialises `value` as the JSON body (type-erased: one copy of the
    /// encoder for every body type).
    pub(crate) fn json_body(&mut self, value: &dyn erased_serde::Serialize) -> Result<(), Error> {
        let bytes = serde_json::to_vec(value).map_err(Error::Encode)?;
        self.body = Some(Body {
            content_type: HeaderValue::from_static("application/json"),
            bytes: Bytes::from(bytes),
        });
        Ok(())
    }

    /// Sets the `Accept` header.
    pub(crate) fn accept(&mut self, media_type: &'static str) {
        self.accept = Some(media_type);
    }

    /// A scalar query parameter.
    pub(crate) fn query(&mut self, name: &'static str, value: impl Display) {
        self.query.push((name, value.to_string()));
    }

    /// A header parameter; invalid values are a configuration error.
    pub(crate) fn header(&mut self, name: &'static str, value: impl Display) -> Result<(), Error> {
        let value = HeaderValue::try_from(value.to_string())
            .map_err(|_| Error::Config(format!("invalid value for header parameter {name}")))?;
        self.headers.push((HeaderName::from_static(name), value));
        Ok(())
    }
}

/// Per-call options set on a [`Request`].
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    pub(crate) retries: Option<RetryConfig>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) server_url: Option<String>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// Whether to skip the spec's constraint checks for this call.
    pub(crate) skip_validation: bool,
    /// The caller vouches that sending this call twice does no harm.
    pub(crate) assume_idempotent: bool,
    /// The first invalid option, reported when the request is awaited.
    pub(crate) invalid: Option<String>,
    /// At most this many pages when walking a paginated list.
    pub(crate) max_pages: Option<u64>,
    /// The whole URL to send to instead of the server URL, path and query
    /// (a next-page URL the server gave).
    pub(crate) page_url: Option<reqwest::Url>,
}

/// The future of a sent call: owned, so it can be spawned or stored.
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// A call ready to be sent: set per-call options, then `.await` it (or
/// [`send`](Self::send) it, to get a future to spawn or store).
///
/// It holds a share of its client, not a borrow: it can outlive the client
/// value it came from, and move to another task or thread.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<O> {
    core: Arc<ClientCore>,
    operation: O,
    options: CallOptions,
}

impl<O: fmt::Debug> fmt::Debug for Request<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<O> Request<O> {
    pub(crate) fn new(core: Arc<ClientCore>, operation: O) -> Self {
        Self {
            core,
            operation,
            options: CallOptions::default(),
        }
    }

    /// The operation's parameters (for generated optional-parameter setters).
    pub(crate) fn operation_mut(&mut self) -> &mut O {
        &mut self.operation
    }

    /// The per-call options.
    pub(crate) fn options_mut(&mut self) -> &mut CallOptions {
        &mut self.options
    }

    /// The client, the operation and the per-call options, for send paths
    /// other than awaiting (streams).
    pub(crate) fn into_parts(self) -> (Arc<ClientCore>, O, CallOptions) {
        (self.core, self.operation, self.options)
    }

    /// Overrides the retry configuration for this call.
    pub fn retries(mut self, config: RetryConfig) -> Self {
        self.options.retries = Some(config);
        self
    }

    /// Overrides the timeout of each attempt for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the bound of this whole call, all attempts and waits
    /// between them included (see `ClientBuilder::total_timeout`).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.options.total_timeout = Some(timeout);
        self
    }

    /// Overrides the server URL for this call.
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.options.server_url = Some(url.into());
        self
    }

    /// Skips the checks of the API description's constraints (patterns,
    /// lengths, ranges...) for this call: the server alone decides. Use it
    /// when the API accepts values that this version of the description
    /// refuses. A path parameter is still refused when it is empty, `.` or
    /// `..`. [`ClientBuilder::skip_validation`](crate::ClientBuilder::skip_validation)
    /// does it for every call.
    pub fn skip_validation(mut self) -> Self {
        self.options.skip_validation = true;
        self
    }

    /// Declares that sending this call more than once does no harm (the
    /// server deduplicates it, or repeating it is harmless), so that it is
    /// retried like a PUT.
    ///
    /// Without it, a POST or PATCH is retried only when it provably never
    /// reached the server (the connection could not be opened) or when the
    /// server answered a status the retry policy lists: not after a timeout
    /// or a broken response, since the server may have acted on it. A
    /// request carrying the idempotency key its operation declares is
    /// retried like a PUT without this.
    pub fn assume_idempotent(mut self) -> Self {
        self.options.assume_idempotent = true;
        self
    }

    /// Adds (or replaces) a header for this call. The value is treated as
    /// sensitive. An invalid name or value is reported when awaited.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name {name:?}"))
            .and_then(|n| match HeaderValue::from_str(value.as_ref()) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    Ok((n, v))
                }
                Err(_) => Err(format!("invalid value for header {name:?}")),
            });
        match parsed {
            Ok(header) => self.options.headers.push(header),
            Err(message) => {
                self.options.invalid.get_or_insert(message);
            }
        }
        self
    }
}

impl<O: Operation> Request<O> {
    /// Sends the call: the returned future owns everything it needs
    /// (`Send + 'static`), so it can be spawned (`tokio::spawn`) or stored.
    /// Awaiting the request itself does the same.
    pub fn send(self) -> ResponseFuture<O::Output> {
        self.into_future()
    }
}

impl<O: Operation> IntoFuture for Request<O> {
    type Output = Result<O::Output, Error>;
    type IntoFuture = ResponseFuture<O::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let Request {
                core,
                operation,
                options,
            } = self;
            let validate = !(options.skip_validation || core.skips_validation());
            let prepared = operation.prepare(validate);
            drop(operation);
            send_prepared::<O>(&core, prepared, options).await
        })
    }
}

/// Sends a prepared call of `O` and decodes its response, telling the hooks
/// as awaiting a [`Request`] does (each page of a paginated list goes
/// through here too).
pub(crate) async fn send_prepared<O: Operation>(
    core: &ClientCore,
    prepared: Result<Prepared, Error>,
    options: CallOptions,
) -> Result<O::Output, Error> {
    {
        {
            let prepared = match prepared {
                Ok(prepared) => prepared,
                Err(error) => {
                    let ctx = HookContext {
                        operation_id: O::OPERATION_ID,
                        attempt: 0,
                    };
                    core.after_error(&ctx, &error);
                    return Err(error);
                }
            };
            // `execute` reports its own errors to the hooks.
            let response = core.execute(prepared, options).await?;
            if !core.has_hooks() {
                return O::decode(response);
            }
            let ctx = HookContext {
                operation_id: O::OPERATION_ID,
                attempt: response.attempts(),
            };
            let kept = response.clone();
            let result = O::decode(response);
            match &result {
                Ok(_) => core.after_success(&ctx, &kept),
                Err(error) => core.after_error(&ctx, error),
            }
            result
        }
    }
}

/// Compile-time check: a pending call, and the future awaiting it, can move
/// to another thread, whatever the operation.
const _: () = {
    fn is_send<T: Send>() {}
    fn every_call_is_send<O: Operation>() {
        is_send::<Request<O>>();
        is_send::<<Request<O> as IntoFuture>::IntoFuture>();
    }
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_keep_their_order() {
        let mut prepared = Prepared::new("Op", Method::GET, "/x");
        prepared.query("limit", 10);
        prepared.query("after", "a b");
        let query: Vec<_> = prepared
            .query
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        assert_eq!(query, ["limit=10", "after=a b"]);
    }

    #[test]
    fn a_body_that_cannot_be_encoded_is_an_encode_error_shown_once() {
        struct Unencodable;
        impl Serialize for Unencodable {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no JSON form"))
            }
        }
        let mut prepared = Prepared::new("Op", Method::POST, "/x");
        let error = prepared.json_body(&Unencodable).expect_err("fails");
        assert!(matches!(error, Error::Encode(_)), "{error:?}");
        assert_eq!(error.to_string(), "failed to encode the request body");
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("no JSON form"));
        assert!(prepared.body.is_none());
    }
}
