//! Encoding helper shared by the generated `Serialize` impls of structs,
//! which are emitted (one call per field) rather than derived, so the
//! crate compiles faster.

use serde::ser::{Serialize, SerializeStruct};

/// Writes an optional field: a present value is sent, an absent one is not.
pub(crate) fn optional<S, T>(out: &mut S, name: &'static str, value: &Option<T>) -> Result<(), S::Error>
where
    S: SerializeStruct,
    T: Serialize,
{
    match value {
        Some(value) => out.serialize_field(name, value),
        None => out.skip_field(name),
    }
}
