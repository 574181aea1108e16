//! The blocking counterparts of the `stream` module's types, for the
//! `blocking` client: [`StreamRequest::send`] waits for the response head,
//! and [`EventStream`] is an [`Iterator`] whose `next` waits for the next
//! item. Copied, like `stream.rs`, only into crates that stream.

use std::fmt;
use std::future::{IntoFuture, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use serde::de::DeserializeOwned;

use super::blocking::BlockingRuntime;
use super::error::Error;
use super::retry::RetryConfig;
use super::stream::{self, StreamOperation};

/// A call whose answer is a stream: set per-call options, then
/// [`send`](Self::send) it for the [`EventStream`] iterator.
#[must_use = "a request does nothing until it is sent"]
pub struct StreamRequest<O> {
    inner: stream::StreamRequest<O>,
    runtime: Arc<BlockingRuntime>,
}

impl<O: fmt::Debug> fmt::Debug for StreamRequest<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<O> StreamRequest<O> {
    pub(crate) fn new(inner: stream::StreamRequest<O>, runtime: Arc<BlockingRuntime>) -> Self {
        Self { inner, runtime }
    }

    /// The operation's parameters (for generated optional-parameter setters).
    pub(crate) fn operation_mut(&mut self) -> &mut O {
        self.inner.operation_mut()
    }

    /// Bounds the wait between two chunks of the stream; see the async
    /// `StreamRequest::idle_timeout`.
    pub fn idle_timeout(self, timeout: Duration) -> Self {
        self.map(|inner| inner.idle_timeout(timeout))
    }

    /// Bounds what the stream holds for one event while it arrives; see the
    /// async `StreamRequest::max_event_size`.
    pub fn max_event_size(self, bytes: usize) -> Self {
        self.map(|inner| inner.max_event_size(bytes))
    }

    /// Overrides the retry configuration (before the stream starts only).
    pub fn retries(self, config: RetryConfig) -> Self {
        self.map(|inner| inner.retries(config))
    }

    /// Bounds each attempt's wait for the response head.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|inner| inner.timeout(timeout))
    }

    /// Bounds the wait for the response head, all attempts included.
    pub fn total_timeout(self, timeout: Duration) -> Self {
        self.map(|inner| inner.total_timeout(timeout))
    }

    /// Overrides the server URL for this call.
    pub fn server_url(self, url: impl Into<String>) -> Self {
        self.map(|inner| inner.server_url(url))
    }

    /// Skips the API description's constraint checks for this call.
    pub fn skip_validation(self) -> Self {
        self.map(stream::StreamRequest::skip_validation)
    }

    /// Declares this call safe to repeat.
    pub fn assume_idempotent(self) -> Self {
        self.map(stream::StreamRequest::assume_idempotent)
    }

    /// Adds (or replaces) a header for this call.
    pub fn header(self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.map(|inner| inner.header(name, value))
    }

    fn map(
        self,
        change: impl FnOnce(stream::StreamRequest<O>) -> stream::StreamRequest<O>,
    ) -> Self {
        Self {
            inner: change(self.inner),
            runtime: self.runtime,
        }
    }
}

impl<O: StreamOperation> StreamRequest<O> {
    /// Sends the request and waits for the response head.
    ///
    /// # Errors
    ///
    /// As for awaiting the async request; [`Error::Config`] if the
    /// runtime thread could not take the call.
    pub fn send(self) -> Result<EventStream<O::Item>, Error> {
        let Self { inner, runtime } = self;
        let stream = runtime.run(inner.into_future())?;
        Ok(EventStream {
            stream: Some(stream),
            runtime,
        })
    }
}

/// The blocking counterpart of `crate::EventStream`: an
/// [`Iterator`] of `Result<T, Error>`; each `next` waits for the next
/// event. Dropping it closes the connection.
pub struct EventStream<T> {
    /// Taken while the runtime thread reads the next item.
    stream: Option<stream::EventStream<T>>,
    runtime: Arc<BlockingRuntime>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> Iterator for EventStream<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut stream = self.stream.take()?;
        // The stream's timer and body belong to the runtime thread, so
        // it is polled there and handed back with the item.
        let read = self.runtime.run(async move {
            let item = poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await;
            Ok((stream, item))
        });
        match read {
            Ok((stream, item)) => {
                self.stream = Some(stream);
                item
            }
            Err(error) => Some(Err(error)),
        }
    }
}
