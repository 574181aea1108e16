//! What the typed parser cannot take but the document still means, made
//! into something it can, before the typed parse:
//!
//! - A `$ref` is a JSON pointer and may point anywhere in the document
//!   (`#/components/schemas/Tag/allOf/0`, `#/components/mediaTypes/x`), and
//!   stand anywhere a value could stand inline. `openapiv3` holds only
//!   references to a component of a kind it knows, and only where the
//!   specification allows one; every other local reference is replaced by
//!   a copy of its target (itself resolved the same way). A reference
//!   whose target does not exist is left for lowering to report, and one
//!   that leads back into itself cannot be copied and is an error.
//! - An operation without `responses` (allowed by OpenAPI 3.1) gets an
//!   empty set: it returns no typed response. That one is a repair warning.

use std::path::Path;

use serde_json::Value;

use crate::diagnostics::{child, push_token, Error, Warning};

/// Component kinds whose members `openapiv3` takes as references.
const REFERABLE_KINDS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// The methods of a path item.
pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Whether the typed parser can hold `reference` as a reference: a local
/// one to a whole component of a kind it knows. External references are
/// kept too, for lowering to refuse with its own message.
pub(super) fn is_typed_reference(reference: &str) -> bool {
    let Some(local) = reference.strip_prefix("#/components/") else {
        return !reference.starts_with('#');
    };
    match local.split_once('/') {
        Some((kind, name)) => REFERABLE_KINDS.contains(&kind) && !name.contains('/'),
        None => false,
    }
}

/// Fills in missing `responses`, warning about each.
pub(super) fn fill_responses(value: &mut Value, warnings: &mut Vec<Warning>) {
    let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(Value::Object(operation)) = item.get_mut(method) else {
                continue;
            };
            if operation.contains_key("responses") {
                continue;
            }
            operation.insert("responses".into(), Value::Object(Default::default()));
            warnings.push(Warning::repair(
                child(&child("#/paths", path), method),
                "the operation has no `responses`; it is taken to return no typed response",
            ));
        }
    }
}

/// Replaces every local `$ref` the typed parser cannot hold by a copy of
/// its target.
pub(super) fn inline_references(value: &mut Value, file: &Path) -> Result<(), Error> {
    let mut found = Vec::new();
    let mut pointer = String::from("#");
    find(value, &mut pointer, &mut found);
    let mut replacements = Vec::with_capacity(found.len());
    let mut budget = EXPANSION_BUDGET;
    for (at, target) in found {
        let mut stack = Vec::new();
        if let Some(copy) = expand(value, &target, &mut stack, &mut budget, file)? {
            replacements.push((at, copy));
        }
    }
    for (at, copy) in replacements {
        if let Some(slot) = node_mut(value, &at) {
            *slot = copy;
        }
    }
    Ok(())
}

/// How many references may be copied in, in all: references that each copy
/// others several times over grow the document exponentially.
const EXPANSION_BUDGET: usize = 200_000;

/// Collects `(where, target)` of every reference to inline.
fn find(value: &Value, pointer: &mut String, found: &mut Vec<(String, String)>) {
    use std::fmt::Write as _;
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if !is_typed_reference(reference) {
                    found.push((pointer.clone(), reference.clone()));
                    return;
                }
            }
            for (key, item) in map {
                push_token(pointer, key);
                find(item, pointer, found);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                // Writing to a `String` cannot fail.
                let _ = write!(pointer, "/{index}");
                find(item, pointer, found);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A copy of the node `reference` points at, with the references inside it
/// that need it inlined as well; `None` when there is no such node.
/// `stack` holds the references being expanded, to catch cycles.
fn expand(
    root: &Value,
    reference: &str,
    stack: &mut Vec<String>,
    budget: &mut usize,
    file: &Path,
) -> Result<Option<Value>, Error> {
    let Some(target) = node(root, reference) else {
        return Ok(None);
    };
    let Some(left) = budget.checked_sub(1) else {
        return Err(Error::Invalid {
            file: file.to_owned(),
            pointer: reference.to_owned(),
            reason: format!(
                "inlining the references into schemas' insides would copy more than \
                 {EXPANSION_BUDGET} values; the document is too large to read this way"
            ),
        });
    };
    *budget = left;
    if stack.iter().any(|open| open == reference) {
        return Err(Error::Invalid {
            file: file.to_owned(),
            pointer: reference.to_owned(),
            reason: format!(
                "the references {} lead back into themselves, so the value they stand for \
                 has no end",
                stack.join(" -> ")
            ),
        });
    }
    stack.push(reference.to_owned());
    let mut copy = target.clone();
    expand_within(root, &mut copy, stack, budget, file)?;
    stack.pop();
    Ok(Some(copy))
}

fn expand_within(
    root: &Value,
    value: &mut Value,
    stack: &mut Vec<String>,
    budget: &mut usize,
    file: &Path,
) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if !is_typed_reference(reference) {
                    let reference = reference.clone();
                    if let Some(copy) = expand(root, &reference, stack, budget, file)? {
                        *value = copy;
                    }
                    return Ok(());
                }
            }
            for item in map.values_mut() {
                expand_within(root, item, stack, budget, file)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                expand_within(root, item, stack, budget, file)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The reference tokens of a local reference (`#/a/b~1c`), unescaped;
/// `None` for a reference outside the document.
fn tokens(reference: &str) -> Option<Vec<String>> {
    let fragment = reference.strip_prefix('#')?;
    let fragment = percent_decode(fragment);
    if fragment.is_empty() {
        return Some(Vec::new());
    }
    let rest = fragment.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// A URI fragment's `%XX` escapes decoded; left as is when they do not
/// decode to UTF-8.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_owned(), |decoded| decoded.into_owned())
}

/// The node a local reference points at.
pub(super) fn node<'v>(root: &'v Value, reference: &str) -> Option<&'v Value> {
    tokens(reference)?
        .iter()
        .try_fold(root, |node, token| match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => items.get(token.parse::<usize>().ok()?),
            _ => None,
        })
}

/// The node a local reference points at, to change.
pub(super) fn node_mut<'v>(root: &'v mut Value, reference: &str) -> Option<&'v mut Value> {
    tokens(reference)?
        .iter()
        .try_fold(root, |node, token| match node {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_references_are_whole_components_of_known_kinds() {
        assert!(is_typed_reference("#/components/schemas/A"));
        assert!(is_typed_reference("#/components/parameters/a~1b"));
        assert!(is_typed_reference("other.yaml#/components/schemas/A"));
        assert!(!is_typed_reference("#/components/schemas/Tag/allOf/0"));
        assert!(!is_typed_reference("#/components/mediaTypes/x"));
        assert!(!is_typed_reference("#/paths/~1a/get"));
    }

    #[test]
    fn references_into_anything_are_copied_in() {
        let mut value = json!({
            "components": {
                "schemas": {
                    "Tag": {"allOf": [{"type": "string"}]},
                    "Uses": {"$ref": "#/components/schemas/Tag/allOf/0"}
                },
                "mediaTypes": {"m": {"schema": {"$ref": "#/components/schemas/Tag"}}},
                "x-percent": {"a b": {"$ref": "#/components/x-percent/c"}, "c": 1}
            },
            "content": {"$ref": "#/components/mediaTypes/m"},
            "chain": {"$ref": "#/components/x-percent/a%20b"},
            "dangling": {"$ref": "#/nowhere"}
        });
        inline_references(&mut value, Path::new("x.yaml")).unwrap();
        assert_eq!(
            value["components"]["schemas"]["Uses"],
            json!({"type": "string"})
        );
        assert_eq!(
            value["content"],
            json!({"schema": {"$ref": "#/components/schemas/Tag"}})
        );
        assert_eq!(value["chain"], json!(1));
        assert_eq!(value["dangling"], json!({"$ref": "#/nowhere"}));
    }

    #[test]
    fn a_reference_into_itself_is_an_error() {
        let mut value = json!({"a": {"b": {"$ref": "#/a"}}, "c": {"$ref": "#/a/b"}});
        let err = inline_references(&mut value, Path::new("x.yaml")).unwrap_err();
        assert!(
            err.to_string().contains("lead back into themselves"),
            "{err}"
        );
    }

    #[test]
    fn references_that_multiply_are_refused() {
        let mut levels = serde_json::Map::new();
        levels.insert("l0".into(), json!([1]));
        for level in 1..=24 {
            let below = format!("#/x/l{}", level - 1);
            levels.insert(
                format!("l{level}"),
                json!([{"$ref": below}, {"$ref": below}]),
            );
        }
        let mut value = json!({"x": levels});
        let err = inline_references(&mut value, Path::new("x.yaml")).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }

    #[test]
    fn missing_responses_are_filled_in_with_a_repair() {
        let mut value = json!({"paths": {"/a": {"get": {}, "put": {"responses": {}}}}});
        let mut warnings = Vec::new();
        fill_responses(&mut value, &mut warnings);
        assert_eq!(value["paths"]["/a"]["get"]["responses"], json!({}));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].pointer, "#/paths/~1a/get");
    }
}
