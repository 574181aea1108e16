//! `src/apis/`: one file per operation group: the group type with one method
//! per operation, and per operation a type holding its inputs that prepares
//! the request and decodes the response.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc::{doc_attrs, sanitize};
use super::retry::retry_config;
use super::rust::{count, ident, mentions, type_tokens, Scope};
use super::validate::{self, parameter_validation};
use crate::ir::{
    Api, BodyEncoding, NamedType, Operation, OperationGroup, ParamLocation, Presence, Primitive,
    StatusMatch, TypeKind, TypeRef,
};

/// The tokens of `src/apis/<group>.rs`.
pub fn group_file(api: &Api, group: &OperationGroup) -> TokenStream {
    let group_type = ident(&group.type_name);
    let docs = doc_attrs(&group_docs(group));
    let methods = group.operations.iter().map(group_method);
    let methods = quote!(#(#methods)*);
    let operations = group
        .operations
        .iter()
        .map(|op| operation_items(api, group, op));
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
    let runtime_imports = if uses_params {
        quote!(
            use crate::runtime::{params, ClientCore, Operation, Prepared};
        )
    } else {
        quote!(
            use crate::runtime::{ClientCore, Operation, Prepared};
        )
    };
    let uses_error_body = group.operations.iter().any(|op| error_arms(api, op).1);
    let error_body_import = uses_error_body.then(|| {
        quote!(
            use crate::ErrorBody;
        )
    });
    quote! {
        #map_import
        use reqwest::Method;

        #models_import
        #runtime_imports
        use crate::{Error, Request, Response};
        #error_body_import

        #docs
        #[derive(Clone, Copy, Debug)]
        pub struct #group_type<'c> {
            core: &'c ClientCore,
        }

        impl<'c> #group_type<'c> {
            pub(crate) fn new(core: &'c ClientCore) -> Self {
                Self { core }
            }

            #methods
        }

        #operations
    }
}

fn group_docs(group: &OperationGroup) -> String {
    let mut text = format!("Operations of the `{}` group.", group.name);
    if let Some(description) = &group.description {
        text.push_str("\n\n");
        text.push_str(&sanitize(description));
    }
    text
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
        parts.push("Deprecated by the API.".into());
    }
    parts.join("\n\n")
}

/// Required inputs are arguments, in order: path, query, header, cookie
/// parameters, then the body.
fn group_method(op: &Operation) -> TokenStream {
    let docs = doc_attrs(&operation_docs(op));
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
    quote! {
        #docs
        pub fn #method(&self, #(#args),*) -> Request<'c, #op_type> {
            Request::new(self.core, #op_type { #(#inits),* })
        }
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

/// Statements writing a `multipart/form-data` body from `body`: a part per
/// field of a struct, file parts for its `File`s; the JSON form's fields
/// as text parts for any other type.
fn multipart_parts(api: &Api, ty: &TypeRef) -> TokenStream {
    let fields = match ty {
        TypeRef::Primitive(Primitive::Binary) => {
            return quote! {
                let mut form = params::Multipart::new();
                form.file("file", body);
                form.finish(&mut prepared);
            };
        }
        TypeRef::Named(name) => api
            .types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .and_then(|index| match &api.types[index].kind {
                TypeKind::Struct(s) => Some(&s.fields),
                _ => None,
            }),
        _ => None,
    };
    let Some(fields) = fields else {
        return quote!(params::multipart_body(&mut prepared, body)?;);
    };
    let binary = TypeRef::Primitive(Primitive::Binary);
    let parts = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let add = match &f.ty {
            ty if *ty == binary => quote!(form.file(#wire, value);),
            TypeRef::List(item) if **item == binary => {
                quote!(for value in value { form.file(#wire, value); })
            }
            TypeRef::List(_) => quote!(for value in value { form.text(#wire, value); }),
            _ => quote!(form.text(#wire, value);),
        };
        match f.presence {
            Presence::Required => quote!({ let value = &body.#field; #add }),
            Presence::Optional | Presence::Nullable => {
                quote!(if let Some(value) = &body.#field { #add })
            }
            Presence::OptionalNullable => {
                quote!(if let Some(crate::Nullable::Value(value)) = &body.#field { #add })
            }
        }
    });
    quote! {
        let mut form = params::Multipart::new();
        #(#parts)*
        form.finish(&mut prepared);
    }
}

fn body_type(ty: &TypeRef, encoding: BodyEncoding) -> TokenStream {
    match encoding {
        BodyEncoding::Binary => quote!(bytes::Bytes),
        BodyEncoding::Text => quote!(String),
        _ => type_tokens(ty, Scope::Outside),
    }
}

fn operation_items(api: &Api, group: &OperationGroup, op: &Operation) -> TokenStream {
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
    let setters_impl = (!setters.is_empty()).then(|| {
        quote! {
            impl Request<'_, #op_type> {
                #(#setters)*
            }
        }
    });
    let (output, decode_body) = decode(api, op);
    let prepare_body = prepare(api, op);
    let op_id = &op.id;
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct #op_type {
            #(#fields)*
        }

        #setters_impl

        impl Operation for #op_type {
            const OPERATION_ID: &'static str = #op_id;
            type Output = #output;

            fn prepare(self) -> Result<Prepared, Error> {
                #prepare_body
            }

            fn decode(response: Response) -> Result<Self::Output, Error> {
                #decode_body
            }
        }
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
        setters.push(quote! {
            #doc
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

/// The body of `Operation::prepare`: validate, then build the request.
fn prepare(api: &Api, op: &Operation) -> TokenStream {
    let accept = op
        .responses
        .iter()
        .filter(|r| is_success(r.status))
        .find_map(|r| r.body.as_ref())
        .map(|body| {
            let media_type = &body.content_type;
            quote!(prepared.accept(#media_type);)
        });
    let method = format_ident!("{}", op.http_method.as_str());
    let validation = parameter_validation(api, &op.parameters);
    let patterns = &validation.patterns;
    let regex_imports = (!patterns.is_empty()).then(|| {
        quote!(
            use std::sync::LazyLock;
            use regex::Regex;
        )
    });
    let loc_import = validation.runtime_import();
    let param_checks = validation.body;
    let body_check = op.body.as_ref().and_then(|body| match &body.ty {
        TypeRef::Named(name) if super::rust::has_validate(api, name) => Some(if body.required {
            quote!(self.body.validate()?;)
        } else {
            quote!(if let Some(body) = &self.body {
                body.validate()?;
            })
        }),
        _ => None,
    });
    let path = path_expression(op, &method);
    let mut statements = Vec::new();
    for p in &op.parameters {
        let name = ident(&p.rust_name);
        let wire = &p.wire_name;
        let explode = p.explode;
        let add = match p.location {
            ParamLocation::Path => continue,
            ParamLocation::Query if is_list(api, &p.ty) => {
                quote!(params::query_list(&mut prepared, #wire, value, #explode);)
            }
            ParamLocation::Query => quote!(prepared.query(#wire, params::to_text(value));),
            ParamLocation::Header => quote!(prepared.header(#wire, params::to_text(value))?;),
            ParamLocation::Cookie => {
                quote!(params::cookie(&mut prepared, #wire, &params::to_text(value))?;)
            }
        };
        statements.push(if p.required {
            quote!({ let value = &self.#name; #add })
        } else {
            quote!(if let Some(value) = &self.#name { #add })
        });
    }
    if let Some(body) = &op.body {
        let content_type = &body.content_type;
        let set = match body.encoding {
            BodyEncoding::Json => quote!(prepared.json_body(body)?;),
            BodyEncoding::Form => quote!(params::form_body(&mut prepared, body)?;),
            BodyEncoding::Multipart => multipart_parts(api, &body.ty),
            BodyEncoding::Binary => {
                quote!(params::raw_body(&mut prepared, #content_type, body.clone());)
            }
            BodyEncoding::Text => {
                quote!(params::raw_body(&mut prepared, #content_type, bytes::Bytes::from(body.clone()));)
            }
        };
        statements.push(if body.required {
            quote!({ let body = &self.body; #set })
        } else {
            quote!(if let Some(body) = &self.body { #set })
        });
    }
    let security = op.security.iter().map(|alternative| {
        let indices = alternative.iter().map(|i| count(*i as u64));
        quote!(&[#(#indices),*])
    });
    let retries = op.retries.as_ref().map(|policy| {
        let config = retry_config(policy);
        quote! {
            use std::borrow::Cow;
            use std::time::Duration;

            use crate::runtime::{Backoff, RetryConfig, RetryStrategy, StatusMatch};

            static RETRIES: RetryConfig = #config;
            prepared.retries = Some(&RETRIES);
        }
    });
    quote! {
        #regex_imports
        #loc_import
        #(#patterns)*
        #param_checks
        #body_check
        let mut prepared = #path;
        #accept
        prepared.security = &[#(#security),*];
        #retries
        #(#statements)*
        Ok(prepared)
    }
}

/// The new `Prepared`: a static path when it has no parameters, else the
/// path with each `{name}` replaced by the parameter's percent-encoded
/// value, as a concatenation (not `format!`, so the formatter can lay it
/// out).
fn path_expression(op: &Operation, method: &proc_macro2::Ident) -> TokenStream {
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            let text = &rest[..open];
            pieces.push(quote!(#text));
        }
        let name = &rest[open + 1..open + close];
        if let Some(p) = op
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == name)
        {
            let field = ident(&p.rust_name);
            pieces.push(quote!(&params::path_segment(&self.#field)));
        }
        rest = &rest[open + close + 1..];
    }
    if pieces.is_empty() {
        let path = op.path.as_str();
        return quote!(Prepared::new(Self::OPERATION_ID, Method::#method, #path));
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }
    quote!(Prepared::with_path(Self::OPERATION_ID, Method::#method, [#(#pieces),*].concat()))
}

fn is_list(api: &Api, ty: &TypeRef) -> bool {
    match resolve_alias(api, ty) {
        TypeRef::List(_) => true,
        TypeRef::Named(name) => {
            find(api, name).is_some_and(|t| matches!(t.kind, TypeKind::List(_)))
        }
        _ => false,
    }
}

fn find<'a>(api: &'a Api, name: &str) -> Option<&'a NamedType> {
    api.types
        .binary_search_by(|t| t.name.as_str().cmp(name))
        .ok()
        .map(|i| &api.types[i])
}

/// Follows named aliases to the type they stand for.
fn resolve_alias<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut current = ty;
    for _ in 0..api.types.len() {
        match current {
            TypeRef::Named(name) => match find(api, name).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                _ => return current,
            },
            _ => return current,
        }
    }
    current
}

/// The success type and the body of `Operation::decode`.
fn decode(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    let successes: Vec<_> = op
        .responses
        .iter()
        .filter(|r| is_success(r.status))
        .collect();
    let bodies: Vec<_> = successes.iter().filter_map(|r| r.body.as_ref()).collect();
    let mut distinct: Vec<(TokenStream, BodyEncoding, String)> = Vec::new();
    for body in &bodies {
        let ty = output_type(&body.ty, body.encoding);
        let key = ty.to_string();
        if !distinct.iter().any(|(_, _, k)| *k == key) {
            distinct.push((ty, body.encoding, key));
        }
    }
    let (error_arms, _) = error_arms(api, op);
    // A `default` response without a success beside it catches everything.
    let catch_all = op
        .responses
        .iter()
        .any(|r| r.status == StatusMatch::Default)
        && !op.responses.iter().any(|r| is_success(r.status));
    let fallback = (!catch_all).then(|| quote!(_ => Err(response.unexpected()),));
    let some_empty = successes.iter().any(|r| r.body.is_none());
    let (output, success_arms) = match distinct.as_slice() {
        [] => {
            let statuses: Vec<StatusMatch> = successes.iter().map(|r| r.status).collect();
            let pattern = statuses_pattern(&statuses);
            let arms = if successes.is_empty() {
                quote!(200..=299 => Ok(()),)
            } else {
                quote!(#pattern => Ok(()),)
            };
            (quote!(()), arms)
        }
        [(ty, encoding, _)] => {
            let read = read_body(*encoding);
            let arms = successes.iter().map(|r| {
                let pattern = status_pattern(r.status);
                match (&r.body, some_empty) {
                    (Some(_), true) => quote!(#pattern => #read.map(Some),),
                    (Some(_), false) => quote!(#pattern => #read,),
                    (None, _) => quote!(#pattern => Ok(None),),
                }
            });
            let output = if some_empty {
                quote!(Option<#ty>)
            } else {
                ty.clone()
            };
            (output, quote!(#(#arms)*))
        }
        _ => {
            // Several success types: decode the first documented one and
            // keep the others as JSON so that nothing is lost.
            let arms = successes.iter().map(|r| {
                let pattern = status_pattern(r.status);
                match &r.body {
                    Some(b) if b.encoding == BodyEncoding::Json => {
                        quote!(#pattern => response.json(),)
                    }
                    _ => quote!(#pattern => Ok(serde_json::Value::Null),),
                }
            });
            (quote!(serde_json::Value), quote!(#(#arms)*))
        }
    };
    let body = quote! {
        match response.status().as_u16() {
            #success_arms
            #error_arms
            #fallback
        }
    };
    (output, body)
}

fn output_type(ty: &TypeRef, encoding: BodyEncoding) -> TokenStream {
    match encoding {
        BodyEncoding::Json => type_tokens(ty, Scope::Outside),
        BodyEncoding::Text => quote!(String),
        _ => quote!(bytes::Bytes),
    }
}

fn read_body(encoding: BodyEncoding) -> TokenStream {
    match encoding {
        BodyEncoding::Json => quote!(response.json()),
        BodyEncoding::Text => quote!(response.text()),
        _ => quote!(response.bytes()),
    }
}

/// Arms for documented error responses, and whether any decodes a typed
/// `ErrorBody`. Neighbouring statuses handled alike share one arm; only
/// neighbours, so an exact status listed before a range still wins.
fn error_arms(api: &Api, op: &Operation) -> (TokenStream, bool) {
    let mut typed = false;
    let mut arms: Vec<(Vec<StatusMatch>, TokenStream)> = Vec::new();
    let has_success = op.responses.iter().any(|r| is_success(r.status));
    for r in op.responses.iter().filter(|r| !is_success(r.status)) {
        let pattern = r.status;
        let outcome = match &r.body {
            Some(body) if body.encoding == BodyEncoding::Json => match &body.ty {
                TypeRef::Named(name) if api.error_types.contains(name) => {
                    typed = true;
                    let decoder = super::frame::error_decoder(api, name);
                    quote!(Err(response.api_error(ErrorBody::#decoder)))
                }
                _ => quote!(Err(response.unexpected())),
            },
            _ => quote!(Err(response.unexpected())),
        };
        match arms.last_mut() {
            Some((patterns, last)) if last.to_string() == outcome.to_string() => {
                patterns.push(pattern)
            }
            _ => arms.push((vec![pattern], outcome)),
        }
    }
    let arms = arms.iter().map(|(statuses, outcome)| {
        let pattern = if statuses.contains(&StatusMatch::Default) && !has_success {
            quote!(_)
        } else {
            statuses_pattern(statuses)
        };
        quote!(#pattern => #outcome,)
    });
    (quote!(#(#arms)*), typed)
}

fn is_success(status: StatusMatch) -> bool {
    match status {
        StatusMatch::Exact(code) => (200..300).contains(&code),
        StatusMatch::Range(class) => class == 2,
        StatusMatch::Default => false,
    }
}

/// One pattern matching any of `statuses`, with neighbouring codes merged
/// into ranges (`402..=404`, not `402 | 403 | 404`). `default` here stands
/// for the error statuses no other response names, `300..=599`.
fn statuses_pattern(statuses: &[StatusMatch]) -> TokenStream {
    let mut spans: Vec<(u16, u16)> = statuses
        .iter()
        .map(|status| match *status {
            StatusMatch::Exact(code) => (code, code),
            StatusMatch::Range(class) => (u16::from(class) * 100, u16::from(class) * 100 + 99),
            StatusMatch::Default => (300, 599),
        })
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::new();
    for (low, high) in spans {
        match merged.last_mut() {
            Some(last) if low <= last.1.saturating_add(1) => last.1 = last.1.max(high),
            _ => merged.push((low, high)),
        }
    }
    let patterns = merged.into_iter().map(|(low, high)| {
        let (low_lit, high_lit) = (count(u64::from(low)), count(u64::from(high)));
        if low == high {
            low_lit
        } else {
            quote!(#low_lit..=#high_lit)
        }
    });
    quote!(#(#patterns)|*)
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Exact(code) => count(u64::from(code)),
        StatusMatch::Range(class) => {
            let low = count(u64::from(class) * 100);
            let high = count(u64::from(class) * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}
