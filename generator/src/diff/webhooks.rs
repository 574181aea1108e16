//! Webhook events: added (a new variant of a `#[non_exhaustive]` enum),
//! removed, or changed in what they decode into or how they are recognised.

use super::rules;
use super::{code, Cx};
use crate::ir::{Presence, WebhookEvent};

pub(super) fn compare(cx: &mut Cx<'_>) {
    let (old, new) = (cx.old, cx.new);
    for event in &old.webhooks {
        let rust = variant(event);
        match new.webhooks.iter().find(|e| e.name == event.name) {
            None => cx.push(
                &rules::WEBHOOK_EVENT_REMOVED,
                rust,
                event.pointer.clone(),
                vec![],
                format!(
                    "the `{}` event is gone: its payloads decode as `WebhookEvent::Unknown`.",
                    event.name
                ),
            ),
            Some(now) if now.payload != event.payload || now.rust_name != event.rust_name => cx
                .push(
                    &rules::WEBHOOK_EVENT_CHANGED,
                    rust,
                    now.pointer.clone(),
                    vec![],
                    format!("now {} (was {}).", code(shown(now)), code(shown(event))),
                ),
            Some(now) if now.tag != event.tag => cx.push(
                &rules::WEBHOOK_EVENT_CHANGED,
                rust,
                now.pointer.clone(),
                vec![],
                format!(
                    "recognised by its `{}` being `{}` (was `{}` being `{}`).",
                    now.tag.property, now.tag.value, event.tag.property, event.tag.value
                ),
            ),
            Some(_) => {}
        }
    }
    for event in &new.webhooks {
        if !old.webhooks.iter().any(|e| e.name == event.name) {
            cx.push(
                &rules::WEBHOOK_EVENT_ADDED,
                variant(event),
                event.pointer.clone(),
                vec![],
                format!(
                    "the `{}` event, decoded into {}.",
                    event.name,
                    code(payload(event))
                ),
            );
        }
    }
}

/// `webhooks::WebhookEvent::UserCreated`.
fn variant(event: &WebhookEvent) -> String {
    format!("webhooks::WebhookEvent::{}", event.rust_name)
}

/// The payload's Rust type, e.g. `UserCreatedEvent`.
fn payload(event: &WebhookEvent) -> String {
    crate::emit::rust_type(&event.payload, Presence::Required, false)
}

/// `WebhookEvent::UserCreated(UserCreatedEvent)`.
fn shown(event: &WebhookEvent) -> String {
    format!("WebhookEvent::{}({})", event.rust_name, payload(event))
}
