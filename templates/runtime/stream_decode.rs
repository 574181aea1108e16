//! How a streamed body is cut into records: server-sent events through the
//! `sse-stream` crate, JSON Lines and JSON text sequences at their
//! separator. The decoder also knows which received bytes belong to the
//! record still arriving, so that a stream holds at most its limit for one
//! record and a broken stream can say what it had.
//!
//! Copied, like `stream.rs`, only into crates that stream.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use bytes::{Buf, Bytes, BytesMut};
use futures_core::Stream;
use sse_stream::{Sse, SseByteStream};

use super::stream::Framing;

/// One record cut from the body.
pub(crate) enum Record {
    /// A server-sent event: a block with at least one field.
    Event(Sse),
    /// A line (or a JSON text sequence record) without its separator.
    Line(Bytes),
}

/// What the decoder can give next.
pub(crate) enum Next {
    /// A complete record.
    Record(Record),
    /// Every byte received is used: the next chunk of the body is needed.
    NeedInput,
    /// The body ended and every record was given.
    End,
    /// The record still arriving holds more bytes than the limit (given).
    TooLarge(usize),
    /// The event-stream parser failed; it gives nothing after this.
    Failed(sse_stream::Error),
}

/// Cuts a body, pushed chunk by chunk, into records.
pub(crate) struct Decoder {
    framing: FramingState,
    /// The most bytes one record may hold while it arrives.
    limit: usize,
    ended: bool,
}

enum FramingState {
    /// Boxed: the parser is large, and the records state small.
    Sse(Box<SseState>),
    /// JSON Lines (`b'\n'`) or JSON text sequences (`0x1E`).
    Records {
        separator: u8,
        /// The bytes after the last separator: the record still arriving.
        pending: BytesMut,
        /// How much of `pending` is known to hold no separator.
        scanned: usize,
    },
}

struct SseState {
    parser: SseByteStream<Feed>,
    slot: Arc<Mutex<Slot>>,
    /// How many bytes of the last chunk the parser has not read yet.
    unread: Arc<AtomicUsize>,
    /// The chunks since the end of the last event; the first one's
    /// leading `skip` bytes belong to that event.
    chunks: Vec<Bytes>,
    skip: usize,
    /// Whether the last chunk ended with a blank line: once it is read,
    /// the parser holds no part of an event (keep-alive comments included).
    at_boundary: bool,
}

impl Decoder {
    pub(crate) fn new(framing: Framing, limit: usize) -> Self {
        let state = match framing {
            Framing::ServerSentEvents => {
                let slot = Arc::new(Mutex::new(Slot::default()));
                FramingState::Sse(Box::new(SseState {
                    parser: SseByteStream::new(Feed(Arc::clone(&slot))),
                    slot,
                    unread: Arc::new(AtomicUsize::new(0)),
                    chunks: Vec::new(),
                    skip: 0,
                    at_boundary: true,
                }))
            }
            Framing::JsonLines => FramingState::records(b'\n'),
            Framing::JsonSeq => FramingState::records(0x1E),
        };
        Self {
            framing: state,
            limit,
            ended: false,
        }
    }

    /// Hands over the next chunk of the body, or its end (`None`).
    pub(crate) fn push(&mut self, chunk: Option<Bytes>) {
        let Some(chunk) = chunk else {
            self.ended = true;
            if let FramingState::Sse(sse) = &mut self.framing {
                // An event without its closing blank line is still
                // dispatched at the end of the body.
                let mut slot = lock(&sse.slot);
                slot.chunk = Some(Tracked::new(
                    Bytes::from_static(b"\n\n"),
                    Arc::clone(&sse.unread),
                ));
                slot.ended = true;
            }
            return;
        };
        match &mut self.framing {
            FramingState::Sse(sse) => {
                if sse.at_boundary {
                    sse.chunks.clear();
                    sse.skip = 0;
                }
                sse.at_boundary = ends_with_blank_line(&chunk);
                sse.chunks.push(chunk.clone());
                lock(&sse.slot).chunk = Some(Tracked::new(chunk, Arc::clone(&sse.unread)));
            }
            FramingState::Records { pending, .. } => pending.extend_from_slice(&chunk),
        }
    }

    /// The next record among the bytes pushed so far.
    pub(crate) fn next(&mut self) -> Next {
        match &mut self.framing {
            FramingState::Sse(sse) => {
                // The feed never waits on a waker (see `Feed`).
                let mut cx = Context::from_waker(Waker::noop());
                match Pin::new(&mut sse.parser).poll_next(&mut cx) {
                    Poll::Ready(Some(Ok(event))) => {
                        // What follows the event is the last chunk's unread tail.
                        if sse.chunks.len() > 1 {
                            let before_last = sse.chunks.len().saturating_sub(1);
                            sse.chunks.drain(..before_last);
                        }
                        let last = sse.chunks.first().map_or(0, Bytes::len);
                        sse.skip = last.saturating_sub(sse.unread.load(Ordering::Relaxed));
                        Next::Record(Record::Event(event))
                    }
                    Poll::Ready(Some(Err(error))) => Next::Failed(error),
                    Poll::Ready(None) => Next::End,
                    Poll::Pending => {
                        let held = sse
                            .chunks
                            .iter()
                            .map(Bytes::len)
                            .sum::<usize>()
                            .saturating_sub(sse.skip);
                        if !sse.at_boundary && held > self.limit {
                            Next::TooLarge(self.limit)
                        } else {
                            Next::NeedInput
                        }
                    }
                }
            }
            FramingState::Records {
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
                    return Next::Record(Record::Line(line.freeze()));
                }
                *scanned = pending.len();
                if pending.len() > self.limit {
                    Next::TooLarge(self.limit)
                } else if !self.ended {
                    Next::NeedInput
                } else if pending.is_empty() {
                    Next::End
                } else {
                    // The last record needs no separator after it.
                    Next::Record(Record::Line(std::mem::take(pending).freeze()))
                }
            }
        }
    }

    /// The bytes received of the record still arriving, for the error of a
    /// body cut off (or grown too large) in the middle of it.
    pub(crate) fn partial(&self) -> Bytes {
        match &self.framing {
            FramingState::Sse(sse) => {
                let mut bytes = sse.chunks.concat();
                bytes.drain(..sse.skip.min(bytes.len()));
                Bytes::from(bytes)
            }
            FramingState::Records { pending, .. } => Bytes::copy_from_slice(pending),
        }
    }
}

impl FramingState {
    fn records(separator: u8) -> Self {
        FramingState::Records {
            separator,
            pending: BytesMut::new(),
            scanned: 0,
        }
    }
}

/// Whether `chunk` ends with a blank line (two line ends in a row, a CRLF
/// counting as one). `false` when that cannot be told from the chunk alone.
fn ends_with_blank_line(chunk: &[u8]) -> bool {
    let is_end = |b: &u8| matches!(b, b'\r' | b'\n');
    match chunk {
        [.., before, b'\r', b'\n'] => is_end(before),
        [.., b'\r', b'\n'] => false,
        [.., a, b] => is_end(a) && is_end(b),
        _ => false,
    }
}

/// A chunk handed to the parser that reports how much of it is left.
struct Tracked {
    bytes: Bytes,
    unread: Arc<AtomicUsize>,
}

impl Tracked {
    fn new(bytes: Bytes, unread: Arc<AtomicUsize>) -> Self {
        unread.store(bytes.len(), Ordering::Relaxed);
        Self { bytes, unread }
    }
}

impl Buf for Tracked {
    fn remaining(&self) -> usize {
        self.bytes.len()
    }

    fn chunk(&self) -> &[u8] {
        &self.bytes
    }

    fn advance(&mut self, count: usize) {
        self.bytes.advance(count);
        self.unread.store(self.bytes.len(), Ordering::Relaxed);
    }
}

/// The chunk waiting for the parser.
#[derive(Default)]
struct Slot {
    chunk: Option<Tracked>,
    ended: bool,
}

/// The parser's input stream, reading the shared [`Slot`]. It is polled
/// only right after a chunk was put in the slot (or the end marked), so a
/// `Pending` from it never needs a wake-up.
struct Feed(Arc<Mutex<Slot>>);

impl Stream for Feed {
    type Item = Result<Tracked, std::convert::Infallible>;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder(framing: Framing, limit: usize) -> Decoder {
        Decoder::new(framing, limit)
    }

    /// Pushes `chunks`, then the end, and collects what the decoder gives.
    fn run(decoder: &mut Decoder, chunks: &[&'static [u8]]) -> Vec<String> {
        let mut out = Vec::new();
        let mut input = chunks.iter().map(|c| Bytes::from_static(c));
        loop {
            match decoder.next() {
                Next::Record(Record::Event(event)) => out.push(event.data.unwrap_or_default()),
                Next::Record(Record::Line(line)) => {
                    out.push(String::from_utf8_lossy(&line).into_owned())
                }
                Next::NeedInput => decoder.push(input.next()),
                Next::End => return out,
                Next::TooLarge(_) => {
                    out.push(format!("too large: {:?}", decoder.partial()));
                    return out;
                }
                Next::Failed(error) => {
                    out.push(format!("failed: {error}"));
                    return out;
                }
            }
        }
    }

    #[test]
    fn blank_line_ends_are_told_apart_from_line_ends() {
        for (chunk, blank) in [
            (&b"data: x\n\n"[..], true),
            (b"data: x\r\n\r\n", true),
            (b"data: x\r\r", true),
            (b"data: x\n\r\n", true),
            (b": ping\n\n", true),
            (b"data: x\r\n", false),
            (b"\r\n", false),
            (b"data: x\n", false),
            (b"\n", false),
            (b"", false),
        ] {
            assert_eq!(ends_with_blank_line(chunk), blank, "{chunk:?}");
        }
    }

    #[test]
    fn an_event_may_be_as_large_as_the_limit_but_not_larger() {
        // `data: ` + 10 bytes + `\n` = 17 bytes before the blank line.
        let event: &'static [u8] = b"data: 0123456789\n\n";
        let mut fits = decoder(Framing::ServerSentEvents, 17);
        assert_eq!(run(&mut fits, &[&event[..9], &event[9..]]), ["0123456789"]);
        // One that arrives whole is never held, so the limit does not apply.
        let mut whole = decoder(Framing::ServerSentEvents, 4);
        assert_eq!(run(&mut whole, &[event]), ["0123456789"]);
        let mut over = decoder(Framing::ServerSentEvents, 16);
        assert_eq!(
            run(&mut over, &[&event[..9], &event[9..17], &event[17..]]),
            [r#"too large: b"data: 0123456789\n""#]
        );
    }

    #[test]
    fn small_events_in_a_chunk_larger_than_the_limit_pass() {
        // Many events in one chunk, the last cut off: only its own bytes
        // count against the limit.
        let mut d = decoder(Framing::ServerSentEvents, 12);
        let out = run(
            &mut d,
            &[b"data: a\n\ndata: b\n\ndata: c\n\ndata: d", b"\n\n"],
        );
        assert_eq!(out, ["a", "b", "c", "d"]);
    }

    #[test]
    fn keep_alives_between_events_do_not_add_up() {
        let mut d = decoder(Framing::ServerSentEvents, 10);
        let mut chunks: Vec<&'static [u8]> = vec![b": ping\n\n"; 100];
        chunks.push(b"data: x\n\n");
        assert_eq!(run(&mut d, &chunks), ["x"]);
    }

    #[test]
    fn the_partial_event_is_what_follows_the_last_event() {
        let mut d = decoder(Framing::ServerSentEvents, 1024);
        d.push(Some(Bytes::from_static(b"data: a\n\ndata: par")));
        assert!(matches!(d.next(), Next::Record(_)));
        assert!(matches!(d.next(), Next::NeedInput));
        d.push(Some(Bytes::from_static(b"tial")));
        assert!(matches!(d.next(), Next::NeedInput));
        assert_eq!(&d.partial()[..], b"data: partial");
    }

    #[test]
    fn a_json_line_may_be_as_large_as_the_limit_but_not_larger() {
        let mut fits = decoder(Framing::JsonLines, 7);
        assert_eq!(run(&mut fits, &[b"{\"a\":1}", b"\n{}"]), [r#"{"a":1}"#, "{}"]);
        let mut over = decoder(Framing::JsonLines, 6);
        assert_eq!(
            run(&mut over, &[b"{\"a\":1}", b"\n{}"]),
            [r#"too large: b"{\"a\":1}""#]
        );
    }

    #[test]
    fn json_lines_in_a_chunk_larger_than_the_limit_pass() {
        let mut d = decoder(Framing::JsonLines, 4);
        assert_eq!(run(&mut d, &[b"1\n22\n333\n", b"4444"]), ["1", "22", "333", "4444"]);
    }

    #[test]
    fn json_text_sequences_split_at_the_record_separator() {
        let mut d = decoder(Framing::JsonSeq, 64);
        assert_eq!(run(&mut d, &[b"\x1e{}\n\x1e[", b"1]\n"]), ["", "{}\n", "[1]\n"]);
    }
}
