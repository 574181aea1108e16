//! Decoding helpers shared by the generated `Deserialize` impls.
//!
//! Generated models decode through these few functions instead of each
//! carrying a full `#[derive(Deserialize)]` expansion: a struct's impl lists
//! its fields' slots, and everything else (the loop over the keys, key
//! lookup, duplicate and missing fields, skipping unknown keys, union
//! alternatives, forward-compatible enums) lives here once. This keeps the
//! generated crate quick to compile.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// Finds a key among a struct's wire names: `Some(index)`, or `None` for a
/// key the struct does not know (it is skipped, as the API may add fields).
pub(crate) struct FieldSeed(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldSeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }
}

/// The next key of `map`: `Some(Some(index))` for a known field,
/// `Some(None)` for an unknown one, `None` at the end.
pub(crate) fn next_field<'de, A: MapAccess<'de>>(
    map: &mut A,
    fields: &'static [&'static str],
) -> Result<Option<Option<usize>>, A::Error> {
    map.next_key_seed(FieldSeed(fields))
}

/// A field's slot while a struct decodes from a map of type `A`: the
/// struct's impl hands [`read_fields`] its slots as `&mut dyn Slot`, so the
/// loop over the keys is compiled once per map type for the whole crate,
/// and a struct's own code is a list of its slots (one unsizing per field
/// instead of a match arm and a generic call, which cost more to check).
pub(crate) trait Slot<'de, A: MapAccess<'de>> {
    /// Reads the current value into the slot.
    fn read(&mut self, map: &mut A) -> Result<(), A::Error>;
    /// Whether the slot holds a value already.
    fn is_filled(&self) -> bool;
}

impl<'de, A: MapAccess<'de>, T: Deserialize<'de>> Slot<'de, A> for Option<T> {
    fn read(&mut self, map: &mut A) -> Result<(), A::Error> {
        *self = Some(map.next_value()?);
        Ok(())
    }

    fn is_filled(&self) -> bool {
        self.is_some()
    }
}

/// Reads a struct's keys into its fields' slots (`slots[i]` for the key
/// `fields[i]`): unknown keys are skipped, a repeated one is an error.
pub(crate) fn read_fields<'de, A: MapAccess<'de>>(
    map: &mut A,
    fields: &'static [&'static str],
    slots: &mut [&mut dyn Slot<'de, A>],
) -> Result<(), A::Error> {
    while let Some(key) = next_field(map, fields)? {
        match key.and_then(|index| Some((fields.get(index)?, slots.get_mut(index)?))) {
            Some((name, slot)) => {
                if slot.is_filled() {
                    return Err(de::Error::duplicate_field(name));
                }
                slot.read(map)?;
            }
            None => skip(map)?,
        }
    }
    Ok(())
}

/// Skips the value of a key the struct does not know.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The "missing field" error of a required field (`map` only names the
/// error type).
pub(crate) fn missing<'de, A: MapAccess<'de>>(_map: &A, name: &'static str) -> A::Error {
    de::Error::missing_field(name)
}

/// How a generated struct reads its fields (one impl per struct, from
/// [`struct_serde!`]).
pub(crate) trait Fields<'de>: Sized {
    /// The struct's name, for error messages.
    const NAME: &'static str;
    /// The wire names, in the order of the indexes [`next_field`] returns
    /// (and of the slots given to [`read_fields`]).
    const FIELDS: &'static [&'static str];
    /// Reads the fields from `map`.
    fn visit<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

struct StructVisitor<T>(PhantomData<T>);

impl<'de, T: Fields<'de>> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit(map)
    }
}

/// `Deserialize::deserialize` of a generated struct.
pub(crate) fn decode_struct<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Fields<'de>,
{
    // `deserialize_map`, not `deserialize_struct`: JSON objects only (not
    // arrays), and about half the code per struct in serde_json.
    deserializer.deserialize_map(StructVisitor(PhantomData))
}

/// One alternative of an untagged union, tried against the buffered value.
pub(crate) fn alternative<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// The alternative a union's discriminator selected.
pub(crate) fn tagged<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

/// A union's generic `deserialize`: buffers the value, then hands it to the
/// union's non-generic `from_json`.
pub(crate) fn decode_union<'de, D, T>(
    deserializer: D,
    from_json: fn(Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    from_json(Value::deserialize(deserializer)?).map_err(de::Error::custom)
}

/// The unknown-value impls of a forward-compatible string enum `$name`
/// whose inherent `as_str` and `known` (wire text to known variant) are
/// generated: conversions from text, `Display`, and serde both ways
/// (decoding known values without allocating).
macro_rules! string_enum {
    ($name:ident, $unknown:ident) => {
        impl From<String> for $name {
            #[inline]
            fn from(value: String) -> Self {
                match Self::known(&value) {
                    Some(known) => known,
                    None => Self::$unknown(value),
                }
            }
        }

        impl From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                // A `match`, not `unwrap_or_else`: a closure per enum is
                // one more function for every enum to compile.
                match Self::known(value) {
                    Some(known) => known,
                    None => Self::$unknown(value.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = $crate::runtime::de::enum_text(deserializer)?;
                Ok(match Self::known(&text) {
                    Some(known) => known,
                    None => Self::$unknown(text.into_owned()),
                })
            }
        }
    };
}
pub(crate) use string_enum;

/// The unknown-value impls of a forward-compatible integer enum `$name`
/// whose inherent `as_i64` and `known` are generated.
macro_rules! int_enum {
    ($name:ident, $unknown:ident) => {
        impl From<i64> for $name {
            #[inline]
            fn from(value: i64) -> Self {
                Self::known(value).unwrap_or(Self::$unknown(value))
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.as_i64())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
pub(crate) use int_enum;

/// The text of a forward-compatible string enum: borrowed from the input
/// when possible, so known values decode without allocating.
pub(crate) fn enum_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Cow<'de, str>, D::Error> {
    struct Text;

    impl<'de> Visitor<'de> for Text {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(value))
        }

        fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value.to_owned()))
        }

        fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(value))
        }
    }

    deserializer.deserialize_str(Text)
}

/// The slot a field's value is read into while a struct decodes, by the
/// field's presence (the names [`struct_serde!`] takes): `None` until its
/// key is seen. An optional-nullable field is its own slot, because its
/// type, `Option<Nullable<T>>`, already tells an absent key (`None`) from
/// `null` (`Some(Nullable::Null)`); the others are wrapped once more.
#[allow(non_camel_case_types)]
pub(crate) mod slot {
    pub(crate) type required<T> = Option<T>;
    pub(crate) type optional<T> = Option<T>;
    pub(crate) type nullable<T> = Option<T>;
    pub(crate) type optional_nullable<T> = T;
}

/// `Serialize` and `Deserialize` for a generated struct, from its field
/// list; the struct itself is declared beside the invocation.
///
/// ```ignore
/// de::struct_serde! {
///     Name {
///         rust_field: FieldType = "wire_name" => presence,
///         ...
///     }
/// }
/// ```
///
/// Each field is listed in declaration order (the order it is sent in).
/// `FieldType` is the field's declared type, and `presence` one of:
/// - `required`: the key must be present (else a "missing field" error
///   naming the wire name) and its value is always sent;
/// - `optional`: `Option<T>`; an absent key or `null` decodes as `None`,
///   and `None` is not sent;
/// - `nullable`: `Option<T>`; `null` (or, as serde does, an absent key)
///   decodes as `None`, and `None` is sent as `null`;
/// - `optional_nullable`: `Option<Nullable<T>>`; an absent key is `None`
///   (not sent), `null` is `Some(Nullable::Null)` (sent as `null`).
///
/// Decoding skips unknown keys and rejects a repeated one. This macro
/// replaces about forty emitted lines per struct, which the generator had
/// to build, parse back and format; the expansion is the code it emitted.
/// Field names become the decoder's slot variables (hygiene keeps them
/// apart from the macro's own `map`, `key`, `out`...), and the generic
/// parameters are `__A`/`__S` so that no model type can be captured.
macro_rules! struct_serde {
    ($name:ident {}) => {
        impl serde::Serialize for $name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                $crate::runtime::ser::fields(serializer, stringify!($name), &[])
            }
        }

        $crate::runtime::de::struct_serde!(@deserialize $name);

        impl<'de> $crate::runtime::de::Fields<'de> for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] = &[];

            fn visit<__A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                $crate::runtime::de::read_fields(&mut map, Self::FIELDS, &mut [])?;
                Ok(Self {})
            }
        }
    };
    ($name:ident { $($field:ident: $ty:ty = $wire:literal => $presence:ident,)+ }) => {
        impl serde::Serialize for $name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                $crate::runtime::ser::fields(serializer, stringify!($name), &[
                    $(($wire, $crate::runtime::de::struct_serde!(@put $presence, self.$field)),)+
                ])
            }
        }

        $crate::runtime::de::struct_serde!(@deserialize $name);

        impl<'de> $crate::runtime::de::Fields<'de> for $name {
            const NAME: &'static str = stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),+];

            fn visit<__A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                $(let mut $field: $crate::runtime::de::slot::$presence<$ty> = None;)+
                $crate::runtime::de::read_fields(&mut map, Self::FIELDS, &mut [$(&mut $field),+])?;
                // Every check before the struct is built: a `return` from
                // inside the struct expression would have to drop the
                // fields built before it, which costs borrow checking.
                $($crate::runtime::de::struct_serde!(@check $presence, map, $wire, $field);)+
                Ok(Self {
                    $($field: $crate::runtime::de::struct_serde!(@take $presence, $field),)+
                })
            }
        }
    };
    // `Deserialize` goes through the struct's `Fields` impl.
    (@deserialize $name:ident) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                $crate::runtime::de::decode_struct(deserializer)
            }
        }
    };
    // The "missing field" error of an absent required field.
    (@check required, $map:ident, $wire:literal, $slot:ident) => {
        let Some($slot) = $slot else {
            return Err($crate::runtime::de::missing(&$map, $wire));
        };
    };
    (@check $other:ident, $map:ident, $wire:literal, $slot:ident) => {};
    // A field's value once the map is read.
    (@take required, $slot:ident) => {
        $slot
    };
    (@take optional_nullable, $slot:ident) => {
        $slot
    };
    (@take $other:ident, $slot:ident) => {
        $slot.flatten()
    };
    // A field to write (see `ser::fields`): absent optional ones are left out.
    (@put required, $value:expr) => {
        $crate::runtime::ser::always(&$value)
    };
    (@put nullable, $value:expr) => {
        $crate::runtime::ser::always(&$value)
    };
    (@put $other:ident, $value:expr) => {
        $crate::runtime::ser::optional(&$value)
    };
}
pub(crate) use struct_serde;

#[cfg(test)]
mod tests {
    use crate::Nullable;
    use serde_json::json;

    // Type names a generic parameter could capture, and field names the
    // macro's own locals could shadow.
    #[derive(Debug, PartialEq)]
    struct A {}
    super::struct_serde! { A {} }

    #[derive(Debug, PartialEq)]
    struct S {
        map: String,
        key: Option<i64>,
        out: Option<Box<A>>,
        serializer: Option<Nullable<String>>,
        r#type: String,
    }
    super::struct_serde! {
        S {
            map: String = "map" => required,
            key: Option<i64> = "key" => nullable,
            out: Option<Box<A>> = "out" => optional,
            serializer: Option<Nullable<String>> = "ser\"ializer" => optional_nullable,
            r#type: String = "type" => required,
        }
    }

    fn decode(value: serde_json::Value) -> Result<S, String> {
        serde_json::from_value(value).map_err(|err| err.to_string())
    }

    #[test]
    fn encodes_every_presence() {
        let value = S {
            map: "m".into(),
            key: None,
            out: None,
            serializer: Some(Nullable::Null),
            r#type: "t".into(),
        };
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(text, r#"{"map":"m","key":null,"ser\"ializer":null,"type":"t"}"#);
        assert_eq!(serde_json::to_string(&A {}).unwrap(), "{}");
    }

    #[test]
    fn decodes_every_presence() {
        let full = json!({"map": "m", "key": 1, "out": {"x": 1}, "ser\"ializer": "s", "type": "t", "new": 2});
        let decoded = decode(full).unwrap();
        assert_eq!(decoded.key, Some(1));
        assert_eq!(decoded.out, Some(Box::new(A {})));
        assert_eq!(decoded.serializer, Some(Nullable::Value("s".into())));
        let sparse = decode(json!({"map": "m", "ser\"ializer": null, "type": "t"})).unwrap();
        assert_eq!((sparse.key, sparse.out), (None, None));
        assert_eq!(sparse.serializer, Some(Nullable::Null));
        assert_eq!(decode(json!({"map": "m", "type": "t"})).unwrap().serializer, None);
    }

    #[test]
    fn rejects_missing_and_repeated_keys() {
        assert_eq!(decode(json!({"map": "m"})).unwrap_err(), "missing field `type`");
        let repeated = serde_json::from_str::<S>(r#"{"map":"m","type":"t","map":"n"}"#);
        assert_eq!(repeated.unwrap_err().to_string(), "duplicate field `map` at line 1 column 27");
        assert!(serde_json::from_str::<A>("[]").is_err());
    }
}
