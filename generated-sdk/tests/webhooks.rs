//! Clerk's webhook events through the crate's `webhooks` module: every
//! example payload of Clerk's webhooks document decodes into its own typed
//! variant, and a signed delivery is verified before it is read.
#![cfg(feature = "webhooks")]

use std::time::{Duration, UNIX_EPOCH};

use clerk_backend_api::reqwest::header::{HeaderMap, HeaderValue};
use clerk_backend_api::webhooks::{Webhook, WebhookError, WebhookEvent};
use serde_json::{Value, json};

const DOCUMENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec/upstream/clerk-webhooks-2025-04-15.yml"
);

/// Each event's name and every example payload of its request body
/// (`example`, and each of `examples`, following `$ref`s).
fn examples() -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(DOCUMENT).expect("Clerk's webhooks document is in spec/");
    let document: Value = serde_yaml::from_str(&text).expect("the document is YAML");
    let events = document["x-webhooks"]
        .as_object()
        .expect("x-webhooks is a mapping");
    let mut all = Vec::new();
    for (name, item) in events {
        let media = &item["post"]["requestBody"]["content"]["application/json"];
        let mut found = Vec::new();
        if media["example"].is_object() {
            found.push(media["example"].clone());
        }
        for example in media["examples"]
            .as_object()
            .into_iter()
            .flat_map(|e| e.values())
        {
            let example = match example["$ref"].as_str() {
                Some(reference) => {
                    let pointer = reference.trim_start_matches('#');
                    document.pointer(pointer).expect("the example exists")
                }
                None => example,
            };
            found.push(example["value"].clone());
        }
        assert!(!found.is_empty(), "{name} has an example payload");
        all.extend(found.into_iter().map(|example| (name.clone(), example)));
    }
    all
}

#[test]
fn every_example_payload_decodes_into_its_typed_variant() {
    let examples = examples();
    let events: std::collections::BTreeSet<&str> =
        examples.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(events.len(), 45);
    let mut failures = Vec::new();
    for (name, example) in examples {
        let body = serde_json::to_vec(&example).unwrap();
        match WebhookEvent::from_slice(&body) {
            Ok(WebhookEvent::Unknown { .. }) => failures.push(format!("{name}: Unknown")),
            Ok(event) => assert_eq!(event.event_type(), Some(name.as_str())),
            Err(err) => failures.push(format!("{name}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_typed_event_holds_the_payloads_fields() {
    let (_, example) = examples()
        .into_iter()
        .find(|(name, _)| name == "user.created")
        .unwrap();
    let body = serde_json::to_vec(&example).unwrap();
    let WebhookEvent::UserCreated(event) = WebhookEvent::from_slice(&body).unwrap() else {
        panic!("user.created decodes as UserCreated");
    };
    assert_eq!(event.type_, "user.created");
    assert_eq!(Some(event.data.id.as_str()), example["data"]["id"].as_str());
}

#[test]
fn unknown_events_are_kept_whole_and_bad_payloads_name_their_event() {
    let renamed = json!({"type": "user.renamed", "object": "event", "data": {"id": "user_1"}});
    let event = WebhookEvent::from_slice(renamed.to_string().as_bytes()).unwrap();
    assert_eq!(
        event,
        WebhookEvent::Unknown {
            event: Some("user.renamed".into()),
            payload: renamed
        }
    );
    let bad = json!({"type": "user.created", "object": "event", "data": 5});
    let err = WebhookEvent::from_slice(bad.to_string().as_bytes()).unwrap_err();
    assert!(
        matches!(&err, WebhookError::InvalidPayload { event: Some(e), .. } if e == "user.created"),
        "{err:?}"
    );
    let err = WebhookEvent::from_slice(b"not json").unwrap_err();
    assert!(
        matches!(err, WebhookError::InvalidPayload { event: None, .. }),
        "{err:?}"
    );
}

/// A delivery as Svix sends it, signed with `webhook`.
fn delivery(webhook: &Webhook, body: &[u8], timestamp: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("svix-id", HeaderValue::from_static("msg_2test"));
    headers.insert(
        "svix-timestamp",
        HeaderValue::from_str(&timestamp.to_string()).unwrap(),
    );
    let signature = webhook.sign("msg_2test", timestamp, body);
    headers.insert("svix-signature", HeaderValue::from_str(&signature).unwrap());
    headers
}

#[test]
fn a_signed_delivery_is_verified_then_decoded() {
    let webhook = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let (_, example) = examples()
        .into_iter()
        .find(|(name, _)| name == "session.created")
        .unwrap();
    let body = serde_json::to_vec(&example).unwrap();
    let timestamp = 1_716_883_200;
    let now = UNIX_EPOCH + Duration::from_secs(1_716_883_260);
    let headers = delivery(&webhook, &body, timestamp);
    let event = webhook.verify_at(&body, &headers, now).unwrap();
    assert!(
        matches!(event, WebhookEvent::SessionCreated(_)),
        "{event:?}"
    );
    // The signature is checked before the body is read: a body that is not
    // JSON, under a signature made for another, is refused as unsigned.
    let err = webhook.verify_at(b"not json", &headers, now).unwrap_err();
    assert!(matches!(err, WebhookError::NoMatchingSignature), "{err:?}");
    // Against the real clock, a 2024 delivery is too old.
    let err = webhook.verify(&body, &headers).unwrap_err();
    assert!(
        matches!(err, WebhookError::TimestampTooOld { .. }),
        "{err:?}"
    );
}
