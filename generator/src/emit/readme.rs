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
        "## Install\n\n```toml\n[dependencies]\n{} = \"{}\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n",
        cx.options.crate_name,
        requirement(super::crate_version(cx)),
    );
    out.push_str(&super::cfg::readme_section(cx));
    out.push_str(&http_features(cx));
    let first = first_call(cx);
    let _ = writeln!(out, "## Authentication and a first call\n");
    if let Some(scheme) = api
        .security
        .first()
        .and_then(|a| a.first())
        .map(|i| &api.security_schemes[*i])
    {
        let _ = writeln!(out, "Credentials are set on the builder (`{}`) and never appear in `Debug` output or errors.{}\n", scheme.setter, if api.requires_credential() { " Every operation needs one, so `build()` fails without it." } else { "" });
    }
    let _ = writeln!(
        out,
        "```rust,no_run\n{}```\n",
        program(cx, &first.call, first.show.as_deref().unwrap_or_default())
    );
    if let Some(note) = &first.note {
        let _ = writeln!(out, "{note}\n");
    }

    let _ = writeln!(out, "## Retries and timeouts\n");
    let _ = writeln!(out, "{}\n", retry_defaults(api.retries.as_ref()));
    let _ = writeln!(out, "{REPEAT_RULE}\n");
    let retry_call = first.call.replacen(
        "\n        .await?;",
        "\n        .retries(RetryConfig::none())\n        .await?;",
        1,
    );
    let _ = writeln!(
        out,
        "`RetryConfig::backoff` changes the waits and keeps the retried statuses; `.status_codes(..)` replaces them. `timeout` bounds each attempt, `total_timeout` the whole call, retries and waits included:\n"
    );
    let _ = writeln!(
        out,
        "```rust,no_run\nuse std::time::Duration;\nuse {lib}::{{Backoff, RetryConfig, StatusMatch}};\n\nlet policy = RetryConfig::backoff(\n    Backoff::new()\n        .initial_interval(Duration::from_millis(200))\n        .max_interval(Duration::from_secs(5))\n        .max_elapsed_time(Duration::from_secs(30))\n        .exponent(2.0),\n)\n.status_codes(vec![StatusMatch::Exact(429), StatusMatch::Range(5)]);\nlet client = {lib}::{client}::builder(){}\n    .retry_config(policy)\n    .timeout(Duration::from_secs(10))\n    .total_timeout(Duration::from_secs(60))\n    .build()?;\n# Ok::<(), {lib}::Error>(())\n```\n",
        credentials_line(cx)
    );
    let _ = writeln!(out, "Or for one call:\n");
    let _ = writeln!(
        out,
        "```rust,no_run\n{}```\n",
        program_with_imports(cx, &retry_call, "", &format!("use {lib}::RetryConfig;\n"))
    );

    let _ = writeln!(out, "## Error handling\n");
    let _ = writeln!(out, "Every call returns `Result<_, {lib}::Error>`. `Error::Api` holds an error response the API documents, decoded into its schema (`ErrorBody`); `Error::UnexpectedStatus` any other error status with its raw body; `Error::Decode` a body that did not match its schema; `Error::Validation` an input that breaks a constraint of the API description, or a path parameter that is empty, `.` or `..` (which would address another resource; nothing was sent); `Error::Redirect` a redirect to another origin, not followed; `Error::Body` a response whose body broke off or stalled (with the status, headers and the bytes that arrived); `Error::Timeout` and `Error::Transport` the network. `status()`, `headers()` and `is_retryable()` work on all of them.\n");
    let (error_op, error_call) = error_call(cx, &first);
    let (arm, names_body) = super::error_docs::error_arm(cx, error_op);
    let handling = format!(
        "match result {{\n        Ok(_) => println!(\"done\"),\n        Err(Error::Validation(error)) => eprintln!(\"not sent: {{error}}\"),\n{}\n    }}",
        arm
    );
    let imports = if names_body {
        format!("use {lib}::{{Error, ErrorBody}};\n")
    } else {
        format!("use {lib}::Error;\n")
    };
    // Without a callable operation there is no result to match on.
    if first.note.is_none() {
        let _ = writeln!(
            out,
            "```rust,no_run\n{}```\n",
            program_with_imports(
                cx,
                &error_call.replace("let response = ", "let result = "),
                &handling,
                &imports
            )
            .replace("        .await?;", "        .await;")
        );
    }
    let _ = writeln!(out, "Secrets stay out of logs: fields the API description marks secret (`format: password`) show as `***` in `Debug`, requests included, and when a call's response can hold one, the `Display` and `Debug` of its `Error::Decode` and `Error::Body` give the body's length, not its bytes (`raw_body()` still returns them). Credentials set on the client never appear in either.\n");
    let _ = writeln!(out, "`Display` shows one level of an error; the cause, if any, is its `source()`, so `anyhow` and `eyre` print each message once. `{{:#}}` of an `anyhow::Error` prints the whole chain.\n");

    let _ = writeln!(out, "## Server selection and timeouts\n");
    let default_server = api
        .servers
        .first()
        .map_or("(none: set one)", |s| s.url.as_str());
    let _ = writeln!(out, "The default server is `{default_server}`. Choose another, and a timeout, for the client or for one call:\n");
    let _ = writeln!(
        out,
        "```rust,no_run\nuse std::time::Duration;\n\nlet client = {lib}::{client}::builder(){}\n    .server_url(\"http://127.0.0.1:8080\")\n    .timeout(Duration::from_secs(10))\n    .build()?;\n# Ok::<(), {lib}::Error>(())\n```\n",
        credentials_line(cx)
    );
    let _ = writeln!(out, "Per call: `.server_url(url)`, `.timeout(duration)`, `.total_timeout(duration)` and `.header(name, value)` before `.await`.\n");
    let _ = writeln!(out, "Opening a connection may take 10 s (`.connect_timeout(duration)` on the builder changes it); an attempt has no other limit unless `.timeout` sets one.\n");

    let _ = writeln!(out, "## Hooks and a custom HTTP client\n");
    let _ = writeln!(
        out,
        "```rust,no_run\nuse {lib}::{{Error, Hook, HookContext}};\n\nstruct Trace;\n\nimpl Hook for Trace {{\n    fn before_request(\n        &self,\n        context: &HookContext,\n        request: &mut {lib}::reqwest::Request,\n    ) -> Result<(), Error> {{\n        eprintln!(\"{{}}: {{}} {{}}\", context.operation_id, request.method(), request.url().path());\n        Ok(())\n    }}\n}}\n\nlet http = {lib}::reqwest::Client::builder().pool_max_idle_per_host(4);\nlet client = {lib}::{client}::builder(){}.http_client(http).hook(Trace).build()?;\n# Ok::<(), {lib}::Error>(())\n```\n",
        credentials(cx)
    );
    let reqwest = super::reqwest_version();
    let _ = writeln!(out, "`{lib}::reqwest` is the reqwest this crate is built on ({reqwest}): name its types through it, and no direct reqwest dependency, which could be another version, is needed.\n");
    let _ = writeln!(out, "The client is built from the given `{lib}::reqwest::ClientBuilder` with the SDK's redirect policy: a redirect is followed only within the origin (scheme, host and port) the request was sent to. Any other, `https` to `http` included, is not followed and is returned as `Error::Redirect`, so a credential never reaches another origin, whatever scheme carries it (header, query or cookie).\n");

    let _ = writeln!(out, "## Blocking client\n");
    let _ = writeln!(out, "With the `blocking` feature, `{lib}::blocking::{client}` has the same surface; calls end with `.send()`.\n");
    let blocking_call = first.call.replace("        .await?", "        .send()?");
    let _ = writeln!(
        out,
        "```rust,no_run\n# #[cfg(feature = \"blocking\")]\nfn main() -> Result<(), {lib}::Error> {{\n    let client = {lib}::blocking::{client}::builder(){}.build()?;\n    {}\n    Ok(())\n}}\n# #[cfg(not(feature = \"blocking\"))]\n# fn main() {{}}\n```\n",
        credentials(cx),
        blocking_call.trim()
    );

    out.push_str(&super::webhooks::readme_section(cx));

    out.push_str(&module_sections(cx));
    out.push_str(&super::pagination::readme_section(cx));
    out.push_str(&super::stream::readme_section(cx));
    let _ = writeln!(out, "## Operations\n");
    for group in &api.groups {
        // A reference link: rustdoc reads the crate root's intra-doc
        // definition first, GitHub the one at the end of this file.
        let _ = writeln!(out, "### [{}]\n", group.type_name);
        if let Some(description) = &group.description {
            let _ = writeln!(out, "{}\n", sanitize(description));
        }
        for op in &group.operations {
            let summary = op
                .summary
                .as_deref()
                .map(|s| format!(": {}", sanitize(s).replace('\n', " ")))
                .unwrap_or_default();
            let deprecated = if op.deprecated { " (deprecated)" } else { "" };
            let _ = writeln!(
                out,
                "* `{}().{}()`{summary}{deprecated}",
                group.module, op.method_name
            );
        }
        out.push('\n');
    }
    for group in &api.groups {
        let _ = writeln!(
            out,
            "[{}]: docs/sdks/{}/README.md",
            group.type_name,
            group_folder(group)
        );
    }
    out.trim_end().to_owned() + "\n"
}

/// The `## TLS and compression` section: the features that choose the TLS
/// backend and the response encodings (see `templates/Cargo.toml.tmpl`).
fn http_features(cx: &Context<'_>) -> String {
    let lib = &cx.lib_name;
    let reqwest = super::reqwest_version();
    // The groups go in the example too: without them, turning default
    // features off would also drop every operation.
    let groups: String = cx
        .features
        .iter()
        .flat_map(|plan| &plan.groups)
        .map(|group| format!(", \"{group}\""))
        .collect();
    format!(
        "## TLS and compression\n\n\
         HTTPS needs a TLS backend, which a Cargo feature chooses; compressed responses are opt-in:\n\n\
         | Feature | What it does |\n| --- | --- |\n\
         | `rustls` (default) | TLS by [rustls](https://docs.rs/rustls) with the aws-lc-rs crypto provider; certificates are checked against the operating system's trust store ([rustls-platform-verifier](https://docs.rs/rustls-platform-verifier)). |\n\
         | `native-tls` | TLS by the platform's library: OpenSSL on Linux (building needs its headers, `libssl-dev`, and `pkg-config`), Security.framework on macOS, SChannel on Windows. Used rather than rustls when both are on. |\n\
         | `rustls-no-provider` | rustls without a crypto provider, to bring your own (ring, say): install it with `rustls::crypto::CryptoProvider::install_default` before `build()`, which otherwise fails with `Error::Config`. |\n\
         | `gzip`, `brotli`, `zstd`, `deflate` | Each adds its encoding to `Accept-Encoding` and decompresses the responses that use it. |\n\n\
         ```toml\n[dependencies]\n{} = {{ version = \"{}\", default-features = false, features = [\"native-tls\"{groups}, \"gzip\"] }}\n```\n\n\
         reqwest {reqwest} bundles no root certificates (earlier releases could bundle Mozilla's, `webpki-roots`), so with `rustls` the system must have CA \
         certificates (on Linux, those of the `ca-certificates` package, or the bundle `SSL_CERT_FILE` names): in a minimal \
         container image without them, `build()` fails with `Error::Config` saying so. Other roots, or other TLS \
         settings, go through `http_client` (see [Hooks and a custom HTTP client](#hooks-and-a-custom-http-client)): \
         `{lib}::reqwest::Client::builder().tls_certs_only(..)`. Without any of these TLS features the crate builds, for \
         plain `http://` servers only: a client or call for an `https://` URL fails with `Error::Config` before anything \
         is sent, even when another crate turns TLS on in reqwest.\n\n",
        cx.options.crate_name,
        requirement(super::crate_version(cx)),
    )
}

/// The first operation's call, as statements inside `main`.
struct FirstCall<'a> {
    /// The operation called, when there is one to call.
    op: Option<&'a Operation>,
    call: String,
    /// What is done with the response: print a field holding no credential.
    show: Option<String>,
    note: Option<String>,
}

fn first_call<'a>(cx: &Context<'a>) -> FirstCall<'a> {
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
    // The first operation that is not deprecated and answers something to
    // show, so the first example does something visible with the API's
    // current surface; else the first group's first operation.
    let showable = cx
        .api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
        .find(|(g, o)| {
            !o.deprecated
                && super::example::show_response(cx.api, o).is_some()
                && call_text(cx, g, o).is_some()
        });
    let chosen = showable
        .or_else(|| {
            cx.api
                .groups
                .first()
                .and_then(|g| g.operations.first().map(|o| (g, o)))
        })
        .or(simplest);
    let show = chosen.and_then(|(_, o)| super::example::show_response(cx.api, o));
    match chosen.and_then(|(g, o)| call_text(cx, g, o)) {
        Some(call) => FirstCall {
            op: chosen.map(|(_, o)| o),
            call,
            show,
            note: None,
        },
        None => FirstCall {
            op: None,
            call: "let response = ();".to_owned(),
            show: None,
            note: Some("This API has no operation that can be called without inputs.".into()),
        },
    }
}

/// The call the error-handling example makes: the first call when its
/// operation documents an error body, else the first callable operation
/// that does, so that the example shows reading one.
fn error_call<'a>(cx: &Context<'a>, first: &FirstCall<'a>) -> (Option<&'a Operation>, String) {
    let documents_errors = |op: &Operation| super::error_docs::decoded_error(cx.api, op).is_some();
    if first.op.is_some_and(documents_errors) {
        return (first.op, first.call.clone());
    }
    cx.api
        .groups
        .iter()
        .flat_map(|g| g.operations.iter().map(move |o| (g, o)))
        .filter(|(_, o)| documents_errors(o))
        .find_map(|(g, o)| call_text(cx, g, o).map(|call| (Some(o), call)))
        .unwrap_or_else(|| (first.op, first.call.clone()))
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

/// What an unconfigured client does about retries and timeouts.
fn retry_defaults(policy: Option<&crate::ir::RetryPolicy>) -> String {
    let no_timeout = "Apart from opening a connection (10 s), there is no timeout by default.";
    let Some((policy, backoff)) = policy.and_then(|p| Some((p, p.backoff.as_ref()?))) else {
        return format!("Requests are not retried unless you ask for it, for the client or for one call. {no_timeout}");
    };
    let statuses: Vec<String> = policy
        .status_codes
        .iter()
        .map(|s| match s {
            crate::ir::StatusMatch::Exact(code) => code.to_string(),
            crate::ir::StatusMatch::Range(class) => format!("{class}XX"),
            crate::ir::StatusMatch::Default => "4XX, 5XX".to_owned(),
        })
        .collect();
    let statuses = if statuses.is_empty() {
        "no status".to_owned()
    } else {
        format!("responses with status {}", statuses.join(", "))
    };
    let connection = if policy.retry_connection_errors {
        " and connection errors (refused connections, timeouts)"
    } else {
        ""
    };
    format!(
        "By default, as the API description says, {statuses}{connection} are retried with exponential backoff and jitter (other statuses, 429 included unless listed, are not): the first wait is {}, each next one x{}, a single wait is at most {}, and no retry starts after {}. A `Retry-After` header replaces the wait; one longer than {} (`Backoff::max_retry_after` changes it), or a wait that would end past that budget, returns the last response at once. `Backoff::max_attempts` caps the attempts. {no_timeout}",
        duration(backoff.initial_interval_ms),
        backoff.exponent,
        duration(backoff.max_interval_ms),
        duration(backoff.max_elapsed_time_ms),
        duration(backoff.max_interval_ms),
    )
}

/// Which failures are retried, by method: the same in every crate.
const REPEAT_RULE: &str = "A retry never repeats work the server may have done. GET, PUT, DELETE, HEAD and OPTIONS are retried after any connection error or timeout. A POST or PATCH is retried only when it provably never reached the server (the connection could not be opened: refused, DNS, TLS handshake, connect timeout) or when the server answered a status the policy lists; not after it was sent and then timed out or broke off. A POST or PATCH that sends the idempotency key its operation declares (an `Idempotency-Key` header parameter), or whose call says `.assume_idempotent()`, is retried like a PUT.";

/// `500 ms`, `60 s`, `1 h`.
fn duration(ms: u64) -> String {
    match ms {
        ms if ms % 3_600_000 == 0 && ms > 0 => format!("{} h", ms / 3_600_000),
        ms if ms % 1000 == 0 && ms > 0 => format!("{} s", ms / 1000),
        ms => format!("{ms} ms"),
    }
}

/// The credential setters on a line of their own, if there are any.
fn credentials_line(cx: &Context<'_>) -> String {
    let credentials = credentials(cx);
    if credentials.is_empty() {
        credentials
    } else {
        format!("\n    {credentials}")
    }
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

/// The version requirement a user writes for `version`: its numbers up to
/// the first non-zero one (`0.2.3` → `0.2`, `1.4.0` → `1`, `0.0.3` →
/// `0.0.3`), so that `cargo update` takes every compatible release.
pub(super) fn requirement(version: &str) -> String {
    let parts: Vec<&str> = version.split('.').collect();
    let significant = parts
        .iter()
        .position(|p| *p != "0")
        .map_or(parts.len(), |i| i + 1);
    parts[..significant.min(parts.len())].join(".")
}

/// The hand-written modules' README sections, in the modules' name order.
fn module_sections(cx: &Context<'_>) -> String {
    let mut modules: Vec<&crate::HandWritten> = cx.options.modules.iter().collect();
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = String::new();
    for section in modules.iter().filter_map(|m| m.readme.as_deref()) {
        let _ = writeln!(out, "{}\n", section.trim());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn requirements_stop_at_the_first_non_zero_number() {
        for (version, wanted) in [
            ("0.2.3", "0.2"),
            ("1.4.0", "1"),
            ("0.0.3", "0.0.3"),
            ("2.0.0", "2"),
            ("0.1.0", "0.1"),
        ] {
            assert_eq!(super::requirement(version), wanted, "{version}");
        }
    }
}
