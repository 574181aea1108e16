//! Encoding shared by the generated `Serialize` impls of structs.
//!
//! A struct's impl (from `de::struct_serde!`) only lists its fields, each as
//! a type-erased `&dyn erased_serde::Serialize` or `None` for an absent
//! optional field; the loop that writes them is [`fields`], compiled once per
//! serializer for the whole crate instead of once per struct. Writing each
//! field with its own generic `serialize_field` call and `?` cost about 5% of
//! the Clerk crate's build (type and borrow checking of one call per field of
//! every struct); the price is a dynamic call per field when sending.

use serde::Serializer;
use serde::ser::{Serialize, SerializeStruct};

/// A field as [`fields`] writes it: its value, or `None` to leave it out.
pub(crate) type Put<'a> = Option<&'a dyn erased_serde::Serialize>;

/// A required or nullable field: always sent (`None` of a nullable field as
/// `null`).
pub(crate) fn always<T: Serialize>(value: &T) -> Put<'_> {
    Some(value)
}

/// An optional field: sent when present, left out when absent.
pub(crate) fn optional<T: Serialize>(value: &Option<T>) -> Put<'_> {
    value.as_ref().map(|value| value as &dyn erased_serde::Serialize)
}

/// Writes struct `name` from its fields, as `(wire name, value)` pairs in
/// declaration order.
pub(crate) fn fields<S: Serializer>(
    serializer: S,
    name: &'static str,
    fields: &[(&'static str, Put<'_>)],
) -> Result<S::Ok, S::Error> {
    // The exact number of fields written: formats with a length prefix
    // (MessagePack, CBOR) write it before the fields.
    let present = fields.iter().filter(|(_, value)| value.is_some()).count();
    let mut out = serializer.serialize_struct(name, present)?;
    for (wire, value) in fields {
        match value {
            Some(value) => out.serialize_field(wire, value)?,
            None => out.skip_field(wire)?,
        }
    }
    out.end()
}
