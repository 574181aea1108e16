//! Small helpers shared by the Rust emitters: identifiers, type tokens,
//! literals and formatting.

use std::cell::RefCell;
use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Presence, Primitive, TypeKind, TypeRef};

/// An identifier; lowering has made every name valid.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// How a file refers to named types.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `models`: siblings by bare name (imported with `use super::X`).
    Models,
    /// Elsewhere: through the module, `models::X`.
    Outside,
}

/// The Rust type of a value of type `ty`.
pub fn type_tokens(ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Models => quote!(#name),
                Scope::Outside => quote!(models::#name),
            }
        }
        TypeRef::Primitive(primitive) => primitive_tokens(*primitive),
        TypeRef::List(item) => {
            let item = type_tokens(item, scope);
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, scope);
            quote!(BTreeMap<String, #value>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, scope);
            quote!(Option<#inner>)
        }
        TypeRef::Any => quote!(serde_json::Value),
    }
}

fn primitive_tokens(primitive: Primitive) -> TokenStream {
    match primitive {
        Primitive::String => quote!(String),
        Primitive::Binary => quote!(crate::File),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
        Primitive::Bool => quote!(bool),
    }
}

/// The field's type, with its presence and boxing.
pub fn field_type(ty: &TypeRef, presence: Presence, boxed: bool, scope: Scope) -> TokenStream {
    let inner = type_tokens(ty, scope);
    let inner = if boxed { quote!(Box<#inner>) } else { inner };
    match presence {
        Presence::Required => inner,
        Presence::Optional | Presence::Nullable => quote!(Option<#inner>),
        Presence::OptionalNullable => quote!(Option<Nullable<#inner>>),
    }
}

/// Named types `ty` mentions, for imports.
pub fn collect_named<'a>(ty: &'a TypeRef, into: &mut BTreeSet<&'a str>) {
    match ty {
        TypeRef::Named(name) => {
            into.insert(name);
        }
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            collect_named(inner, into)
        }
        TypeRef::Primitive(_) | TypeRef::Any => {}
    }
}

/// Whether `ty` mentions a map (so the file imports `BTreeMap`).
pub fn uses_map(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) => true,
        TypeRef::List(inner) | TypeRef::Nullable(inner) => uses_map(inner),
        TypeRef::Named(_) | TypeRef::Primitive(_) | TypeRef::Any => false,
    }
}

/// Whether values of the named type have a `validate_at` method.
pub fn has_validate(api: &Api, name: &str) -> bool {
    api.find_type(name)
        .is_some_and(|t| matches!(t.kind, TypeKind::Struct(_) | TypeKind::OneOf(_)))
}

/// An integer literal without a type suffix (`30`, `-5`), as a person
/// would write it; the surrounding code gives it its type.
pub fn int(value: i64) -> TokenStream {
    let literal = Literal::u64_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#literal)
    } else {
        quote!(#literal)
    }
}

/// A float literal without a type suffix; always finite, as it came from JSON.
pub fn float(value: f64) -> TokenStream {
    let literal = Literal::f64_unsuffixed(value.abs());
    if value < 0.0 {
        quote!(-#literal)
    } else {
        quote!(#literal)
    }
}

/// A count literal without a type suffix.
pub fn count(value: u64) -> TokenStream {
    let literal = Literal::u64_unsuffixed(value);
    quote!(#literal)
}

/// Formats a token stream as a Rust file, with a leading comment. `docs`
/// are the doc blocks deferred while building `tokens` (see
/// [`super::doc::deferring`]); `Ok(None)` means their markers did not come
/// out of prettyplease where expected, and the file must be built again
/// without deferral.
pub fn format_file(
    header: &str,
    tokens: TokenStream,
    docs: &[String],
    file: &str,
) -> Result<Option<String>, crate::Error> {
    let parsed: syn::File = syn::parse2(tokens).map_err(|err| crate::Error::Emit {
        file: file.to_owned(),
        reason: format!("the emitted code does not parse as Rust: {err}"),
    })?;
    let printed = prettyplease::unparse(&parsed);
    // The syntax tree is large and no longer needed; free it before the
    // copies below rather than holding both.
    drop(parsed);
    let Some(printed) = super::doc::undefer(&printed, docs) else {
        return Ok(None);
    };
    let mut text = String::with_capacity(header.len() + printed.len() + printed.len() / 16);
    text.push_str(header);
    space_items(&printed, &mut text);
    if text.contains(PLACEHOLDER) {
        text = splice(&text).ok_or_else(|| crate::Error::Emit {
            file: file.to_owned(),
            reason: "a preformatted item's placeholder was printed unexpectedly".into(),
        })?;
    }
    Ok(Some(text))
}

/// The macro name of a [`preformatted`] item's placeholder.
const PLACEHOLDER: &str = "__preformatted!(";

thread_local! {
    /// The texts of the [`preformatted`] items of the job being built on
    /// this thread, indexed as their placeholders say.
    static PREFORMATTED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Forgets the [`preformatted`] texts of the previous job on this thread.
pub fn clear_preformatted() {
    PREFORMATTED.with(|cell| cell.borrow_mut().clear());
}

/// A top-level item given as text already laid out as it should appear
/// (ending with a newline): a placeholder macro call stands for it in the
/// tokens and [`format_file`] puts the text in its place, with a blank line
/// on each side. For code that `syn` and prettyplease would only slow down
/// and lay out badly, such as the field lists of `struct_serde!`, whose
/// tokens prettyplease prints as one run-on paragraph.
pub fn preformatted(text: String) -> TokenStream {
    let index = PREFORMATTED.with(|cell| {
        let mut texts = cell.borrow_mut();
        texts.push(text);
        texts.len() - 1
    });
    let index = Literal::usize_unsuffixed(index);
    quote!(__preformatted!(#index);)
}

/// Replaces each placeholder line, `__preformatted!(N);` at the start of a
/// line, with its text; `None` when one is printed any other way or its
/// index is unknown.
fn splice(text: &str) -> Option<String> {
    PREFORMATTED.with(|cell| {
        let texts = cell.borrow();
        let mut out =
            String::with_capacity(text.len() + texts.iter().map(String::len).sum::<usize>());
        for line in text.split_inclusive('\n') {
            if !line.contains(PLACEHOLDER) {
                out.push_str(line);
                continue;
            }
            let index = line.strip_prefix(PLACEHOLDER)?.strip_suffix(");\n")?;
            // prettyplease leaves no blank line around a statement-like
            // item, and `space_items` does not see it as an item.
            out.push('\n');
            out.push_str(texts.get(index.parse::<usize>().ok()?)?);
            out.push('\n');
        }
        Some(out)
    })
}

/// Copies prettyplease's output into `out` with a blank line between items
/// (it emits none), as rustfmt keeps them in hand-written code.
fn space_items(formatted: &str, out: &mut String) {
    const ITEM_STARTS: &[&str] = &[
        "///", "//", "#[", "pub ", "pub(", "fn ", "impl", "struct ", "enum ", "static ", "const ",
        "mod ", "type ", "trait ", "use ",
    ];
    let mut previous: Option<&str> = None;
    for line in formatted.lines() {
        let trimmed = line.trim_start();
        let starts_item = ITEM_STARTS.iter().any(|start| trimmed.starts_with(start));
        if let (Some(prev), true) = (previous, starts_item) {
            let prev_trimmed = prev.trim_start();
            let same_indent = prev.len() - prev_trimmed.len() == line.len() - trimmed.len();
            let closes_block = prev_trimmed == "}" || prev_trimmed == "};";
            let ends_imports = prev_trimmed.starts_with("use ") && !trimmed.starts_with("use ");
            // A doc or comment line ending in `;` is prose, not a statement.
            let ends_statement_item = prev_trimmed.ends_with(';')
                && !prev_trimmed.starts_with("use ")
                && !prev_trimmed.starts_with("//")
                && (trimmed.starts_with("///") || trimmed.starts_with("#["));
            if same_indent && (closes_block || ends_imports || ends_statement_item) {
                out.push('\n');
            }
        }
        // prettyplease prints `#[doc = "text"]` as `///text`; rustdoc
        // style wants the space.
        let indent = &line[..line.len() - trimmed.len()];
        match ["///", "//!"]
            .iter()
            .find(|marker| trimmed.starts_with(**marker))
        {
            Some(marker) if trimmed[3..].starts_with(|c: char| !c.is_whitespace() && c != '/') => {
                out.push_str(indent);
                out.push_str(marker);
                out.push(' ');
                out.push_str(&trimmed[3..]);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
        previous = Some(line);
    }
}

/// Whether `tokens` use the identifier `name` anywhere: imports are decided
/// from the code itself, so they can never be unused or missing.
pub fn mentions(tokens: &TokenStream, name: &str) -> bool {
    mentions_any(tokens, &[name])
}

/// Whether `tokens` use any of `names`, in one walk of the tokens (walking
/// a token stream copies each of its levels, so one walk per name would
/// cost that many copies).
pub fn mentions_any(tokens: &TokenStream, names: &[&str]) -> bool {
    !names.is_empty()
        && tokens.clone().into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Ident(ident) => names.iter().any(|name| ident == name),
            proc_macro2::TokenTree::Group(group) => mentions_any(&group.stream(), names),
            _ => false,
        })
}
