//! What the docs say about errors: the errors table of a group page (every
//! `Error` variant a call can return) and the example that reads a
//! documented error body, shared by the README and the group pages.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::error_body::accessor;
use super::Context;
use crate::ir::{
    Api, BodyEncoding, Operation, Presence, Primitive, StatusMatch, TypeKind, TypeRef,
};

/// The errors table of `op`: one row per `Error` variant it can return.
///
/// ```text
/// | Error | Status Code | When |
/// | `Error::Api` with `ErrorBody::ClerkErrors` | 400, 401, 422 | ... |
/// | `Error::UnexpectedStatus` | any other 4XX, 5XX | ... |
/// ```
pub fn error_table(api: &Api, op: &Operation) -> String {
    let mut out = String::from("| Error | Status Code | When |\n| --- | --- | --- |\n");
    let mut typed: BTreeMap<&str, Vec<StatusMatch>> = BTreeMap::new();
    for r in op.responses.iter().filter(|r| !is_success(r.status)) {
        if let Some(body) = &r.body {
            if let TypeRef::Named(name) = &body.ty {
                if body.encoding == BodyEncoding::Json && api.error_types.contains(name) {
                    typed.entry(name.as_str()).or_default().push(r.status);
                }
            }
        }
    }
    for (name, statuses) in &typed {
        let _ = writeln!(
            out,
            "| `Error::Api` with `ErrorBody::{name}` | {} | The API answered with a documented error; its body is decoded. |",
            super::markdown::status_list(statuses)
        );
    }
    out.push_str("| `Error::UnexpectedStatus` | any other 4XX, 5XX | The API answered with an error status it does not document; the raw body is kept. |\n");
    out.push_str("| `Error::Decode` | any | A response body did not match its schema. |\n");
    out.push_str("| `Error::Body` | any | The response body broke off or stalled; status, headers and the bytes received are kept. |\n");
    out.push_str("| `Error::Timeout` | - | An attempt ran past `timeout`, or the call past `total_timeout`. |\n");
    out.push_str("| `Error::Transport` | - | The request could not be sent or the response not received. |\n");
    if has_checks(op) {
        out.push_str("| `Error::Validation` | - | An input breaks a constraint of the API description; nothing was sent. |\n");
    }
    if op.body.is_some() {
        out.push_str("| `Error::Encode` | - | The request body could not be serialised. |\n");
    }
    out.push_str("| `Error::Config` | - | A per-call server URL or header is not valid. |\n");
    out.push_str("| `Error::Hook` | - | A registered hook rejected the request. |\n");
    out
}

/// Whether the operation validates something before sending. Bodies of a
/// named type are counted: their constraints may sit deeper.
fn has_checks(op: &Operation) -> bool {
    op.parameters
        .iter()
        .any(|p| p.constraints != Default::default())
        || op
            .body
            .as_ref()
            .is_some_and(|b| matches!(b.ty, TypeRef::Named(_)))
}

fn is_success(status: StatusMatch) -> bool {
    matches!(
        status,
        StatusMatch::Exact(200..=299) | StatusMatch::Range(2)
    )
}

/// How the first error schema exposes its first detail.
enum Detail {
    /// A required list of objects with `code`/`message`: `body.errors[0]`.
    InList { list: String, fields: Vec<String> },
    /// `code`/`message` on the body itself.
    Direct { fields: Vec<String> },
    /// Neither: the body is printed whole.
    Whole,
}

/// The required string fields named `code` or `message` of struct `name`.
fn detail_fields(api: &Api, name: &str) -> Vec<String> {
    let Some(TypeKind::Struct(s)) = api.find_type(name).map(|t| &t.kind) else {
        return Vec::new();
    };
    // `code` first, then `message`, whatever the schema's order.
    ["code", "message"]
        .iter()
        .filter_map(|wire| s.fields.iter().find(|f| f.wire_name == *wire))
        .filter(|f| f.presence == Presence::Required)
        .filter(|f| f.ty == TypeRef::Primitive(Primitive::String))
        .map(|f| f.rust_name.clone())
        .collect()
}

fn detail(api: &Api, name: &str) -> Detail {
    let direct = detail_fields(api, name);
    if !direct.is_empty() {
        return Detail::Direct { fields: direct };
    }
    if let Some(TypeKind::Struct(s)) = api.find_type(name).map(|t| &t.kind) {
        for f in s.fields.iter().filter(|f| f.presence == Presence::Required) {
            if let TypeRef::List(item) = &f.ty {
                if let TypeRef::Named(item) = item.as_ref() {
                    let fields = detail_fields(api, item);
                    if !fields.is_empty() {
                        return Detail::InList {
                            list: f.rust_name.clone(),
                            fields,
                        };
                    }
                }
            }
        }
    }
    Detail::Whole
}

/// The match arm (at the indentation of a `match` inside `main`) that reads
/// a failed call's error, e.g. `errors[0].code` and `message` of Clerk's
/// `ClerkErrors`, and whether it names `ErrorBody`.
pub fn error_arm(cx: &Context<'_>, op: Option<&Operation>) -> (String, bool) {
    let fallback = "eprintln!(\"failed (status {:?}): {error}\", error.status())";
    let Some(name) = op.and_then(|op| decoded_error(cx.api, op)) else {
        return (format!("        Err(error) => {fallback},"), false);
    };
    let accessor = accessor(cx.api, name);
    let show = |on: &str, fields: &[String]| {
        let holes = vec!["{}"; fields.len()].join(": ");
        let args: Vec<String> = fields.iter().map(|f| format!("{on}.{f}")).collect();
        format!("eprintln!(\"{holes}\", {})", args.join(", "))
    };
    let found = match detail(cx.api, name) {
        Detail::InList { list, fields } => format!(
            "{{\n                if let Some(first) = body.{list}.first() {{\n                    {};\n                }}\n            }}",
            show("first", &fields)
        ),
        Detail::Direct { fields } => format!("{},", show("body", &fields)),
        Detail::Whole => "eprintln!(\"documented error: {body:?}\"),".to_owned(),
    };
    (
        format!(
            "        Err(error) => match error.api_body().and_then(ErrorBody::{accessor}) {{\n            Some(body) => {found}\n            None => {fallback},\n        }},"
        ),
        true,
    )
}

/// The first error schema `op`'s documented error responses decode into
/// (what its `ErrorBody` accessor can match), if any.
pub(super) fn decoded_error<'a>(api: &'a crate::ir::Api, op: &Operation) -> Option<&'a String> {
    use crate::ir::{BodyEncoding, TypeRef};
    op.responses
        .iter()
        .filter(|r| !super::apis::is_success(r.status))
        .filter_map(|r| r.body.as_ref())
        .filter(|b| b.encoding == BodyEncoding::Json)
        .find_map(|b| match &b.ty {
            TypeRef::Named(name) => api.error_types.iter().find(|e| *e == name),
            _ => None,
        })
}

/// A complete program that calls `op` and reads its error, or `None` when
/// the operation has no finite example.
pub fn error_example(
    cx: &Context<'_>,
    group: &crate::ir::OperationGroup,
    op: &Operation,
) -> Option<String> {
    let args = super::example::call_arguments(cx.api, op, &cx.lib_name)?;
    let lib = &cx.lib_name;
    let (arm, names_body) = error_arm(cx, Some(op));
    let imports = if names_body {
        format!("use {lib}::{{Error, ErrorBody}};\n")
    } else {
        format!("use {lib}::Error;\n")
    };
    let program = format!(
        "{imports}{setup}    let result = client\n        .{group}()\n        .{method}({args})\n        .await;\n    match result {{\n        Ok(_) => println!(\"done\"),\n        Err(Error::Validation(error)) => eprintln!(\"not sent: {{error}}\"),\n{arm}\n    }}\n    Ok(())\n}}\n",
        setup = super::markdown::example_setup(cx),
        group = group.module,
        method = op.method_name,
        args = args.join(", "),
    );
    Some(super::markdown::import_models(cx, &program))
}
