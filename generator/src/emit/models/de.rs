//! The serde impls of models, written against the runtime's `de` module
//! instead of `#[derive(Serialize, Deserialize)]`: serde's derive expands to
//! about 340 lines per struct (a field-identifier visitor, a sequence form
//! JSON never uses, a wrapper type per `deserialize_with`), which made most
//! of the generated crate's compile time. A struct's impls come from the
//! runtime's `struct_serde!` (a list of its fields' slots to decode into,
//! and of its fields' values to encode); the loops over them, key lookup,
//! duplicate and missing fields and skipping unknown keys are shared
//! runtime functions. Unions buffer the value once
//! and pick their alternative in a non-generic function.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use std::fmt::Write as _;

use super::super::rust::{field_type, ident, preformatted, Scope};
use crate::ir::{OneOf, Presence, Struct};

/// `Serialize` and `Deserialize` for a struct: one invocation of the
/// runtime's `struct_serde!` listing the fields (see its doc comment for
/// the syntax and the behaviour of each presence). The macro holds the
/// field loop and the serialize body, and the invocation is written as
/// text (see [`preformatted`]): `syn` and prettyplease never see it, and
/// prettyplease would print its field list as one run-on paragraph. This
/// took emission of Clerk's whole spec from about 65 ms to 41 ms.
pub fn struct_serde(name: &Ident, s: &Struct) -> TokenStream {
    let mut text = format!("de::struct_serde! {{\n    {name} {{");
    if !s.fields.is_empty() {
        text.push('\n');
    }
    for f in &s.fields {
        // Types are paths with generic arguments only, so the token text
        // without spaces, commas spaced, is how rustfmt would print them.
        let ty = field_type(&f.ty, f.presence, f.boxed, Scope::Models)
            .to_string()
            .replace(' ', "")
            .replace(',', ", ");
        let presence = match f.presence {
            Presence::Required => "required",
            Presence::Optional => "optional",
            Presence::Nullable => "nullable",
            Presence::OptionalNullable => "optional_nullable",
        };
        let wire = proc_macro2::Literal::string(&f.wire_name);
        let field = &f.rust_name;
        // Writing to a `String` cannot fail.
        let _ = writeln!(text, "        {field}: {ty} = {wire} => {presence},");
    }
    if !s.fields.is_empty() {
        text.push_str("    ");
    }
    text.push_str("}\n}\n");
    preformatted(text)
}

/// `Deserialize` for a union: the value is buffered as JSON once, then a
/// non-generic `from_json` picks the alternative: by discriminator when the
/// schema has one (a known tag must decode as its alternative), else the
/// first alternative that decodes; a value none accepts is kept as is. A
/// discriminator no alternative has a tag for (inline alternatives, no
/// `mapping`) picks nothing, so then the alternatives are tried.
pub fn union_deserialize(name: &Ident, o: &OneOf, discriminator: Option<&str>) -> TokenStream {
    let unknown = ident(&o.unknown_variant);
    let discriminator = discriminator.filter(|_| o.variants.iter().any(|v| !v.tags.is_empty()));
    let body = match discriminator {
        Some(property) => {
            let arms = o.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
                let variant = ident(&v.rust_name);
                let tags = &v.tags;
                quote!(Some(#(#tags)|*) => de::tagged(&value).map(Self::#variant),)
            });
            quote! {
                let tag = value.get(#property).and_then(serde_json::Value::as_str);
                match tag {
                    #(#arms)*
                    _ => Ok(Self::#unknown(value)),
                }
            }
        }
        None => {
            let tries = o.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                quote! {
                    if let Some(decoded) = de::alternative(&value) {
                        return Ok(Self::#variant(decoded));
                    }
                }
            });
            quote! {
                #(#tries)*
                Ok(Self::#unknown(value))
            }
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                de::decode_union(deserializer, Self::from_json)
            }
        }

        impl #name {
            /// Picks the alternative `value` decodes as.
            #[inline]
            fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                #body
            }
        }
    }
}
