//! Reads an OpenAPI document into `openapiv3` types.
//!
//! The text is first parsed into a JSON value (YAML or JSON, told apart by
//! content) so that syntax errors carry a line and column. The value is then
//! normalised: OpenAPI 3.1 constructs that have a 3.0 equivalent are
//! rewritten into it, because `openapiv3` models 3.0. Last, the value is
//! parsed into typed form, with errors pointing into the document.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{child, Error, Warning};
use crate::ir::StatusMatch;

mod item_schema;
mod lenient;
mod misplaced;
mod normalise;
mod patterns;
mod repair;
mod typed;
mod webhooks;

use lenient::Scan;
use normalise::normalise;
pub(crate) use patterns::compile as compile_pattern;
pub use patterns::Patterns;
pub use webhooks::Webhooks;

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
    /// The webhook events (`webhooks`, `x-webhooks`), which `openapiv3`
    /// has no place for.
    pub webhooks: Webhooks,
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
        let (mut value, mut warnings) = normalised_value(text, file, Scan::new(patterns))?;
        let webhooks = webhooks::take(&mut value, &mut warnings);
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
            webhooks,
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
    webhooks::fill_missing_paths(&mut value, &mut warnings);
    repair::fill_responses(&mut value, &mut warnings);
    misplaced::repair(&mut value, &mut warnings);
    if scan.odd_references {
        repair::inline_references(&mut value, file)?;
    }
    item_schema::lift(&mut value);
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
