//! Synchronous wrappers: a Tokio runtime on a thread of its own drives the
//! async send path, as reqwest's blocking client does. The calling thread
//! only waits for the answer, so a blocking call works on any thread that
//! may block: plain threads and `tokio::task::spawn_blocking` threads alike.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use super::error::Error;
use super::request::{self, Operation};
use super::retry::RetryConfig;

/// A call handed to the runtime thread: it sends its own result back.
type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The runtime thread of a blocking client. It runs until the client and
/// every request made from it are dropped (they hold the job sender).
pub struct BlockingRuntime {
    jobs: UnboundedSender<Job>,
}

impl BlockingRuntime {
    pub(crate) fn new() -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the blocking runtime: {e}")))?;
        let (jobs, mut queue) = unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("sdk-blocking-runtime".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    // Calls run concurrently; the loop ends with the last sender.
                    while let Some(job) = queue.recv().await {
                        tokio::spawn(job);
                    }
                });
            })
            .map_err(|e| Error::Config(format!("cannot start the blocking runtime thread: {e}")))?;
        Ok(Self { jobs })
    }

    /// Runs `future` on the runtime thread and waits for its result.
    pub(crate) fn run<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        // One slot: the single send from the runtime thread never waits.
        let (answer, result) = mpsc::sync_channel(1);
        let job = Box::pin(async move {
            // The caller may be gone (it panicked): nobody to tell.
            let _ = answer.send(future.await);
        });
        self.jobs
            .send(job)
            .map_err(|_| Error::Config("the blocking runtime has stopped".to_owned()))?;
        result.recv().unwrap_or_else(|_| {
            Err(Error::Config(
                "the blocking runtime stopped before the call ended".to_owned(),
            ))
        })
    }
}

impl fmt::Debug for BlockingRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BlockingRuntime")
    }
}

/// A call ready to be sent: set per-call options, then [`send`](Self::send) it.
///
/// The client may be shared by many threads. `send` blocks the calling
/// thread: from async code, call it inside `tokio::task::spawn_blocking`
/// (or use the async client), never on an async task's own thread, which it
/// would stall for the whole call.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<O> {
    inner: request::Request<O>,
    runtime: Arc<BlockingRuntime>,
}

impl<O: fmt::Debug> fmt::Debug for Request<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<O> Request<O> {
    pub(crate) fn new(inner: request::Request<O>, runtime: Arc<BlockingRuntime>) -> Self {
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

    /// Skips the API description's constraint checks for this call; see the
    /// async `Request::skip_validation`.
    pub fn skip_validation(self) -> Self {
        Self {
            inner: self.inner.skip_validation(),
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

impl<O: Operation> Request<O> {
    /// Sends the request and waits for the result.
    ///
    /// # Errors
    ///
    /// As for awaiting the async request; [`Error::Config`] if the runtime
    /// thread could not take the call.
    pub fn send(self) -> Result<O::Output, Error> {
        let Self { inner, runtime } = self;
        runtime.run(inner.into_future())
    }
}
