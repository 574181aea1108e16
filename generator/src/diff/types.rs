//! Model types: structs and their fields, enums, unions, maps, lists and
//! aliases.

use super::rules::{self, Rule};
use super::text::{self, Docs};
use super::{code, constraints, replaced, Cx};
use crate::emit::rust_type;
use crate::ir::{
    Enum, EnumValue, EnumVariant, Field, NamedType, OneOf, Presence, Struct, TypeKind, Variant,
};

pub(super) fn compare(cx: &mut Cx<'_>) {
    let (old, new) = (cx.old, cx.new);
    let mut renamed_to = Vec::new();
    for ty in &old.types {
        if let Some(now) = new.find_type(&ty.name) {
            named(cx, ty, now);
            continue;
        }
        // The same schema under a new name is a rename, not a removal: the
        // same location, or else the only new type of exactly the same shape.
        let is_new = |n: &&NamedType| {
            old.find_type(&n.name).is_none() && !renamed_to.contains(&n.name.as_str())
        };
        let same_shape: Vec<&NamedType> = new
            .types
            .iter()
            .filter(is_new)
            .filter(|n| n.kind == ty.kind && n.kind != TypeKind::FreeForm)
            .collect();
        let moved = new
            .types
            .iter()
            .filter(is_new)
            .find(|n| n.pointer == ty.pointer)
            .or(match same_shape[..] {
                [only] => Some(only),
                _ => None,
            });
        match moved {
            Some(now) => {
                renamed_to.push(now.name.as_str());
                let operations = cx.reached_by(&now.name);
                cx.push(
                    &rules::TYPE_RENAMED,
                    model(&ty.name),
                    &now.pointer,
                    operations,
                    format!("now `models::{}`.", now.name),
                );
                named(cx, ty, now);
            }
            None => {
                let operations = cx.reached_by(&ty.name);
                let texts = [ty.deprecation_note.as_deref(), ty.written_description()];
                let instead = replaced::find(cx, &texts, &[], &[ty.name.as_str()]);
                cx.push(
                    &rules::TYPE_REMOVED,
                    model(&ty.name),
                    &ty.pointer,
                    operations,
                    format!("the type is gone{}.", replaced::clause(instead.as_ref())),
                );
            }
        }
    }
    for ty in &new.types {
        if old.find_type(&ty.name).is_none() && !renamed_to.contains(&ty.name.as_str()) {
            let operations = cx.reached_by(&ty.name);
            cx.push(
                &rules::TYPE_ADDED,
                model(&ty.name),
                &ty.pointer,
                operations,
                format!("a new {}.", kind_name(&ty.kind)),
            );
        }
    }
}

fn model(name: &str) -> String {
    format!("models::{name}")
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(e) if e.repr == crate::ir::EnumRepr::Integer => "integer enum",
        TypeKind::Enum(_) => "string enum",
        TypeKind::Map(_) => "map type",
        TypeKind::List(_) => "list type",
        TypeKind::FreeForm => "free-form object type",
        TypeKind::Alias(_) => "type alias",
        TypeKind::OneOf(_) => "union",
    }
}

/// One type present on both sides (`new` may have a new name).
fn named(cx: &mut Cx<'_>, old: &NamedType, new: &NamedType) {
    let NamedType {
        name: _,
        module: _,
        pointer: _,
        // Made-up text changes with its parent's name, not with the
        // document: only written text is compared.
        description: _,
        description_derived: _,
        example,
        deprecated,
        deprecation_note,
        kind,
    } = old;
    let rust = model(&new.name);
    let operations = cx.reached_by(&new.name);
    if !deprecated && new.deprecated {
        cx.push(
            &rules::TYPE_DEPRECATED,
            &rust,
            &new.pointer,
            operations.clone(),
            text::deprecated(new.deprecation_note.as_deref(), new.written_description()),
        );
    } else {
        let mut docs = Docs::default();
        docs.text(
            "description",
            old.written_description(),
            new.written_description(),
        );
        docs.flag(*example != new.example, "the example changed");
        docs.text(
            "deprecation note",
            deprecation_note.as_deref(),
            new.deprecation_note.as_deref(),
        );
        docs.flag(*deprecated && !new.deprecated, "no longer deprecated");
        if let Some(message) = docs.message() {
            cx.push(
                &rules::TYPE_DOCS_CHANGED,
                &rust,
                &new.pointer,
                operations.clone(),
                message,
            );
        }
    }
    let item = Item {
        rust: &rust,
        pointer: &new.pointer,
        operations: &operations,
        sent: cx.sent.contains(&new.name),
    };
    match (kind, &new.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => structs(cx, a, b, &item),
        (TypeKind::Enum(a), TypeKind::Enum(b)) if a.repr == b.repr => enums(cx, a, b, &item),
        (TypeKind::OneOf(a), TypeKind::OneOf(b)) => unions(cx, a, b, &item),
        (TypeKind::FreeForm, TypeKind::FreeForm) => {}
        (TypeKind::Map(a), TypeKind::Map(b))
        | (TypeKind::List(a), TypeKind::List(b))
        | (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            if a != b {
                let (a, b) = (
                    rust_type(a, Presence::Required, false),
                    rust_type(b, Presence::Required, false),
                );
                item.push(
                    cx,
                    &rules::TYPE_TARGET_CHANGED,
                    &rust,
                    format!("now holds `{b}` (was `{a}`)."),
                );
            }
        }
        (a, b) => item.push(
            cx,
            &rules::TYPE_KIND_CHANGED,
            &rust,
            format!(
                "now a {} (was a {}){}.",
                kind_name(b),
                kind_name(a),
                if matches!(a, TypeKind::Struct(_)) {
                    "; its fields and `new()` are gone"
                } else {
                    ""
                }
            ),
        ),
    }
}

/// The type being compared, for the changes inside it.
struct Item<'a> {
    rust: &'a str,
    pointer: &'a str,
    operations: &'a [String],
    /// Whether some request sends the type, so that its checks run.
    sent: bool,
}

impl Item<'_> {
    fn push(&self, cx: &mut Cx<'_>, rule: &'static Rule, rust: &str, message: String) {
        cx.push(rule, rust, self.pointer, self.operations.to_vec(), message);
    }
}

fn structs(cx: &mut Cx<'_>, old: &Struct, new: &Struct, item: &Item<'_>) {
    let Struct { fields } = old;
    for field in fields {
        let rust = format!("{}::{}", item.rust, field.rust_name);
        match new.fields.iter().find(|f| f.wire_name == field.wire_name) {
            Some(now) => self::field(cx, field, now, item),
            None => {
                let siblings: Vec<(String, String)> = new
                    .fields
                    .iter()
                    .map(|f| {
                        (
                            f.wire_name.clone(),
                            format!("{}::{}", item.rust, f.rust_name),
                        )
                    })
                    .collect();
                let texts = [
                    field.deprecation_note.as_deref(),
                    field.description.as_deref(),
                ];
                let instead = replaced::find(cx, &texts, &siblings, &[field.wire_name.as_str()]);
                item.push(
                    cx,
                    &rules::FIELD_REMOVED,
                    &rust,
                    format!(
                        "the `{}` field is gone{}{}.",
                        field.wire_name,
                        if required(field.presence) {
                            "; `new()` no longer takes it"
                        } else {
                            ", with its setter"
                        },
                        replaced::clause(instead.as_ref())
                    ),
                );
                let mut detail = code(&field.rust_name);
                if let Some(replaced::Replacement::Item(by)) = &instead {
                    detail.push_str(&format!(" (replaced by `{by}`)"));
                }
                cx.detail(detail);
            }
        }
    }
    for field in new
        .fields
        .iter()
        .filter(|f| !fields.iter().any(|o| o.wire_name == f.wire_name))
    {
        let rust = format!("{}::{}", item.rust, field.rust_name);
        let ty = field_type(field);
        let (rule, message) = if required(field.presence) {
            (
                &rules::FIELD_ADDED_REQUIRED,
                format!("a new required field of type `{ty}`: `new()` takes it."),
            )
        } else {
            (
                &rules::FIELD_ADDED_OPTIONAL,
                format!("a new optional field of type `{ty}`, with a setter."),
            )
        };
        item.push(cx, rule, &rust, message);
        cx.detail(format!("`{}: {ty}`", field.rust_name));
    }
}

/// Whether `new()` takes the field.
fn required(presence: Presence) -> bool {
    matches!(presence, Presence::Required | Presence::Nullable)
}

fn field_type(f: &Field) -> String {
    rust_type(&f.ty, f.presence, f.boxed)
}

fn field(cx: &mut Cx<'_>, old: &Field, new: &Field, item: &Item<'_>) {
    let Field {
        wire_name: _,
        rust_name,
        ty,
        presence,
        boxed,
        constraints,
        default,
        description,
        example,
        read_only,
        write_only,
        deprecated,
        deprecation_note,
        secret,
    } = old;
    let rust = format!("{}::{}", item.rust, new.rust_name);
    let pointer =
        crate::diagnostics::child(&format!("{}/properties", item.pointer), &new.wire_name);
    let push = |cx: &mut Cx<'_>, rule: &'static Rule, message: String| {
        cx.push(rule, &rust, &pointer, item.operations.to_vec(), message);
    };
    if *rust_name != new.rust_name {
        push(cx, &rules::FIELD_RENAMED, format!("was `{rust_name}`."));
    }
    let (before, after) = (field_type(old), field_type(new));
    if *presence != new.presence {
        let new_arg = match (required(*presence), required(new.presence)) {
            (false, true) => "; `new()` now takes it",
            (true, false) => "; `new()` no longer takes it",
            _ => "",
        };
        push(
            cx,
            &rules::FIELD_PRESENCE_CHANGED,
            format!(
                "now {} (was {}): type `{after}` (was `{before}`){new_arg}.",
                presence_word(new.presence),
                presence_word(*presence)
            ),
        );
    } else if *ty != new.ty || *boxed != new.boxed {
        push(
            cx,
            &rules::FIELD_TYPE_CHANGED,
            format!("type is now `{after}` (was `{before}`)."),
        );
    }
    constraints::push(
        cx,
        constraints,
        &new.constraints,
        item.sent,
        (&rust, &pointer, item.operations.to_vec()),
    );
    if *default != new.default {
        let show =
            |v: &Option<serde_json::Value>| v.as_ref().map_or_else(|| "none".to_owned(), code);
        push(
            cx,
            &rules::FIELD_DEFAULT_CHANGED,
            format!(
                "the server's default is now {} (was {}).",
                show(&new.default),
                show(default)
            ),
        );
    }
    let newly_deprecated = !deprecated && new.deprecated;
    let mut docs = Docs::default();
    docs.text(
        "description",
        description.as_deref(),
        new.description.as_deref(),
    );
    docs.flag(*example != new.example, "the example changed");
    let flag = |on: bool, what: &str| format!("{} {what}", if on { "now" } else { "no longer" });
    docs.flag(
        *read_only != new.read_only,
        &flag(new.read_only, "readOnly"),
    );
    docs.flag(
        *write_only != new.write_only,
        &flag(new.write_only, "writeOnly"),
    );
    docs.flag(
        *secret != new.secret,
        &flag(new.secret, "a secret (redacted in `Debug`)"),
    );
    docs.deprecation(
        (*deprecated, deprecation_note.as_deref()),
        (new.deprecated, new.deprecation_note.as_deref()),
    );
    if let Some(message) = docs.message() {
        push(cx, &rules::FIELD_DOCS_CHANGED, message);
    }
    if newly_deprecated {
        push(
            cx,
            &rules::FIELD_DEPRECATED,
            text::deprecated(new.deprecation_note.as_deref(), new.description.as_deref()),
        );
        let note = crate::prose::deprecation_note(
            new.deprecation_note.as_deref(),
            new.description.as_deref(),
        );
        cx.detail(match note {
            Some(note) => format!("`{}` (\"{}\")", new.rust_name, text::first_sentence(&note)),
            None => code(&new.rust_name),
        });
    }
}

fn presence_word(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::Optional => "optional",
        Presence::Nullable => "required and nullable",
        Presence::OptionalNullable => "optional and nullable",
    }
}

fn enums(cx: &mut Cx<'_>, old: &Enum, new: &Enum, item: &Item<'_>) {
    let Enum {
        variants,
        unknown_variant,
        repr: _,
    } = old;
    let show = |value: &EnumValue| match value {
        EnumValue::String(text) => code(format!("{text:?}")),
        EnumValue::Integer(number) => code(number),
    };
    for variant in variants {
        let EnumVariant { rust_name, value } = variant;
        let rust = format!("{}::{rust_name}", item.rust);
        match new.variants.iter().find(|v| v.value == *value) {
            None => {
                item.push(
                    cx,
                    &rules::ENUM_VALUE_REMOVED,
                    &rust,
                    format!(
                        "the value {} is gone; it now decodes into `{}`.",
                        show(value),
                        new.unknown_variant
                    ),
                );
                cx.detail(format!("`{rust_name}` ({})", show(value)));
            }
            Some(now) if now.rust_name != *rust_name => item.push(
                cx,
                &rules::ENUM_VARIANT_RENAMED,
                &rust,
                format!("the value {} is now `{}`.", show(value), now.rust_name),
            ),
            Some(_) => {}
        }
    }
    for variant in new
        .variants
        .iter()
        .filter(|v| !variants.iter().any(|o| o.value == v.value))
    {
        let rust = format!("{}::{}", item.rust, variant.rust_name);
        item.push(
            cx,
            &rules::ENUM_VALUE_ADDED,
            &rust,
            format!(
                "a new value {}, which used to decode into `{unknown_variant}`.",
                show(&variant.value)
            ),
        );
        cx.detail(format!(
            "`{}` ({})",
            variant.rust_name,
            show(&variant.value)
        ));
    }
    fallback(cx, unknown_variant, &new.unknown_variant, item);
}

fn unions(cx: &mut Cx<'_>, old: &OneOf, new: &OneOf, item: &Item<'_>) {
    let OneOf {
        variants,
        discriminator,
        unknown_variant,
    } = old;
    let variant_type = |v: &Variant| rust_type(&v.ty, Presence::Required, v.boxed);
    let mut tags_changed = discriminator != &new.discriminator;
    for variant in variants {
        let Variant {
            rust_name,
            tags,
            ty: _,
            boxed: _,
        } = variant;
        let rust = format!("{}::{rust_name}", item.rust);
        match new.variants.iter().find(|v| v.rust_name == *rust_name) {
            None => item.push(
                cx,
                &rules::UNION_VARIANT_REMOVED,
                &rust,
                "the alternative is gone.".into(),
            ),
            Some(now) => {
                let (before, after) = (variant_type(variant), variant_type(now));
                if before != after {
                    item.push(
                        cx,
                        &rules::UNION_VARIANT_TYPE_CHANGED,
                        &rust,
                        format!("now holds `{after}` (was `{before}`)."),
                    );
                }
                tags_changed |= *tags != now.tags;
            }
        }
    }
    for variant in new
        .variants
        .iter()
        .filter(|v| !variants.iter().any(|o| o.rust_name == v.rust_name))
    {
        let rust = format!("{}::{}", item.rust, variant.rust_name);
        item.push(
            cx,
            &rules::UNION_VARIANT_ADDED,
            &rust,
            format!("a new alternative holding `{}`.", variant_type(variant)),
        );
        cx.detail(format!(
            "`{}({})`",
            variant.rust_name,
            variant_type(variant)
        ));
    }
    if tags_changed {
        item.push(
            cx,
            &rules::UNION_DISCRIMINATOR_CHANGED,
            item.rust,
            format!(
                "alternatives are now told apart by {} (was {}).",
                super::shown(new.discriminator.as_deref()),
                super::shown(discriminator.as_deref())
            ),
        );
    }
    fallback(cx, unknown_variant, &new.unknown_variant, item);
}

/// An enum's or union's fallback variant, renamed.
fn fallback(cx: &mut Cx<'_>, old: &str, new: &str, item: &Item<'_>) {
    if old != new {
        let rust = format!("{}::{old}", item.rust);
        item.push(
            cx,
            &rules::ENUM_VARIANT_RENAMED,
            &rust,
            format!("the fallback variant is now `{new}`."),
        );
    }
}
