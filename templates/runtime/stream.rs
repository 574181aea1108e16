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
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::Body as _;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use sse_stream::{Sse, SseByteStream};
use tokio::time::{Instant, Sleep};

use super::error::{BodyError, BodyFailure, DecodeError, Error};
use super::hook::HookContext;
use super::request::{Prepared, Request, ResponseFuture, Sealed};
use super::retry::RetryConfig;
use super::transport::{LiveResponse, Opened, Response};

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
    idle_timeout: Option<Duration>,
}

impl<O: fmt::Debug> fmt::Debug for StreamRequest<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamRequest")
            .field("inner", &self.inner)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

impl<O> StreamRequest<O> {
    pub(crate) fn new(inner: Request<O>) -> Self {
        Self {
            inner,
            idle_timeout: None,
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
        self.idle_timeout = Some(timeout);
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
            idle_timeout: self.idle_timeout,
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
            let idle_timeout = self.idle_timeout;
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
                    Ok(EventStream::new(live, O::FORMAT, idle_timeout))
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

/// The bytes the event-stream parser reads: chunks handed over by
/// [`EventStream`] as it reads the body, one at a time.
#[derive(Default)]
struct Slot {
    chunk: Option<Bytes>,
    ended: bool,
}

/// The parser's input stream, reading the shared [`Slot`]. It is polled
/// only right after a chunk was put in the slot (or the end marked), so a
/// `Pending` from it never needs a wake-up.
struct Feed(Arc<Mutex<Slot>>);

impl Stream for Feed {
    type Item = Result<Bytes, std::convert::Infallible>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut slot = lock(&self.0);
        match slot.chunk.take() {
            Some(chunk) => Poll::Ready(Some(Ok(chunk))),
            None if slot.ended => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

fn lock(slot: &Mutex<Slot>) -> std::sync::MutexGuard<'_, Slot> {
    // Nothing panics while holding the lock; a poisoned one holds plain data.
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How the body is cut into records.
enum Decoder {
    Sse {
        parser: SseByteStream<Feed>,
        slot: Arc<Mutex<Slot>>,
    },
    /// JSON Lines (`b'\n'`) or JSON text sequences (`0x1E`): the bytes of
    /// the record being received.
    Records {
        separator: u8,
        pending: BytesMut,
        /// How much of `pending` is known to hold no separator.
        scanned: usize,
    },
}

/// One record cut from the body.
enum Record {
    Event(Sse),
    Line(Bytes),
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
/// the event being received, and dropping the stream closes the
/// connection. An event that does not decode yields one [`Error::Decode`]
/// (its `body` holds the raw event) and the stream goes on; a broken
/// connection or an [idle timeout](StreamRequest::idle_timeout) yields
/// [`Error::Body`] and ends the stream.
pub struct EventStream<T> {
    body: Pin<Box<reqwest::Body>>,
    status: StatusCode,
    headers: HeaderMap,
    format: StreamFormat,
    decoder: Decoder,
    idle: Option<(Duration, Pin<Box<Sleep>>)>,
    /// The chunks received since the last item, for the error of a body cut
    /// off mid-event.
    since_item: Vec<Bytes>,
    body_done: bool,
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
    fn new(live: LiveResponse, format: StreamFormat, idle_timeout: Option<Duration>) -> Self {
        let decoder = match format.framing {
            Framing::ServerSentEvents => {
                let slot = Arc::new(Mutex::new(Slot::default()));
                Decoder::Sse {
                    parser: SseByteStream::new(Feed(Arc::clone(&slot))),
                    slot,
                }
            }
            Framing::JsonLines => Decoder::Records {
                separator: b'\n',
                pending: BytesMut::new(),
                scanned: 0,
            },
            Framing::JsonSeq => Decoder::Records {
                separator: 0x1E,
                pending: BytesMut::new(),
                scanned: 0,
            },
        };
        let idle = idle_timeout.and_then(|limit| {
            let at = Instant::now().checked_add(limit)?;
            Some((limit, Box::pin(tokio::time::sleep_until(at))))
        });
        Self {
            body: Box::pin(reqwest::Body::from(live.body)),
            status: live.status,
            headers: live.headers,
            format,
            decoder,
            idle,
            since_item: Vec::new(),
            body_done: false,
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

    /// The next complete record already received, if any.
    fn next_record(&mut self) -> Result<Option<Record>, Error> {
        match &mut self.decoder {
            Decoder::Sse { parser, .. } => {
                // The feed never waits on a waker (see `Feed`).
                let mut cx = Context::from_waker(Waker::noop());
                match Pin::new(parser).poll_next(&mut cx) {
                    Poll::Ready(Some(Ok(event))) => Ok(Some(Record::Event(event))),
                    Poll::Ready(Some(Err(error))) => {
                        self.finished = true;
                        Err(self.decode_error(Bytes::new(), serde::de::Error::custom(error)))
                    }
                    Poll::Ready(None) => {
                        self.finished = true;
                        Ok(None)
                    }
                    Poll::Pending => Ok(None),
                }
            }
            Decoder::Records {
                separator,
                pending,
                scanned,
            } => {
                let unscanned = pending.get(*scanned..).unwrap_or_default();
                if let Some(found) = unscanned.iter().position(|b| b == separator) {
                    let at = scanned.saturating_add(found);
                    *scanned = 0;
                    let mut line = pending.split_to(at.saturating_add(1));
                    line.truncate(at);
                    return Ok(Some(Record::Line(line.freeze())));
                }
                *scanned = pending.len();
                if self.body_done {
                    self.finished = true;
                    let rest = std::mem::take(pending);
                    return Ok(Some(Record::Line(rest.freeze())));
                }
                Ok(None)
            }
        }
    }

    /// Hands a chunk of the body (or its end) to the decoder.
    fn push(&mut self, chunk: Option<Bytes>) {
        match &mut self.decoder {
            Decoder::Sse { slot, .. } => {
                let mut slot = lock(slot);
                match chunk {
                    Some(chunk) => slot.chunk = Some(chunk),
                    None => {
                        // An event without its closing blank line is still
                        // dispatched at the end of the body.
                        slot.chunk = Some(Bytes::from_static(b"\n\n"));
                        slot.ended = true;
                    }
                }
            }
            Decoder::Records { pending, .. } => {
                if let Some(chunk) = chunk {
                    pending.extend_from_slice(&chunk);
                }
            }
        }
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

    fn body_error(&mut self, failure: BodyFailure) -> Error {
        let received = self.since_item.concat();
        Error::Body(Box::new(BodyError {
            status: self.status,
            headers: self.headers.clone(),
            received: Bytes::from(received),
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
                let text = trim_ascii(&line);
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
                if self.is_sentinel(data.trim().as_bytes()) {
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
            match this.next_record() {
                Ok(Some(record)) => {
                    if let Some(item) = this.decode(record) {
                        this.since_item.clear();
                        return Poll::Ready(Some(item));
                    }
                    continue;
                }
                Ok(None) if this.finished => return Poll::Ready(None),
                Ok(None) => {}
                Err(error) => return Poll::Ready(Some(Err(error))),
            }
            if this.body_done {
                // The decoder has the end and gave every record: only a
                // decoder that stopped on its own error gets here.
                this.finished = true;
                return Poll::Ready(None);
            }
            match this.poll_chunk(cx) {
                Poll::Ready(Ok(Some(chunk))) => {
                    this.since_item.push(chunk.clone());
                    this.push(Some(chunk));
                }
                Poll::Ready(Ok(None)) => {
                    // The SSE decoder takes the end as input; the records
                    // decoder reads `body_done`.
                    this.body_done = true;
                    this.push(None);
                }
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

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
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
