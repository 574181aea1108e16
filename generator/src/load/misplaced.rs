//! A `$ref` into the wrong section of `components` (a response that points
//! into `requestBodies`, a request body into `responses`) whose target has
//! the shape the place needs is read as that kind, with a repair warning
//! (`--strict` refuses it). Such a reference is a mistake of the document,
//! but its meaning is plain: the target's `content` (and `description`).

use serde_json::{Map, Value};

use super::repair::{node, node_mut, METHODS};
use crate::diagnostics::{child, Warning};

/// Replaces each misplaced reference of an operation's responses and
/// request body by a copy of its target shaped as the place needs.
pub(super) fn repair(value: &mut Value, warnings: &mut Vec<Warning>) {
    let mut fixes = Vec::new();
    let Some(paths) = value.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(operation) = item.get(method).and_then(Value::as_object) else {
                continue;
            };
            let pointer = child(&child("#/paths", path), method);
            if let Some(body) = operation.get("requestBody") {
                let place = child(&pointer, "requestBody");
                fixes.extend(misplaced(value, body, "requestBodies", place));
            }
            let responses = operation.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flatten() {
                let place = child(&child(&pointer, "responses"), status);
                fixes.extend(misplaced(value, response, "responses", place));
            }
        }
    }
    for (place, replacement, warning) in fixes {
        if let Some(slot) = node_mut(value, &place) {
            *slot = replacement;
            warnings.push(warning);
        }
    }
}

/// The fix of `node_at`, a `kind` (`responses` or `requestBodies`) at
/// `place`, when it refers into the other section and the target fits:
/// where it goes, what replaces it, and the warning.
fn misplaced(
    root: &Value,
    node_at: &Value,
    kind: &str,
    place: String,
) -> Option<(String, Value, Warning)> {
    let reference = node_at.get("$ref")?.as_str()?;
    let (section, key) = reference.strip_prefix("#/components/")?.split_once('/')?;
    let other = match kind {
        "responses" => "requestBodies",
        _ => "responses",
    };
    if section != other || key.contains('/') {
        return None;
    }
    let target = node(root, reference)?.as_object()?;
    // A target that is itself a reference, or has no content, is left for
    // lowering to report as it is.
    if target.contains_key("$ref") || !target.get("content").is_some_and(Value::is_object) {
        return None;
    }
    let mut shaped = Map::new();
    let description = target.get("description").cloned();
    if let Some(content) = target.get("content") {
        shaped.insert("content".into(), content.clone());
    }
    let what = if kind == "responses" {
        // A response must have a description.
        shaped.insert(
            "description".into(),
            description.unwrap_or_else(|| Value::String(String::new())),
        );
        "a response"
    } else {
        if let Some(description) = description {
            shaped.insert("description".into(), description);
        }
        if let Some(required) = target.get("required") {
            shaped.insert("required".into(), required.clone());
        }
        "a request body"
    };
    let warning = Warning::repair(
        child(&place, "$ref"),
        format!(
            "`{reference}` points into `components/{section}` where {what} belongs; its target has {what}'s `content`, so it is read as {what}"
        ),
    );
    Some((place, Value::Object(shaped), warning))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_response_into_request_bodies_is_read_as_a_response() {
        let mut document = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"$ref": "#/components/responses/Thing"},
                "responses": {
                    "200": {"$ref": "#/components/requestBodies/Thing"},
                    "404": {"$ref": "#/components/requestBodies/Empty"},
                    "500": {"$ref": "#/components/responses/Thing"}
                }
            }}},
            "components": {
                "requestBodies": {
                    "Thing": {"required": true, "content": {"application/json": {"schema": {"type": "string"}}}},
                    "Empty": {"description": "no content"}
                },
                "responses": {
                    "Thing": {"description": "a thing", "content": {"text/plain": {}}}
                }
            }
        });
        let mut warnings = Vec::new();
        repair(&mut document, &mut warnings);
        let operation = &document["paths"]["/a"]["post"];
        assert_eq!(
            operation["responses"]["200"],
            json!({"description": "", "content": {"application/json": {"schema": {"type": "string"}}}})
        );
        assert_eq!(
            operation["requestBody"],
            json!({"description": "a thing", "content": {"text/plain": {}}})
        );
        // No content to read: left for lowering to report. Well placed: kept.
        assert_eq!(
            operation["responses"]["404"],
            json!({"$ref": "#/components/requestBodies/Empty"})
        );
        assert_eq!(
            operation["responses"]["500"],
            json!({"$ref": "#/components/responses/Thing"})
        );
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a/post/requestBody/$ref",
                "#/paths/~1a/post/responses/200/$ref"
            ]
        );
        assert!(warnings
            .iter()
            .all(|w| w.kind == crate::diagnostics::WarningKind::Repair));
    }
}
