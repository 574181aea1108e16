//! The `Deserialize` impls of models, written against the runtime's `de`
//! module instead of `#[derive(Deserialize)]`: serde's derive expands to
//! about 340 lines per struct (a field-identifier visitor, a sequence form
//! JSON never uses, a wrapper type per `deserialize_with`), which made most
//! of the generated crate's compile time. Here a struct's impl is its field
//! loop only; key lookup, duplicate and missing fields and skipping unknown
//! keys are shared runtime functions. Unions buffer the value once and pick
//! their alternative in a non-generic function.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::super::rust::{field_type, ident, Scope};
use crate::ir::{OneOf, Presence, Struct};

/// `Deserialize` for a struct: absent optional fields are `None`, absent
/// required ones an error (except nullable ones, `None` as serde does),
/// unknown keys skipped, a repeated key an error.
pub fn struct_deserialize(name: &Ident, s: &Struct) -> TokenStream {
    let wire_names = s.fields.iter().map(|f| f.wire_name.as_str());
    // Slots are named by position: field names may collide with the loop's
    // own names or not be snake case once prefixed.
    let slot = |index: usize| format_ident!("field{}", index);
    let fields = || s.fields.iter().enumerate();
    let slots = fields().map(|(index, f)| {
        let slot = slot(index);
        let ty = field_type(&f.ty, f.presence, f.boxed, Scope::Models);
        match f.presence {
            Presence::OptionalNullable => quote!(let mut #slot: #ty = None;),
            _ => quote!(let mut #slot: Option<#ty> = None;),
        }
    });
    let arms = fields().map(|(index, f)| {
        let slot = slot(index);
        let wire = &f.wire_name;
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(Some(#index) => de::field(&mut map, &mut #slot, #wire),)
    });
    let inits = fields().map(|(index, f)| {
        let field = ident(&f.rust_name);
        let slot = slot(index);
        match f.presence {
            Presence::Required | Presence::OptionalNullable => quote!(#field: #slot,),
            Presence::Optional | Presence::Nullable => quote!(#field: #slot.flatten(),),
        }
    });
    // Required fields: checked once the map is read.
    let checks = fields()
        .filter(|(_, f)| f.presence == Presence::Required)
        .map(|(index, f)| {
            let slot = slot(index);
            let wire = &f.wire_name;
            quote! {
                let Some(#slot) = #slot else {
                    return Err(de::missing(&map, #wire));
                };
            }
        });
    let type_name = name.to_string();
    let body = if s.fields.is_empty() {
        quote! {
            while de::next_field(&mut map, Self::FIELDS)?.is_some() {
                de::skip(&mut map)?;
            }
            Ok(Self {})
        }
    } else {
        quote! {
            #(#slots)*
            // One `?` per key rather than one per field: less code to
            // compile for every struct.
            while let Some(key) = de::next_field(&mut map, Self::FIELDS)? {
                let read = match key {
                    #(#arms)*
                    _ => de::skip(&mut map),
                };
                read?;
            }
            #(#checks)*
            Ok(Self { #(#inits)* })
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                de::decode_struct(deserializer)
            }
        }

        impl<'de> de::Fields<'de> for #name {
            const NAME: &'static str = #type_name;
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];

            fn visit<__A: serde::de::MapAccess<'de>>(mut map: __A) -> Result<Self, __A::Error> {
                #body
            }
        }
    }
}

/// `Deserialize` for a union: the value is buffered as JSON once, then a
/// non-generic `from_json` picks the alternative: by discriminator when the
/// schema has one (a known tag must decode as its alternative), else the
/// first alternative that decodes; a value none accepts is kept as is.
pub fn union_deserialize(name: &Ident, o: &OneOf, discriminator: Option<&str>) -> TokenStream {
    let unknown = ident(&o.unknown_variant);
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
            fn from_json(value: serde_json::Value) -> Result<Self, serde_json::Error> {
                #body
            }
        }
    }
}
