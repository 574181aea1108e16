//! Webhooks: the requests an API sends rather than serves, from OpenAPI
//! 3.1's `webhooks` or 3.0's `x-webhooks`. `openapiv3` models 3.0 and has
//! no place for them, so they are taken out of the document before it is
//! typed and read here, one event at a time: an event that does not read
//! is left out with a warning instead of failing the whole document.

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde::Deserialize;
use serde_json::Value;

use super::repair::METHODS;
use crate::diagnostics::{child, Warning};

/// The document's webhook events, by their key, in document order.
#[derive(Clone, Debug, Default)]
pub struct Webhooks {
    /// Where they were read from: `#/webhooks` or `#/x-webhooks`.
    pub pointer: String,
    /// Each event's path item.
    pub events: IndexMap<String, ReferenceOr<PathItem>>,
}

/// Takes `webhooks` and `x-webhooks` out of the document's root. When both
/// are present `webhooks` is read (the standard key); a different
/// `x-webhooks` beside it is reported.
pub(super) fn take(value: &mut Value, warnings: &mut Vec<Warning>) -> Webhooks {
    let Some(root) = value.as_object_mut() else {
        return Webhooks::default();
    };
    let standard = root.shift_remove("webhooks");
    let extension = root.shift_remove("x-webhooks");
    let (pointer, map) = match (standard, extension) {
        (Some(standard), Some(extension)) => {
            if standard != extension {
                warnings.push(Warning::advice(
                    "#/x-webhooks",
                    "the document has both `webhooks` and a different `x-webhooks`; \
                     `webhooks` is read",
                ));
            }
            ("#/webhooks", standard)
        }
        (Some(standard), None) => ("#/webhooks", standard),
        (None, Some(extension)) => ("#/x-webhooks", extension),
        (None, None) => return Webhooks::default(),
    };
    let mut webhooks = Webhooks {
        pointer: pointer.to_owned(),
        events: IndexMap::new(),
    };
    let Value::Object(map) = map else {
        warnings.push(Warning::fallback(
            pointer,
            "webhooks are not a mapping of event names to path items; no events are generated",
        ));
        return webhooks;
    };
    for (key, mut item) in map {
        if key.starts_with("x-") {
            continue;
        }
        allow_missing_responses(&mut item);
        match ReferenceOr::<PathItem>::deserialize(item) {
            Ok(item) => {
                webhooks.events.insert(key, item);
            }
            Err(err) => warnings.push(Warning::fallback(
                child(pointer, &key),
                format!("the event is not a valid path item and is left out: {err}"),
            )),
        }
    }
    webhooks
}

/// Gives a document of webhooks alone an empty `paths`: OpenAPI 3.1 allows
/// leaving it out, and `openapiv3` (3.0) requires it. A 3.0 document
/// without it breaks a rule, so that is reported as a repair.
pub(super) fn fill_missing_paths(value: &mut Value, warnings: &mut Vec<Warning>) {
    let Some(root) = value.as_object_mut() else {
        return;
    };
    if root.contains_key("paths")
        || !(root.contains_key("webhooks") || root.contains_key("x-webhooks"))
    {
        return;
    }
    let is_31 = matches!(root.get("openapi"), Some(Value::String(v)) if v.starts_with("3.1"));
    if !is_31 {
        warnings.push(Warning::repair(
            "#",
            "OpenAPI 3.0 requires `paths`; this document of webhooks alone has none, \
             and is read as having no operations",
        ));
    }
    root.insert("paths".into(), Value::Object(serde_json::Map::new()));
}

/// Gives each operation of a webhook that lists no `responses` an empty
/// list: `openapiv3` requires one, and what a receiver answers does not
/// shape the event (Clerk's events list none).
fn allow_missing_responses(item: &mut Value) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    for method in METHODS {
        if let Some(Value::Object(operation)) = item.get_mut(method) {
            operation
                .entry("responses")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn standard_webhooks_win_over_the_extension_and_bad_events_are_reported() {
        let post = json!({"post": {"requestBody": {"content": {}}}});
        let mut value = json!({
            "openapi": "3.1.0",
            "webhooks": {"a": post, "b": {"post": 7}, "x-note": 1},
            "x-webhooks": {"c": post},
        });
        let mut warnings = Vec::new();
        let webhooks = take(&mut value, &mut warnings);
        assert_eq!(webhooks.pointer, "#/webhooks");
        assert_eq!(webhooks.events.keys().collect::<Vec<_>>(), ["a"]);
        assert!(value.get("webhooks").is_none() && value.get("x-webhooks").is_none());
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(pointers, ["#/x-webhooks", "#/webhooks/b"]);
    }
}
