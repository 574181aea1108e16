//! `#[deprecated]` on what the document deprecates, so that users see it
//! where they use it, and `#![allow(deprecated)]` on the generated files
//! that must still use it themselves (a struct's own `new()`, serde and
//! validation code, the blocking client's forwarding methods, every file
//! that names a deprecated type), and only there.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::mentions_any;
use super::Context;
use crate::ir::{Api, TypeKind};

/// The note of a deprecated item: the document's deprecation note, else
/// the description's sentence that speaks of the deprecation (the one the
/// change report quotes), else a plain "Deprecated by the API.".
pub fn note(note: Option<&str>, description: Option<&str>) -> String {
    crate::prose::deprecation_note(note, description)
        .unwrap_or_else(|| "Deprecated by the API.".to_owned())
}

/// The line a deprecated item's docs end with.
pub fn doc_line(note: Option<&str>) -> String {
    match note {
        Some(note) => format!("Deprecated: {}", note.trim()),
        None => "Deprecated.".to_owned(),
    }
}

/// `#[deprecated(note = ...)]` when `deprecated`.
pub fn attribute(
    deprecated: bool,
    note_text: Option<&str>,
    description: Option<&str>,
) -> TokenStream {
    if !deprecated {
        return TokenStream::new();
    }
    let note = note(note_text, description);
    quote!(#[deprecated(note = #note)])
}

/// The types whose use means using something deprecated: deprecated
/// types, and structs with a deprecated field (their own code and the
/// code that reads their fields use it).
pub(super) fn owners(api: &Api) -> Vec<&str> {
    api.types
        .iter()
        .filter(|t| {
            t.deprecated
                || matches!(&t.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.deprecated))
        })
        .map(|t| t.name.as_str())
        .collect()
}

/// `tokens`, the file at `path`, with `#![allow(deprecated)]` first when
/// it uses something the document deprecates.
pub fn allow_where_used(cx: &Context<'_>, path: &str, tokens: TokenStream) -> TokenStream {
    let forwards_deprecated = path == "src/blocking.rs"
        && cx
            .api
            .groups
            .iter()
            .flat_map(|g| &g.operations)
            .any(|o| o.deprecated);
    let uses = forwards_deprecated || mentions_any(&tokens, &cx.deprecated_owners);
    if uses {
        quote! {
            // The document deprecates items this file must still use.
            #![allow(deprecated)]
            #tokens
        }
    } else {
        tokens
    }
}
