//! Structurally identical inline schemas become one type.
//!
//! Documents often repeat a shape inline (Clerk's M2M operations each
//! define the same error body and token), which would give users
//! `GetM2mTokensErrors`, `GetM2mTokensErrors2`, `RevokeM2mTokenErrors`, ...
//! for one shape. Inline structs and unions whose lowered form is equal
//! (fields, types, checks and docs alike, inline types they hold compared
//! by their own form) are merged, with the inline types they hold. Other
//! inline types (an enum or alias named after its field) only merge with
//! the types that hold them, so a `claims` object never takes the name of
//! an unrelated `meta`, nor a `status` enum that of another `status`.
//!
//! A component schema of the same form takes in every inline twin; inline
//! types merge only within one group of operations, since a body a user
//! builds for one group's call must not take another group's name.
//!
//! The type that stays is named by its shape's role, not by which
//! operations use it, so that a new operation using the same shape does not
//! rename it: a component schema among those merged gives its name; else
//! the words all their names end with (`GetM2mTokensErrors`,
//! `RevokeM2mTokenErrors2` end with `Errors`), after the name of the group
//! they belong to (`M2mErrors`); else, when the names share no last word
//! (or only words of place such as `RequestBody`, outside any group), the
//! smallest of them.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::escape_token;
use crate::ir::{NamedType, OperationGroup, TypeKind, TypeRef};
use crate::names::Namespace;

/// Merges identical types among `types`, rewriting every reference in
/// `types`, `groups` and `error_types`. `components` are the component
/// schemas' types, which keep their names and are never removed.
pub(super) fn merge_identical(
    types: &mut Vec<NamedType>,
    groups: &mut [OperationGroup],
    error_types: &mut BTreeSet<String>,
    components: &BTreeSet<&String>,
    namespaces: (&mut Namespace, &mut Namespace),
) {
    let (type_names, module_names) = namespaces;
    // The group of the operation at each `#/paths/<path>/<method>`.
    let group_at: BTreeMap<String, &str> = groups
        .iter()
        .flat_map(|g| {
            g.operations.iter().map(move |op| {
                let place = format!(
                    "#/paths/{}/{}",
                    escape_token(&op.path),
                    op.http_method.as_str().to_ascii_lowercase()
                );
                (place, g.type_name.as_str())
            })
        })
        .collect();
    let by_name: BTreeMap<&str, &NamedType> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let inline = |name: &str| by_name.contains_key(name) && !components.contains(&name.to_owned());
    let mut keys = Keys {
        types: &by_name,
        inline: &inline,
        done: BTreeMap::new(),
        in_progress: BTreeSet::new(),
    };
    // Classes of structs and unions with one form.
    let mut classes: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for ty in by_name.values() {
        if matches!(ty.kind, TypeKind::Struct(_) | TypeKind::OneOf(_)) {
            let key = keys.of(&ty.name);
            classes.entry(key).or_default().push(&ty.name);
        }
    }
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    // The kept type of each class, and the new name it takes, if any.
    let mut new_names: BTreeMap<String, String> = BTreeMap::new();
    let mut merged_pairs = Vec::new();
    // A class with a component merges into it. Otherwise only the types of
    // one group of operations merge: a body a user builds for one group's
    // call must not take the name of another group's.
    let mut subclasses: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    for members in classes.values().filter(|m| m.len() > 1) {
        if members.iter().any(|n| !inline(n)) {
            subclasses.push((None, members.clone()));
            continue;
        }
        let mut by_group: BTreeMap<Option<&str>, Vec<&str>> = BTreeMap::new();
        for member in members {
            let group = by_name
                .get(member)
                .and_then(|t| group_of(&group_at, &t.pointer));
            by_group.entry(group).or_default().push(member);
        }
        subclasses.extend(by_group.into_iter().filter(|(_, m)| m.len() > 1));
    }
    for (group, members) in &subclasses {
        let component = members.iter().filter(|n| !inline(n)).min().copied();
        let Some(kept) = component.or_else(|| members.iter().min().copied()) else {
            continue;
        };
        let target = match component {
            Some(component) => component.to_owned(),
            None => match role_name(members, *group) {
                Some(role) => {
                    let name = type_names.claim(&role);
                    new_names.insert(kept.to_owned(), name.clone());
                    name
                }
                None => kept.to_owned(),
            },
        };
        for member in members.iter().filter(|m| **m != target && inline(m)) {
            renames.insert((*member).to_owned(), target.clone());
            if *member != kept {
                merged_pairs.push((kept, *member));
            }
        }
    }
    // The other inline types a merged type holds (aliases named after their
    // field) merge into those its kept twin holds, and only so.
    for (kept, other) in merged_pairs {
        unify_held(&by_name, &inline, kept, other, &mut renames);
    }
    // Those its kept twin holds are named after the type's new name.
    let renamed_parents: Vec<(String, String)> = new_names
        .iter()
        .map(|(old, new)| (old.clone(), new.clone()))
        .collect();
    for (old, new) in renamed_parents {
        let Some(parent) = by_name.get(old.as_str()) else {
            continue;
        };
        let mut held = Vec::new();
        if let TypeKind::Struct(s) = &parent.kind {
            s.fields.iter().for_each(|f| f.ty.push_named(&mut held));
        }
        for child in held {
            let by_place = by_name
                .get(child.as_str())
                .is_some_and(|t| named_by_place(&t.kind));
            let Some(rest) = child.strip_prefix(old.as_str()) else {
                continue;
            };
            if !by_place || !inline(&child) || new_names.contains_key(&child) {
                continue;
            }
            let name = type_names.claim(&format!("{new}{rest}"));
            for target in renames.values_mut().filter(|t| **t == child) {
                target.clone_from(&name);
            }
            renames.insert(child.clone(), name.clone());
            new_names.insert(child, name);
        }
    }
    if renames.is_empty() {
        return;
    }
    // Docs that differ (each names where its schema stood) give way to one
    // that says the shape is shared.
    let descriptions: BTreeMap<String, String> = invert(&renames)
        .into_iter()
        .filter_map(|(target, merged)| {
            let kept_name = new_names
                .iter()
                .find(|(_, new)| **new == target)
                .map_or_else(|| target.clone(), |(old, _)| old.clone());
            let kept_name = kept_name.as_str();
            let kept = by_name.get(kept_name)?;
            let differ = merged
                .iter()
                .filter_map(|n| by_name.get(n.as_str()))
                .any(|other| other.description != kept.description);
            differ.then(|| {
                let count = merged.iter().filter(|n| **n != kept_name).count() + 1;
                let text = format!(
                    "One shape the API description repeats in {count} places (first at `{}`).",
                    kept.pointer
                );
                (target, text)
            })
        })
        .collect();
    types.retain(|t| !renames.contains_key(&t.name) || new_names.contains_key(&t.name));
    for ty in types.iter_mut() {
        if let Some(name) = new_names.get(&ty.name) {
            let module = crate::names::snake(name).unwrap_or_else(|| "model".to_owned());
            ty.module = module_names.claim(&module);
            ty.name.clone_from(name);
        }
        if let Some(text) = descriptions.get(&ty.name) {
            ty.description = Some(text.clone());
            // Made up here, like the docs of other unnamed schemas: the
            // change report compares only what the document wrote.
            ty.description_derived = true;
        }
        rename_kind(&mut ty.kind, &renames);
    }
    for op in groups.iter_mut().flat_map(|g| g.operations.iter_mut()) {
        op.parameters
            .iter_mut()
            .for_each(|p| rename(&mut p.ty, &renames));
        if let Some(body) = &mut op.body {
            rename(&mut body.ty, &renames);
        }
        for body in op.responses.iter_mut().filter_map(|r| r.body.as_mut()) {
            rename(&mut body.ty, &renames);
        }
        if let Some(stream) = &mut op.stream {
            rename(&mut stream.item, &renames);
        }
    }
    *error_types = std::mem::take(error_types)
        .into_iter()
        .map(|name| renames.get(&name).cloned().unwrap_or(name))
        .collect();
}

/// The form of each type, with the inline types it names replaced by
/// their own form (component types stay names).
struct Keys<'t, F> {
    types: &'t BTreeMap<&'t str, &'t NamedType>,
    inline: &'t F,
    done: BTreeMap<String, String>,
    in_progress: BTreeSet<String>,
}

impl<F: Fn(&str) -> bool> Keys<'_, F> {
    fn of(&mut self, name: &str) -> String {
        if let Some(key) = self.done.get(name) {
            return key.clone();
        }
        let Some(ty) = self.types.get(name) else {
            return name.to_owned();
        };
        // A type reached again from inside itself is known by its name.
        if !self.in_progress.insert(name.to_owned()) {
            return format!("@{name}");
        }
        let mut kind = ty.kind.clone();
        self.canonical_kind(&mut kind);
        let key = serde_json::to_string(&kind).unwrap_or_else(|_| name.to_owned());
        self.in_progress.remove(name);
        self.done.insert(name.to_owned(), key.clone());
        key
    }

    fn canonical_kind(&mut self, kind: &mut TypeKind) {
        match kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| self.canonical(&mut f.ty)),
            TypeKind::OneOf(o) => o
                .variants
                .iter_mut()
                .for_each(|v| self.canonical(&mut v.ty)),
            TypeKind::Map(t) | TypeKind::List(t) | TypeKind::Alias(t) => self.canonical(t),
            TypeKind::Enum(_) | TypeKind::FreeForm => {}
        }
    }

    fn canonical(&mut self, ty: &mut TypeRef) {
        match ty {
            TypeRef::Named(name) if (self.inline)(name) => {
                let key = self.of(&name.clone());
                *name = format!("{{{key}}}");
            }
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                self.canonical(inner)
            }
            TypeRef::Named(_) | TypeRef::Primitive(_) | TypeRef::Any => {}
        }
    }
}

/// Whether values of this kind are named by their place, not their form:
/// such a type merges only with the type that holds it.
fn named_by_place(kind: &TypeKind) -> bool {
    matches!(
        kind,
        TypeKind::Enum(_)
            | TypeKind::FreeForm
            | TypeKind::Alias(_)
            | TypeKind::Map(_)
            | TypeKind::List(_)
    )
}

/// Pairs the types `kept` and `other` (of one form) hold, field by field,
/// and records each inline type named by its place in `other` as merged
/// into its twin in `kept`.
fn unify_held(
    types: &BTreeMap<&str, &NamedType>,
    inline: &impl Fn(&str) -> bool,
    kept: &str,
    other: &str,
    renames: &mut BTreeMap<String, String>,
) {
    let (Some(a), Some(b)) = (types.get(kept), types.get(other)) else {
        return;
    };
    let pairs: Vec<(&TypeRef, &TypeRef)> = match (&a.kind, &b.kind) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => x
            .fields
            .iter()
            .zip(&y.fields)
            .map(|(f, g)| (&f.ty, &g.ty))
            .collect(),
        (TypeKind::OneOf(x), TypeKind::OneOf(y)) => x
            .variants
            .iter()
            .zip(&y.variants)
            .map(|(v, w)| (&v.ty, &w.ty))
            .collect(),
        (TypeKind::Map(x), TypeKind::Map(y))
        | (TypeKind::List(x), TypeKind::List(y))
        | (TypeKind::Alias(x), TypeKind::Alias(y)) => vec![(x, y)],
        _ => Vec::new(),
    };
    for (x, y) in pairs {
        unify_refs(types, inline, x, y, renames);
    }
}

fn unify_refs(
    types: &BTreeMap<&str, &NamedType>,
    inline: &impl Fn(&str) -> bool,
    kept: &TypeRef,
    other: &TypeRef,
    renames: &mut BTreeMap<String, String>,
) {
    match (kept, other) {
        (TypeRef::Named(a), TypeRef::Named(b)) => {
            let by_place = types
                .get(b.as_str())
                .is_some_and(|t| named_by_place(&t.kind));
            if a != b && by_place && inline(b) && !renames.contains_key(b) {
                renames.insert(b.clone(), a.clone());
                unify_held(types, inline, a, b, renames);
            }
        }
        (TypeRef::List(a), TypeRef::List(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Nullable(a), TypeRef::Nullable(b)) => unify_refs(types, inline, a, b, renames),
        _ => {}
    }
}

/// The group of the operation whose schema stands at `pointer`.
fn group_of<'g>(group_at: &BTreeMap<String, &'g str>, pointer: &str) -> Option<&'g str> {
    let mut parts = pointer.splitn(5, '/');
    let place: Vec<&str> = parts.by_ref().take(4).collect();
    group_at.get(&place.join("/")).copied()
}

/// A name for the shape the `members` share: the last words all their
/// names have (trailing numbers aside), after `group` when they all belong
/// to one; `None` when they share no last word.
fn role_name(members: &[&str], group: Option<&str>) -> Option<String> {
    let split: Vec<Vec<String>> = members.iter().map(|m| camel_words(m)).collect();
    let first = split.first()?;
    let shared = (1..=first.len())
        .take_while(|&n| {
            split
                .iter()
                .all(|w| w.len() >= n && w[w.len() - n] == first[first.len() - n])
        })
        .last()?;
    let suffix: String = first[first.len() - shared..].concat();
    // A suffix that is a whole member name says nothing about the role
    // beyond that member's operation.
    if split.iter().any(|w| w.len() == shared) {
        return None;
    }
    // Words that say where a schema stands, not what it is.
    let generic = first[first.len() - shared..].iter().all(|w| {
        matches!(
            w.as_str(),
            "Request" | "Response" | "Body" | "Item" | "Items"
        )
    });
    let name = match group {
        Some(group) if !suffix.starts_with(group) => format!("{group}{suffix}"),
        Some(_) => suffix,
        None if generic => return None,
        None => suffix,
    };
    // `404ResponseBody` is no Rust name.
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(name)
}

/// The words of a CamelCase name, numbers apart and trailing ones dropped:
/// `GetM2mTokens404ResponseBody2` is `Get M 2m Tokens 404 Response Body`.
fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        let starts = match words.last().and_then(|w| w.chars().last()) {
            None => true,
            Some(previous) => {
                c.is_ascii_uppercase() || (c.is_ascii_digit() && !previous.is_ascii_digit())
            }
        };
        match words.last_mut() {
            Some(word) if !starts => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    while words
        .last()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.pop();
    }
    words
}

/// Kept name to the names merged into it.
fn invert(renames: &BTreeMap<String, String>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (from, to) in renames {
        out.entry(to.clone()).or_default().push(from.clone());
    }
    out
}

fn rename_kind(kind: &mut TypeKind, renames: &BTreeMap<String, String>) {
    match kind {
        TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| rename(&mut f.ty, renames)),
        TypeKind::OneOf(o) => o
            .variants
            .iter_mut()
            .for_each(|v| rename(&mut v.ty, renames)),
        TypeKind::Map(t) | TypeKind::List(t) | TypeKind::Alias(t) => rename(t, renames),
        TypeKind::Enum(_) | TypeKind::FreeForm => {}
    }
}

fn rename(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(kept) = renames.get(name) {
                name.clone_from(kept);
            }
        }
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            rename(inner, renames)
        }
        TypeRef::Primitive(_) | TypeRef::Any => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{camel_words, role_name};

    #[test]
    fn roles_are_the_shared_last_words() {
        assert_eq!(
            camel_words("GetM2mTokens404ResponseBody2"),
            ["Get", "M", "2m", "Tokens", "404", "Response", "Body"]
        );
        let errors = [
            "CreateM2mTokenErrors",
            "GetM2mTokensErrors3",
            "VerifyM2mTokenErrors2",
        ];
        assert_eq!(
            role_name(&errors, Some("M2m")).as_deref(),
            Some("M2mErrors")
        );
        assert_eq!(role_name(&errors, None).as_deref(), Some("Errors"));
        let bodies = [
            "CreateM2mToken400ResponseBody",
            "GetM2mTokens404ResponseBody",
        ];
        assert_eq!(
            role_name(&bodies, Some("M2m")).as_deref(),
            Some("M2mResponseBody")
        );
        assert_eq!(role_name(&["WidgetList", "GadgetMap"], None), None);
        // Where a schema stands is no role without a group to say whose.
        assert_eq!(
            role_name(&["SetImageRequestBody", "UploadLogoRequestBody"], None),
            None
        );
        // A whole name is no role, nor are digits first.
        assert_eq!(role_name(&["Errors", "GetErrors"], None), None);
        assert_eq!(role_name(&["Get404Body", "Put404Body"], None), None);
    }
}
