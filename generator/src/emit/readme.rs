//! The generated crate's `README.md`, also its crate-level rustdoc: every
//! example in it is a doctest.

use std::fmt::Write;

use super::doc::sanitize;
use super::markdown::{example_setup, group_folder, import_models};
use super::Context;
use crate::ir::{Operation, OperationGroup};

/// The README text.
pub fn readme(cx: &Context<'_>) -> String {
    let api = cx.api;
    let lib = &cx.lib_name;
    let client = &cx.client;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", cx.options.crate_name);
    let _ = writeln!(
        out,
        "A Rust client for the {} (API version `{}`), generated from its OpenAPI description.\n",
        sanitize(&api.title),
        api.version
    );
    if let Some(description) = &api.description {
        let first = description.split("\n\n").next().unwrap_or_default();
        let _ = writeln!(out, "{}\n", sanitize(first));
    }
    let _ = writeln!(
        out,
        "## Install\n\n```toml\n[dependencies]\n{} = \"0.1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n",
        cx.options.crate_name,
    );
    out.push_str(&super::cfg::readme_section(cx));
    let first = first_call(cx);
    let _ = writeln!(out, "## Authentication and a first call\n");
    if let Some(scheme) = api
        .security
        .first()
        .and_then(|a| a.first())
        .map(|i| &api.security_schemes[*i])
    {
        let _ = writeln!(out, "Credentials are set on the builder (`{}`) and never appear in `Debug` output or errors.\n", scheme.setter);
    }
    let _ = writeln!(
        out,
        "```rust,no_run\n{}```\n",
        program(cx, &first.call, "println!(\"{response:?}\");")
    );
    if let Some(note) = &first.note {
        let _ = writeln!(out, "{note}\n");
    }

    let _ = writeln!(out, "## Retries\n");
    match &api.retries {
        Some(policy) if policy.backoff.is_some() => {
            let _ = writeln!(out, "Requests are retried by default as the API description says (exponential backoff with jitter; `Retry-After` is honoured). Override the policy for the client or for one call:\n");
        }
        _ => {
            let _ = writeln!(
                out,
                "Requests are not retried unless you ask for it, for the client or for one call:\n"
            );
        }
    }
    let retry_call = first.call.replacen(
        "\n        .await?;",
        "\n        .retries(RetryConfig::none())\n        .await?;",
        1,
    );
    let _ = writeln!(
        out,
        "```rust,no_run\nuse std::time::Duration;\nuse {lib}::{{Backoff, RetryConfig, StatusMatch}};\n\nlet policy = RetryConfig::backoff(Backoff::new(\n    Duration::from_millis(200), // first wait\n    Duration::from_secs(5),     // longest wait\n    Duration::from_secs(30),    // give up after\n    2.0,                        // growth factor\n))\n.status_codes(vec![StatusMatch::Exact(429), StatusMatch::Range(5)]);\nlet client = {lib}::{client}::builder().retry_config(policy).build()?;\n# Ok::<(), {lib}::Error>(())\n```\n"
    );
    let _ = writeln!(
        out,
        "```rust,no_run\n{}```\n",
        program_with_imports(cx, &retry_call, "", &format!("use {lib}::RetryConfig;\n"))
    );

    let _ = writeln!(out, "## Error handling\n");
    let _ = writeln!(out, "Every call returns `Result<_, {lib}::Error>`. `Error::Api` holds an error response the API documents, decoded into its schema (`ErrorBody`); `Error::UnexpectedStatus` any other error status with its raw body; `Error::Decode` a body that did not match its schema; `Error::Validation` an input that breaks a constraint of the API description (nothing was sent); `Error::Body` a response whose body broke off or stalled (with the status, headers and the bytes that arrived); `Error::Timeout` and `Error::Transport` the network. `status()`, `headers()` and `is_retryable()` work on all of them.\n");
    let handling = "match result {\n        Ok(response) => println!(\"{response:?}\"),\n        Err(Error::Api(error)) => eprintln!(\"{} documented error: {}\", error.status, error.body),\n        Err(Error::Validation(error)) => eprintln!(\"not sent: {error}\"),\n        Err(other) => eprintln!(\"failed (status {:?}): {other}\", other.status()),\n    }";
    // Without a callable operation there is no result to match on.
    if first.note.is_none() {
        let _ = writeln!(
            out,
            "```rust,no_run\n{}```\n",
            program_with_imports(
                cx,
                &first.call.replace("let response = ", "let result = "),
                handling,
                &format!("use {lib}::Error;\n")
            )
            .replace("        .await?;", "        .await;")
        );
    }

    let _ = writeln!(out, "## Server selection and timeouts\n");
    let default_server = api
        .servers
        .first()
        .map_or("(none: set one)", |s| s.url.as_str());
    let _ = writeln!(out, "The default server is `{default_server}`. Choose another, and a timeout, for the client or for one call:\n");
    let _ = writeln!(
        out,
        "```rust,no_run\nuse std::time::Duration;\n\nlet client = {lib}::{client}::builder()\n    .server_url(\"http://127.0.0.1:8080\")\n    .timeout(Duration::from_secs(10))\n    .build()?;\n# Ok::<(), {lib}::Error>(())\n```\n"
    );
    let _ = writeln!(out, "Per call: `.server_url(url)`, `.timeout(duration)` and `.header(name, value)` before `.await`.\n");

    let _ = writeln!(out, "## Hooks and a custom HTTP client\n");
    let _ = writeln!(
        out,
        "```rust,no_run\nuse {lib}::{{Error, Hook, HookContext}};\n\nstruct Trace;\n\nimpl Hook for Trace {{\n    fn before_request(&self, context: &HookContext, request: &mut reqwest::Request) -> Result<(), Error> {{\n        eprintln!(\"{{}}: {{}} {{}}\", context.operation_id, request.method(), request.url());\n        Ok(())\n    }}\n}}\n\nlet http = reqwest::Client::builder().pool_max_idle_per_host(4).build().map_err(Error::Transport)?;\nlet client = {lib}::{client}::builder().http_client(http).hook(Trace).build()?;\n# Ok::<(), {lib}::Error>(())\n```\n"
    );

    let _ = writeln!(out, "## Blocking client\n");
    let _ = writeln!(out, "With the `blocking` feature, `{lib}::blocking::{client}` has the same surface; calls end with `.send()`.\n");
    let blocking_call = first.call.replace("        .await?", "        .send()?");
    let _ = writeln!(
        out,
        "```rust,no_run\n# #[cfg(feature = \"blocking\")]\nfn main() -> Result<(), {lib}::Error> {{\n    let client = {lib}::blocking::{client}::builder(){}.build()?;\n    {}\n    Ok(())\n}}\n# #[cfg(not(feature = \"blocking\"))]\n# fn main() {{}}\n```\n",
        credentials(cx),
        blocking_call.trim()
    );

    let _ = writeln!(out, "## Operations\n");
    for group in &api.groups {
        let _ = writeln!(
            out,
            "### [{}](docs/sdks/{}/README.md)\n",
            group.type_name,
            group_folder(group)
        );
        for op in &group.operations {
            let summary = op
                .summary
                .as_deref()
                .map(|s| format!(": {}", sanitize(s).replace('\n', " ")))
                .unwrap_or_default();
            let _ = writeln!(out, "* `{}().{}()`{summary}", group.module, op.method_name);
        }
        out.push('\n');
    }
    out.trim_end().to_owned() + "\n"
}

/// The first operation's call, as statements inside `main`.
struct FirstCall {
    call: String,
    note: Option<String>,
}

fn first_call(cx: &Context<'_>) -> FirstCall {
    let simplest = cx
        .api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
        .min_by_key(|(_, o)| {
            (
                o.parameters.iter().filter(|p| p.required).count()
                    + usize::from(o.body.as_ref().is_some_and(|b| b.required)),
                0,
            )
        });
    // Prefer the operation the crate is named after when there is one.
    let chosen = cx
        .api
        .groups
        .first()
        .and_then(|g| g.operations.first().map(|o| (g, o)))
        .or(simplest);
    match chosen.and_then(|(g, o)| call_text(cx, g, o)) {
        Some(call) => FirstCall { call, note: None },
        None => FirstCall {
            call: "let response = ();".to_owned(),
            note: Some("This API has no operation that can be called without inputs.".into()),
        },
    }
}

fn call_text(cx: &Context<'_>, group: &OperationGroup, op: &Operation) -> Option<String> {
    let args = super::example::call_arguments(cx.api, op, &cx.lib_name)?;
    Some(format!(
        "let response = client\n        .{}()\n        .{}({})\n        .await?;",
        group.module,
        op.method_name,
        args.join(", ")
    ))
}

fn credentials(cx: &Context<'_>) -> String {
    let setup = example_setup(cx);
    let start = setup
        .find("::builder()")
        .map_or(0, |i| i + "::builder()".len());
    let end = setup.find(".build()").unwrap_or(start);
    setup[start..end].to_owned()
}

fn program(cx: &Context<'_>, call: &str, after: &str) -> String {
    program_with_imports(cx, call, after, "")
}

fn program_with_imports(cx: &Context<'_>, call: &str, after: &str, imports: &str) -> String {
    let after = if after.is_empty() {
        String::new()
    } else {
        format!("\n    {after}")
    };
    let binding_used = !after.is_empty() || !call.starts_with("let response");
    let call = if binding_used {
        call.to_owned()
    } else {
        call.replacen("let response = ", "", 1)
    };
    let program = format!(
        "{imports}{}    {call}{after}\n    Ok(())\n}}\n",
        example_setup(cx)
    );
    import_models(cx, &program)
}
