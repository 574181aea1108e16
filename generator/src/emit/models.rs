//! `src/models/`: one file per named type.

mod de;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::{doc_attrs, link_types, sanitize, LinkStyle};
use super::rust::{self, collect_named, field_type, ident, type_tokens, uses_map, Scope};
use super::validate::{self, constraint_notes};
use crate::ir::{
    Api, Enum, EnumRepr, EnumValue, Field, NamedType, OneOf, Presence, Primitive, Struct, TypeKind,
    TypeRef,
};

/// The tokens of one model file.
pub fn model_file(api: &Api, ty: &NamedType) -> TokenStream {
    let is_type = |name: &str| api.find_type(name).is_some();
    let docs = doc_attrs(&link_types(&type_docs(ty), is_type, &LinkStyle::Rustdoc));
    let deprecated = super::deprecation::attribute(
        ty.deprecated,
        ty.deprecation_note.as_deref(),
        ty.description.as_deref(),
    );
    let docs = quote!(#docs #deprecated);
    let name = ident(&ty.name);
    match &ty.kind {
        TypeKind::Struct(s) => struct_file(api, ty, s, docs),
        TypeKind::Enum(e) => enum_file(&name, e, docs),
        TypeKind::OneOf(o) => one_of_file(api, ty, o, docs),
        TypeKind::Map(value) => alias_file(&name, &TypeRef::Map(Box::new(value.clone())), docs),
        TypeKind::List(item) => alias_file(&name, &TypeRef::List(Box::new(item.clone())), docs),
        TypeKind::Alias(target) => alias_file(&name, target, docs),
        TypeKind::FreeForm => quote! {
            #docs
            pub type #name = serde_json::Value;
        },
    }
}

fn type_docs(ty: &NamedType) -> String {
    let mut text = match &ty.description {
        Some(description) => sanitize(description),
        None => format!(
            "The `{}` schema.",
            ty.pointer.rsplit('/').next().unwrap_or(&ty.name)
        ),
    };
    if matches!(ty.kind, TypeKind::FreeForm) {
        text.push_str("\n\nA free-form JSON object, set with `serde_json::json!({ .. })`: every key and value is kept. Validation rejects a value that is not an object.");
    }
    if ty.deprecated {
        text.push_str("\n\n");
        text.push_str(&super::deprecation::doc_line(
            ty.deprecation_note.as_deref(),
        ));
    }
    text
}

fn imports(types: &BTreeSet<&str>, own: &str) -> TokenStream {
    let names: Vec<_> = types
        .iter()
        .filter(|n| **n != own)
        .map(|n| ident(n))
        .collect();
    match names.as_slice() {
        [] => quote!(),
        [one] => quote!(use super::#one;),
        many => quote!(use super::{#(#many),*};),
    }
}

fn alias_file(name: &proc_macro2::Ident, target: &TypeRef, docs: TokenStream) -> TokenStream {
    let mut named = BTreeSet::new();
    collect_named(target, &mut named);
    let imports = imports(&named, &name.to_string());
    let map_import = uses_map(target).then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let target = type_tokens(target, Scope::Models);
    quote! {
        #map_import
        #imports
        #docs
        pub type #name = #target;
    }
}

fn struct_file(api: &Api, ty: &NamedType, s: &Struct, docs: TokenStream) -> TokenStream {
    let name = ident(&ty.name);
    let mut named = BTreeSet::new();
    for field in &s.fields {
        collect_named(&field.ty, &mut named);
    }
    let imports = imports(&named, &ty.name);
    let map_import = s.fields.iter().any(|f| uses_map(&f.ty)).then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let nullable_import = s
        .fields
        .iter()
        .any(|f| f.presence == Presence::OptionalNullable)
        .then(|| {
            quote!(
                use crate::Nullable;
            )
        });

    let fields = s.fields.iter().map(|f| {
        let docs = doc_attrs(&field_docs(f));
        let deprecated = field_deprecation(f);
        let field = ident(&f.rust_name);
        let ty = field_type(&f.ty, f.presence, f.boxed, Scope::Models);
        quote! { #docs #deprecated pub #field: #ty, }
    });

    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Required | Presence::Nullable))
        .collect();
    // Every field starts absent, so `new()` is the default value.
    let default = required.is_empty().then(|| quote!(Default,));
    let params = required.iter().map(|f| {
        let field = ident(&f.rust_name);
        let (ty, _) = setter_input(f);
        quote!(#field: #ty)
    });
    // With no required field the derived `Default` is the same value, and
    // says so in one line instead of a `None` per field.
    let new_body = if required.is_empty() {
        quote!(Self::default())
    } else {
        let inits = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            if matches!(f.presence, Presence::Required | Presence::Nullable) {
                let (_, value) = setter_input(f);
                // Shorthand where the value is the argument itself (clippy's
                // `redundant_field_names`).
                if field == value.to_string() {
                    quote!(#field)
                } else {
                    quote!(#field: #value)
                }
            } else {
                quote!(#field: None)
            }
        });
        quote!(Self { #(#inits),* })
    };
    let many_args = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let setters = s
        .fields
        .iter()
        .filter(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable))
        .map(|f| {
            let field = ident(&f.rust_name);
            let (ty, value) = setter_input(f);
            let doc = doc_attrs(&format!(
                "Sets `{}`.{}",
                f.wire_name,
                f.description
                    .as_deref()
                    .map(|d| format!("\n\n{}", sanitize(d)))
                    .unwrap_or_default()
            ));
            let deprecated = field_deprecation(f);
            quote! {
                #doc
                #deprecated
                pub fn #field(mut self, #field: #ty) -> Self {
                    self.#field = Some(#value);
                    self
                }
            }
        });
    let new_doc = doc_attrs(&format!(
        "Creates a `{}` from its required fields; optional fields start absent.",
        ty.name
    ));
    let validation = validate::struct_validation(api, s);
    let validation_imports = validate::imports(&validation);
    let body = validation.body;
    let loc = if validation.uses_loc {
        quote!(loc)
    } else {
        quote!(_loc)
    };
    let serde_impls = de::struct_serde(&name, s);
    // `format: password` fields are shown as `***`: `Debug` is written out.
    let redacts = s.fields.iter().any(|f| f.secret);
    let debug_derive = (!redacts).then(|| quote!(Debug,));
    let debug_impl = redacts.then(|| {
        let type_name = &ty.name;
        let entries = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let wire = &f.rust_name;
            if f.secret {
                quote!(.field(#wire, &"***"))
            } else {
                quote!(.field(#wire, &self.#field))
            }
        });
        quote! {
            /// Fields of `format: password` are shown as `***`.
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name)
                        #(#entries)*
                        .finish()
                }
            }
        }
    });
    // `validate`, `validate_at`, `as_str`, `known`, a union's `from_json` and the
    // runtime's enum conversions are `#[inline]`: like the operations that call
    // them, they are compiled in the crate that uses them, and only then,
    // rather than for each of an API's hundreds of types in this one.
    quote! {
        #map_import
        #nullable_import
        use crate::runtime::de;
        #validation_imports
        #imports

        #docs
        #[derive(Clone, #debug_derive #default PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl

        #serde_impls

        impl #name {
            #new_doc
            #many_args
            pub fn new(#(#params),*) -> Self {
                #new_body
            }

            #(#setters)*

            /// Checks every constraint the API description sets on this value
            /// and the values inside it; the client calls it before sending.
            #[inline]
            pub fn validate(&self) -> Result<(), ValidationError> {
                self.validate_at(&Loc::Root)
            }

            #[inline]
            pub(crate) fn validate_at(&self, #loc: &Loc<'_>) -> Result<(), ValidationError> {
                #body
                Ok(())
            }
        }
    }
}

/// `#[deprecated]` for a deprecated field and its setter.
fn field_deprecation(f: &Field) -> TokenStream {
    super::deprecation::attribute(
        f.deprecated,
        f.deprecation_note.as_deref(),
        f.description.as_deref(),
    )
}

/// The argument type a constructor or setter takes for a field, and the
/// expression that turns the argument (named like the field) into the
/// field's value.
fn setter_input(f: &Field) -> (TokenStream, TokenStream) {
    let field = ident(&f.rust_name);
    let inner = type_tokens(&f.ty, Scope::Models);
    let is_string = f.ty == TypeRef::Primitive(Primitive::String);
    let boxed = |value: TokenStream| {
        if f.boxed {
            quote!(Box::new(#value))
        } else {
            value
        }
    };
    match f.presence {
        Presence::Required if is_string => (quote!(impl Into<String>), quote!(#field.into())),
        Presence::Required => (inner, boxed(quote!(#field))),
        Presence::Optional if is_string => (quote!(impl Into<String>), quote!(#field.into())),
        Presence::Optional => (inner, boxed(quote!(#field))),
        Presence::Nullable if f.boxed => (quote!(Option<#inner>), quote!(#field.map(Box::new))),
        Presence::Nullable => (quote!(Option<#inner>), quote!(#field)),
        Presence::OptionalNullable if f.boxed => (
            quote!(impl Into<Nullable<Box<#inner>>>),
            quote!(#field.into()),
        ),
        Presence::OptionalNullable => (quote!(impl Into<Nullable<#inner>>), quote!(#field.into())),
    }
}

/// A field's rustdoc: the description, then its constraints and default.
pub fn field_docs(f: &Field) -> String {
    let mut parts = Vec::new();
    if let Some(description) = &f.description {
        parts.push(full_stop(sanitize(description)));
    }
    let mut notes = constraint_notes(&f.constraints);
    if let Some(default) = &f.default {
        notes.push(format!(
            "Default: `{default}` (applied by the server when the field is not sent)."
        ));
    }
    match f.presence {
        Presence::OptionalNullable => notes
            .push("May be absent (`None`, not sent) or `null` (`Some(Nullable::Null)`).".into()),
        Presence::Nullable => notes.push("May be `null` (`None`).".into()),
        Presence::Required | Presence::Optional => {}
    }
    if f.read_only {
        notes.push("Read-only: set by the server.".into());
    }
    if f.write_only {
        notes.push("Write-only: never returned by the server.".into());
    }
    if f.deprecated {
        notes.push(super::deprecation::doc_line(f.deprecation_note.as_deref()));
    }
    if !notes.is_empty() {
        parts.push(notes.join("\n"));
    }
    if parts.is_empty() {
        format!("The `{}` field.", f.wire_name)
    } else {
        parts.join("\n\n")
    }
}

/// `text` ending a sentence: a full stop is added after a word, a code span
/// or a closing bracket, so that notes joined after it (in a table cell)
/// start a new sentence.
fn full_stop(mut text: String) -> String {
    if text.ends_with(|c: char| c.is_alphanumeric() || matches!(c, '`' | ')' | '"' | '\'')) {
        text.push('.');
    }
    text
}

fn enum_file(name: &proc_macro2::Ident, e: &Enum, docs: TokenStream) -> TokenStream {
    let unknown = ident(&e.unknown_variant);
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = match &v.value {
            EnumValue::String(s) => format!("`{s}`"),
            EnumValue::Integer(i) => format!("`{i}`"),
        };
        quote!(#[doc = #doc] #variant,)
    });
    // Written as a `match` only when there is something to match.
    let known_body = |arms: Vec<TokenStream>| {
        if arms.is_empty() {
            quote!(let _ = value; None)
        } else {
            quote!(match value { #(#arms)* _ => None, })
        }
    };
    match e.repr {
        EnumRepr::String => {
            let arms_to = e.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let EnumValue::String(value) = &v.value else {
                    return quote!();
                };
                quote!(Self::#variant => #value,)
            });
            let arms_from = e.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let EnumValue::String(value) = &v.value else {
                    return quote!();
                };
                quote!(#value => Some(Self::#variant),)
            });
            let known_body = known_body(arms_from.collect());
            // `From<String>`, `From<&str>`, `Display` and serde come from
            // the runtime's `string_enum!`.
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value this version of the SDK does not know, kept as received.
                    #unknown(String),
                }

                impl #name {
                    /// The value as it is sent on the wire.
                    #[inline]
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#arms_to)*
                            Self::#unknown(value) => value,
                        }
                    }

                    /// The known variant sent as `value`, if any.
                    #[inline]
                    fn known(value: &str) -> Option<Self> {
                        #known_body
                    }
                }

                crate::runtime::de::string_enum!(#name, #unknown);
            }
        }
        EnumRepr::Integer => {
            let arms_to = e.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let EnumValue::Integer(value) = &v.value else {
                    return quote!();
                };
                quote!(Self::#variant => #value,)
            });
            let arms_from = e.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let EnumValue::Integer(value) = &v.value else {
                    return quote!();
                };
                quote!(#value => Some(Self::#variant),)
            });
            let known_body = known_body(arms_from.collect());
            // `From<i64>`, `Display` and serde come from the runtime's
            // `int_enum!`.
            quote! {
                #docs
                #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value this version of the SDK does not know, kept as received.
                    #unknown(i64),
                }

                impl #name {
                    /// The value as it is sent on the wire.
                    #[inline]
                    pub fn as_i64(self) -> i64 {
                        match self {
                            #(#arms_to)*
                            Self::#unknown(value) => value,
                        }
                    }

                    /// The known variant sent as `value`, if any.
                    #[inline]
                    fn known(value: i64) -> Option<Self> {
                        #known_body
                    }
                }

                crate::runtime::de::int_enum!(#name, #unknown);
            }
        }
    }
}

fn one_of_file(api: &Api, ty: &NamedType, o: &OneOf, docs: TokenStream) -> TokenStream {
    let name = ident(&ty.name);
    let unknown = ident(&o.unknown_variant);
    let mut named = BTreeSet::new();
    for v in &o.variants {
        collect_named(&v.ty, &mut named);
    }
    let imports = imports(&named, &ty.name);
    let map_import = o.variants.iter().any(|v| uses_map(&v.ty)).then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    let variants = o.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let inner = type_tokens(&v.ty, Scope::Models);
        let inner = if v.boxed { quote!(Box<#inner>) } else { inner };
        let doc = match &v.ty {
            TypeRef::Named(target) => format!("A [`{target}`]."),
            _ => "A value of this shape.".to_owned(),
        };
        quote!(#[doc = #doc] #variant(#inner),)
    });
    let validate_arms = o.variants.iter().filter_map(|v| match &v.ty {
        TypeRef::Named(target) if rust::has_validate(api, target) => {
            let variant = ident(&v.rust_name);
            Some(quote!(Self::#variant(value) => value.validate_at(loc),))
        }
        _ => None,
    });
    let validate_arms: Vec<_> = validate_arms.collect();
    let loc = if validate_arms.is_empty() {
        quote!(_loc)
    } else {
        quote!(loc)
    };
    let deserialize_impl = de::union_deserialize(&name, o, o.discriminator.as_deref());
    let untagged_doc = doc_attrs("A value that matches none of the alternatives known to this version of the SDK, kept as received.");
    let de_import = quote!(
        use serde::Serialize;

        use crate::runtime::de;
    );
    let validate_body = if validate_arms.is_empty() {
        quote!(Ok(()))
    } else {
        quote!(match self { #(#validate_arms)* _ => Ok(()) })
    };
    quote! {
        #map_import
        #de_import

        use crate::runtime::validate::Loc;
        use crate::ValidationError;
        #imports

        #docs
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #untagged_doc
            #unknown(serde_json::Value),
        }

        impl #name {
            /// Checks every constraint the API description sets on the value.
            #[inline]
            pub fn validate(&self) -> Result<(), ValidationError> {
                self.validate_at(&Loc::Root)
            }

            #[inline]
            pub(crate) fn validate_at(&self, #loc: &Loc<'_>) -> Result<(), ValidationError> {
                #validate_body
            }
        }

        #deserialize_impl
    }
}
