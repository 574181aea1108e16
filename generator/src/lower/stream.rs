//! Streamed responses: a success response in `text/event-stream`,
//! `application/jsonl`, `application/x-ndjson` or `application/json-seq`
//! becomes the operation's [`StreamBody`]: the framing, the item type and
//! how an event becomes one, and the sentinel that ends the stream.
//!
//! The item schema is the media type's `schema`, or OpenAPI 3.2's
//! `itemSchema` (moved there by the loader, see `load/item_schema.rs`). It is
//! read in one of two ways: as an *envelope* when it is an object whose
//! properties are among `id`, `event`, `data` and `retry` with `data` among
//! them (or a `oneOf`/`anyOf` of such objects, as Speakeasy writes them),
//! else as the *payload* each event's `data` (or each line) holds.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::schema::{Hint, SchemaRef};
use super::Lowerer;
use crate::diagnostics::{child, Error};
use crate::ir::{Response, StatusMatch, StreamBody, StreamFraming, StreamItemForm, TypeRef};

/// The fields an event envelope may have.
const ENVELOPE_FIELDS: [&str; 4] = ["id", "event", "data", "retry"];

/// The framing of a streamed media type; `None` for any other.
pub(super) fn framing_of(media_type: &str) -> Option<StreamFraming> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "text/event-stream" => Some(StreamFraming::ServerSentEvents),
        "application/jsonl" | "application/x-ndjson" | "application/x-jsonlines" => {
            Some(StreamFraming::JsonLines)
        }
        "application/json-seq" => Some(StreamFraming::JsonSeq),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The streamed success body of `op`, if a success response has one.
    /// `responses` are the lowered ones (without the streamed media types):
    /// the stream is the only success body when none of them has a body.
    pub(super) fn lower_stream(
        &mut self,
        op: &'a openapiv3::Operation,
        pointer: &str,
        op_type: &str,
        responses: &[Response],
    ) -> Result<Option<StreamBody>, Error> {
        let components = self.doc.components.as_ref().map(|c| &c.responses);
        let responses_pointer = child(pointer, "responses");
        for (status, response) in &op.responses.responses {
            let key = status.to_string();
            if !StatusMatch::parse(&key).is_some_and(super::operation::is_success) {
                continue;
            }
            let (response, response_pointer) = self.resolve(
                response,
                components,
                "responses",
                &child(&responses_pointer, &key),
            )?;
            let streamed = response
                .content
                .iter()
                .find_map(|(media_type, media)| Some((media_type, media, framing_of(media_type)?)));
            let Some((media_type, media, framing)) = streamed else {
                continue;
            };
            let media_pointer = child(&child(&response_pointer, "content"), media_type);
            let only = responses
                .iter()
                .filter(|r| super::operation::is_success(r.status))
                .all(|r| r.body.is_none());
            let mut sentinel = media
                .extensions
                .get("x-speakeasy-sse-sentinel")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let Some(schema) = &media.schema else {
                return Ok(Some(StreamBody {
                    content_type: media_type.clone(),
                    framing,
                    item: TypeRef::Any,
                    form: StreamItemForm::Payload,
                    sentinel,
                    method_name: String::new(),
                    only,
                }));
            };
            let form = match framing {
                StreamFraming::ServerSentEvents => match self.envelope(schema) {
                    Some(envelope) => {
                        if sentinel.is_none() {
                            sentinel = envelope.sentinel;
                        }
                        if envelope.json_data {
                            StreamItemForm::EnvelopeJson
                        } else {
                            StreamItemForm::EnvelopeText
                        }
                    }
                    None => StreamItemForm::Payload,
                },
                _ => StreamItemForm::Payload,
            };
            // `[DONE]` is not JSON, so no event of a stream whose data is
            // JSON can carry it: it is the end marker chat APIs send
            // (OpenAI's, Mistral's) whether or not their document says so.
            if sentinel.is_none()
                && framing == StreamFraming::ServerSentEvents
                && form != StreamItemForm::EnvelopeText
                && !self.payload_is_text(schema)
            {
                sentinel = Some("[DONE]".to_owned());
            }
            let hint = Hint::with_prefix(
                format!("{op_type}Event"),
                op_type.to_owned(),
                format!("One event of the `{op_type}` stream."),
            );
            let item = self
                .shape(
                    SchemaRef::from(schema),
                    &hint,
                    &child(&media_pointer, "schema"),
                )?
                .ty;
            return Ok(Some(StreamBody {
                content_type: media_type.clone(),
                framing,
                item,
                form,
                sentinel,
                method_name: String::new(),
                only,
            }));
        }
        Ok(None)
    }

    /// What the schema says as an event envelope, or `None` when it is not
    /// one (its `data` is then the payload).
    fn envelope(&self, schema: &'a ReferenceOr<Schema>) -> Option<Envelope> {
        let schema = self.stream_schema(schema)?;
        let members: Vec<&Schema> = match &schema.schema_kind {
            SchemaKind::OneOf { one_of: of } | SchemaKind::AnyOf { any_of: of } => {
                of.iter().filter_map(|m| self.stream_schema(m)).collect()
            }
            _ => vec![schema],
        };
        let mut envelope = Envelope {
            json_data: false,
            sentinel: None,
        };
        for member in &members {
            let properties = properties_of(member)?;
            let fits = properties.contains_key("data")
                && properties
                    .keys()
                    .all(|key| ENVELOPE_FIELDS.contains(&key.as_str()));
            if !fits {
                return None;
            }
            let data = properties
                .get("data")
                .and_then(|data| self.boxed_target(data))?;
            match string_data(data) {
                StringData::Single(value) if members.len() > 1 => {
                    envelope.sentinel.get_or_insert(value);
                }
                StringData::Single(_) | StringData::Text => {}
                StringData::NotText => envelope.json_data = true,
            }
        }
        Some(envelope)
    }

    /// Whether a payload schema is a string (its data is then text, which
    /// may well be `[DONE]`).
    fn payload_is_text(&self, schema: &'a ReferenceOr<Schema>) -> bool {
        self.stream_schema(schema)
            .is_some_and(|s| !matches!(string_data(s), StringData::NotText))
    }

    /// The schema `item` stands for, following `$ref`s into
    /// `components.schemas`; `None` for a reference that leads nowhere
    /// (lowering the schema reports it).
    fn stream_schema(&self, item: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match item {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.named_schema(reference),
        }
    }

    fn boxed_target(&self, item: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
        match item {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.named_schema(reference),
        }
    }

    fn named_schema(&self, reference: &str) -> Option<&'a Schema> {
        let schemas = &self.doc.components.as_ref()?.schemas;
        let mut reference = reference;
        // A chain longer than the number of schemas must revisit one.
        for _ in 0..=schemas.len() {
            let key = self.ref_key(reference, "schemas", "#").ok()?;
            match schemas.get(key.as_ref())? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }
}

/// What an envelope schema says about its events.
struct Envelope {
    /// Whether some member's `data` is not a string: `data` is then JSON.
    json_data: bool,
    /// The single value of a member's `data` that ends the stream.
    sentinel: Option<String>,
}

/// How an envelope's `data` schema reads.
enum StringData {
    /// A string with one allowed value: a sentinel such as `[DONE]`.
    Single(String),
    /// Any string.
    Text,
    /// Anything else: JSON.
    NotText,
}

fn string_data(schema: &Schema) -> StringData {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => StringData::Single(value.clone()),
            _ => StringData::Text,
        },
        SchemaKind::Any(any) if any.typ.as_deref() == Some("string") => {
            match any.enumeration.as_slice() {
                [serde_json::Value::String(value)] => StringData::Single(value.clone()),
                _ => StringData::Text,
            }
        }
        _ => StringData::NotText,
    }
}

fn properties_of(schema: &Schema) -> Option<&indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(&object.properties),
        SchemaKind::Any(any) if !any.properties.is_empty() => Some(&any.properties),
        _ => None,
    }
}
