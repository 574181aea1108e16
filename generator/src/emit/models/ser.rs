//! The `Serialize` impls of structs, emitted rather than derived: one call
//! per field (optional ones through the runtime's `ser::optional`, which
//! leaves absent values out), without the derive's per-field length
//! arithmetic and `skip_serializing_if` branches. Output is the same JSON.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::super::rust::ident;
use crate::ir::{Presence, Struct};

/// `Serialize` for a struct: every field under its wire name, absent
/// optional ones left out, `null` sent for `None` in required nullable
/// fields and for `Some(Nullable::Null)`.
pub fn struct_serialize(name: &Ident, s: &Struct) -> TokenStream {
    let type_name = name.to_string();
    let len = proc_macro2::Literal::usize_unsuffixed(s.fields.len());
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        match f.presence {
            Presence::Required | Presence::Nullable => {
                quote!(out.serialize_field(#wire, &self.#field)?;)
            }
            Presence::Optional | Presence::OptionalNullable => {
                quote!(ser::optional(&mut out, #wire, &self.#field)?;)
            }
        }
    });
    // The length is an upper bound: JSON only tells zero from non-zero.
    let out = if s.fields.is_empty() {
        quote!(out)
    } else {
        quote!(mut out)
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                use serde::ser::SerializeStruct as _;
                let #out = serializer.serialize_struct(#type_name, #len)?;
                #(#fields)*
                out.end()
            }
        }
    }
}
