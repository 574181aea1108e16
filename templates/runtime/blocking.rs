//! Synchronous wrappers: a private current-thread Tokio runtime drives the
//! async send path.

use std::fmt;
use std::future::IntoFuture;
use std::time::Duration;

use super::error::Error;
use super::request::{self, Operation};
use super::retry::RetryConfig;

/// The Tokio runtime owned by a blocking client (`None` only while dropped).
pub struct BlockingRuntime(Option<tokio::runtime::Runtime>);

impl BlockingRuntime {
    pub(crate) fn new() -> Result<Self, Error> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(|runtime| Self(Some(runtime)))
            .map_err(|e| Error::Config(format!("cannot start the blocking runtime: {e}")))
    }
}

/// Shuts the runtime down without waiting, so that dropping a blocking
/// client inside an async runtime does not panic (Tokio forbids blocking
/// there).
impl Drop for BlockingRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for BlockingRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlockingRuntime")
    }
}

/// A call ready to be sent: set per-call options, then [`send`](Self::send) it.
///
/// The client may be shared by many threads. Calling `send` from inside an
/// async runtime (a Tokio task) returns [`Error::Config`] instead of
/// blocking that runtime: use the async client there.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<'c, O> {
    inner: request::Request<'c, O>,
    runtime: &'c BlockingRuntime,
}

impl<O: fmt::Debug> fmt::Debug for Request<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<'c, O> Request<'c, O> {
    pub(crate) fn new(inner: request::Request<'c, O>, runtime: &'c BlockingRuntime) -> Self {
        Self { inner, runtime }
    }

    /// The operation's parameters (for generated optional-parameter setters).
    pub(crate) fn operation_mut(&mut self) -> &mut O {
        self.inner.operation_mut()
    }

    /// Overrides the retry configuration for this call.
    pub fn retries(self, config: RetryConfig) -> Self {
        Self {
            inner: self.inner.retries(config),
            ..self
        }
    }

    /// Overrides the timeout of each attempt for this call.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self {
            inner: self.inner.timeout(timeout),
            ..self
        }
    }

    /// Overrides the bound of this whole call, all attempts and waits
    /// between them included.
    pub fn total_timeout(self, timeout: Duration) -> Self {
        Self {
            inner: self.inner.total_timeout(timeout),
            ..self
        }
    }

    /// Overrides the server URL for this call.
    pub fn server_url(self, url: impl Into<String>) -> Self {
        Self {
            inner: self.inner.server_url(url),
            ..self
        }
    }

    /// Declares this call safe to repeat; see the async
    /// `Request::assume_idempotent`.
    pub fn assume_idempotent(self) -> Self {
        Self {
            inner: self.inner.assume_idempotent(),
            ..self
        }
    }

    /// Adds (or replaces) a header for this call; see the async `Request::header`.
    pub fn header(self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        Self {
            inner: self.inner.header(name, value),
            ..self
        }
    }
}

impl<O: Operation> Request<'_, O> {
    /// Sends the request and waits for the result.
    ///
    /// # Errors
    ///
    /// As for awaiting the async request; [`Error::Config`] when called from
    /// inside an async runtime, where blocking is not allowed.
    pub fn send(self) -> Result<O::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(
                "the blocking client was called inside an async runtime; use the async client there"
                    .to_owned(),
            ));
        }
        match &self.runtime.0 {
            Some(runtime) => runtime.block_on(self.inner.into_future()),
            None => Err(Error::Config("the blocking runtime is shut down".to_owned())),
        }
    }
}
