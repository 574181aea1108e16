//! Markdown docs in the layout of the seed pages: `README.md`, a page per
//! operation group (`docs/sdks/<group>/README.md`) and per model
//! (`docs/models/<model>.md`). The Rust examples in them are doctests: the
//! README is the crate's docs and each group page is its module's docs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::apis::operation_docs;
use super::doc::{link_types, sanitize, LinkStyle};
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
    for (group, (page, _)) in cx.api.groups.iter().zip(group_pages(cx)) {
        files.push((
            format!("docs/sdks/{}/README.md", group_folder(group)),
            page.clone(),
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

pub fn status_list(statuses: &[StatusMatch]) -> String {
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

/// The models a group's page links to, by name: the module showing the page
/// as its docs defines each as an intra-doc link before the page's text.
pub fn group_links<'c>(cx: &'c Context<'_>, index: usize) -> &'c [String] {
    group_pages(cx)
        .get(index)
        .map_or(&[], |(_, links)| links.as_slice())
}

/// Each group's page with the models it links to, rendered once for the
/// page's file and the links `apis/mod.rs` declares, whichever asks first.
fn group_pages<'c>(cx: &'c Context<'_>) -> &'c [(String, Vec<String>)] {
    cx.group_pages.get_or_init(|| {
        let pages = model_pages(cx.api);
        cx.api
            .groups
            .iter()
            .map(|group| group_page(cx, group, &pages))
            .collect()
    })
}

/// Rewrites each inline link to a model page, `[Name](../../models/name.md)`,
/// as the reference `[Name]`, defined at the end of the page. On GitHub the
/// page's own definitions apply; rustdoc, which shows the page as module
/// docs, first reads those the module puts before it
/// (`[Name]: crate::models::Name`), and the first definition of a label wins.
fn reference_links(page: &str) -> (String, Vec<String>) {
    const TARGET: &str = "](../../models/";
    let mut out = String::with_capacity(page.len());
    let mut definitions = BTreeMap::new();
    let mut rest = page;
    while let Some(at) = rest.find(TARGET) {
        let (before, from) = rest.split_at(at);
        let open = before.rfind('[');
        let close = from.find(')');
        let (Some(open), Some(close)) = (open, close) else {
            out.push_str(before);
            out.push_str(TARGET);
            rest = &from[TARGET.len()..];
            continue;
        };
        let name = &before[open + 1..];
        definitions.insert(name.to_owned(), from[2..close].to_owned());
        out.push_str(before);
        out.push(']');
        rest = &from[close + 1..];
    }
    out.push_str(rest);
    if !definitions.is_empty() {
        out.push('\n');
        for (name, target) in &definitions {
            let _ = writeln!(out, "[{name}]: {target}");
        }
    }
    (out, definitions.into_keys().collect())
}

fn group_page(
    cx: &Context<'_>,
    group: &OperationGroup,
    pages: &BTreeMap<&str, String>,
) -> (String, Vec<String>) {
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
        let streaming = op.stream.as_ref().map(|stream| {
            let item = type_link(&stream.item, pages, "../../models/");
            let program =
                super::stream::example_program(cx, group, op).map(|p| import_models(cx, &p));
            (
                super::stream::markdown_section(stream, &item, program.as_deref()),
                item,
            )
        });
        if !op.stream_only() {
            let _ = writeln!(
                out,
                "### Example Usage\n\n```rust,no_run\n{}```\n",
                operation_example(cx, group, op)
            );
        }
        if let Some((section, _)) = &streaming {
            out.push_str(section);
        }
        let _ = writeln!(out, "### Parameters\n");
        out.push_str(&parameter_table(op, pages));
        let response = match &streaming {
            Some((_, item)) if op.stream_only() => {
                format!("**`EventStream`** of **{item}** items.")
            }
            _ => response_line(op, pages),
        };
        let _ = writeln!(out, "\n### Response\n\n{response}\n");
        let _ = writeln!(out, "### Errors\n");
        out.push_str(&super::error_docs::error_table(cx.api, op));
    }
    let reading = group
        .operations
        .first()
        .and_then(|op| super::error_docs::error_example(cx, group, op));
    if let Some(program) = reading {
        let _ = writeln!(
            out,
            "\n## Reading an error\n\nA documented error response arrives as `Error::Api`; `Error::api_body` and `ErrorBody`'s accessors reach its decoded body in one step.\n\n```rust,no_run\n{program}```"
        );
    }
    reference_links(&out)
}

fn parameter_table(op: &Operation, pages: &BTreeMap<&str, String>) -> String {
    let mut out =
        String::from("| Parameter | Type | Required | Description |\n| --- | --- | --- | --- |\n");
    for p in &op.parameters {
        let mut parts: Vec<String> = p.description.as_deref().map(cell).into_iter().collect();
        parts.extend(constraint_notes(&p.constraints));
        if p.deprecated {
            parts.push(cell(&super::deprecation::doc_line(
                p.deprecation_note.as_deref(),
            )));
        }
        let description = parts.join(" ");
        let description = description.trim().trim_end_matches('.');
        let how = if p.required { "argument" } else { "setter" };
        let place = format!("`{}` in {:?}", p.wire_name, p.location);
        let text = if description.is_empty() {
            let how = if p.required { "Argument" } else { "Setter" };
            format!("{how}, {place}.")
        } else {
            format!("{description} ({how}, {place}).")
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {text} |",
            p.rust_name,
            type_link(&p.ty, pages, "../../models/"),
            if p.required { REQUIRED } else { OPTIONAL },
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
    out.push_str("| `.timeout(..)` | `std::time::Duration` | ➖ | Overrides the client's timeout of each attempt for this call. |\n");
    out.push_str("| `.total_timeout(..)` | `std::time::Duration` | ➖ | Bounds this whole call, retries and waits included. |\n");
    out.push_str("| `.server_url(..)` | `String` | ➖ | Sends this call to another server. |\n");
    out.push_str("| `.header(..)` | name, value | ➖ | Adds a header to this call. |\n");
    out.push_str("| `.skip_validation()` | — | ➖ | Sends this call without checking the API description's constraints first. |\n");
    out.push_str("| `.assume_idempotent()` | — | ➖ | Lets this call be retried after a timeout or a broken response, as a PUT is. |\n");
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

/// A complete program calling `op` with example arguments.
fn operation_example(cx: &Context<'_>, group: &OperationGroup, op: &Operation) -> String {
    let Some(args) = example::call_arguments(cx.api, op, &cx.lib_name) else {
        return unavailable_example(cx);
    };
    // The response is shown through one field that holds no credential.
    let (binding, print) = match example::show_response(cx.api, op) {
        Some(statement) => ("let response = ", format!("\n    {statement}")),
        None => ("", String::new()),
    };
    if op.pagination.is_some() {
        return import_models(cx, &super::pagination::example(cx, group, op, &args));
    }
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
        let page = |name: &str| pages.get(name).cloned();
        let text = link_types(
            &sanitize(description),
            |name| pages.contains_key(name),
            &LinkStyle::Page(&page),
        );
        let _ = writeln!(out, "{text}\n");
    }
    if ty.deprecated {
        let line = super::deprecation::doc_line(ty.deprecation_note.as_deref());
        let _ = writeln!(out, "**{line}**\n");
    }
    match &ty.kind {
        TypeKind::Struct(s) => {
            out.push_str("## Fields\n\n| Field | Type | Required | Description |\n| --- | --- | --- | --- |\n");
            for f in &s.fields {
                let required = matches!(f.presence, Presence::Required | Presence::Nullable);
                // The field's Rust type, outer `Option` included.
                let inner = type_link(&f.ty, pages, "");
                let ty_text = match f.presence {
                    Presence::Required => inner,
                    Presence::Optional | Presence::Nullable => format!("Option&lt;{inner}&gt;"),
                    Presence::OptionalNullable => format!("Option&lt;Nullable&lt;{inner}&gt;&gt;"),
                };
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
        TypeKind::FreeForm => out.push_str("A free-form JSON object (`serde_json::Value`, e.g. `serde_json::json!({ .. })`): every key is kept; a value that is not an object fails validation.\n"),
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
