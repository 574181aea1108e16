//! Streamed responses: server-sent events (`text/event-stream`) and JSON
//! Lines / JSON text sequences as typed [`EventStream`]s.
//!
//! Copied only into crates with a streaming operation. The event-stream
//! framing (line ends, multi-line `data`, comments, `retry`, a BOM, UTF-8
//! split across chunks) is parsed by the `sse-stream` crate; this module
//! reads the body as the stream is polled, bounds the gap between chunks,
//! and turns each event into the operation's item type.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http_body::Body as _;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use sse_stream::Sse;
use tokio::time::{Instant, Sleep};

use super::error::{BodyError, BodyFailure, DecodeError, Error};
use super::hook::HookContext;
use super::request::{Prepared, Request, ResponseFuture, Sealed};
use super::response::{LiveResponse, Opened, Response};
use super::retry::RetryConfig;
use super::stream_decode::{Decoder, Next, Record};

/// How a stream's body is cut into items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`: server-sent events.
    ServerSentEvents,
    /// `application/jsonl`, `application/x-ndjson`: one JSON value a line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): each value after a record separator.
    JsonSeq,
}

/// What an event's item is decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemForm {
    /// The item is the event's data (or the line) as JSON.
    Payload,
    /// The item is the event envelope (`id`, `event`, `data`, `retry`),
    /// its `data` kept as text.
    EnvelopeText,
    /// The item is the event envelope, its `data` decoded as JSON.
    EnvelopeJson,
}

/// How an operation's stream is framed and decoded.
#[derive(Clone, Copy, Debug)]
pub struct StreamFormat {
    /// The framing.
    pub framing: Framing,
    /// What an item is decoded from.
    pub form: ItemForm,
    /// The data that ends the stream cleanly (`[DONE]`); never yielded.
    pub sentinel: Option<&'static str>,
}

/// An operation whose success response is a stream of items.
///
/// Implemented by this crate's operation types only (the trait is sealed).
pub trait StreamOperation: Sealed + Send + 'static {
    /// The spec's `operationId`.
    const OPERATION_ID: &'static str;
    /// How the stream is framed and decoded.
    const FORMAT: StreamFormat;
    /// One decoded event.
    type Item: DeserializeOwned + Send + 'static;
    /// Builds the request asking for the stream.
    #[doc(hidden)]
    fn prepare_stream(&self, validate: bool) -> Result<Prepared, Error>;
    /// Maps a response that is not the stream (an error status) to its error.
    #[doc(hidden)]
    fn stream_error(response: Response) -> Error;
}

/// Sets the boolean property `name` of a JSON object body, so that a request
/// asks for the answer its method decodes (`"stream": true` for a stream).
pub(crate) fn set_body_flag(
    prepared: &mut Prepared,
    name: &'static str,
    value: bool,
) -> Result<(), Error> {
    let Some(body) = prepared.body.as_mut() else {
        return Ok(());
    };
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&body.bytes).map_err(Error::Encode)?;
    object.insert(name.to_owned(), serde_json::Value::Bool(value));
    body.bytes = Bytes::from(serde_json::to_vec(&object).map_err(Error::Encode)?);
    Ok(())
}

/// A call whose answer is a stream: set per-call options, then `.await` it
/// for the [`EventStream`].
#[must_use = "a request does nothing until it is awaited"]
pub struct StreamRequest<O> {
    inner: Request<O>,
    limits: Limits,
}

/// What one stream may wait for and hold.
#[derive(Clone, Copy, Debug)]
struct Limits {
    idle_timeout: Option<Duration>,
    max_event_size: usize,
}

/// The default of [`StreamRequest::max_event_size`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

impl<O: fmt::Debug> fmt::Debug for StreamRequest<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamRequest")
            .field("inner", &self.inner)
            .field("idle_timeout", &self.limits.idle_timeout)
            .field("max_event_size", &self.limits.max_event_size)
            .finish()
    }
}

impl<O> StreamRequest<O> {
    pub(crate) fn new(inner: Request<O>) -> Self {
        Self {
            inner,
            limits: Limits {
                idle_timeout: None,
                max_event_size: DEFAULT_MAX_EVENT_SIZE,
            },
        }
    }

    /// The operation's parameters (for generated optional-parameter setters).
    pub(crate) fn operation_mut(&mut self) -> &mut O {
        self.inner.operation_mut()
    }

    /// Bounds the wait between two chunks of the stream (keep-alive
    /// comments count): past it, the stream yields [`Error::Body`] with
    /// [`BodyFailure::TimedOut`] and ends. Unbounded by default.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = Some(timeout);
        self
    }

    /// Bounds what the stream holds for one event (one line of JSON Lines)
    /// while it arrives: once more than `bytes` of an event are received
    /// without its end, the stream yields [`Error::Body`] with
    /// [`BodyFailure::EventTooLarge`] and ends. Keep-alive comments between
    /// events do not add up; an event that arrives whole in one read of the
    /// connection is never held, so it passes whatever its size.
    /// [`DEFAULT_MAX_EVENT_SIZE`] (16 MiB) by default.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.limits.max_event_size = bytes;
        self
    }

    /// Overrides the retry configuration for this call. Retries happen only
    /// before the stream starts: never once its first byte has arrived.
    pub fn retries(self, config: RetryConfig) -> Self {
        self.map(|inner| inner.retries(config))
    }

    /// Bounds each attempt's wait for the response head (status and
    /// headers); the stream itself is bounded by [`idle_timeout`](Self::idle_timeout).
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
        self.map(Request::skip_validation)
    }

    /// Declares this call safe to repeat (see `Request::assume_idempotent`).
    pub fn assume_idempotent(self) -> Self {
        self.map(Request::assume_idempotent)
    }

    /// Adds (or replaces) a header for this call; see `Request::header`.
    pub fn header(self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.map(|inner| inner.header(name, value))
    }

    fn map(self, change: impl FnOnce(Request<O>) -> Request<O>) -> Self {
        Self {
            inner: change(self.inner),
            limits: self.limits,
        }
    }
}

impl<O: StreamOperation> StreamRequest<O> {
    /// Sends the call; the future owns everything it needs, like awaiting
    /// the request does.
    pub fn send(self) -> ResponseFuture<EventStream<O::Item>> {
        self.into_future()
    }
}

impl<O: StreamOperation> IntoFuture for StreamRequest<O> {
    type Output = Result<EventStream<O::Item>, Error>;
    type IntoFuture = ResponseFuture<EventStream<O::Item>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let limits = self.limits;
            let (core, operation, options) = self.inner.into_parts();
            let validate = !(options.skip_validation || core.skips_validation());
            let prepared = operation.prepare_stream(validate);
            drop(operation);
            let mut ctx = HookContext {
                operation_id: O::OPERATION_ID,
                attempt: 0,
            };
            let prepared = match prepared {
                Ok(prepared) => prepared,
                Err(error) => {
                    core.after_error(&ctx, &error);
                    return Err(error);
                }
            };
            // `execute_open` reports its own errors to the hooks.
            match core.execute_open(prepared, options).await? {
                Opened::Live(live) => {
                    ctx.attempt = live.attempts;
                    if core.has_hooks() {
                        core.after_success(&ctx, &live.head());
                    }
                    Ok(EventStream::new(live, O::FORMAT, limits))
                }
                Opened::Read(response) => {
                    ctx.attempt = response.attempts();
                    let error = O::stream_error(response);
                    core.after_error(&ctx, &error);
                    Err(error)
                }
            }
        })
    }
}

/// A stream of decoded items from a streamed response: a
/// [`Stream`](futures_core::Stream) of `Result<T, Error>`. Use
/// `futures::TryStreamExt::try_next` (or `StreamExt::next`) to read it:
///
/// ```ignore
/// while let Some(event) = stream.try_next().await? { /* ... */ }
/// ```
///
/// The body is read as the stream is polled: nothing is buffered beyond
/// the event being received (at most
/// [`max_event_size`](StreamRequest::max_event_size) of it), and dropping
/// the stream closes the connection. An event that does not decode yields
/// one [`Error::Decode`] (its `body` holds the raw event) and the stream
/// goes on; a broken connection, an
/// [idle timeout](StreamRequest::idle_timeout) or an event past its size
/// limit yields [`Error::Body`] and ends the stream.
pub struct EventStream<T> {
    body: Pin<Box<reqwest::Body>>,
    status: StatusCode,
    headers: HeaderMap,
    format: StreamFormat,
    decoder: Decoder,
    idle: Option<(Duration, Pin<Box<Sleep>>)>,
    finished: bool,
    item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("status", &self.status)
            .field("format", &self.format)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    fn new(live: LiveResponse, format: StreamFormat, limits: Limits) -> Self {
        let idle = limits.idle_timeout.and_then(|limit| {
            let at = Instant::now().checked_add(limit)?;
            Some((limit, Box::pin(tokio::time::sleep_until(at))))
        });
        Self {
            body: Box::pin(reqwest::Body::from(live.body)),
            status: live.status,
            headers: live.headers,
            format,
            decoder: Decoder::new(format.framing, limits.max_event_size),
            idle,
            finished: false,
            item: PhantomData,
        }
    }

    /// The HTTP status of the stream's response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers of the stream's response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Reads the next data chunk of the body: `Ready(Ok(None))` at its end.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, Error>> {
        loop {
            match self.body.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    // Trailers carry no events.
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    if let Some((limit, sleep)) = &mut self.idle {
                        if let Some(at) = Instant::now().checked_add(*limit) {
                            sleep.as_mut().reset(at);
                        }
                    }
                    return Poll::Ready(Ok(Some(data)));
                }
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(Err(self.body_error(BodyFailure::Interrupted(error))));
                }
                Poll::Ready(None) => return Poll::Ready(Ok(None)),
                Poll::Pending => {
                    if let Some((limit, sleep)) = &mut self.idle {
                        if sleep.as_mut().poll(cx).is_ready() {
                            let limit = *limit;
                            return Poll::Ready(Err(self.body_error(BodyFailure::TimedOut(limit))));
                        }
                    }
                    return Poll::Pending;
                }
            }
        }
    }

    fn body_error(&self, failure: BodyFailure) -> Error {
        Error::Body(Box::new(BodyError {
            status: self.status,
            headers: self.headers.clone(),
            received: self.decoder.partial(),
            failure,
            hidden: false,
        }))
    }

    fn decode_error(&self, raw: Bytes, source: serde_json::Error) -> Error {
        Error::Decode(Box::new(DecodeError {
            status: self.status,
            headers: self.headers.clone(),
            body: raw,
            source,
            hidden: false,
        }))
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// The item of a record: `None` for one that carries none (a block
    /// without data, a blank line) or the sentinel, which also ends the
    /// stream.
    fn decode(&mut self, record: Record) -> Option<Result<T, Error>> {
        match record {
            Record::Line(line) => {
                let text = line.trim_ascii();
                if text.is_empty() {
                    return None;
                }
                if self.is_sentinel(text) {
                    return None;
                }
                let decoded = serde_json::from_slice(text);
                let text = line.slice_ref(text);
                Some(decoded.map_err(|e| self.decode_error(text, e)))
            }
            Record::Event(event) => {
                let data = event.data.as_deref()?;
                if self.is_sentinel(data.as_bytes().trim_ascii()) {
                    return None;
                }
                let decoded = match self.format.form {
                    ItemForm::Payload => serde_json::from_str(data),
                    ItemForm::EnvelopeText => serde_json::from_slice(&envelope(&event, false)),
                    ItemForm::EnvelopeJson => serde_json::from_slice(&envelope(&event, true))
                        // Data that is not JSON (an event the document does
                        // not list may carry text) is offered as a string.
                        .or_else(|error| {
                            serde_json::from_slice(&envelope(&event, false)).map_err(|_| error)
                        }),
                };
                Some(decoded.map_err(|e| self.decode_error(raw_event(&event), e)))
            }
        }
    }

    fn is_sentinel(&mut self, data: &[u8]) -> bool {
        let hit = self.format.sentinel.is_some_and(|s| s.as_bytes() == data);
        if hit {
            self.finished = true;
        }
        hit
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is `Unpin` (the body and the timer are boxed).
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            match this.decoder.next() {
                Next::Record(record) => {
                    if let Some(item) = this.decode(record) {
                        return Poll::Ready(Some(item));
                    }
                    continue;
                }
                Next::NeedInput => {}
                Next::End => {
                    this.finished = true;
                    return Poll::Ready(None);
                }
                Next::TooLarge(limit) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(
                        this.body_error(BodyFailure::EventTooLarge(limit))
                    )));
                }
                Next::Failed(error) => {
                    this.finished = true;
                    let error = serde::de::Error::custom(error);
                    return Poll::Ready(Some(Err(this.decode_error(this.decoder.partial(), error))));
                }
            }
            match this.poll_chunk(cx) {
                Poll::Ready(Ok(chunk)) => this.decoder.push(chunk),
                Poll::Ready(Err(error)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// The event as JSON for the envelope type: `data` raw (`json`) or as a
/// string.
fn envelope(event: &Sse, json: bool) -> Vec<u8> {
    let data = event.data.as_deref().unwrap_or_default();
    let mut out = Vec::with_capacity(data.len().saturating_add(64));
    out.push(b'{');
    out.extend_from_slice(b"\"data\":");
    if json {
        out.extend_from_slice(data.as_bytes());
    } else {
        push_string(&mut out, data);
    }
    if let Some(name) = &event.event {
        out.extend_from_slice(b",\"event\":");
        push_string(&mut out, name);
    }
    if let Some(id) = &event.id {
        out.extend_from_slice(b",\"id\":");
        push_string(&mut out, id);
    }
    if let Some(retry) = event.retry {
        out.extend_from_slice(format!(",\"retry\":{retry}").as_bytes());
    }
    out.push(b'}');
    out
}

fn push_string(out: &mut Vec<u8>, text: &str) {
    // Writing a `str` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// The event as it was sent (fields in a fixed order), for errors.
fn raw_event(event: &Sse) -> Bytes {
    let mut text = String::new();
    if let Some(name) = &event.event {
        text.push_str(&format!("event: {name}\n"));
    }
    if let Some(id) = &event.id {
        text.push_str(&format!("id: {id}\n"));
    }
    if let Some(retry) = event.retry {
        text.push_str(&format!("retry: {retry}\n"));
    }
    for line in event.data.as_deref().unwrap_or_default().split('\n') {
        text.push_str(&format!("data: {line}\n"));
    }
    Bytes::from(text)
}

/// Compile-time check: a stream and the future opening it can move to
/// another thread.
const _: () = {
    fn is_send<T: Send>() {}
    fn streams_are_send<O: StreamOperation>() {
        is_send::<EventStream<O::Item>>();
        is_send::<<StreamRequest<O> as IntoFuture>::IntoFuture>();
    }
};
