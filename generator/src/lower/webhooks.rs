//! Webhook events: each event's payload becomes a type (named after the
//! event unless the document names it), and the event a variant of the
//! generated `WebhookEvent` enum, with the rule that recognises it.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::schema::{Hint, SchemaRef};
use super::Lowerer;
use crate::diagnostics::{child, Error};
use crate::ir::{EventTag, StatusMatch, TagRule, WebhookEvent};
use crate::names::{self, Namespace};

/// The payload property matched against event keys when the schema names
/// no value of its own.
const KEY_PROPERTY: &str = "type";

impl<'a> Lowerer<'a> {
    /// The document's webhook events, in document order. An event whose
    /// payload cannot be found, or whose tag another event already claims,
    /// is left out with a warning: it could never be decoded.
    pub(super) fn lower_webhooks(&mut self) -> Result<Vec<WebhookEvent>, Error> {
        let Some(webhooks) = self.webhooks else {
            return Ok(Vec::new());
        };
        let mut variants = Namespace::with_reserved(&["Unknown"]);
        let mut tags: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut events = Vec::new();
        for (index, (key, item)) in webhooks.events.iter().enumerate() {
            let pointer = child(&webhooks.pointer, key);
            let ReferenceOr::Item(item) = item else {
                self.warn(
                    &pointer,
                    "a webhook that is a `$ref` is not supported; the event is left out",
                );
                continue;
            };
            let Some((method, operation)) = item
                .iter()
                .find(|(method, _)| *method == "post")
                .or_else(|| item.iter().next())
            else {
                self.warn(
                    &pointer,
                    "the webhook has no operation; the event is left out",
                );
                continue;
            };
            let pointer = child(&pointer, method);
            let variant = variants.claim(&names::camel_or_spelled(key, "Event", index + 1));
            let Some(schema) = self.payload_schema(operation, &pointer)? else {
                continue;
            };
            let hint = Hint::new(
                format!("{variant}Event"),
                format!("The payload of the `{key}` webhook event."),
            );
            let (schema, schema_pointer) = schema;
            let payload = self.shape(schema, &hint, &schema_pointer)?.ty;
            let tag = self.event_tag(key, schema);
            let has_tag_property = self
                .schema_of(schema)
                .is_some_and(|target| self.has_property(target, &tag.property, 0));
            if tag.rule == TagRule::EventKey && !has_tag_property {
                self.advise(
                    &pointer,
                    format!(
                        "the payload has no `{KEY_PROPERTY}` property naming its event, so it decodes \
                         as this event only when it carries `\"{KEY_PROPERTY}\": \"{key}\"`; \
                         give it a `const` property (an overlay can)"
                    ),
                );
            }
            let claim = (tag.property.clone(), tag.value.clone());
            if let Some(other) = tags.get(&claim) {
                self.warn(
                    &pointer,
                    format!(
                        "its payloads are recognised as `{other}` (`{}` is `{}`); \
                         the event is left out",
                        tag.property, tag.value
                    ),
                );
                continue;
            }
            tags.insert(claim, key.clone());
            let description = operation
                .summary
                .as_ref()
                .filter(|s| *s != key)
                .or(operation.description.as_ref());
            events.push(WebhookEvent {
                name: key.clone(),
                rust_name: variant,
                pointer,
                description: super::prose(&description.cloned()),
                payload,
                tag,
            });
        }
        Ok(events)
    }

    /// The payload schema of a webhook operation and its pointer: its JSON
    /// request body. A document that describes the payload as a success
    /// response instead (Lob's does) is read so, with a repair warning.
    fn payload_schema(
        &mut self,
        operation: &'a openapiv3::Operation,
        pointer: &str,
    ) -> Result<Option<(SchemaRef<'a>, String)>, Error> {
        let components = self.doc.components.as_ref();
        let content = if let Some(body) = &operation.request_body {
            let bodies = components.map(|c| &c.request_bodies);
            let (body, at) = self.resolve(
                body,
                bodies,
                "requestBodies",
                &child(pointer, "requestBody"),
            )?;
            Some((&body.content, at))
        } else {
            let responses = components.map(|c| &c.responses);
            let mut found = None;
            for (status, response) in &operation.responses.responses {
                let status_text = status.to_string();
                let success = matches!(
                    StatusMatch::parse(&status_text),
                    Some(StatusMatch::Exact(200..=299) | StatusMatch::Range(2))
                );
                if !success {
                    continue;
                }
                let at = child(&child(pointer, "responses"), &status_text);
                let (response, at) = self.resolve(response, responses, "responses", &at)?;
                if !response.content.is_empty() {
                    self.repair(
                        pointer,
                        "a webhook's payload is its request body; this one describes it as a \
                         response, which is read as the payload",
                    );
                    found = Some((&response.content, at));
                    break;
                }
            }
            found
        };
        let json = content.and_then(|(content, at)| {
            content
                .iter()
                .find(|(media, _)| is_json(media))
                .map(|(media, item)| (item, child(&child(&at, "content"), media)))
        });
        match json {
            Some((media, at)) => match &media.schema {
                Some(schema) => Ok(Some((SchemaRef::from(schema), child(&at, "schema")))),
                None => {
                    self.warn(&at, "the payload has no schema; the event is left out");
                    Ok(None)
                }
            },
            None => {
                self.warn(
                    pointer,
                    "the webhook describes no JSON payload; the event is left out",
                );
                Ok(None)
            }
        }
    }

    /// How a payload of the event `key` is recognised: a property the
    /// schema allows one value (`type` preferred), else the value a
    /// discriminator maps to the payload's component, else the key itself
    /// matched against the payload's `type`.
    fn event_tag(&self, key: &str, schema: SchemaRef<'a>) -> EventTag {
        let mut single = Vec::new();
        if let Some(target) = self.schema_of(schema) {
            self.single_values(target, &mut single, 0);
        }
        let preferred = single
            .iter()
            .find(|(property, _)| property == KEY_PROPERTY)
            .or(single.first());
        if let Some((property, value)) = preferred {
            return EventTag {
                property: property.clone(),
                value: value.clone(),
                rule: TagRule::SingleValue,
            };
        }
        if let Some((property, value)) = self.discriminated(schema) {
            return EventTag {
                property,
                value,
                rule: TagRule::Discriminator,
            };
        }
        EventTag {
            property: KEY_PROPERTY.to_owned(),
            value: key.to_owned(),
            rule: TagRule::EventKey,
        }
    }

    /// The schema `schema` stands for, through references.
    fn schema_of(&self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        match schema {
            SchemaRef::Inline(schema) => Some(schema),
            SchemaRef::Ref(reference) => self.schema_target(reference, "#").ok().map(|(s, _)| s),
        }
    }

    /// The properties of `schema` (and of its `allOf` members) that allow
    /// exactly one string value, with that value.
    fn single_values(&self, schema: &'a Schema, into: &mut Vec<(String, String)>, depth: usize) {
        // `allOf` chains are short; a cycle must not recurse forever.
        if depth > 8 {
            return;
        }
        let (properties, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (Some(&object.properties), None),
            SchemaKind::AllOf { all_of } => (None, Some(all_of)),
            SchemaKind::Any(any) => (Some(&any.properties), Some(&any.all_of)),
            _ => (None, None),
        };
        for (name, property) in properties.into_iter().flatten() {
            if let Some(value) = self
                .schema_of(SchemaRef::from(property))
                .and_then(one_value)
            {
                into.push((name.clone(), value));
            }
        }
        for member in all_of.into_iter().flatten() {
            if let Some(member) = self.schema_of(SchemaRef::from(member)) {
                self.single_values(member, into, depth + 1);
            }
        }
    }

    /// Whether `schema` (or one of its `allOf` members) has the property
    /// `name`.
    fn has_property(&self, schema: &'a Schema, name: &str, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        let (properties, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (Some(&object.properties), None),
            SchemaKind::AllOf { all_of } => (None, Some(all_of)),
            SchemaKind::Any(any) => (Some(&any.properties), Some(&any.all_of)),
            _ => (None, None),
        };
        properties.is_some_and(|p| p.contains_key(name))
            || all_of.into_iter().flatten().any(|member| {
                self.schema_of(SchemaRef::from(member))
                    .is_some_and(|member| self.has_property(member, name, depth + 1))
            })
    }

    /// The discriminator property and this payload's value for it, when the
    /// payload is a component whose schema (or an `allOf` member of it)
    /// has a discriminator: the mapping's key for the component, or the
    /// component's own key when the mapping does not list it.
    fn discriminated(&self, schema: SchemaRef<'a>) -> Option<(String, String)> {
        let SchemaRef::Ref(reference) = schema else {
            return None;
        };
        let (target, key) = self.schema_target(reference, "#").ok()?;
        let mut candidates = vec![target];
        if let SchemaKind::AllOf { all_of } = &target.schema_kind {
            candidates.extend(
                all_of
                    .iter()
                    .filter_map(|m| self.schema_of(SchemaRef::from(m))),
            );
        }
        let discriminator = candidates
            .iter()
            .find_map(|schema| schema.schema_data.discriminator.as_ref())?;
        let suffix = format!("/{key}");
        let value = discriminator
            .mapping
            .iter()
            .find(|(_, target)| target.ends_with(&suffix))
            .map_or_else(|| key.to_string(), |(value, _)| value.clone());
        Some((discriminator.property_name.clone(), value))
    }
}

/// The one string a schema allows, if it allows exactly one.
fn one_value(schema: &Schema) -> Option<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(value)] => Some(value.clone()),
            _ => None,
        },
        SchemaKind::Any(any) => match any.enumeration.as_slice() {
            [serde_json::Value::String(value)] => Some(value.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a media type is JSON (`application/json`, `+json` types).
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")
}
