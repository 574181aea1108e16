//! Parameter and body encodings beyond JSON: path segments, query lists,
//! cookies, form and raw bodies, for values of any generated type.
//!
//! Values go through their `Serialize` impl, so enums, aliases and numbers
//! are written exactly as they would be in JSON, only without quotes.

use bytes::Bytes;
use reqwest::header::HeaderValue;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use super::error::Error;
use super::file::File;
use super::request::{Body, Prepared};
use super::validate::{Loc, Rule, ValidationError};

/// Left as they are in a path segment or form value: RFC 3986 unreserved.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value as parameter text: strings as they are, numbers and booleans as
/// literals, lists comma-separated, anything else as compact JSON.
pub(crate) fn to_text(value: &dyn erased_serde::Serialize) -> String {
    // Serialising generated types into a `Value` cannot fail: they have no
    // maps with non-string keys.
    text_of(&serde_json::to_value(value).unwrap_or(Value::Null))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(","),
        Value::Number(number) => number_text(number),
        other => other.to_string(),
    }
}

/// A number as parameter text. A whole `number` (an `f64` such as `10.0`)
/// is written as an integer, `10`, as servers that document `type: number`
/// for counts and limits expect; other values as JSON writes them.
fn number_text(number: &serde_json::Number) -> String {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every whole f64 below is exact.
    match number.as_f64() {
        Some(value) if number.is_f64() && value.fract() == 0.0 && value.abs() < EXACT => {
            // A whole value below 2^53 converts to i64 exactly.
            #[allow(clippy::cast_possible_truncation)]
            let whole = value as i64;
            whole.to_string()
        }
        _ => number.to_string(),
    }
}

/// A path parameter (style `simple`), percent-encoded so that it stays one
/// segment whatever it holds.
///
/// Percent-encoding cannot keep `.` and `..` in their segment: URL parsers
/// resolve them (and `%2e`) as dot segments, so `/things/{id}/members/{m}`
/// with `m = ".."` would reach `/things/{id}/`. An empty value would also
/// name another resource (`/members/` instead of one member). All three are
/// an [`Error::Validation`] naming the parameter (`name`), before anything
/// is sent.
pub(crate) fn path_segment(
    name: &'static str,
    value: &dyn erased_serde::Serialize,
) -> Result<String, Error> {
    let text = to_text(value);
    if matches!(text.as_str(), "" | "." | "..") {
        let loc = Loc::Field(&Loc::Root, name);
        return Err(ValidationError::new(&loc, Rule::PathSegment, format!("{text:?}"), None).into());
    }
    // Every byte but the unreserved ones is encoded, `%` included, so a
    // value such as `%2e%2e` reaches the server as the text it is.
    Ok(utf8_percent_encode(&text, UNRESERVED).to_string())
}

/// An array query parameter (style `form`): `name=a&name=b` when exploded,
/// `name=a,b` when not.
pub(crate) fn query_list<T: Serialize>(
    prepared: &mut Prepared,
    name: &'static str,
    items: &[T],
    explode: bool,
) {
    if explode {
        for item in items {
            prepared.query(name, to_text(item));
        }
    } else {
        prepared.query(name, to_text(&items));
    }
}

/// A cookie parameter, added to the `Cookie` header.
pub(crate) fn cookie(
    prepared: &mut Prepared,
    name: &'static str,
    value: &str,
) -> Result<(), Error> {
    let pair = format!("{name}={}", utf8_percent_encode(value, UNRESERVED));
    prepared.header("cookie", pair)
}

/// An `application/x-www-form-urlencoded` body: each top-level field of the
/// value as a pair, lists as repeated keys (style `form`, exploded).
pub(crate) fn form_body(
    prepared: &mut Prepared,
    body: &dyn erased_serde::Serialize,
) -> Result<(), Error> {
    let value = serde_json::to_value(body).map_err(Error::Encode)?;
    let Value::Object(fields) = value else {
        return Err(Error::Config(
            "a form body must be an object whose fields become the form's fields".into(),
        ));
    };
    let mut encoded = String::new();
    let mut push = |key: &str, value: &Value| {
        if !encoded.is_empty() {
            encoded.push('&');
        }
        encoded.extend(utf8_percent_encode(key, UNRESERVED));
        encoded.push('=');
        encoded.extend(utf8_percent_encode(&text_of(value), UNRESERVED));
    };
    for (key, value) in &fields {
        match value {
            Value::Null => {}
            Value::Array(items) => items.iter().for_each(|item| push(key, item)),
            other => push(key, other),
        }
    }
    prepared.body = Some(Body {
        content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
        bytes: Bytes::from(encoded),
    });
    Ok(())
}

/// A `multipart/form-data` body, built part by part: the generated code
/// adds each field of the request as a text part, or as a file part when
/// it is a [`File`].
pub(crate) struct Multipart {
    boundary: String,
    bytes: Vec<u8>,
}

impl Multipart {
    /// An empty body with a fresh random boundary.
    pub(crate) fn new() -> Self {
        Self {
            boundary: format!("sdk-boundary-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            bytes: Vec::new(),
        }
    }

    fn head(&mut self, name: &str, file: Option<&File>) {
        let name = quoted(name);
        let head = match file {
            None => format!("--{}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n", self.boundary),
            Some(file) => {
                let file_name = quoted(file.name().unwrap_or(&name));
                format!(
                    "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
                    self.boundary,
                    file.media_type().replace(['\r', '\n'], "")
                )
            }
        };
        self.bytes.extend_from_slice(head.as_bytes());
    }

    /// A text part: the value as `to_text` writes it.
    pub(crate) fn text(&mut self, name: &str, value: &dyn erased_serde::Serialize) {
        self.head(name, None);
        self.bytes.extend_from_slice(to_text(value).as_bytes());
        self.bytes.extend_from_slice(b"\r\n");
    }

    /// A file part with the file's name and media type.
    pub(crate) fn file(&mut self, name: &str, file: &File) {
        self.head(name, Some(file));
        self.bytes.extend_from_slice(file.bytes());
        self.bytes.extend_from_slice(b"\r\n");
    }

    /// Closes the body and sets it on `prepared`.
    #[allow(
        clippy::expect_used,
        reason = "the boundary is ASCII letters, digits and dashes: always a valid header value"
    )]
    pub(crate) fn finish(mut self, prepared: &mut Prepared) {
        self.bytes.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        prepared.body = Some(Body {
            // The boundary is ASCII letters, digits and dashes, always a
            // valid header value.
            content_type: HeaderValue::try_from(format!(
                "multipart/form-data; boundary={}",
                self.boundary
            ))
            .expect("an ASCII boundary makes a valid header value"),
            bytes: Bytes::from(self.bytes),
        });
    }
}

/// A name for a `Content-Disposition` parameter: quotes and line breaks
/// percent-encoded, as browsers do.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// A `multipart/form-data` body for a value that is not a struct: each
/// top-level field of its JSON form as a text part.
pub(crate) fn multipart_body(
    prepared: &mut Prepared,
    body: &dyn erased_serde::Serialize,
) -> Result<(), Error> {
    let value = serde_json::to_value(body).map_err(Error::Encode)?;
    let Value::Object(fields) = value else {
        return Err(Error::Config(
            "a multipart body must be an object whose fields become the parts".into(),
        ));
    };
    let mut form = Multipart::new();
    for (key, value) in &fields {
        match value {
            Value::Null => {}
            Value::Array(items) => items.iter().for_each(|item| form.text(key, item)),
            other => form.text(key, other),
        }
    }
    form.finish(prepared);
    Ok(())
}

/// A body sent as it is (`application/octet-stream`, `text/plain`, ...).
pub(crate) fn raw_body(prepared: &mut Prepared, content_type: &'static str, bytes: Bytes) {
    prepared.body = Some(Body {
        content_type: HeaderValue::from_static(content_type),
        bytes,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;

    #[test]
    fn multipart_bodies_carry_text_and_file_parts() {
        let mut prepared = Prepared::new("Upload", Method::POST, "/files");
        let mut form = Multipart::new();
        form.text("title", &"Q3 \"final\"");
        form.text("count", &3);
        let file = File::new(b"\x89PNG\r\n--not-a-boundary".to_vec())
            .file_name("logo.png")
            .content_type("image/png");
        form.file("file", &file);
        form.finish(&mut prepared);
        let body = prepared.body.expect("a body is set");
        let content_type = body.content_type.to_str().expect("ASCII");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("multipart content type");
        let expected = [
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ3 \"final\"\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes(),
            b"\x89PNG\r\n--not-a-boundary\r\n".to_vec(),
            format!("--{boundary}--\r\n").into_bytes(),
        ]
        .concat();
        assert_eq!(body.bytes.as_ref(), expected.as_slice());
        // A fresh boundary per body.
        let mut other = Prepared::new("Upload", Method::POST, "/files");
        Multipart::new().finish(&mut other);
        let other_type = other.body.expect("a body is set").content_type;
        assert_ne!(other_type, body.content_type);
    }

    /// The path a template `/things/t1/members/{member}` reaches once the
    /// segment is joined and the URL parsed, as the send path does.
    fn reached(member: &str) -> Result<String, Error> {
        let segment = path_segment("member", &member)?;
        let url = reqwest::Url::parse(&format!("https://h/things/t1/members/{segment}"))
            .expect("a percent-encoded segment parses");
        Ok(url.path().to_owned())
    }

    #[test]
    fn a_path_parameter_stays_in_its_segment() {
        for (value, path) in [
            ("a/b", "/things/t1/members/a%2Fb"),
            ("a?b=1", "/things/t1/members/a%3Fb%3D1"),
            ("a#b", "/things/t1/members/a%23b"),
            ("a b", "/things/t1/members/a%20b"),
            ("é", "/things/t1/members/%C3%A9"),
            ("100%", "/things/t1/members/100%25"),
            // Encoded dots reach the server as text, never as dot segments.
            ("%2e%2e", "/things/t1/members/%252e%252e"),
            ("%2E", "/things/t1/members/%252E"),
            (".%2e", "/things/t1/members/.%252e"),
            ("...", "/things/t1/members/..."),
            ("a..b", "/things/t1/members/a..b"),
            ("../x", "/things/t1/members/..%2Fx"),
        ] {
            assert_eq!(reached(value).ok().as_deref(), Some(path), "{value:?}");
        }
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused_before_sending() {
        for value in [".", "..", ""] {
            let Err(Error::Validation(error)) = reached(value) else {
                panic!("{value:?} must be refused");
            };
            assert_eq!(error.path, "member");
            assert_eq!(error.rule, Rule::PathSegment);
            assert_eq!(error.value, format!("{value:?}"));
            assert_eq!(
                error.to_string(),
                format!("member: must be one path segment (not empty, `.` or `..`), got {value:?}")
            );
        }
        // Numbers and other types go through the same check.
        assert_eq!(path_segment("n", &7).ok().as_deref(), Some("7"));
    }

    #[test]
    fn form_bodies_encode_fields_and_repeat_lists() {
        let mut prepared = Prepared::new("Form", Method::POST, "/form");
        let body = serde_json::json!({ "name": "a b&c", "tags": ["x", "y"], "gone": null });
        form_body(&mut prepared, &body).expect("an object");
        let body = prepared.body.expect("a body is set");
        assert_eq!(body.bytes.as_ref(), b"name=a%20b%26c&tags=x&tags=y");
    }
}
