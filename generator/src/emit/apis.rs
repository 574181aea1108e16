//! `src/apis/`: one file per operation group: the group type with one method
//! per operation, and per operation a type holding its inputs that prepares
//! the request and decodes the response.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

mod decode;
pub(crate) use decode::{error_arms, is_success};
mod prepare;
pub(crate) use prepare::secret_holders;

use super::doc::{doc_attrs, sanitize};
use super::rust::{ident, mentions, type_tokens, Scope};
use super::validate;
use crate::ir::{Api, BodyEncoding, Operation, OperationGroup, ParamLocation, Primitive, TypeRef};

/// The tokens of `src/apis/<group>.rs`.
/// `secret_holders` are the types that can hold a secret field
/// ([`prepare::secret_holders`]).
pub fn group_file(
    api: &Api,
    group: &OperationGroup,
    secret_holders: &BTreeSet<String>,
) -> TokenStream {
    let group_type = ident(&group.type_name);
    let docs = doc_attrs(&group_docs(group));
    let methods = group
        .operations
        .iter()
        .map(|op| group_method(api, &group.module, op));
    let methods = quote!(#(#methods)*);
    let operations = group
        .operations
        .iter()
        .map(|op| operation_items(api, group, op, secret_holders));
    let operations = quote!(#(#operations)*);
    let code = quote!(#methods #operations);
    let models_import = mentions(&code, "models").then(|| {
        quote!(
            use crate::models;
        )
    });
    let map_import = mentions(&code, "BTreeMap").then(|| {
        quote!(
            use std::collections::BTreeMap;
        )
    });
    // `params` serialises parameters and non-JSON bodies.
    let uses_params = group.operations.iter().any(|op| {
        !op.parameters.is_empty()
            || op
                .body
                .as_ref()
                .is_some_and(|b| b.encoding != BodyEncoding::Json)
    });
    let params_import = uses_params.then(|| quote!(params,));
    // A group whose operations all only stream has no `Operation` impl.
    let answers_json = group.operations.iter().any(|op| !op.stream_only());
    let operation_import = answers_json.then(|| quote!(Operation,));
    let runtime_imports = quote!(
        use crate::runtime::{#params_import ClientCore, #operation_import Prepared, Sealed};
    );
    let stream_imports = group.operations.iter().any(|op| op.stream.is_some()).then(|| {
        let module = super::stream::sets_body_flags(api, &group.operations).then(|| quote!(self,));
        quote!(
            use crate::runtime::stream::{#module Framing, ItemForm, StreamFormat, StreamOperation, StreamRequest};
        )
    });
    let uses_error_body = group
        .operations
        .iter()
        .any(|op| decode::error_arms(api, op).1);
    let pagination_import = super::pagination::imports(group);
    let error_body_import = uses_error_body.then(|| {
        quote!(
            use crate::ErrorBody;
        )
    });
    quote! {
        #map_import
        use std::sync::Arc;

        use reqwest::Method;

        #models_import
        #runtime_imports
        #pagination_import
        #stream_imports
        use crate::{Error, Request, Response};
        #error_body_import

        #docs
        #[derive(Clone, Debug)]
        pub struct #group_type {
            core: Arc<ClientCore>,
        }

        impl #group_type {
            pub(crate) fn new(core: Arc<ClientCore>) -> Self {
                Self { core }
            }

            #methods
        }

        #operations
    }
}

/// The `Output` type of `op`'s operation type.
pub(crate) fn output_type(api: &Api, op: &Operation) -> TokenStream {
    decode::decode(api, op).0
}

fn group_docs(group: &OperationGroup) -> String {
    let mut text = format!("Operations of the `{}` group.", group.name);
    if let Some(description) = &group.description {
        text.push_str("\n\n");
        text.push_str(&sanitize(description));
    }
    text
}

/// `#[deprecated]` for a deprecated operation's method (async and blocking).
pub fn operation_deprecation(op: &Operation) -> TokenStream {
    super::deprecation::attribute(
        op.deprecated,
        op.deprecation_note.as_deref(),
        op.description.as_deref(),
    )
}

/// Operation docs: summary, description, and how the call is made.
pub fn operation_docs(op: &Operation) -> String {
    let mut parts = Vec::new();
    if let Some(summary) = &op.summary {
        parts.push(sanitize(summary));
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref() != Some(description.as_str()) {
            parts.push(sanitize(description));
        }
    }
    parts.push(format!(
        "`{} {}` (operation `{}`).",
        op.http_method.as_str(),
        op.path,
        op.id
    ));
    if op.deprecated {
        parts.push(super::deprecation::doc_line(op.deprecation_note.as_deref()));
    }
    parts.join("\n\n")
}

/// A method's docs: the operation's, then what sending it gives and which
/// optional inputs its request takes, for the async client or the
/// `blocking` one.
pub fn method_docs(api: &Api, op: &Operation, blocking: bool) -> String {
    let output = output_type(api, op)
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace(" <", "<")
        .replace(" >", ">")
        .replace(" ,", ",");
    let link = |name: &str| format!("[`{name}`](crate::models::{name})");
    let models: Vec<&str> = output
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter_map(|token| token.strip_prefix("models::"))
        .collect();
    let gives = match models.as_slice() {
        [name] if output == format!("models::{name}") => link(name),
        _ if output == "()" => "`()` (the response has no body)".to_owned(),
        [] => format!("`{output}`"),
        names => format!(
            "`{output}` (see {})",
            names.iter().map(|n| link(n)).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut text = operation_docs(op);
    let sending = if blocking {
        "Sending the request ([`send`](crate::blocking::Request::send))"
    } else {
        "Awaiting the request (or its [`send`](crate::Request::send) future)"
    };
    text.push_str(&format!("\n\n{sending} gives {gives}, or an [`Error`]."));
    if let Some(note) = super::pagination::method_note(op, blocking) {
        text.push_str(&note);
    }
    let optional: Vec<String> = op
        .parameters
        .iter()
        .filter(|p| !p.required)
        .map(|p| format!("`.{}(..)`", p.rust_name))
        .chain(
            op.body
                .iter()
                .filter(|b| !b.required)
                .map(|_| "`.body(..)`".to_owned()),
        )
        .collect();
    if !optional.is_empty() {
        text.push_str(&format!(
            " Optional inputs, set on the request before sending: {}.",
            optional.join(", ")
        ));
    }
    text
}

/// Required inputs are arguments, in order: path, query, header, cookie
/// parameters, then the body.
fn group_method(api: &Api, group: &str, op: &Operation) -> TokenStream {
    let docs = doc_attrs(&method_docs(api, op, false));
    let deprecated = operation_deprecation(op);
    let docs = quote!(#docs #deprecated);
    let method = ident(&op.method_name);
    let op_type = ident(&op.type_name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &op.parameters {
        let name = ident(&p.rust_name);
        if p.required {
            let (ty, value) = input(&p.ty, &name);
            args.push(quote!(#name: #ty));
            // Shorthand when the argument is stored as is.
            inits.push(if name == value.to_string() {
                quote!(#name)
            } else {
                quote!(#name: #value)
            });
        } else {
            inits.push(quote!(#name: None));
        }
    }
    if let Some(body) = &op.body {
        let ty = body_type(&body.ty, body.encoding);
        if body.required {
            args.push(quote!(body: #ty));
            inits.push(quote!(body));
        } else {
            inits.push(quote!(body: None));
        }
    }
    let stream = super::stream::method_docs(api, group, op, false)
        .and_then(|text| super::stream::async_method(op, &text, &args, &inits));
    if op.stream_only() {
        return stream.unwrap_or_default();
    }
    quote! {
        #docs
        pub fn #method(&self, #(#args),*) -> Request<#op_type> {
            Request::new(Arc::clone(&self.core), #op_type { #(#inits),* })
        }

        #stream
    }
}

/// An argument type and the expression that stores it.
fn input(ty: &TypeRef, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
    if *ty == TypeRef::Primitive(Primitive::String) {
        (quote!(impl Into<String>), quote!(#name.into()))
    } else {
        (type_tokens(ty, Scope::Outside), quote!(#name))
    }
}

fn body_type(ty: &TypeRef, encoding: BodyEncoding) -> TokenStream {
    match encoding {
        BodyEncoding::Binary => quote!(bytes::Bytes),
        BodyEncoding::Text => quote!(String),
        _ => type_tokens(ty, Scope::Outside),
    }
}

fn operation_items(
    api: &Api,
    group: &OperationGroup,
    op: &Operation,
    secret_holders: &BTreeSet<String>,
) -> TokenStream {
    let op_type = ident(&op.type_name);
    let docs = doc_attrs(&format!(
        "The inputs of [`{}::{}`]; awaiting the [`Request`] sends it.",
        group.type_name, op.method_name
    ));
    let mut fields = Vec::new();
    for p in &op.parameters {
        let name = ident(&p.rust_name);
        let ty = type_tokens(&p.ty, Scope::Outside);
        if p.required {
            fields.push(quote!(pub(crate) #name: #ty,));
        } else {
            fields.push(quote!(pub(crate) #name: Option<#ty>,));
        }
    }
    if let Some(body) = &op.body {
        let ty = body_type(&body.ty, body.encoding);
        if body.required {
            fields.push(quote!(pub(crate) body: #ty,));
        } else {
            fields.push(quote!(pub(crate) body: Option<#ty>,));
        }
    }
    let setters = optional_setters(op);
    let stream_only = op.stream_only();
    let setters_impl = (!setters.is_empty()).then(|| {
        let json = (!stream_only).then(|| {
            quote! {
                impl Request<#op_type> {
                    #(#setters)*
                }
            }
        });
        let stream = op.stream.is_some().then(|| {
            quote! {
                impl StreamRequest<#op_type> {
                    #(#setters)*
                }
            }
        });
        quote!(#json #stream)
    });
    let (output, decode_body) = decode::decode(api, op);
    let (prepare_body, validates) = prepare::prepare(api, op, secret_holders);
    let validate = if validates {
        quote!(validate)
    } else {
        quote!(_validate)
    };
    let op_id = &op.id;
    let paginated = super::pagination::paginated_impl(op);
    let (stream_impls, prepare_body) =
        match super::stream::operation_impls(api, op, &prepare_body, validates) {
            Some((impls, json_prepare)) => (Some(impls), json_prepare),
            None => (None, prepare_body),
        };
    let validate = if op.stream.is_some() {
        quote!(validate)
    } else {
        validate
    };
    let operation_impl = (!stream_only).then(|| {
        quote! {
        impl Operation for #op_type {
            const OPERATION_ID: &'static str = #op_id;
            type Output = #output;

            #[inline]
            fn prepare(&self, #validate: bool) -> Result<Prepared, Error> {
                #prepare_body
            }

            #[inline]
            fn decode(response: Response) -> Result<Self::Output, Error> {
                #decode_body
            }
        }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct #op_type {
            #(#fields)*
        }

        #setters_impl

        impl Sealed for #op_type {}

        #operation_impl
        #stream_impls
        #paginated
    }
}

/// Setters for the optional inputs of `op`, for any request type with an
/// `operation_mut()` (the async one and the blocking one).
pub fn optional_setters(op: &Operation) -> Vec<TokenStream> {
    let mut setters = Vec::new();
    for p in op.parameters.iter().filter(|p| !p.required) {
        let name = ident(&p.rust_name);
        let (arg, value) = input(&p.ty, &name);
        let mut text = format!(
            "Sets the `{}` {} parameter.",
            p.wire_name,
            location_word(p.location)
        );
        if let Some(description) = &p.description {
            text.push_str("\n\n");
            text.push_str(&sanitize(description));
        }
        let notes = validate::constraint_notes(&p.constraints);
        if !notes.is_empty() {
            text.push_str("\n\n");
            text.push_str(&notes.join("\n"));
        }
        let doc = doc_attrs(&text);
        let deprecated = super::deprecation::attribute(
            p.deprecated,
            p.deprecation_note.as_deref(),
            p.description.as_deref(),
        );
        setters.push(quote! {
            #doc
            #deprecated
            pub fn #name(mut self, #name: #arg) -> Self {
                self.operation_mut().#name = Some(#value);
                self
            }
        });
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        let ty = body_type(&body.ty, body.encoding);
        setters.push(quote! {
            /// Sets the request body; without it, none is sent.
            pub fn body(mut self, body: #ty) -> Self {
                self.operation_mut().body = Some(body);
                self
            }
        });
    }
    setters
}

/// The group method's arguments (`name: Type`) and their names, for the
/// blocking client's forwarding methods.
pub fn method_arguments(op: &Operation) -> (Vec<TokenStream>, Vec<proc_macro2::Ident>) {
    let mut args = Vec::new();
    let mut names = Vec::new();
    for p in op.parameters.iter().filter(|p| p.required) {
        let name = ident(&p.rust_name);
        let (ty, _) = input(&p.ty, &name);
        args.push(quote!(#name: #ty));
        names.push(name);
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let ty = body_type(&body.ty, body.encoding);
        args.push(quote!(body: #ty));
        names.push(ident("body"));
    }
    (args, names)
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}
