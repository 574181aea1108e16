//! Whole-model passes about how types are laid out in Rust, so that the
//! generated code passes `clippy -D warnings` whatever the document:
//!
//! - A union alternative (a `oneOf` variant) whose type is large is boxed:
//!   an enum is as large as its largest variant, and clippy's
//!   `large_enum_variant` flags a variant 200 bytes larger than the next.
//!   Sizes are estimated from the model ([`crate::sizes`]); a variant
//!   estimated over [`LARGE`] bytes is boxed.
//! - A field whose type nests so deep that clippy's `type_complexity`
//!   would flag it (`Option<Vec<Vec<Vec<String>>>>` scores by depth) gets
//!   its inner type named: an alias `{Type}{Field}Item` holds the item
//!   type of its outermost list or map.

use super::Lowerer;
use crate::ir::{NamedType, Presence, TypeKind, TypeRef};
use crate::sizes::{Sizes, LARGE};

/// Field types scoring more than this are split (clippy's limit is 250).
const COMPLEX_TYPE: usize = 200;

impl Lowerer<'_> {
    /// Boxes every union variant estimated larger than [`LARGE`].
    pub(super) fn box_large_variants(&mut self) {
        let mut sizes = Sizes::new(&self.types);
        let mut large = Vec::new();
        for (index, ty) in self.types.iter().enumerate() {
            if let TypeKind::OneOf(one_of) = &ty.kind {
                for (variant, v) in one_of.variants.iter().enumerate() {
                    if !v.boxed && sizes.of(&v.ty) > LARGE {
                        large.push((index, variant));
                    }
                }
            }
        }
        for (index, variant) in large {
            if let TypeKind::OneOf(one_of) = &mut self.types[index].kind {
                one_of.variants[variant].boxed = true;
            }
        }
    }

    /// Names the inner types of fields too complex for clippy.
    pub(super) fn name_deep_field_types(&mut self) {
        let mut added = Vec::new();
        for index in 0..self.types.len() {
            let TypeKind::Struct(s) = &self.types[index].kind else {
                continue;
            };
            let owner = self.types[index].name.clone();
            let pointer = self.types[index].pointer.clone();
            let mut fields: Vec<(usize, TypeRef)> = Vec::new();
            for (position, field) in s.fields.iter().enumerate() {
                if field_score(&field.ty, field.presence, field.boxed) <= COMPLEX_TYPE {
                    continue;
                }
                let (TypeRef::List(item) | TypeRef::Map(item)) = &field.ty else {
                    continue;
                };
                let wanted = format!(
                    "{owner}{}Item",
                    crate::names::camel(&field.rust_name, "Field").unwrap_or_default()
                );
                let name = self.type_names.claim(&wanted);
                let module = crate::names::snake(&name).unwrap_or_else(|| "model".to_owned());
                added.push(NamedType {
                    module: self.module_names.claim(&module),
                    pointer: pointer.clone(),
                    description: Some(format!(
                        "An item of [`{owner}`]'s `{}` field.",
                        field.wire_name
                    )),
                    description_derived: true,
                    example: None,
                    deprecated: false,
                    deprecation_note: None,
                    kind: TypeKind::Alias((**item).clone()),
                    name: name.clone(),
                });
                let named = Box::new(TypeRef::Named(name));
                fields.push((
                    position,
                    match &field.ty {
                        TypeRef::List(_) => TypeRef::List(named),
                        _ => TypeRef::Map(named),
                    },
                ));
            }
            if let TypeKind::Struct(s) = &mut self.types[index].kind {
                for (position, ty) in fields {
                    s.fields[position].ty = ty;
                }
            }
        }
        self.types.extend(added);
    }
}

/// clippy's `type_complexity` score of a field's type as written: each
/// type path counts ten times its nesting depth.
fn field_score(ty: &TypeRef, presence: Presence, boxed: bool) -> usize {
    let mut depth = 1;
    let mut score = 0;
    let wrappers = match presence {
        Presence::Required => 0,
        Presence::Optional | Presence::Nullable => 1,
        Presence::OptionalNullable => 2,
    } + usize::from(boxed);
    for _ in 0..wrappers {
        score += 10 * depth;
        depth += 1;
    }
    score + type_score(ty, depth)
}

fn type_score(ty: &TypeRef, depth: usize) -> usize {
    match ty {
        TypeRef::List(item) | TypeRef::Nullable(item) => 10 * depth + type_score(item, depth + 1),
        // `BTreeMap<String, T>`: the map and its key.
        TypeRef::Map(value) => 10 * depth + 10 * (depth + 1) + type_score(value, depth + 1),
        // `serde_json::Value` and `crate::File` are one path each.
        TypeRef::Named(_) | TypeRef::Primitive(_) | TypeRef::Any => 10 * depth,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Primitive;

    #[test]
    fn scores_follow_clippy() {
        let string = || Box::new(TypeRef::Primitive(Primitive::String));
        // Option<BTreeMap<String, BTreeMap<String, BTreeMap<String, X>>>>: 270.
        let maps = TypeRef::Map(Box::new(TypeRef::Map(Box::new(TypeRef::Map(Box::new(
            TypeRef::Named("X".into()),
        ))))));
        assert_eq!(field_score(&maps, Presence::Optional, false), 270);
        assert_eq!(
            field_score(&TypeRef::List(string()), Presence::Optional, false),
            60
        );
    }
}
