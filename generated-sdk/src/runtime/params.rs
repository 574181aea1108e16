//! Parameter and body encodings beyond JSON: path segments, query lists,
//! cookies, form and raw bodies, for values of any generated type.
//!
//! Values go through their `Serialize` impl, so enums, aliases and numbers
//! are written exactly as they would be in JSON, only without quotes.

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

use super::error::Error;
use super::request::{Body, Prepared};

/// Left as they are in a path segment or form value: RFC 3986 unreserved.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value as parameter text: strings as they are, numbers and booleans as
/// literals, lists comma-separated, anything else as compact JSON.
pub(crate) fn to_text<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising generated types into a `Value` cannot fail: they have no
    // maps with non-string keys.
    text_of(&serde_json::to_value(value).unwrap_or(Value::Null))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// A path parameter (style `simple`), percent-encoded so that it stays one
/// segment whatever it holds.
pub(crate) fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    utf8_percent_encode(&to_text(value), UNRESERVED).to_string()
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
        prepared.query(name, to_text(items));
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
pub(crate) fn form_body<T: Serialize + ?Sized>(
    prepared: &mut Prepared,
    body: &T,
) -> Result<(), Error> {
    let value = serde_json::to_value(body).unwrap_or(Value::Null);
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
        content_type: "application/x-www-form-urlencoded",
        bytes: Bytes::from(encoded),
    });
    Ok(())
}

/// Long and random-looking, so that no text part holds it by chance; fixed,
/// so that the content type can be a constant.
const MULTIPART_BOUNDARY: &str = "x-sdk-part-7c1e0b5a93d24f68b2a4";
const MULTIPART_CONTENT_TYPE: &str =
    "multipart/form-data; boundary=x-sdk-part-7c1e0b5a93d24f68b2a4";

/// A `multipart/form-data` body: each top-level field of the value as a
/// text part (lists as repeated parts, objects as JSON).
pub(crate) fn multipart_body<T: Serialize + ?Sized>(
    prepared: &mut Prepared,
    body: &T,
) -> Result<(), Error> {
    let value = serde_json::to_value(body).unwrap_or(Value::Null);
    let Value::Object(fields) = value else {
        return Err(Error::Config(
            "a multipart body must be an object whose fields become the parts".into(),
        ));
    };
    let boundary = MULTIPART_BOUNDARY;
    let mut bytes = Vec::new();
    let mut part = |name: &str, value: &Value| {
        bytes.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                name.replace('"', "%22")
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(text_of(value).as_bytes());
        bytes.extend_from_slice(b"\r\n");
    };
    for (key, value) in &fields {
        match value {
            Value::Null => {}
            Value::Array(items) => items.iter().for_each(|item| part(key, item)),
            other => part(key, other),
        }
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    prepared.body = Some(Body {
        content_type: MULTIPART_CONTENT_TYPE,
        bytes: Bytes::from(bytes),
    });
    Ok(())
}

/// A body sent as it is (`application/octet-stream`, `text/plain`, ...).
pub(crate) fn raw_body(prepared: &mut Prepared, content_type: &'static str, bytes: Bytes) {
    prepared.body = Some(Body {
        content_type,
        bytes,
    });
}
