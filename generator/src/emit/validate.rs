//! Validation code: each constraint of the model becomes one call into the
//! runtime's `validate` module, with the field path built only on failure.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{count, float, has_validate, ident, int};
use crate::ir::{Api, Constraints, Parameter, Presence, Primitive, RequestBody, Struct, TypeRef};

/// The checks of one struct or operation, and what they need imported.
#[derive(Default)]
pub struct Validation {
    /// Statements that return early with the first violation.
    pub body: TokenStream,
    /// Whether the statements use the `loc` argument.
    pub uses_loc: bool,
    /// `static` regexes the checks use.
    pub patterns: Vec<TokenStream>,
    /// Whether `Nullable` is matched on.
    pub uses_nullable: bool,
    /// Whether any check calls a helper of the runtime's `validate` module.
    pub uses_helpers: bool,
}

/// Imports a model file needs for `validation`'s statements; its
/// `validate_at` signature always names `Loc`.
pub fn imports(validation: &Validation) -> TokenStream {
    let patterns = &validation.patterns;
    let regex = (!patterns.is_empty()).then(|| {
        quote! {
            use std::sync::LazyLock;

            use regex::Regex;
        }
    });
    let runtime = if validation.uses_helpers {
        quote!(
            use crate::runtime::validate::{self, Loc};
        )
    } else {
        quote!(
            use crate::runtime::validate::Loc;
        )
    };
    quote! {
        #regex
        #runtime
        use crate::ValidationError;
        #(#patterns)*
    }
}

impl Validation {
    /// The `use` of the runtime's `validate` module for an operation file,
    /// naming only what the statements refer to.
    pub fn runtime_import(&self) -> Option<TokenStream> {
        match (self.uses_helpers, self.uses_loc) {
            (true, true) => Some(quote!(
                use crate::runtime::validate::{self, Loc};
            )),
            (false, true) => Some(quote!(
                use crate::runtime::validate::Loc;
            )),
            (true, false) => Some(quote!(
                use crate::runtime::validate;
            )),
            (false, false) => None,
        }
    }
}

/// The checks of every field of `s`.
pub fn struct_validation(api: &Api, s: &Struct) -> Validation {
    let mut out = Validation::default();
    let mut statements = Vec::new();
    for field in &s.fields {
        let loc_expr = {
            let wire = &field.wire_name;
            quote!(Loc::Field(loc, #wire))
        };
        let name = ident(&field.rust_name);
        let checks = value_checks(
            api,
            quote!(value),
            &field.ty,
            &field.constraints,
            &mut out,
            &field.rust_name,
        );
        if checks.is_empty() {
            continue;
        }
        out.uses_loc = true;
        let bind = quote!(let loc = &#loc_expr;);
        statements.push(match field.presence {
            Presence::Required => quote! { { let value = &self.#name; #bind #checks } },
            Presence::Optional | Presence::Nullable => quote! { if let Some(value) = &self.#name { #bind #checks } },
            Presence::OptionalNullable => {
                out.uses_nullable = true;
                quote! { if let Some(crate::Nullable::Value(value)) = &self.#name { #bind #checks } }
            }
        });
    }
    out.body = quote!(#(#statements)*);
    out
}

/// The checks of an operation's parameters, against `self.<name>`.
pub fn parameter_validation(api: &Api, parameters: &[Parameter]) -> Validation {
    let mut out = Validation::default();
    let mut statements = Vec::new();
    for parameter in parameters {
        let name = ident(&parameter.rust_name);
        let wire = &parameter.wire_name;
        let checks = value_checks(
            api,
            quote!(value),
            &parameter.ty,
            &parameter.constraints,
            &mut out,
            &parameter.rust_name,
        );
        if checks.is_empty() {
            continue;
        }
        out.uses_loc = true;
        let bind = quote!(let loc = &Loc::Field(&Loc::Root, #wire););
        statements.push(if parameter.required {
            quote! { { let value = &self.#name; #bind #checks } }
        } else {
            quote! { if let Some(value) = &self.#name { #bind #checks } }
        });
    }
    out.body = quote!(#(#statements)*);
    out
}

/// The checks of a request body that is not a named type (an inline array
/// with `minItems`, say), against `self.body`, reported at `body`. A named
/// body checks itself (`validate()`). Adds to `out`'s patterns and flags.
pub fn inline_body_checks(api: &Api, body: &RequestBody, out: &mut Validation) -> TokenStream {
    if matches!(body.ty, TypeRef::Named(_)) {
        return TokenStream::new();
    }
    let checks = value_checks(api, quote!(value), &body.ty, &body.constraints, out, "body");
    if checks.is_empty() {
        return checks;
    }
    out.uses_loc = true;
    let bind = quote!(let loc = &Loc::Field(&Loc::Root, "body"););
    if body.required {
        quote! { { let value = &self.body; #bind #checks } }
    } else {
        quote! { if let Some(value) = &self.body { #bind #checks } }
    }
}

/// Statements checking `value` (an expression of type `&T`) against `c`,
/// with `loc` (a `&Loc`) in scope. Empty when there is nothing to check.
fn value_checks(
    api: &Api,
    value: TokenStream,
    ty: &TypeRef,
    c: &Constraints,
    out: &mut Validation,
    hint: &str,
) -> TokenStream {
    let mut checks = Vec::new();
    match ty {
        TypeRef::Primitive(Primitive::String) => {
            out.uses_helpers |=
                c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some();
            if let Some(min) = c.min_length.map(count) {
                checks.push(quote!(validate::min_length(loc, #value, #min)?;));
            }
            if let Some(max) = c.max_length.map(count) {
                checks.push(quote!(validate::max_length(loc, #value, #max)?;));
            }
            if let Some(pattern) = &c.pattern {
                // `_2fa` keeps its underscore: `2FA_PATTERN_0` is no identifier.
                let upper = hint.to_uppercase();
                let trimmed = upper.trim_start_matches('_');
                let base = if trimmed.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    trimmed
                } else {
                    upper.as_str()
                };
                let name = format_ident!("{}_PATTERN_{}", base, out.patterns.len());
                out.patterns.push(quote! {
                    // The generator compiled this pattern with the same regex
                    // crate, so it is known to be valid.
                    static #name: LazyLock<Regex> = LazyLock::new(|| Regex::new(#pattern).expect("pattern checked at generation time"));
                });
                checks.push(
                    quote!(validate::pattern(loc, #value, #name.is_match(#value), #pattern)?;),
                );
            }
        }
        TypeRef::Primitive(p @ (Primitive::I32 | Primitive::I64)) => {
            out.uses_helpers |=
                c.minimum.is_some() || c.maximum.is_some() || c.multiple_of.is_some();
            let as_i64 = if *p == Primitive::I32 {
                quote!(i64::from(*#value))
            } else {
                quote!(*#value)
            };
            if let Some(bound) = c.minimum {
                let limit = int(bound.value.ceil() as i64);
                let exclusive = bound.exclusive;
                checks.push(quote!(validate::minimum_int(loc, #as_i64, #limit, #exclusive)?;));
            }
            if let Some(bound) = c.maximum {
                let limit = int(bound.value.floor() as i64);
                let exclusive = bound.exclusive;
                checks.push(quote!(validate::maximum_int(loc, #as_i64, #limit, #exclusive)?;));
            }
            if let Some(step) = c.multiple_of {
                if step.fract() == 0.0 && step >= 1.0 {
                    let step = int(step as i64);
                    checks.push(quote!(validate::multiple_of_int(loc, #as_i64, #step)?;));
                } else {
                    let step = float(step);
                    checks.push(quote!(validate::multiple_of_number(loc, #as_i64 as f64, #step)?;));
                }
            }
        }
        TypeRef::Primitive(p @ (Primitive::F32 | Primitive::F64)) => {
            out.uses_helpers |=
                c.minimum.is_some() || c.maximum.is_some() || c.multiple_of.is_some();
            let as_f64 = if *p == Primitive::F32 {
                quote!(f64::from(*#value))
            } else {
                quote!(*#value)
            };
            if let Some(bound) = c.minimum {
                let (limit, exclusive) = (float(bound.value), bound.exclusive);
                checks.push(quote!(validate::minimum_number(loc, #as_f64, #limit, #exclusive)?;));
            }
            if let Some(bound) = c.maximum {
                let (limit, exclusive) = (float(bound.value), bound.exclusive);
                checks.push(quote!(validate::maximum_number(loc, #as_f64, #limit, #exclusive)?;));
            }
            if let Some(step) = c.multiple_of.map(float) {
                checks.push(quote!(validate::multiple_of_number(loc, #as_f64, #step)?;));
            }
        }
        TypeRef::List(item) => {
            out.uses_helpers |= c.min_items.is_some() || c.max_items.is_some() || c.unique_items;
            if let Some(min) = c.min_items.map(count) {
                checks.push(quote!(validate::min_items(loc, #value.len(), #min)?;));
            }
            if let Some(max) = c.max_items.map(count) {
                checks.push(quote!(validate::max_items(loc, #value.len(), #max)?;));
            }
            if c.unique_items {
                checks.push(quote!(validate::unique_items(loc, #value)?;));
            }
            let empty = Constraints::default();
            let item_constraints = c.items.as_deref().unwrap_or(&empty);
            let item_checks = value_checks(api, quote!(item), item, item_constraints, out, hint);
            if !item_checks.is_empty() {
                checks.push(quote! {
                    for (index, item) in #value.iter().enumerate() {
                        let loc = &Loc::Index(loc, index);
                        #item_checks
                    }
                });
            }
        }
        TypeRef::Map(inner) => {
            let inner_checks =
                value_checks(api, quote!(item), inner, &Constraints::default(), out, hint);
            if !inner_checks.is_empty() {
                checks.push(quote! {
                    for (key, item) in #value {
                        let loc = &Loc::Key(loc, key);
                        #inner_checks
                    }
                });
            }
        }
        TypeRef::Nullable(inner) => {
            let inner_checks = value_checks(api, quote!(inner), inner, c, out, hint);
            if !inner_checks.is_empty() {
                checks.push(quote!(if let Some(inner) = #value { #inner_checks }));
            }
        }
        TypeRef::Named(name) if is_free_form(api, name) => {
            out.uses_helpers = true;
            checks.push(quote!(validate::object(loc, #value)?;));
        }
        TypeRef::Named(name) if has_validate(api, name) && needs_validation(api, name) => {
            checks.push(quote!(#value.validate_at(loc)?;));
        }
        TypeRef::Named(_)
        | TypeRef::Primitive(Primitive::Bool | Primitive::Binary)
        | TypeRef::Any => {}
    }
    quote!(#(#checks)*)
}

/// Whether the named type is a free-form object (`serde_json::Value`
/// checked to be an object).
fn is_free_form(api: &Api, name: &str) -> bool {
    api.find_type(name)
        .is_some_and(|t| matches!(t.kind, crate::ir::TypeKind::FreeForm))
}

/// Whether values of the named type can ever fail validation: some field,
/// at any depth, has a constraint.
pub fn needs_validation(api: &Api, name: &str) -> bool {
    fn visit<'a>(api: &'a Api, name: &'a str, seen: &mut Vec<&'a str>) -> bool {
        if seen.contains(&name) {
            return false;
        }
        seen.push(name);
        let Some(named) = api.find_type(name) else {
            return false;
        };
        let ty_needs = |ty: &'a TypeRef, seen: &mut Vec<&'a str>| -> bool {
            let mut stack = vec![ty];
            while let Some(ty) = stack.pop() {
                match ty {
                    // A free-form object field must hold an object.
                    TypeRef::Named(inner) if is_free_form(api, inner) => return true,
                    TypeRef::Named(inner) if visit(api, inner, seen) => return true,
                    TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                        stack.push(inner)
                    }
                    _ => {}
                }
            }
            false
        };
        match &named.kind {
            crate::ir::TypeKind::Struct(s) => s
                .fields
                .iter()
                .any(|f| !f.constraints.is_empty() || ty_needs(&f.ty, seen)),
            crate::ir::TypeKind::OneOf(o) => o.variants.iter().any(|v| ty_needs(&v.ty, seen)),
            _ => false,
        }
    }
    visit(api, name, &mut Vec::new())
}

/// Human-readable constraint lines for docs.
pub fn constraint_notes(c: &Constraints) -> Vec<String> {
    let mut notes = Vec::new();
    match (c.min_length, c.max_length) {
        (Some(min), Some(max)) => notes.push(format!("Length: {min} to {max} characters.")),
        (Some(min), None) => notes.push(format!("Length: at least {min} characters.")),
        (None, Some(max)) => notes.push(format!("Length: at most {max} characters.")),
        (None, None) => {}
    }
    if let Some(pattern) = &c.pattern {
        notes.push(format!("Must match the pattern `{pattern}`."));
    }
    let bound = |b: &crate::ir::Bound, word: &str, strict: &str| {
        if b.exclusive {
            format!("{strict} {}", b.value)
        } else {
            format!("{word} {}", b.value)
        }
    };
    match (&c.minimum, &c.maximum) {
        (Some(min), Some(max)) => notes.push(format!(
            "Range: {} and {}.",
            bound(min, "at least", "greater than"),
            bound(max, "at most", "less than")
        )),
        (Some(min), None) => notes.push(format!(
            "Range: {}.",
            bound(min, "at least", "greater than")
        )),
        (None, Some(max)) => notes.push(format!("Range: {}.", bound(max, "at most", "less than"))),
        (None, None) => {}
    }
    if let Some(step) = c.multiple_of {
        notes.push(format!("Must be a multiple of {step}."));
    }
    match (c.min_items, c.max_items) {
        (Some(min), Some(max)) => notes.push(format!("Items: {min} to {max}.")),
        (Some(min), None) => notes.push(format!("Items: at least {min}.")),
        (None, Some(max)) => notes.push(format!("Items: at most {max}.")),
        (None, None) => {}
    }
    if c.unique_items {
        notes.push("Items must be unique.".into());
    }
    if let Some(items) = &c.items {
        notes.extend(
            constraint_notes(items)
                .into_iter()
                .map(|n| format!("Each item: {n}")),
        );
    }
    notes
}
