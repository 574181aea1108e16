//! Markdown docs in the layout of the seed pages: `README.md`, a page per
//! operation group (`docs/sdks/<group>/README.md`) and per model
//! (`docs/models/<model>.md`). The Rust examples in them are doctests: the
//! README is the crate's docs and each group page is its module's docs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::apis::operation_docs;
use super::doc::sanitize;
use super::example;
use super::models::field_docs;
use super::validate::constraint_notes;
use super::Context;
use crate::ir::{
    Api, BodyEncoding, NamedType, Operation, OperationGroup, Presence, StatusMatch, TypeKind,
    TypeRef,
};
use crate::names::Namespace;

const REQUIRED: &str = "✔️";
const OPTIONAL: &str = "➖";

/// File name of each model's page, e.g. `createmachinetokenrequestbody.md`
/// (the seed's lowercase spelling, numbered should two names fold together).
fn model_pages(api: &Api) -> BTreeMap<&str, String> {
    let mut taken = Namespace::default();
    api.types
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                format!("{}.md", taken.claim(&t.name.to_lowercase())),
            )
        })
        .collect()
}

/// Folder of each group's page, e.g. `machinetokens`.
pub fn group_folder(group: &OperationGroup) -> String {
    group.module.replace('_', "")
}

/// Every Markdown file.
pub fn docs(cx: &Context<'_>) -> Vec<(String, String)> {
    let pages = model_pages(cx.api);
    let mut files = vec![("README.md".to_owned(), readme(cx))];
    for group in &cx.api.groups {
        files.push((
            format!("docs/sdks/{}/README.md", group_folder(group)),
            group_page(cx, group, &pages),
        ));
    }
    for ty in &cx.api.types {
        files.push((
            format!("docs/models/{}", pages[ty.name.as_str()]),
            super::cfg::with_model_line(cx, &ty.name, model_page(ty, &pages)),
        ));
    }
    files
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    sanitize(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// The Rust type of `ty` as text, linking named types to their pages.
fn type_link(ty: &TypeRef, pages: &BTreeMap<&str, String>, prefix: &str) -> String {
    match ty {
        TypeRef::Named(name) => format!(
            "[{name}]({prefix}{})",
            pages.get(name.as_str()).map_or("", String::as_str)
        ),
        TypeRef::Primitive(_) | TypeRef::Any => format!(
            "`{}`",
            super::rust::type_tokens(ty, super::rust::Scope::Models)
                .to_string()
                .replace(' ', "")
        ),
        TypeRef::List(inner) => format!("Vec&lt;{}&gt;", type_link(inner, pages, prefix)),
        TypeRef::Map(inner) => format!(
            "BTreeMap&lt;String, {}&gt;",
            type_link(inner, pages, prefix)
        ),
        TypeRef::Nullable(inner) => format!("Option&lt;{}&gt;", type_link(inner, pages, prefix)),
    }
}

fn status_list(statuses: &[StatusMatch]) -> String {
    statuses
        .iter()
        .map(|s| match s {
            StatusMatch::Exact(code) => code.to_string(),
            StatusMatch::Range(class) => format!("{class}XX"),
            StatusMatch::Default => "default".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn group_page(cx: &Context<'_>, group: &OperationGroup, pages: &BTreeMap<&str, String>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}\n(*{}*)\n\n## Overview\n",
        group.type_name, group.module
    );
    out.push_str(&super::cfg::group_page_line(cx, group));
    if let Some(description) = &group.description {
        let _ = writeln!(out, "{}\n", sanitize(description));
    }
    let _ = writeln!(out, "### Available Operations\n");
    for op in &group.operations {
        let summary = op
            .summary
            .as_deref()
            .map(|s| format!(" - {}", cell(s)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "* [{}](#{}){summary}",
            op.method_name,
            op.method_name.replace('_', "-")
        );
    }
    for op in &group.operations {
        let _ = write!(out, "\n## {}\n\n{}\n\n", op.method_name, operation_docs(op));
        let _ = writeln!(
            out,
            "### Example Usage\n\n```rust,no_run\n{}```\n",
            operation_example(cx, group, op)
        );
        let _ = writeln!(out, "### Parameters\n");
        out.push_str(&parameter_table(op, pages));
        let _ = writeln!(out, "\n### Response\n\n{}\n", response_line(op, pages));
        let _ = writeln!(out, "### Errors\n");
        out.push_str(&error_table(cx.api, op));
    }
    out
}

fn parameter_table(op: &Operation, pages: &BTreeMap<&str, String>) -> String {
    let mut out =
        String::from("| Parameter | Type | Required | Description |\n| --- | --- | --- | --- |\n");
    for p in &op.parameters {
        let mut description = p.description.as_deref().map(cell).unwrap_or_default();
        for note in constraint_notes(&p.constraints) {
            description.push(' ');
            description.push_str(&note);
        }
        let how = if p.required { "argument" } else { "setter" };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} ({how}, `{}` in {:?}). |",
            p.rust_name,
            type_link(&p.ty, pages, "../../models/"),
            if p.required { REQUIRED } else { OPTIONAL },
            description.trim_end_matches('.'),
            p.wire_name,
            p.location
        );
    }
    if let Some(body) = &op.body {
        let ty = match body.encoding {
            BodyEncoding::Binary => "`bytes::Bytes`".to_owned(),
            BodyEncoding::Text => "`String`".to_owned(),
            _ => type_link(&body.ty, pages, "../../models/"),
        };
        let description = body
            .description
            .as_deref()
            .map(cell)
            .unwrap_or_else(|| "The request body.".to_owned());
        let _ = writeln!(
            out,
            "| `body` | {ty} | {} | {description} Sent as `{}`. |",
            if body.required { REQUIRED } else { OPTIONAL },
            body.content_type
        );
    }
    out.push_str("| `.retries(..)` | [RetryConfig](https://docs.rs/) | ➖ | Overrides the client's retry policy for this call. |\n");
    out.push_str("| `.timeout(..)` | `std::time::Duration` | ➖ | Overrides the client's timeout for this call. |\n");
    out.push_str("| `.server_url(..)` | `String` | ➖ | Sends this call to another server. |\n");
    out.push_str("| `.header(..)` | name, value | ➖ | Adds a header to this call. |\n");
    out.replace("[RetryConfig](https://docs.rs/)", "`RetryConfig`")
}

fn response_line(op: &Operation, pages: &BTreeMap<&str, String>) -> String {
    let bodies: Vec<_> = op
        .responses
        .iter()
        .filter(|r| is_success(r.status))
        .filter_map(|r| r.body.as_ref())
        .collect();
    match bodies.first() {
        None => "**`()`**: the API returns no body.".to_owned(),
        Some(body) => match body.encoding {
            BodyEncoding::Json => format!("**{}**", type_link(&body.ty, pages, "../../models/")),
            BodyEncoding::Text => "**`String`**".to_owned(),
            _ => "**`bytes::Bytes`**".to_owned(),
        },
    }
}

fn is_success(status: StatusMatch) -> bool {
    matches!(
        status,
        StatusMatch::Exact(200..=299) | StatusMatch::Range(2)
    )
}

fn error_table(api: &Api, op: &Operation) -> String {
    let mut out =
        String::from("| Error Type | Status Code | Content Type |\n| --- | --- | --- |\n");
    let mut typed: BTreeMap<(String, String), Vec<StatusMatch>> = BTreeMap::new();
    for r in op.responses.iter().filter(|r| !is_success(r.status)) {
        if let Some(body) = &r.body {
            if let TypeRef::Named(name) = &body.ty {
                if body.encoding == BodyEncoding::Json && api.error_types.contains(name) {
                    typed
                        .entry((name.clone(), body.content_type.clone()))
                        .or_default()
                        .push(r.status);
                }
            }
        }
    }
    for ((name, content_type), statuses) in &typed {
        let _ = writeln!(
            out,
            "| `Error::Api` with `ErrorBody::{name}` | {} | {content_type} |",
            status_list(statuses)
        );
    }
    out.push_str("| `Error::UnexpectedStatus` | any other 4XX, 5XX | \\*/\\* |\n");
    out
}

/// A complete program calling `op` with example arguments.
fn operation_example(cx: &Context<'_>, group: &OperationGroup, op: &Operation) -> String {
    let Some(args) = example::call_arguments(cx.api, op, &cx.lib_name) else {
        return unavailable_example(cx);
    };
    let returns_unit = response_line(op, &BTreeMap::new()).starts_with("**`()`");
    let (binding, print) = if returns_unit {
        ("", "")
    } else {
        ("let response = ", "\n    println!(\"{response:?}\");")
    };
    let program = format!(
        "{setup}    {binding}client\n        .{group}()\n        .{method}({args})\n        .await?;{print}\n    Ok(())\n}}\n",
        setup = example_setup(cx),
        group = group.module,
        method = op.method_name,
        args = args.join(", "),
    );
    import_models(cx, &program)
}

/// Rewrites the `lib::models::Name` paths of an example program into one
/// `use`, as a user would write it. Names that could clash with what the
/// examples already import stay qualified.
pub fn import_models(cx: &Context<'_>, program: &str) -> String {
    const IN_SCOPE: &[&str] = &[
        "Error",
        "RetryConfig",
        "Backoff",
        "StatusMatch",
        "Hook",
        "HookContext",
        "Duration",
    ];
    let lib = &cx.lib_name;
    let prefix = format!("{lib}::models::");
    let mut names = BTreeSet::new();
    let mut rest = program;
    while let Some(at) = rest.find(&prefix) {
        let after = &rest[at + prefix.len()..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        names.insert(&after[..end]);
        rest = &after[end..];
    }
    names.retain(|name| !name.is_empty() && *name != cx.client && !IN_SCOPE.contains(name));
    let setup_use = format!("use {lib}::{};\n", cx.client);
    if names.is_empty()
        || !program.starts_with(&setup_use) && !program.contains(&format!("\n{setup_use}"))
    {
        return program.to_owned();
    }
    let mut out = program.to_owned();
    // A name that is a prefix of another is replaced inside it too, which is
    // harmless: the longer name is in the set and imported as well.
    for name in &names {
        out = out.replace(&format!("{prefix}{name}"), name);
    }
    let models = if names.len() == 1 {
        format!(
            "models::{}",
            names.iter().next().copied().unwrap_or_default()
        )
    } else {
        format!(
            "models::{{{}}}",
            names.into_iter().collect::<Vec<_>>().join(", ")
        )
    };
    out.replacen(
        &setup_use,
        &format!("use {lib}::{{{models}, {}}};\n", cx.client),
        1,
    )
}

/// The opening of every example program: a client with credentials.
pub fn example_setup(cx: &Context<'_>) -> String {
    let lib = &cx.lib_name;
    let credentials: String = cx
        .api
        .security
        .first()
        .into_iter()
        .flatten()
        .map(|i| {
            let scheme = &cx.api.security_schemes[*i];
            match scheme.kind {
                crate::ir::SecurityKind::Basic => {
                    format!(".{}(\"<USERNAME>\", \"<PASSWORD>\")", scheme.setter)
                }
                _ => format!(
                    ".{}(\"<YOUR_{}_HERE>\")",
                    scheme.setter,
                    scheme.setter.to_uppercase()
                ),
            }
        })
        .collect();
    format!(
        "use {lib}::{client};\n\n#[tokio::main]\nasync fn main() -> Result<(), {lib}::Error> {{\n    let client = {client}::builder(){credentials}.build()?;\n",
        client = cx.client
    )
}

fn unavailable_example(cx: &Context<'_>) -> String {
    format!("{}    // This operation's inputs require themselves, so no finite example exists.\n    let _ = client;\n    Ok(())\n}}\n", example_setup(cx))
}

fn model_page(ty: &NamedType, pages: &BTreeMap<&str, String>) -> String {
    let mut out = format!("# {}\n\n", ty.name);
    if let Some(description) = &ty.description {
        let _ = writeln!(out, "{}\n", sanitize(description));
    }
    match &ty.kind {
        TypeKind::Struct(s) => {
            out.push_str("## Fields\n\n| Field | Type | Required | Description |\n| --- | --- | --- | --- |\n");
            for f in &s.fields {
                let required = matches!(f.presence, Presence::Required | Presence::Nullable);
                let mut ty_text = type_link(&f.ty, pages, "");
                if f.presence == Presence::OptionalNullable {
                    ty_text = format!("Nullable&lt;{ty_text}&gt;");
                } else if f.presence == Presence::Nullable {
                    ty_text = format!("Option&lt;{ty_text}&gt;");
                }
                let _ = writeln!(out, "| `{}` | {ty_text} | {} | {} |", f.wire_name, if required { REQUIRED } else { OPTIONAL }, cell(&field_docs(f)));
            }
        }
        TypeKind::Enum(e) => {
            out.push_str("## Values\n\n| Name | Value |\n| --- | --- |\n");
            for v in &e.variants {
                let value = match &v.value {
                    crate::ir::EnumValue::String(s) => s.clone(),
                    crate::ir::EnumValue::Integer(i) => i.to_string(),
                };
                let _ = writeln!(out, "| `{}` | `{}` |", v.rust_name, value.replace('|', "\\|"));
            }
            let _ = writeln!(out, "| `{}(..)` | any other value, kept as received |", e.unknown_variant);
        }
        TypeKind::OneOf(o) => {
            out.push_str("## Variants\n\n| Variant | Type |\n| --- | --- |\n");
            for v in &o.variants {
                let _ = writeln!(out, "| `{}` | {} |", v.rust_name, type_link(&v.ty, pages, ""));
            }
            let _ = writeln!(out, "| `{}` | any other JSON value, kept as received |", o.unknown_variant);
        }
        TypeKind::FreeForm => out.push_str("A free-form JSON object (`serde_json::Map<String, serde_json::Value>`): every key is kept.\n"),
        TypeKind::Alias(target) => {
            let _ = writeln!(out, "Another name for {}.", type_link(target, pages, ""));
        }
        TypeKind::Map(value) => {
            let _ = writeln!(out, "A map from strings to {}.", type_link(value, pages, ""));
        }
        TypeKind::List(item) => {
            let _ = writeln!(out, "A list of {}.", type_link(item, pages, ""));
        }
    }
    out
}

/// The crate's README, which is also its crate-level documentation.
fn readme(cx: &Context<'_>) -> String {
    super::readme::readme(cx)
}
