//! `error_body.rs`: the `ErrorBody` enum, one variant per error schema,
//! with one accessor (`as_<schema>`) and one decoding function
//! (`decode_<schema>`) per variant.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::ident;
use super::Context;
use crate::ir::TypeRef;

/// The name of `ErrorBody`'s function decoding the error schema `name`.
pub fn error_decoder(api: &crate::ir::Api, name: &str) -> proc_macro2::Ident {
    quote::format_ident!("decode_{}", module_of(api, name))
}

/// The name of `ErrorBody`'s accessor of the error schema `name`.
pub fn accessor(api: &crate::ir::Api, name: &str) -> proc_macro2::Ident {
    quote::format_ident!("as_{}", module_of(api, name))
}

/// The module of type `name`, without `r#`.
fn module_of<'a>(api: &'a crate::ir::Api, name: &'a str) -> &'a str {
    api.find_type(name)
        .map_or(name, |named| named.module.as_str())
        .trim_start_matches("r#")
}

pub fn error_body_rs(cx: &Context<'_>) -> TokenStream {
    // Large bodies are boxed, so that the enum stays small.
    let mut sizes = crate::sizes::Sizes::new(&cx.api.types);
    let boxed: Vec<bool> = cx
        .api
        .error_types
        .iter()
        .map(|name| sizes.of(&TypeRef::Named(name.clone())) > crate::sizes::LARGE)
        .collect();
    let variants = cx.api.error_types.iter().zip(&boxed).map(|(name, boxed)| {
        let variant = ident(name);
        let doc = format!("A [`{name}`] body.");
        if *boxed {
            quote!(#[doc = #doc] #variant(Box<#variant>),)
        } else {
            quote!(#[doc = #doc] #variant(#variant),)
        }
    });
    let display_arms = cx.api.error_types.iter().map(|name| {
        let variant = ident(name);
        quote!(Self::#variant(body) => write_json(f, body),)
    });
    // One non-generic decoding function per error schema, shared by every
    // operation that documents it.
    let decoders = cx.api.error_types.iter().zip(&boxed).map(|(name, boxed)| {
        let variant = ident(name);
        let function = error_decoder(cx.api, name);
        let doc = format!("Decodes a [`{name}`] body.");
        let wrap = if *boxed {
            quote!(|body| Self::#variant(Box::new(body)))
        } else {
            quote!(Self::#variant)
        };
        let gate = super::cfg::for_groups(cx, &super::frame::groups_decoding(cx.api, name));
        quote! {
            #[doc = #doc]
            #gate
            pub(crate) fn #function(body: &[u8]) -> serde_json::Result<Self> {
                serde_json::from_slice(body).map(#wrap)
            }
        }
    });
    // One accessor per error schema, so that a caller reaches the body in
    // one step: `error.api_body().and_then(ErrorBody::as_x)`.
    let several = cx.api.error_types.len() > 1;
    let accessors = cx.api.error_types.iter().zip(&boxed).map(|(name, boxed)| {
        let variant = ident(name);
        let function = accessor(cx.api, name);
        let doc = format!("The [`{name}`] body, if the response held one.");
        let other = several.then(|| quote!(_ => None,));
        let body = if *boxed {
            quote!(&**body)
        } else {
            quote!(body)
        };
        quote! {
            #[doc = #doc]
            pub fn #function(&self) -> Option<&#variant> {
                match self {
                    Self::#variant(body) => Some(#body),
                    #other
                }
            }
        }
    });
    let decoders = (!cx.api.error_types.is_empty())
        .then(|| quote!(impl ErrorBody { #(#accessors)* #(#decoders)* }));
    let imports = cx.api.error_types.iter().map(|name| ident(name));
    let has_any = !cx.api.error_types.is_empty();
    let helper = has_any.then(|| {
        quote! {
            /// Compact JSON: the server's own words, messages and trace ids included.
            fn write_json(f: &mut fmt::Formatter<'_>, body: &impl serde::Serialize) -> fmt::Result {
                match serde_json::to_string(body) {
                    Ok(text) => f.write_str(&text),
                    Err(_) => f.write_str("(body not representable as JSON)"),
                }
            }
        }
    });
    let display_body = if has_any {
        quote!(match self { #(#display_arms)* })
    } else {
        quote!(match *self {})
    };
    let models_import = has_any.then(|| quote!(use crate::models::{#(#imports),*};));
    // With no variants, `match *self {}` never reads the formatter.
    let formatter = if has_any { quote!(f) } else { quote!(_f) };
    quote! {
        use std::fmt;

        #models_import

        /// The decoded body of an error response the API description documents,
        /// one variant per error schema. It is found in [`crate::ApiError`].
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum ErrorBody {
            #(#variants)*
        }

        impl fmt::Display for ErrorBody {
            fn fmt(&self, #formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                #display_body
            }
        }

        #decoders

        #helper
    }
}
