//! Normalising: OpenAPI 3.1 (JSON Schema 2020-12) constructs rewritten
//! into their 3.0 form, and numeric limits `openapiv3` cannot hold into
//! ones it can.

use serde_json::{Map, Value};

use crate::diagnostics::{child, push_token, Warning};

/// Rewrites OpenAPI 3.1 (JSON Schema 2020-12) constructs into their 3.0
/// form, and numeric limits `openapiv3` cannot hold into ones it can.
/// `schemas` says whether any mapping needs it ([`normalising_changes`]);
/// when none does, the walk over every node would change nothing.
pub(super) fn normalise(value: &mut Value, warnings: &mut Vec<Warning>, schemas: bool) {
    let Some(root) = value.as_object_mut() else {
        return;
    };
    let is_31 = matches!(root.get("openapi"), Some(Value::String(v)) if v.starts_with("3.1"));
    if is_31 {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        // `webhooks` stays: loading reads it (see `webhooks.rs`).
        // `jsonSchemaDialect` has no 3.0 meaning.
        root.remove("jsonSchemaDialect");
    }
    if schemas {
        let mut pointer = String::from("#");
        walk(value, &mut pointer, warnings);
    }
}

/// Visits every mapping, normalising those that look like schemas.
/// `pointer` is one buffer that grows and shrinks with the walk: a spec has
/// tens of thousands of nodes, and few need their pointer (for a warning).
fn walk(value: &mut Value, pointer: &mut String, warnings: &mut Vec<Warning>) {
    use std::fmt::Write as _;
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            if looks_like_schema(map) {
                normalise_schema(map, pointer, warnings);
            }
            for (key, child_value) in map.iter_mut() {
                push_token(pointer, key);
                walk(child_value, pointer, warnings);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                // Writing to a `String` cannot fail.
                let _ = write!(pointer, "/{index}");
                walk(item, pointer, warnings);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A mapping is treated as a schema when it has a schema-only keyword. A
/// property called `type` maps to a mapping, not a string, so it is not
/// mistaken for the keyword.
///
/// One pass over the keys, rather than six hashed lookups: every mapping of
/// the document is asked, and most have only a handful of keys.
fn looks_like_schema(map: &Map<String, Value>) -> bool {
    map.iter().any(|(key, value)| match key.as_str() {
        "type" => matches!(value, Value::String(_) | Value::Array(_)),
        "const" | "properties" | "allOf" | "oneOf" | "anyOf" => true,
        _ => false,
    })
}

/// Whether [`normalise_schema`] would change `map` (or warn about it), were
/// it reached: it must answer yes for every mapping that function touches.
/// The parser asks it of every mapping as it reads them, so that a
/// document with nothing to normalise skips the walk.
pub(super) fn normalising_changes(map: &Map<String, Value>) -> bool {
    if !looks_like_schema(map) {
        return false;
    }
    let integer = matches!(map.get("type"), Some(Value::String(t)) if t == "integer");
    map.iter().any(|(key, value)| match key.as_str() {
        "type" => value.is_array(),
        "const" => true,
        "exclusiveMinimum" | "exclusiveMaximum" => value.is_number(),
        "examples" => value.is_array(),
        "minimum" | "maximum" => integer && value.is_number() && !value.is_i64(),
        _ => false,
    })
}

fn normalise_schema(map: &mut Map<String, Value>, pointer: &str, warnings: &mut Vec<Warning>) {
    // `type: [string, "null"]` is 3.1's spelling of a nullable string.
    if let Some(Value::Array(types)) = map.get("type") {
        let has_null = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        match others.as_slice() {
            [single] => {
                map.insert("type".into(), single.clone());
            }
            [] => {
                map.remove("type");
            }
            _ => {
                map.remove("type");
                warnings.push(Warning::fallback(
                    child(pointer, "type"),
                    "a schema of several types is represented as any JSON value",
                ));
            }
        }
        if has_null {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
    // `const: x` is a one-value enum.
    if let Some(constant) = map.remove("const") {
        map.insert("enum".into(), Value::Array(vec![constant]));
    }
    // 3.1 gives exclusive bounds as numbers; 3.0 as flags beside the bound.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(bound.into(), limit);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    // 3.1 lists examples; 3.0 has one.
    if let Some(Value::Array(examples)) = map.get("examples") {
        if !map.contains_key("example") {
            if let Some(first) = examples.first().cloned() {
                map.insert("example".into(), first);
            }
        }
        map.remove("examples");
    }
    if matches!(map.get("type"), Some(Value::String(t)) if t == "integer") {
        clamp_integer_bounds(map, pointer, warnings);
    }
}

/// `openapiv3` holds integer bounds as `i64`. A bound past that range (real
/// specs write `maximum: 18446744073709552000`) cannot be exceeded by any
/// value the SDK can hold, so it is dropped; a fractional one is rounded
/// inwards, which keeps exactly the same integers valid.
fn clamp_integer_bounds(map: &mut Map<String, Value>, pointer: &str, warnings: &mut Vec<Warning>) {
    for (key, round_up) in [("minimum", true), ("maximum", false)] {
        let Some(Value::Number(number)) = map.get(key) else {
            continue;
        };
        if number.is_i64() {
            continue;
        }
        let Some(float) = number.as_f64() else {
            continue;
        };
        let rounded = if round_up {
            float.ceil()
        } else {
            float.floor()
        };
        // i64::MAX is not exactly representable as f64; `2^63` is the first
        // float past it.
        let limit = 9_223_372_036_854_775_808.0_f64;
        if rounded >= limit || rounded < -limit {
            map.remove(key);
            warnings.push(Warning::fallback(
                child(pointer, key),
                format!(
                    "{key} {float} is outside the 64-bit integer range; no 64-bit value can \
                     violate it, so it is not checked"
                ),
            ));
        } else {
            // The range check above makes this conversion exact.
            map.insert(key.into(), Value::from(rounded as i64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalised(mut value: Value) -> (Value, Vec<Warning>) {
        let mut warnings = Vec::new();
        normalise(&mut value, &mut warnings, true);
        (value, warnings)
    }

    #[test]
    fn openapi_31_constructs_become_30() {
        let (value, warnings) = normalised(json!({
            "openapi": "3.1.0",
            "webhooks": {},
            "components": {"schemas": {"A": {
                "type": ["string", "null"],
                "examples": ["x", "y"],
                "properties": {"type": {"const": "a"}, "n": {"type": "number", "exclusiveMinimum": 0}}
            }}}
        }));
        let schema = &value["components"]["schemas"]["A"];
        assert_eq!(value["openapi"], "3.0.3");
        // Webhooks stay for loading to read.
        assert_eq!(value["webhooks"], json!({}));
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["nullable"], true);
        assert_eq!(schema["example"], "x");
        assert_eq!(schema["properties"]["type"]["enum"], json!(["a"]));
        assert_eq!(schema["properties"]["n"]["minimum"], 0);
        assert_eq!(schema["properties"]["n"]["exclusiveMinimum"], true);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    /// Every mapping the parser lets through unmarked is one normalising
    /// leaves alone, over combinations of what it looks at.
    #[test]
    fn unmarked_mappings_are_left_alone() {
        let candidates: Vec<(&str, Vec<Value>)> = vec![
            (
                "type",
                vec![
                    json!("integer"),
                    json!("string"),
                    json!(["string", "null"]),
                    json!({}),
                ],
            ),
            ("const", vec![json!(1)]),
            ("properties", vec![json!({})]),
            ("exclusiveMinimum", vec![json!(true), json!(3)]),
            ("examples", vec![json!({"a": {}}), json!(["x"])]),
            ("example", vec![json!("e")]),
            (
                "minimum",
                vec![
                    json!(1),
                    json!(1.5),
                    json!(18446744073709551615_u64),
                    json!("1"),
                ],
            ),
            ("maximum", vec![json!(-1), json!(1e300)]),
        ];
        // Each candidate key absent, or with one of its values.
        let mut maps = vec![Map::new()];
        for (key, values) in &candidates {
            let mut next = Vec::new();
            for map in &maps {
                next.push(map.clone());
                for value in values {
                    let mut map = map.clone();
                    map.insert((*key).to_owned(), value.clone());
                    next.push(map);
                }
            }
            maps = next;
        }
        let mut unmarked = 0;
        for map in maps {
            if normalising_changes(&map) {
                continue;
            }
            unmarked += 1;
            let (mut normalised, mut warnings) = (Value::Object(map.clone()), Vec::new());
            walk(&mut normalised, &mut String::from("#"), &mut warnings);
            let map = Value::Object(map);
            assert_eq!(normalised, map);
            assert!(warnings.is_empty(), "{map:?}: {warnings:?}");
        }
        assert!(unmarked > 100, "{unmarked}");
    }

    #[test]
    fn integer_bounds_outside_i64_are_dropped_with_a_warning() {
        let (value, warnings) = normalised(json!({
            "openapi": "3.0.3",
            "s": {"type": "integer", "maximum": 18446744073709552000.0_f64, "minimum": 0.5}
        }));
        assert!(value["s"].get("maximum").is_none());
        assert_eq!(value["s"]["minimum"], 1);
        assert_eq!(warnings[0].pointer, "#/s/maximum");
    }
}
