//! Webhook events: the requests an API sends to its users' servers.

use serde::{Deserialize, Serialize};

use super::TypeRef;

/// One webhook event: a request the API sends to its users' servers, which
/// becomes a variant of the generated `WebhookEvent` enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event's key in `webhooks`, e.g. `user.created`.
    pub name: String,
    /// The enum variant, e.g. `UserCreated`, unique among the events.
    pub rust_name: String,
    /// JSON pointer of the event, for docs and diagnostics.
    pub pointer: String,
    /// The operation's `summary`, or its `description`.
    pub description: Option<String>,
    /// The payload's type.
    pub payload: TypeRef,
    /// How a payload is recognised as this event.
    pub tag: EventTag,
}

/// How a payload is recognised as one event: its `property` holds `value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTag {
    /// The payload's property, e.g. `type`.
    pub property: String,
    /// The value that names this event, e.g. `user.created`.
    pub value: String,
    /// Where the value comes from.
    pub rule: TagRule,
}

/// Where an event's tag value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagRule {
    /// The payload schema allows the property one value (`const`, or an
    /// `enum` of one).
    SingleValue,
    /// A `discriminator` of the payload schema maps the value to it.
    Discriminator,
    /// The schema names no value: the event's key, matched against the
    /// payload's `type`.
    EventKey,
}
