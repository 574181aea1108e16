//! The body of `Operation::decode`: the success type, and one arm per
//! documented status (typed error bodies through `ErrorBody`'s shared
//! decoding functions).

use proc_macro2::TokenStream;
use quote::quote;

use super::super::error_body::error_decoder;
use super::super::rust::{count, type_tokens, Scope};
use crate::ir::{Api, BodyEncoding, Operation, StatusMatch, TypeRef};

/// The success type and the body of `Operation::decode`.
pub(super) fn decode(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
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
pub(crate) fn error_arms(api: &Api, op: &Operation) -> (TokenStream, bool) {
    let mut typed = false;
    let mut arms: Vec<(Vec<StatusMatch>, TokenStream)> = Vec::new();
    let has_success = op.responses.iter().any(|r| is_success(r.status));
    for r in op.responses.iter().filter(|r| !is_success(r.status)) {
        let pattern = r.status;
        let outcome = match &r.body {
            Some(body) if body.encoding == BodyEncoding::Json => match &body.ty {
                TypeRef::Named(name) if api.error_types.contains(name) => {
                    typed = true;
                    let decoder = error_decoder(api, name);
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

pub(crate) fn is_success(status: StatusMatch) -> bool {
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
