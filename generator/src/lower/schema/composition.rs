//! `allOf` (merged into one struct) and `oneOf`/`anyOf` (an enum of the
//! alternatives, tagged by the discriminator when there is one).

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{Schema, SchemaKind};

use super::classify::{classify, is_metadata_only, object_parts_of, Class, ObjectParts};
use super::{Hint, SchemaRef};
use crate::diagnostics::{child, child_index, Error};
use crate::ir::{OneOf, Primitive, TypeKind, TypeRef, Variant};
use crate::lower::Lowerer;
use crate::names::Namespace;

impl<'a> Lowerer<'a> {
    /// `allOf`: the properties of every member (following references) merged
    /// into one struct; a later member's definition of a property wins.
    pub(super) fn lower_all_of(
        &mut self,
        hint: &Hint,
        schema: &'a Schema,
        members: &[SchemaRef<'a>],
        pointer: &str,
    ) -> Result<TypeKind, Error> {
        if let Some(ty) = self.restated_primitive(members, pointer)? {
            return Ok(TypeKind::Alias(ty));
        }
        let mut properties: IndexMap<&'a String, SchemaRef<'a>> = IndexMap::new();
        let mut required: Vec<&'a String> = Vec::new();
        let mut pending: Vec<(SchemaRef<'a>, String, usize)> = members
            .iter()
            .enumerate()
            .rev()
            .map(|(i, m)| (*m, child_index(&child(pointer, "allOf"), i), 0))
            .collect();
        // The schema's own properties, beside `allOf`, come last.
        if let Class::Object(own) = object_parts_of(schema) {
            for (key, value) in own.properties {
                properties.insert(key, value);
            }
            required.extend(own.required);
        }
        let mut merged: Vec<(SchemaRef<'a>, String)> = Vec::new();
        while let Some((member, member_pointer, depth)) = pending.pop() {
            if depth > 64 {
                return Err(
                    self.invalid(&member_pointer, "`allOf` members refer back to each other")
                );
            }
            let (target, target_pointer) = match member {
                SchemaRef::Ref(reference) => {
                    let (schema, key) = self.schema_target(reference, &member_pointer)?;
                    (schema, child("#/components/schemas", &key))
                }
                SchemaRef::Inline(schema) => (schema, member_pointer.clone()),
            };
            if is_metadata_only(target) {
                // Describes the value without constraining it.
                continue;
            }
            match classify(target) {
                Class::Object(parts) => {
                    merged.push((SchemaRef::Inline(target), target_pointer));
                    for (key, value) in parts.properties {
                        properties.insert(key, value);
                    }
                    required.extend(parts.required);
                }
                Class::Composite {
                    members: inner,
                    all: true,
                } => {
                    for (i, inner_member) in inner.iter().enumerate().rev() {
                        pending.push((
                            *inner_member,
                            child_index(&child(&target_pointer, "allOf"), i),
                            depth + 1,
                        ));
                    }
                }
                _ => {
                    self.warn(&member_pointer, "an `allOf` member that is not an object cannot be merged; the type is kept as JSON");
                    return Ok(TypeKind::Alias(TypeRef::Any));
                }
            }
        }
        let parts = ObjectParts {
            properties: properties.into_iter().collect(),
            required,
            additional: None,
        };
        Ok(TypeKind::Struct(self.lower_struct(hint, &parts, pointer)?))
    }

    /// `allOf` of scalars of one type, like `[{$ref: Id}, {type: string,
    /// description: d}]`: every member after the first only restates the
    /// type. It is the one referenced component when there is one, else
    /// the scalar itself; the restating members' own checks are not kept.
    fn restated_primitive(
        &self,
        members: &[SchemaRef<'a>],
        pointer: &str,
    ) -> Result<Option<TypeRef>, Error> {
        let mut primitive = None;
        let mut reference = None;
        let mut references = 0;
        for (index, member) in members.iter().enumerate() {
            let member_pointer = child_index(&child(pointer, "allOf"), index);
            let target = match member {
                SchemaRef::Ref(r) => {
                    references += 1;
                    reference = Some(self.schema_ref_name(r, &member_pointer)?);
                    self.schema_target(r, &member_pointer)?.0
                }
                SchemaRef::Inline(schema) => schema,
            };
            if is_metadata_only(target) {
                continue;
            }
            match (classify(target), primitive) {
                (Class::Primitive(p), None) => primitive = Some(p),
                (Class::Primitive(p), Some(seen)) if p == seen => {}
                _ => return Ok(None),
            }
        }
        Ok(match (primitive, reference) {
            (Some(_), Some(name)) if references == 1 => Some(TypeRef::Named(name)),
            (Some(p), _) => Some(TypeRef::Primitive(p)),
            (None, _) => None,
        })
    }

    pub(super) fn lower_one_of(
        &mut self,
        name: &str,
        schema: &'a Schema,
        members: &[SchemaRef<'a>],
        pointer: &str,
    ) -> Result<OneOf, Error> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let keyword = match &schema.schema_kind {
            SchemaKind::AnyOf { .. } => "anyOf",
            _ => "oneOf",
        };
        let mut variant_names = Namespace::default();
        let mut variants = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let member_pointer = child_index(&child(pointer, keyword), index);
            let member_hint = Hint::new(
                format!("{name}{}", index + 1),
                format!("Alternative {} of [`{name}`].", index + 1),
            );
            let shape = self.shape(*member, &member_hint, &member_pointer)?;
            let wanted = match &shape.ty {
                TypeRef::Named(target) => target.clone(),
                other => variant_label(other).to_owned(),
            };
            let mut tags = Vec::new();
            if let (Some(discriminator), SchemaRef::Ref(reference)) = (discriminator, member) {
                let key = self.ref_key(reference, "schemas", &member_pointer)?;
                for (tag, target) in &discriminator.mapping {
                    let target_key = if target.starts_with('#') {
                        self.ref_key(target, "schemas", &member_pointer)?
                    } else {
                        Cow::Borrowed(target.as_str())
                    };
                    if target_key == key {
                        tags.push(tag.clone());
                    }
                }
                if tags.is_empty() {
                    tags.push(key.into_owned());
                }
            }
            let ty = if shape.nullable {
                TypeRef::Nullable(Box::new(shape.ty))
            } else {
                shape.ty
            };
            variants.push(Variant {
                rust_name: variant_names.claim(&wanted),
                tags,
                ty,
                boxed: false,
            });
        }
        let unknown_variant = variant_names.claim("Unknown");
        Ok(OneOf {
            variants,
            discriminator: discriminator.map(|d| d.property_name.clone()),
            unknown_variant,
        })
    }
}

/// The variant name for an alternative that is not a named type.
fn variant_label(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Primitive(Primitive::String) => "String",
        TypeRef::Primitive(Primitive::Binary) => "Bytes",
        TypeRef::Primitive(Primitive::I32 | Primitive::I64) => "Integer",
        TypeRef::Primitive(Primitive::F32 | Primitive::F64) => "Number",
        TypeRef::Primitive(Primitive::Bool) => "Boolean",
        TypeRef::List(_) => "List",
        TypeRef::Map(_) => "Map",
        TypeRef::Named(_) | TypeRef::Nullable(_) | TypeRef::Any => "Value",
    }
}
