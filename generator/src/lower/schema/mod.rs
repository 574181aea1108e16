//! Schemas: what a schema is where it is used ([`Shape`]), and the named
//! types that component and inline schemas become.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{child, Error};
use crate::ir::{
    Constraints, EnumRepr, EnumValue, Field, NamedType, Presence, Struct, TypeKind, TypeRef,
};
use crate::names::{self, Namespace};

mod classify;
mod composition;
mod hint;
mod secret;

use classify::{
    classify, constraints_of, enum_of, object_parts_of, without_null_members, Class, ObjectParts,
};
pub(crate) use hint::Hint;

/// What a schema is where it is used: its type, whether `null` is allowed,
/// and the checks that apply to the value in that place.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    pub ty: TypeRef,
    pub nullable: bool,
    pub constraints: Constraints,
}

/// A schema as it stands in the document: a reference or inline.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaRef<'s> {
    fn from(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaRef<'s> {
    fn from(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Lowers the component schema `key`'s value into the named type `name`.
    pub(crate) fn lower_component(
        &mut self,
        name: &str,
        schema: &'a ReferenceOr<Schema>,
        pointer: &str,
    ) -> Result<(), Error> {
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.schema_ref_name(reference, pointer)?;
                self.push_named(
                    name,
                    pointer,
                    Description::default(),
                    None,
                    TypeKind::Alias(TypeRef::Named(target)),
                );
                Ok(())
            }
            ReferenceOr::Item(schema) => {
                let hint = Hint::new(
                    name.to_owned(),
                    format!(
                        "The `{}` schema.",
                        pointer.rsplit('/').next().unwrap_or(name)
                    ),
                );
                self.lower_named(&hint, schema, pointer)
            }
        }
    }

    /// The Rust name of the component schema a `$ref` points at.
    fn schema_ref_name(&self, reference: &str, pointer: &str) -> Result<String, Error> {
        let key = self.ref_key(reference, "schemas", pointer)?;
        self.component_types
            .get(key.as_ref())
            .cloned()
            .ok_or_else(|| {
                self.invalid(
                    &child(pointer, "$ref"),
                    format!("`{reference}` points at a schema that does not exist"),
                )
            })
    }

    /// The schema a `$ref` points at, following components that are
    /// themselves references, and its key in `components/schemas`.
    pub(crate) fn schema_target<'r>(
        &self,
        reference: &'r str,
        pointer: &str,
    ) -> Result<(&'a Schema, Cow<'r, str>), Error>
    where
        'a: 'r,
    {
        let components = self.doc.components.as_ref().map(|c| &c.schemas);
        let mut key = self.ref_key(reference, "schemas", pointer)?;
        // A chain longer than the number of schemas must revisit one.
        for _ in 0..=components.map_or(0, IndexMap::len) {
            match components.and_then(|c| c.get(key.as_ref())) {
                Some(ReferenceOr::Item(schema)) => return Ok((schema, key)),
                Some(ReferenceOr::Reference { reference: next }) => {
                    let target_pointer = child("#/components/schemas", &key);
                    key = self.ref_key(next, "schemas", &target_pointer)?;
                }
                None => {
                    return Err(self.invalid(
                        &child(pointer, "$ref"),
                        format!("`{reference}` points at a schema that does not exist"),
                    ))
                }
            }
        }
        Err(self.invalid(
            pointer,
            format!("`{reference}` starts a cycle of schemas that only refer to each other"),
        ))
    }

    /// Drops a `pattern` the Rust `regex` crate cannot compile (look-around,
    /// back-references), with a warning: the generated check would never run.
    ///
    /// The compile is the real one, since the SDK compiles the pattern again
    /// at runtime and relies on it succeeding. Loading has compiled the
    /// document's patterns already, on another thread; any other is compiled
    /// here, once.
    fn vet_pattern(&mut self, constraints: &mut Constraints, pointer: &str) {
        let Some(pattern) = &constraints.pattern else {
            return;
        };
        let verdict = match self.patterns.get(pattern) {
            Some(verdict) => verdict,
            None => self
                .more_patterns
                .entry(pattern.clone())
                .or_insert_with(|| crate::load::compile_pattern(pattern)),
        };
        if let Err(reason) = verdict {
            let message =
                format!("the pattern cannot be checked in Rust and is not validated: {reason}");
            let message = message.lines().next().unwrap_or_default().to_owned();
            self.warn(&child(pointer, "pattern"), message);
            constraints.pattern = None;
        }
    }

    /// What `schema` is where it stands. Inline schemas that need a name get
    /// `name_hint` (or a numbered variant of it).
    pub(crate) fn shape(
        &mut self,
        schema: SchemaRef<'a>,
        hint: &Hint<'_>,
        pointer: &str,
    ) -> Result<Shape, Error> {
        let schema = match schema {
            SchemaRef::Ref(reference) => {
                let name = self.schema_ref_name(reference, pointer)?;
                let (target, _) = self.schema_target(reference, pointer)?;
                // A field that refers to a scalar component carries that
                // component's checks: the alias itself cannot validate.
                let mut constraints = match classify(target) {
                    Class::Primitive(_) | Class::List(_) => constraints_of(target),
                    _ => Constraints::default(),
                };
                self.vet_pattern(&mut constraints, pointer);
                return Ok(Shape {
                    ty: TypeRef::Named(name),
                    nullable: target.schema_data.nullable,
                    constraints,
                });
            }
            SchemaRef::Inline(schema) => schema,
        };
        let nullable = schema.schema_data.nullable;
        self.warn_mixed_enum(schema, pointer);
        match classify(schema) {
            Class::Primitive(primitive) => {
                let mut constraints = constraints_of(schema);
                self.vet_pattern(&mut constraints, pointer);
                Ok(Shape {
                    ty: TypeRef::Primitive(primitive),
                    nullable,
                    constraints,
                })
            }
            Class::Any => Ok(Shape {
                ty: TypeRef::Any,
                nullable,
                constraints: Constraints::default(),
            }),
            Class::List(items) => {
                let item = match items {
                    Some(items) => self.shape(items, hint, &child(pointer, "items"))?,
                    None => Shape {
                        ty: TypeRef::Any,
                        nullable: false,
                        constraints: Constraints::default(),
                    },
                };
                let mut constraints = constraints_of(schema);
                if !item.constraints.is_empty() {
                    constraints.items = Some(Box::new(item.constraints));
                }
                let item_ty = if item.nullable {
                    TypeRef::Nullable(Box::new(item.ty))
                } else {
                    item.ty
                };
                Ok(Shape {
                    ty: TypeRef::List(Box::new(item_ty)),
                    nullable,
                    constraints,
                })
            }
            Class::Object(parts) if parts.properties.is_empty() => match parts.additional {
                Some(AdditionalProperties::Schema(values)) => {
                    let hint_name = hint.name();
                    let value_hint = Hint::new(
                        format!("{hint_name}Value"),
                        format!("A value of [`{hint_name}`]'s map."),
                    );
                    let value = self.shape(
                        SchemaRef::from(values.as_ref()),
                        &value_hint,
                        &child(pointer, "additionalProperties"),
                    )?;
                    let value_ty = if value.nullable {
                        TypeRef::Nullable(Box::new(value.ty))
                    } else {
                        value.ty
                    };
                    Ok(Shape {
                        ty: TypeRef::Map(Box::new(value_ty)),
                        nullable,
                        constraints: Constraints::default(),
                    })
                }
                _ => self.named_shape(schema, hint, pointer, nullable),
            },
            Class::Composite { members, all } => {
                // `allOf: [$ref]`, `oneOf: [X, {type: null}]` and the like are
                // the member itself, possibly nullable.
                let (non_null, had_null) = without_null_members(&members, all);
                if let ([only], false) = (non_null.as_slice(), has_own_properties(schema)) {
                    let mut shape = self.shape(*only, hint, pointer)?;
                    shape.nullable |= nullable || had_null;
                    return Ok(shape);
                }
                self.named_shape(schema, hint, pointer, nullable || had_null)
            }
            Class::Object(_) | Class::StringEnum(_) | Class::IntegerEnum(_) => {
                self.named_shape(schema, hint, pointer, nullable)
            }
        }
    }

    fn named_shape(
        &mut self,
        schema: &'a Schema,
        hint: &Hint<'_>,
        pointer: &str,
        nullable: bool,
    ) -> Result<Shape, Error> {
        let key: *const Schema = schema;
        if let Some((_, name)) = self.inline_in_progress.iter().find(|(k, _)| *k == key) {
            return Ok(Shape {
                ty: TypeRef::Named(name.clone()),
                nullable,
                constraints: Constraints::default(),
            });
        }
        let name = self.type_names.claim(&hint.name());
        let named_hint = hint.renamed(name.clone());
        self.inline_in_progress.push((key, name.clone()));
        let lowered = self.lower_named(&named_hint, schema, pointer);
        self.inline_in_progress.pop();
        lowered?;
        Ok(Shape {
            ty: TypeRef::Named(name),
            nullable,
            constraints: Constraints::default(),
        })
    }

    /// An `enum` whose values are not all strings or all integers has no
    /// Rust enum to become; it falls back to `serde_json::Value`, unchecked.
    fn warn_mixed_enum(&mut self, schema: &Schema, pointer: &str) {
        let SchemaKind::Any(any) = &schema.schema_kind else {
            return;
        };
        let values = &any.enumeration;
        if values.is_empty()
            || values.iter().all(Value::is_string)
            || values.iter().all(Value::is_i64)
        {
            return;
        }
        let listed: Vec<String> = values.iter().map(Value::to_string).collect();
        self.warn(
            &format!("{pointer}/enum"),
            format!(
                "the enum mixes value types ({}); it is kept as `serde_json::Value` and its values are not checked",
                listed.join(", ")
            ),
        );
    }

    /// Builds the named type `hint.name` (already claimed) from `schema`.
    fn lower_named(
        &mut self,
        hint: &Hint<'_>,
        schema: &'a Schema,
        pointer: &str,
    ) -> Result<(), Error> {
        let hint_name = hint.name();
        let name = hint_name.as_ref();
        let data = &schema.schema_data;
        let written = super::prose(&data.description).or_else(|| super::prose(&data.title));
        let description = Description {
            derived: written.is_none(),
            text: Some(written.unwrap_or_else(|| hint.doc().into_owned())),
        };
        self.warn_mixed_enum(schema, pointer);
        let kind = match classify(schema) {
            Class::Object(parts) if parts.properties.is_empty() => match parts.additional {
                Some(AdditionalProperties::Schema(_)) => {
                    let shape = self.shape(SchemaRef::Inline(schema), hint, pointer)?;
                    match shape.ty {
                        TypeRef::Map(value) => TypeKind::Map(*value),
                        other => TypeKind::Alias(other),
                    }
                }
                _ => TypeKind::FreeForm,
            },
            Class::Object(parts) => TypeKind::Struct(self.lower_struct(hint, &parts, pointer)?),
            Class::StringEnum(values) => TypeKind::Enum(enum_of(
                values.into_iter().map(EnumValue::String).collect(),
                EnumRepr::String,
            )),
            Class::IntegerEnum(values) => TypeKind::Enum(enum_of(
                values.into_iter().map(EnumValue::Integer).collect(),
                EnumRepr::Integer,
            )),
            Class::List(_) => match self
                .shape(
                    SchemaRef::Inline(schema),
                    &Hint::new(format!("{name}Item"), format!("An item of [`{name}`].")),
                    pointer,
                )?
                .ty
            {
                TypeRef::List(item) => TypeKind::List(*item),
                other => TypeKind::Alias(other),
            },
            Class::Composite { members, all } => {
                let (non_null, _) = without_null_members(&members, all);
                // `allOf` of one inline schema is merged below, so that the
                // type keeps its own name instead of aliasing `{name}Value`.
                let single = match non_null.as_slice() {
                    [SchemaRef::Inline(_)] if all => None,
                    [only] if !has_own_properties(schema) => Some(*only),
                    _ => None,
                };
                if let Some(only) = single {
                    TypeKind::Alias(
                        self.shape(
                            only,
                            &Hint::new(format!("{name}Value"), format!("The value of [`{name}`].")),
                            pointer,
                        )?
                        .ty,
                    )
                } else if all {
                    self.lower_all_of(hint, schema, &members, pointer)?
                } else {
                    TypeKind::OneOf(self.lower_one_of(name, schema, &non_null, pointer)?)
                }
            }
            Class::Primitive(primitive) => TypeKind::Alias(TypeRef::Primitive(primitive)),
            Class::Any => TypeKind::Alias(TypeRef::Any),
        };
        self.push_named(name, pointer, description, Some(data), kind);
        Ok(())
    }

    fn push_named(
        &mut self,
        name: &str,
        pointer: &str,
        description: Description,
        data: Option<&openapiv3::SchemaData>,
        kind: TypeKind,
    ) {
        let module = names::snake(name).unwrap_or_else(|| "model".to_owned());
        let module = self.module_names.claim(&module);
        self.push_type(NamedType {
            name: name.to_owned(),
            module,
            pointer: pointer.to_owned(),
            description: description.text,
            description_derived: description.derived,
            example: data.and_then(|d| d.example.clone()),
            deprecated: data.is_some_and(|d| d.deprecated),
            deprecation_note: data.and_then(|d| super::deprecation_note(&d.extensions)),
            kind,
        });
    }

    fn lower_struct(
        &mut self,
        parent: &Hint<'_>,
        parts: &ObjectParts<'a>,
        pointer: &str,
    ) -> Result<Struct, Error> {
        if matches!(parts.additional, Some(AdditionalProperties::Schema(_))) {
            self.warn(
                &child(pointer, "additionalProperties"),
                "properties beyond the listed ones are not kept in the struct; they are ignored when decoding",
            );
        }
        // Methods generated on every struct; a field must not shadow them.
        let mut field_names = Namespace::with_reserved(&["new", "validate", "validate_at"])
            .and_reserved(names::TRAIT_METHODS);
        let mut fields = Vec::with_capacity(parts.properties.len());
        let properties_pointer = child(pointer, "properties");
        let (prefix, parent_name) = (parent.child_prefix(), parent.name());
        for (index, (wire_name, schema)) in parts.properties.iter().enumerate() {
            let wire_name: &'a String = wire_name;
            let field_pointer = child(&properties_pointer, wire_name);
            let snake = match self.snake_name(wire_name) {
                Some(snake) => snake,
                None => names::snake_or_spelled(wire_name, "field", index + 1),
            };
            let rust_name = field_names.claim(&snake);
            let hint = Hint::field(&prefix, &parent_name, wire_name);
            let shape = self.shape(*schema, &hint, &field_pointer)?;
            let required = parts.required.contains(&wire_name);
            let presence = match (required, shape.nullable) {
                (true, false) => Presence::Required,
                (false, false) => Presence::Optional,
                (true, true) => Presence::Nullable,
                (false, true) => Presence::OptionalNullable,
            };
            let data = match schema {
                SchemaRef::Inline(schema) => Some(&schema.schema_data),
                SchemaRef::Ref(_) => None,
            };
            let secret = self.secret_field((wire_name, &snake), *schema, &shape.ty, &field_pointer);
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name,
                ty: shape.ty,
                presence,
                boxed: false,
                constraints: shape.constraints,
                default: data.and_then(|d| d.default.clone()),
                description: data
                    .and_then(|d| super::prose(&d.description).or_else(|| super::prose(&d.title))),
                example: data.and_then(|d| d.example.clone()),
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                deprecated: data.is_some_and(|d| d.deprecated),
                deprecation_note: data.and_then(|d| super::deprecation_note(&d.extensions)),
                secret,
            });
        }
        Ok(Struct { fields })
    }
}

/// A named type's docs, and whether lowering made them up.
#[derive(Default)]
struct Description {
    text: Option<String>,
    derived: bool,
}

impl<'a> Lowerer<'a> {
    /// Whether values of `schema` must have at least one property.
    pub(crate) fn requires_properties(&self, schema: SchemaRef<'a>) -> bool {
        let target = match schema {
            SchemaRef::Inline(schema) => schema,
            SchemaRef::Ref(reference) => match self.schema_target(reference, "#") {
                Ok((schema, _)) => schema,
                Err(_) => return false,
            },
        };
        match classify(target) {
            Class::Object(parts) => !parts.required.is_empty(),
            Class::Composite { members, all: true } => {
                members.iter().any(|m| self.requires_properties(*m))
            }
            _ => false,
        }
    }
}

/// Whether `schema` lists properties of its own beside a composition.
fn has_own_properties(schema: &Schema) -> bool {
    matches!(object_parts_of(schema), Class::Object(parts) if !parts.properties.is_empty())
}
