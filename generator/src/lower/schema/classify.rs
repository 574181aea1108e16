//! Reading a parsed schema: what it becomes in Rust, its validation
//! keywords, its enum values; pure functions of the schema alone.

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use serde_json::Value;

use super::SchemaRef;
use crate::ir::{Bound, Constraints, Enum, EnumRepr, EnumValue, EnumVariant, Primitive};
use crate::names::{self, Namespace};

/// An object's properties, from a typed or an untyped schema.
pub(super) struct ObjectParts<'s> {
    pub properties: Vec<(&'s String, SchemaRef<'s>)>,
    pub required: Vec<&'s String>,
    pub additional: Option<&'s AdditionalProperties>,
}

/// What an inline schema turns into.
pub(super) enum Class<'s> {
    Object(ObjectParts<'s>),
    StringEnum(Vec<String>),
    IntegerEnum(Vec<i64>),
    List(Option<SchemaRef<'s>>),
    Composite {
        members: Vec<SchemaRef<'s>>,
        all: bool,
    },
    Primitive(Primitive),
    Any,
}

pub(super) fn enum_of(mut values: Vec<EnumValue>, repr: EnumRepr) -> Enum {
    let mut variant_names = Namespace::default();
    // A value listed twice is one value: one variant.
    let mut seen = Vec::with_capacity(values.len());
    values.retain(|value| {
        let new = !seen.contains(value);
        if new {
            seen.push(value.clone());
        }
        new
    });
    let variants = values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            // A value of symbols only (`+`, `""`) still needs a variant.
            let wanted = match &value {
                EnumValue::String(s) => names::camel_or_spelled(s, "Value", index),
                EnumValue::Integer(i) => {
                    names::camel_or_spelled(&i.to_string().replace('-', "Minus"), "Value", index)
                }
            };
            EnumVariant {
                rust_name: variant_names.claim(&wanted),
                value,
            }
        })
        .collect();
    Enum {
        variants,
        unknown_variant: variant_names.claim("Unknown"),
        repr,
    }
}

/// Splits off the members that do not constrain the value, and says
/// whether one of them makes it nullable: `{type: null}` and
/// `{nullable: true}` in any composition, and in `allOf` (`all`) also every
/// member that only carries metadata (`{description: ...}`), since a value
/// matches it whatever it is. So `allOf: [{$ref: X}, {description: d}]` is
/// `X`, and `anyOf: [{$ref: X}, {type: 'null'}]` is a nullable `X`.
pub(super) fn without_null_members<'s>(
    members: &[SchemaRef<'s>],
    all: bool,
) -> (Vec<SchemaRef<'s>>, bool) {
    let is_null = |m: &SchemaRef<'s>| match m {
        SchemaRef::Inline(s) => {
            matches!(&s.schema_kind, SchemaKind::Any(any) if any.typ.as_deref() == Some("null"))
                || (is_metadata_only(s) && s.schema_data.nullable)
        }
        SchemaRef::Ref(_) => false,
    };
    let drops = |m: &SchemaRef<'s>| {
        is_null(m) || (all && matches!(m, SchemaRef::Inline(s) if is_metadata_only(s)))
    };
    let had_null = members.iter().any(is_null);
    (
        members.iter().filter(|m| !drops(m)).copied().collect(),
        had_null,
    )
}

/// Whether `schema` says nothing about the value's shape: only about its
/// meaning (`description`, `title`, `nullable`, `readOnly`, `writeOnly`,
/// `default`, `example`, `deprecated`, `externalDocs`, extensions) or which
/// properties must be present (`required`, `minProperties`,
/// `maxProperties`), possibly through compositions of such schemas, like
/// `anyOf: [{required: [name]}, {required: [company]}]`.
pub(super) fn is_metadata_only(schema: &Schema) -> bool {
    fn shapeless(members: &[ReferenceOr<Schema>]) -> bool {
        members
            .iter()
            .all(|m| matches!(m, ReferenceOr::Item(s) if is_metadata_only(s)))
    }
    match &schema.schema_kind {
        SchemaKind::Any(any) => {
            if any.typ.is_some() || !any.properties.is_empty() || any.items.is_some() {
                return false;
            }
            let bare = AnySchema {
                required: Vec::new(),
                min_properties: None,
                max_properties: None,
                one_of: Vec::new(),
                any_of: Vec::new(),
                all_of: Vec::new(),
                ..any.clone()
            };
            bare == AnySchema::default()
                && shapeless(&any.one_of)
                && shapeless(&any.any_of)
                && shapeless(&any.all_of)
        }
        SchemaKind::OneOf { one_of: members }
        | SchemaKind::AnyOf { any_of: members }
        | SchemaKind::AllOf { all_of: members } => shapeless(members),
        _ => false,
    }
}

/// The members of a composition beside a schema's own shape, unless they
/// only constrain which properties are present (see [`is_metadata_only`]).
fn shaping(members: &[ReferenceOr<Schema>]) -> &[ReferenceOr<Schema>] {
    if members
        .iter()
        .all(|m| matches!(m, ReferenceOr::Item(s) if is_metadata_only(s)))
    {
        &[]
    } else {
        members
    }
}

pub(super) fn object_parts_of(schema: &Schema) -> Class<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Class::Object(ObjectParts {
            properties: o
                .properties
                .iter()
                .map(|(k, v)| (k, SchemaRef::from(v)))
                .collect(),
            required: o.required.iter().collect(),
            additional: o.additional_properties.as_ref(),
        }),
        SchemaKind::Any(any) if !any.properties.is_empty() => Class::Object(ObjectParts {
            properties: any
                .properties
                .iter()
                .map(|(k, v)| (k, SchemaRef::from(v)))
                .collect(),
            required: any.required.iter().collect(),
            additional: any.additional_properties.as_ref(),
        }),
        _ => Class::Any,
    }
}

/// Sorts a schema into what it becomes in Rust.
pub(super) fn classify(schema: &Schema) -> Class<'_> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
            if !values.is_empty() {
                Class::StringEnum(values)
            } else if matches!(
                s.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
            ) {
                Class::Primitive(Primitive::Binary)
            } else {
                Class::Primitive(Primitive::String)
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
            if !values.is_empty() {
                Class::IntegerEnum(values)
            } else if matches!(
                i.format,
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32)
            ) {
                Class::Primitive(Primitive::I32)
            } else {
                Class::Primitive(Primitive::I64)
            }
        }
        SchemaKind::Type(Type::Number(n)) => {
            if matches!(n.format, VariantOrUnknownOrEmpty::Item(NumberFormat::Float)) {
                Class::Primitive(Primitive::F32)
            } else {
                Class::Primitive(Primitive::F64)
            }
        }
        SchemaKind::Type(Type::Boolean(_)) => Class::Primitive(Primitive::Bool),
        SchemaKind::Type(Type::Object(_)) => object_parts_of(schema),
        SchemaKind::Type(Type::Array(a)) => Class::List(a.items.as_ref().map(SchemaRef::from)),
        SchemaKind::AllOf { all_of } => Class::Composite {
            members: all_of.iter().map(SchemaRef::from).collect(),
            all: true,
        },
        SchemaKind::OneOf { one_of } => Class::Composite {
            members: one_of.iter().map(SchemaRef::from).collect(),
            all: false,
        },
        SchemaKind::AnyOf { any_of } => Class::Composite {
            members: any_of.iter().map(SchemaRef::from).collect(),
            all: false,
        },
        SchemaKind::Not { .. } => Class::Any,
        SchemaKind::Any(any) => {
            let (all_of, one_of, any_of) = (
                shaping(&any.all_of),
                shaping(&any.one_of),
                shaping(&any.any_of),
            );
            if !all_of.is_empty() {
                Class::Composite {
                    members: all_of.iter().map(SchemaRef::from).collect(),
                    all: true,
                }
            } else if !one_of.is_empty() || !any_of.is_empty() {
                let members = one_of.iter().chain(any_of).map(SchemaRef::from).collect();
                Class::Composite {
                    members,
                    all: false,
                }
            } else if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
                match object_parts_of(schema) {
                    Class::Any => Class::Object(ObjectParts {
                        properties: Vec::new(),
                        required: Vec::new(),
                        additional: any.additional_properties.as_ref(),
                    }),
                    parts => parts,
                }
            } else if any.items.is_some() || any.typ.as_deref() == Some("array") {
                Class::List(any.items.as_ref().map(SchemaRef::from))
            } else if !any.enumeration.is_empty() && any.enumeration.iter().all(Value::is_string) {
                Class::StringEnum(
                    any.enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                )
            } else if !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_i64()) {
                Class::IntegerEnum(any.enumeration.iter().filter_map(Value::as_i64).collect())
            } else {
                match any.typ.as_deref() {
                    Some("string") if any.format.as_deref() == Some("binary") => {
                        Class::Primitive(Primitive::Binary)
                    }
                    Some("string") => Class::Primitive(Primitive::String),
                    Some("integer") if any.format.as_deref() == Some("int32") => {
                        Class::Primitive(Primitive::I32)
                    }
                    Some("integer") => Class::Primitive(Primitive::I64),
                    Some("number") if any.format.as_deref() == Some("float") => {
                        Class::Primitive(Primitive::F32)
                    }
                    Some("number") => Class::Primitive(Primitive::F64),
                    Some("boolean") => Class::Primitive(Primitive::Bool),
                    _ => Class::Any,
                }
            }
        }
    }
}

/// The validation keywords of a schema.
pub(super) fn constraints_of(schema: &Schema) -> Constraints {
    let bound = |value: Option<f64>, exclusive: bool| value.map(|value| Bound { value, exclusive });
    let count = |n: Option<usize>| n.map(|n| n as u64);
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s))
            if !matches!(
                s.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
            ) =>
        {
            Constraints {
                min_length: count(s.min_length),
                max_length: count(s.max_length),
                pattern: s.pattern.clone(),
                ..Constraints::default()
            }
        }
        SchemaKind::Type(Type::Integer(i)) => Constraints {
            minimum: bound(i.minimum.map(|v| v as f64), i.exclusive_minimum),
            maximum: bound(i.maximum.map(|v| v as f64), i.exclusive_maximum),
            multiple_of: i.multiple_of.filter(|m| *m > 0).map(|m| m as f64),
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Number(n)) => Constraints {
            minimum: bound(n.minimum, n.exclusive_minimum),
            maximum: bound(n.maximum, n.exclusive_maximum),
            multiple_of: n.multiple_of.filter(|m| *m > 0.0),
            ..Constraints::default()
        },
        SchemaKind::Type(Type::Array(a)) => Constraints {
            min_items: count(a.min_items),
            max_items: count(a.max_items),
            unique_items: a.unique_items,
            ..Constraints::default()
        },
        SchemaKind::Any(any) => Constraints {
            min_length: count(any.min_length),
            max_length: count(any.max_length),
            pattern: any.pattern.clone(),
            minimum: bound(any.minimum, any.exclusive_minimum.unwrap_or(false)),
            maximum: bound(any.maximum, any.exclusive_maximum.unwrap_or(false)),
            multiple_of: any.multiple_of.filter(|m| *m > 0.0),
            min_items: count(any.min_items),
            max_items: count(any.max_items),
            unique_items: any.unique_items.unwrap_or(false),
            items: None,
        },
        _ => Constraints::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(json: &str) -> Schema {
        serde_json::from_str(json).expect("a schema")
    }

    #[test]
    fn metadata_and_presence_rules_are_shapeless() {
        for shapeless in [
            r#"{"description": "d"}"#,
            r#"{"nullable": true, "readOnly": true, "title": "t", "deprecated": true}"#,
            r#"{"default": 3, "example": 4, "externalDocs": {"url": "u"}, "x-a": 1}"#,
            r#"{"required": ["a"]}"#,
            r#"{"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}"#,
        ] {
            assert!(is_metadata_only(&schema(shapeless)), "{shapeless}");
        }
        for shaped in [
            r#"{"type": "string"}"#,
            r#"{"properties": {"a": {}}}"#,
            r#"{"enum": ["a"]}"#,
            r#"{"anyOf": [{"type": "string"}, {"required": ["b"]}]}"#,
        ] {
            assert!(!is_metadata_only(&schema(shaped)), "{shaped}");
        }
    }

    #[test]
    fn only_shaping_members_compose() {
        let object = schema(
            r#"{"type": "object", "properties": {"a": {"type": "string"}},
                "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}"#,
        );
        assert!(matches!(classify(&object), Class::Object(_)));
    }

    #[test]
    fn repeated_enum_values_are_one_variant() {
        let values = ["a", "b", "a"].map(|v| EnumValue::String(v.into()));
        let e = enum_of(values.to_vec(), EnumRepr::String);
        let names: Vec<&str> = e.variants.iter().map(|v| v.rust_name.as_str()).collect();
        assert_eq!(names, ["A", "B"]);
    }
}
