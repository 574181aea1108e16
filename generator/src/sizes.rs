//! Estimated sizes of generated types, from the model: an upper bound for
//! each scalar and container, a pointer for a box. Enums are as large as
//! their largest variant, and clippy's `large_enum_variant` flags a variant
//! 200 bytes larger than the next; a variant estimated over [`LARGE`] bytes
//! is boxed (union alternatives, error bodies), a wide margin under it.

use std::collections::BTreeMap;

use crate::ir::{NamedType, Presence, Primitive, TypeKind, TypeRef};

/// Variants estimated larger than this many bytes are boxed.
pub const LARGE: usize = 96;

/// Estimated sizes of named types, worked out once each.
pub struct Sizes<'t> {
    kinds: BTreeMap<String, &'t TypeKind>,
    known: BTreeMap<String, usize>,
}

impl<'t> Sizes<'t> {
    /// Sizes of `types` and what they hold.
    pub fn new(types: &'t [NamedType]) -> Self {
        Sizes {
            kinds: types.iter().map(|t| (t.name.clone(), &t.kind)).collect(),
            known: BTreeMap::new(),
        }
    }

    /// The estimated size of a value of `ty`, in bytes.
    pub fn of(&mut self, ty: &TypeRef) -> usize {
        match ty {
            TypeRef::Primitive(Primitive::I32 | Primitive::F32) => 4,
            TypeRef::Primitive(Primitive::Bool) => 1,
            TypeRef::Primitive(Primitive::I64 | Primitive::F64) => 8,
            TypeRef::Primitive(Primitive::String | Primitive::Binary) => 24,
            // `Vec`, `BTreeMap` and `serde_json::Value`.
            TypeRef::List(_) | TypeRef::Map(_) => 24,
            TypeRef::Any => 32,
            TypeRef::Nullable(inner) => self.of(inner) + 8,
            TypeRef::Named(name) => self.named(name),
        }
    }

    fn named(&mut self, name: &str) -> usize {
        if let Some(size) = self.known.get(name) {
            return *size;
        }
        // A type met again while being measured is behind a box or a
        // container (else it could not be built); count a pointer.
        self.known.insert(name.to_owned(), 8);
        let size = match self.kinds.get(name).copied() {
            Some(TypeKind::Struct(s)) => s
                .fields
                .iter()
                .map(|f| {
                    let inner = if f.boxed { 8 } else { self.of(&f.ty) };
                    inner
                        + match f.presence {
                            Presence::Required => 0,
                            Presence::Optional | Presence::Nullable => 8,
                            Presence::OptionalNullable => 16,
                        }
                })
                .sum(),
            Some(TypeKind::OneOf(o)) => {
                8 + o
                    .variants
                    .iter()
                    .map(|v| if v.boxed { 8 } else { self.of(&v.ty) })
                    .max()
                    .unwrap_or(0)
            }
            Some(TypeKind::Alias(ty)) => self.of(ty),
            // An enum with an `Unknown(String)` catch-all, a list, a map,
            // or a JSON object.
            Some(_) | None => 32,
        };
        self.known.insert(name.to_owned(), size);
        size
    }
}
