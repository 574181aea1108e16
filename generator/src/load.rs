//! Reads an OpenAPI document into `openapiv3` types.
//!
//! The text is first parsed into a JSON value (YAML or JSON, told apart by
//! content) so that syntax errors carry a line and column. The value is then
//! normalised: OpenAPI 3.1 constructs that have a 3.0 equivalent are
//! rewritten into it, because `openapiv3` models 3.0. Last, the value is
//! parsed into typed form, with errors pointing into the document.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::{child, Error, Warning};
use crate::ir::StatusMatch;

mod lenient;
mod patterns;
mod typed;

use lenient::Scan;
pub(crate) use patterns::compile as compile_pattern;
pub use patterns::Patterns;

/// A parsed document and what normalising it changed.
#[derive(Debug)]
pub struct Document {
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// Where it came from, for diagnostics.
    pub file: PathBuf,
    /// Constructs normalisation had to drop or approximate.
    pub warnings: Vec<Warning>,
    /// Whether each `pattern` string compiles in Rust.
    pub patterns: Patterns,
}

/// Reads and parses the document at `path`.
pub fn load_file(path: &Path) -> Result<Document, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        file: path.to_owned(),
        source,
    })?;
    load_str(&text, path)
}

/// Parses a document held in memory; `file` names it in errors.
pub fn load_str(text: &str, file: &Path) -> Result<Document, Error> {
    std::thread::scope(|scope| {
        let (patterns, compiler) = patterns::Compiler::start(scope);
        let (value, warnings) = normalised_value(text, file, Scan::new(patterns))?;
        // The fast path: a plain deserialisation that consumes the value,
        // moving its strings instead of copying them, and tracks no path.
        // Valid documents, the common case, pay nothing for error reporting.
        let Some(openapi) = typed::typed(value) else {
            return Err(invalid_document(text, file));
        };
        Ok(Document {
            openapi,
            file: file.to_owned(),
            warnings,
            // The scan, and with it the last sender, is gone: this cannot
            // wait on a pattern that will never come.
            patterns: compiler.finish(),
        })
    })
}

/// The document as a normalised value, after the checks the typed parser
/// cannot make.
fn normalised_value(
    text: &str,
    file: &Path,
    mut scan: Scan,
) -> Result<(Value, Vec<Warning>), Error> {
    let mut value = parse_value(text, file, &mut scan)?;
    let mut warnings = Vec::new();
    check_version(&value, file)?;
    check_response_keys(&value, file)?;
    normalise(&mut value, &mut warnings, scan.needs_normalising);
    Ok((value, warnings))
}

/// Explains why a document that parsed and normalised is not a valid
/// OpenAPI document. The fast path consumed the value, so this rebuilds it
/// (parsing is deterministic, so it is the same value) and parses it again
/// with path tracking; only failing documents pay for that.
fn invalid_document(text: &str, file: &Path) -> Error {
    let value = match normalised_value(text, file, Scan::default()) {
        Ok((value, _)) => value,
        Err(err) => return err,
    };
    let (pointer, reason) = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&value)
    {
        Ok(_) => (
            "#".to_owned(),
            "the document was read differently on a second pass; this is a generator bug".into(),
        ),
        Err(err) => {
            locate(&value).unwrap_or_else(|| (pointer_of("#", err.path()), err.inner().to_string()))
        }
    };
    Error::Invalid {
        file: file.to_owned(),
        pointer,
        reason: format!("not a valid OpenAPI document: {reason}"),
    }
}

/// Parses YAML or JSON into a value. JSON is recognised by its first
/// character, since every JSON document is also YAML but YAML's errors for
/// JSON are harder to read.
fn parse_value(text: &str, file: &Path, scan: &mut Scan) -> Result<Value, Error> {
    if text.trim_start().starts_with('{') {
        lenient::from_json(text, scan).map_err(|err| Error::Syntax {
            file: file.to_owned(),
            format: "JSON",
            line: err.line(),
            column: err.column(),
            reason: err.to_string(),
        })
    } else {
        let syntax = |err: serde_yaml::Error| {
            let location = err.location();
            Error::Syntax {
                file: file.to_owned(),
                format: "YAML",
                line: location.as_ref().map_or(0, |l| l.line()),
                column: location.as_ref().map_or(0, |l| l.column()),
                reason: err.to_string(),
            }
        };
        lenient::from_yaml(text, scan).map_err(syntax)
    }
}

/// Rejects documents that are not OpenAPI 3, saying what they are instead.
fn check_version(value: &Value, file: &Path) -> Result<(), Error> {
    let invalid = |pointer: &str, reason: String| Error::Invalid {
        file: file.to_owned(),
        pointer: pointer.to_owned(),
        reason,
    };
    let Some(root) = value.as_object() else {
        return Err(invalid(
            "#",
            "the document is not a mapping of keys to values".into(),
        ));
    };
    if let Some(swagger) = root.get("swagger") {
        return Err(invalid(
            "#/swagger",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0 and 3.1 are supported \
                 (convert it to OpenAPI 3 first, e.g. with swagger2openapi)",
                display_scalar(swagger)
            ),
        ));
    }
    match root.get("openapi") {
        None => Err(invalid(
            "#",
            "not an OpenAPI document: it has no `openapi` version field".into(),
        )),
        Some(Value::String(version)) if version.starts_with("3.") => Ok(()),
        Some(other) => Err(invalid(
            "#/openapi",
            format!(
                "OpenAPI version {} is not supported; use 3.0 or 3.1",
                display_scalar(other)
            ),
        )),
    }
}

/// Response keys must be statuses. The typed parser would drop any other
/// key without a word, and with it a response the author meant to document.
fn check_response_keys(value: &Value, file: &Path) -> Result<(), Error> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let paths = value.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            let responses = item
                .get(method)
                .and_then(|op| op.get("responses"))
                .and_then(Value::as_object);
            for key in responses.into_iter().flat_map(|r| r.keys()) {
                if key.starts_with("x-") || StatusMatch::parse(key).is_some() {
                    continue;
                }
                let pointer = child(
                    &child(&child(&child("#/paths", path), method), "responses"),
                    key,
                );
                return Err(Error::Invalid {
                    file: file.to_owned(),
                    pointer,
                    reason: format!(
                        "`{key}` is not an HTTP status, a status class like `4XX`, or `default`"
                    ),
                });
            }
        }
    }
    Ok(())
}

fn display_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Rewrites OpenAPI 3.1 (JSON Schema 2020-12) constructs into their 3.0
/// form, and numeric limits `openapiv3` cannot hold into ones it can.
/// `schemas` says whether any mapping needs it ([`normalising_changes`]);
/// when none does, the walk over every node would change nothing.
fn normalise(value: &mut Value, warnings: &mut Vec<Warning>, schemas: bool) {
    let Some(root) = value.as_object_mut() else {
        return;
    };
    let is_31 = matches!(root.get("openapi"), Some(Value::String(v)) if v.starts_with("3.1"));
    if is_31 {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        if root.remove("webhooks").is_some() {
            warnings.push(Warning {
                pointer: "#/webhooks".into(),
                message: "webhooks describe requests the API sends, not ones a client makes; \
                          they are ignored"
                    .into(),
            });
        }
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

/// Appends `/token` to a JSON pointer, escaped as [`child`] does.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&crate::diagnostics::escape_token(token));
    } else {
        pointer.push_str(token);
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
fn normalising_changes(map: &Map<String, Value>) -> bool {
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
                warnings.push(Warning {
                    pointer: child(pointer, "type"),
                    message: "a schema of several types is represented as any JSON value".into(),
                });
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
            warnings.push(Warning {
                pointer: child(pointer, key),
                message: format!(
                    "{key} {float} is outside the 64-bit integer range; no 64-bit value can \
                     violate it, so it is not checked"
                ),
            });
        } else {
            // The range check above makes this conversion exact.
            map.insert(key.into(), Value::from(rounded as i64));
        }
    }
}

/// Finds the deepest place a document fails to parse. Serde loses the path
/// inside `openapiv3`'s flattened and untagged types, so operations and
/// components are parsed again one by one, each on its own.
fn locate(value: &Value) -> Option<(String, String)> {
    fn try_parse<'v, T: serde::Deserialize<'v>>(
        value: &'v Value,
        base: &str,
    ) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|err| (pointer_of(base, err.path()), err.inner().to_string()))
    }
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    for (path, item) in value
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let base = child("#/paths", path);
        for (method, operation) in item.as_object().into_iter().flatten() {
            if METHODS.contains(&method.as_str()) {
                if let Some(found) =
                    try_parse::<openapiv3::Operation>(operation, &child(&base, method))
                {
                    return Some(found);
                }
            }
        }
        if let Some(found) = try_parse::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item, &base) {
            return Some(found);
        }
    }
    let components = value.get("components");
    type Parse = fn(&Value, &str) -> Option<(String, String)>;
    let kinds: [(&str, Parse); 5] = [
        ("schemas", |v, b| {
            try_parse::<openapiv3::ReferenceOr<openapiv3::Schema>>(v, b)
        }),
        ("responses", |v, b| {
            try_parse::<openapiv3::ReferenceOr<openapiv3::Response>>(v, b)
        }),
        ("parameters", |v, b| {
            try_parse::<openapiv3::ReferenceOr<openapiv3::Parameter>>(v, b)
        }),
        ("requestBodies", |v, b| {
            try_parse::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(v, b)
        }),
        ("securitySchemes", |v, b| {
            try_parse::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(v, b)
        }),
    ];
    for (kind, parse) in kinds {
        let base = format!("#/components/{kind}");
        for (name, component) in components
            .and_then(|c| c.get(kind))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(found) = parse(component, &child(&base, name)) {
                return Some(found);
            }
        }
    }
    None
}

/// Renders a serde path below `base` as a JSON pointer.
fn pointer_of(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from(base);
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = format!("{pointer}/{index}"),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { variant } => pointer = child(&pointer, variant),
            Segment::Unknown => pointer.push_str("/?"),
        }
    }
    pointer
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
        assert!(value.get("webhooks").is_none());
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["nullable"], true);
        assert_eq!(schema["example"], "x");
        assert_eq!(schema["properties"]["type"]["enum"], json!(["a"]));
        assert_eq!(schema["properties"]["n"]["minimum"], 0);
        assert_eq!(schema["properties"]["n"]["exclusiveMinimum"], true);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
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

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = load_str("openapi: 3.0.3\ninfo: [unclosed\n", Path::new("x.yaml")).unwrap_err();
        let Error::Syntax { line, format, .. } = err else {
            panic!("expected a syntax error, got {err:?}");
        };
        assert_eq!(format, "YAML");
        assert!(line >= 2, "line {line}");
    }

    #[test]
    fn swagger_2_is_named() {
        let err = load_str("{\"swagger\": \"2.0\"}", Path::new("x.json")).unwrap_err();
        assert!(err.to_string().contains("Swagger 2.0"), "{err}");
    }

    #[test]
    fn typed_errors_point_into_the_document() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let err = load_str(text, Path::new("x.yaml")).unwrap_err();
        assert!(
            err.to_string().contains("#/paths/~1a/get/responses"),
            "{err}"
        );
    }
}
