//! The body of `Operation::prepare`: validation, then the request (path,
//! parameters, body).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::retry::retry_config;
use super::super::rust::{count, ident};
use super::super::validate::{inline_body_checks, parameter_validation};
use super::decode::is_success;
use crate::ir::{
    Api, BodyEncoding, Operation, ParamLocation, Presence, Primitive, TypeKind, TypeRef,
};

/// The body of `Operation::prepare`: validate (unless the caller turned the
/// checks off), then build the request. Also says whether the body reads
/// `prepare`'s `validate` argument: an operation without checks ignores it.
pub(super) fn prepare(
    api: &Api,
    op: &Operation,
    secret_holders: &BTreeSet<String>,
) -> (TokenStream, bool) {
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
    let mut validation = parameter_validation(api, &op.parameters);
    let inline_body_check = op
        .body
        .as_ref()
        .map(|body| inline_body_checks(api, body, &mut validation));
    let patterns = &validation.patterns;
    let regex_imports = (!patterns.is_empty()).then(|| {
        quote!(
            use std::sync::LazyLock;
            use regex::Regex;
        )
    });
    let loc_import = validation.runtime_import();
    let secret_response =
        success_holds_secret(op, secret_holders).then(|| quote!(prepared.secret_response = true;));
    let idempotency_key =
        idempotency_header(op).map(|name| quote!(prepared.idempotency_key = Some(#name);));
    let param_checks = validation.body;
    let body_check = op.body.as_ref().and_then(|body| match &body.ty {
        TypeRef::Named(name) if super::super::rust::has_validate(api, name) => {
            Some(if body.required {
                quote!(self.body.validate()?;)
            } else {
                quote!(if let Some(body) = &self.body {
                    body.validate()?;
                })
            })
        }
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
            ParamLocation::Query if api.list_item(&p.ty).is_some() => {
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
            use std::time::Duration;

            use crate::runtime::{Backoff, RetryConfig, StatusMatch};

            static RETRIES: RetryConfig = #config;
            prepared.retries = Some(&RETRIES);
        }
    });
    let checks = quote!(#param_checks #inline_body_check #body_check);
    let validates = !checks.is_empty();
    let checks = validates.then(|| {
        quote! {
            if validate {
                #checks
            }
        }
    });
    let body = quote! {
        #regex_imports
        #loc_import
        #(#patterns)*
        #checks
        let mut prepared = #path;
        #accept
        prepared.security = &[#(#security),*];
        #secret_response
        #idempotency_key
        #retries
        #(#statements)*
        Ok(prepared)
    };
    (body, validates)
}

/// The header parameter of `op` that carries an idempotency key
/// (`Idempotency-Key`, or `X-Idempotency-Key`), lower case as `HeaderName`s
/// are: a POST or PATCH that sends it may be retried like a PUT.
fn idempotency_header(op: &Operation) -> Option<String> {
    op.parameters
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| p.wire_name.to_ascii_lowercase())
        .find(|name| matches!(name.as_str(), "idempotency-key" | "x-idempotency-key"))
}

/// The types whose values can hold a field marked secret, directly or
/// through the types they hold; worked out once per crate.
pub(crate) fn secret_holders(api: &Api) -> BTreeSet<String> {
    let mut holders = BTreeSet::new();
    // Each pass adds the holders of the holders found so far.
    loop {
        let before = holders.len();
        for ty in &api.types {
            if holders.contains(&ty.name) {
                continue;
            }
            let direct =
                matches!(&ty.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.secret));
            let mut held = Vec::new();
            ty.kind.push_named(&mut held);
            if direct || held.iter().any(|name| holders.contains(name)) {
                holders.insert(ty.name.clone());
            }
        }
        if holders.len() == before {
            return holders;
        }
    }
}

/// Whether a success response of `op` can hold a field marked secret: its
/// raw body then stays out of the `Display` and `Debug` of errors.
fn success_holds_secret(op: &Operation, secret_holders: &BTreeSet<String>) -> bool {
    let mut roots = Vec::new();
    op.responses
        .iter()
        .filter(|r| is_success(r.status))
        .filter_map(|r| r.body.as_ref())
        .for_each(|body| body.ty.push_named(&mut roots));
    roots.iter().any(|name| secret_holders.contains(name))
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
            let name = &p.rust_name;
            pieces.push(quote!(&params::path_segment(#name, &self.#field)?));
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
        TypeRef::Named(name) => api.find_type(name).and_then(|named| match &named.kind {
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
