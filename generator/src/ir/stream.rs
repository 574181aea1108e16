//! Streamed responses: server-sent events and JSON Lines.

use serde::{Deserialize, Serialize};

use super::{Operation, TypeRef};

impl Operation {
    /// Whether the operation's only success body is a stream: it has no
    /// method for a JSON answer.
    pub fn stream_only(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.only)
    }
}

/// A streamed success body: each event becomes an item of an `EventStream`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamBody {
    /// The media type, e.g. `text/event-stream`.
    pub content_type: String,
    /// How the body is cut into events.
    pub framing: StreamFraming,
    /// The type of one item.
    pub item: TypeRef,
    /// What an item is decoded from.
    pub form: StreamItemForm,
    /// The data that ends the stream and is never yielded (`[DONE]`).
    pub sentinel: Option<String>,
    /// The method that opens the stream: `<method>_stream` when the
    /// operation also answers JSON, else the operation's own method.
    pub method_name: String,
    /// Whether the stream is the operation's only success body.
    pub only: bool,
}

/// How a streamed body is cut into events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamFraming {
    /// `text/event-stream`.
    ServerSentEvents,
    /// `application/jsonl`, `application/x-ndjson`.
    JsonLines,
    /// `application/json-seq`.
    JsonSeq,
}

/// What a streamed item is decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamItemForm {
    /// The event's `data` (or the line) is the item.
    Payload,
    /// The item is the event envelope (`id`, `event`, `data`, `retry`) with
    /// `data` as text.
    EnvelopeText,
    /// The item is the event envelope with `data` decoded as JSON.
    EnvelopeJson,
}
