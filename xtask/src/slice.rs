//! `cargo xtask slice`: cuts a self-contained OpenAPI document, holding only
//! the chosen operations and what they need, out of a large one.
//!
//! Everything is copied in upstream order so that a refreshed upstream gives
//! a small, reviewable diff of the slice.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::error::Error;
use std::fmt;
use std::fs;
use std::path::PathBuf;

use serde_yaml::{Mapping, Value};

/// Arguments of `cargo xtask slice`.
#[derive(Debug, clap::Args)]
pub struct SliceArgs {
    /// The OpenAPI document (YAML or JSON) to cut from.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// An operationId to keep; repeat for several.
    #[arg(long = "operation", value_name = "ID", required = true)]
    pub operations: Vec<String>,
    /// Where to write the sliced YAML document.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// An OpenAPI Overlay to apply to the document before slicing; repeat
    /// for several, applied in order.
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// Fail when an overlay action's target matches nothing.
    #[arg(long)]
    pub strict: bool,
    /// A document of webhook events (`webhooks` or `x-webhooks`) whose
    /// events, and the components they use, join the slice.
    #[arg(long, value_name = "FILE")]
    pub webhooks: Option<PathBuf>,
    /// An OpenAPI Overlay to apply to the webhooks document before its
    /// events are merged; repeat for several, applied in order.
    #[arg(long = "webhooks-overlay", value_name = "FILE", requires = "webhooks")]
    pub webhooks_overlays: Vec<PathBuf>,
}

/// Why a document could not be sliced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceError(String);

impl fmt::Display for SliceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for SliceError {}

impl SliceError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        SliceError(message.into())
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, SliceError> {
    Err(SliceError(message.into()))
}

/// Runs the command: reads `--from`, writes `--out`.
pub fn run(args: &SliceArgs) -> Result<(), Box<dyn Error>> {
    let source = fs::read_to_string(&args.from)
        .map_err(|err| format!("{}: cannot read: {err}", args.from.display()))?;
    let overlays = crate::overlay::read_all(&args.overlays)?;
    let overlay_labels: Vec<String> = args
        .overlays
        .iter()
        .map(|o| o.display().to_string())
        .collect();
    let webhooks = match &args.webhooks {
        Some(path) => {
            let text = fs::read_to_string(path)
                .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
            let overlays = crate::overlay::read_all(&args.webhooks_overlays)?;
            Some(crate::overlay::apply_all(
                &text,
                path,
                &overlays,
                args.strict,
            )?)
        }
        None => None,
    };
    let webhooks_label = args.webhooks.as_ref().map(|p| p.display().to_string());
    let webhooks_overlay_labels: Vec<String> = args
        .webhooks_overlays
        .iter()
        .map(|o| o.display().to_string())
        .collect();
    let command = command_line(
        &args.from.display().to_string(),
        webhooks_label
            .as_deref()
            .map(|w| (w, webhooks_overlay_labels.as_slice())),
        &overlay_labels,
        &args.operations,
        &args.out.display().to_string(),
    );
    let text = sliced(
        &source,
        &args.from,
        &overlays,
        &args.operations,
        (&command, webhooks.as_deref()),
        args.strict,
    )?;
    if let Some(folder) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(folder)
            .map_err(|err| format!("{}: cannot create: {err}", folder.display()))?;
    }
    fs::write(&args.out, text)
        .map_err(|err| format!("{}: cannot write: {err}", args.out.display()))?;
    eprintln!(
        "wrote {} ({} operation(s) from {})",
        args.out.display(),
        args.operations.len(),
        args.from.display()
    );
    Ok(())
}

/// Applies `overlays` to the document in `source` (read from `from`), then
/// slices it with the header naming `command`.
pub fn sliced(
    source: &str,
    from: &std::path::Path,
    overlays: &[crate::overlay::Overlay],
    operations: &[String],
    (command, webhooks): (&str, Option<&str>),
    strict: bool,
) -> Result<String, Box<dyn Error>> {
    let source = crate::overlay::apply_all(source, from, overlays, strict)?;
    Ok(render(&source, operations, command, webhooks)
        .map_err(|err| format!("{}: {err}", from.display()))?)
}

/// The command line recorded in the slice's header, paths as given.
pub fn command_line(
    from: &str,
    webhooks: Option<(&str, &[String])>,
    overlays: &[String],
    operations: &[String],
    out: &str,
) -> String {
    let mut line = format!("cargo xtask slice --from {}", shell_quote(from));
    if let Some((webhooks, webhooks_overlays)) = webhooks {
        line.push_str(" --webhooks ");
        line.push_str(&shell_quote(webhooks));
        for overlay in webhooks_overlays {
            line.push_str(" --webhooks-overlay ");
            line.push_str(&shell_quote(overlay));
        }
    }
    for overlay in overlays {
        line.push_str(" --overlay ");
        line.push_str(&shell_quote(overlay));
    }
    for operation in operations {
        line.push_str(" --operation ");
        line.push_str(&shell_quote(operation));
    }
    line.push_str(" --out ");
    line.push_str(&shell_quote(out));
    line
}

/// Quotes a word for a POSIX shell only when it needs it, so the usual
/// header stays readable and a copied command still works.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@+,%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Slices the document in `source`, adds the events of the `webhooks`
/// document if there is one, and renders it as YAML headed by a comment
/// naming `command`.
pub fn render(
    source: &str,
    operations: &[String],
    command: &str,
    webhooks: Option<&str>,
) -> Result<String, SliceError> {
    let document: Value = serde_yaml::from_str(source)
        .map_err(|err| SliceError(format!("not a valid YAML or JSON document: {err}")))?;
    let mut sliced = slice(&document, operations)?;
    if let Some(webhooks) = webhooks {
        let webhooks: Value = serde_yaml::from_str(webhooks).map_err(|err| {
            SliceError(format!(
                "the webhooks document is not valid YAML or JSON: {err}"
            ))
        })?;
        crate::slice_webhooks::merge(&mut sliced, &webhooks)
            .map_err(|err| SliceError(format!("webhooks: {err}")))?;
    }
    let body = crate::yaml::to_string(&sliced)
        .map_err(|err| SliceError(format!("cannot render the slice as YAML: {err}")))?;
    Ok(format!("# Generated by `{command}`; do not edit.\n{body}"))
}

/// The operationIds of the document in `source`, to tell which of the
/// operations to keep are still there.
pub fn operation_ids(source: &str) -> Result<BTreeSet<String>, SliceError> {
    let document: Value = serde_yaml::from_str(source)
        .map_err(|err| SliceError(format!("not a valid YAML or JSON document: {err}")))?;
    let items = document
        .get("paths")
        .and_then(Value::as_mapping)
        .into_iter()
        .flat_map(Mapping::values)
        .filter_map(Value::as_mapping);
    let mut ids = BTreeSet::new();
    for item in items {
        for (key, operation) in item {
            if key.as_str().is_some_and(|k| METHODS.contains(&k)) {
                if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                    ids.insert(id.to_owned());
                }
            }
        }
    }
    Ok(ids)
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keeps the operations whose operationId is in `operations`, with the path
/// items, tags, security schemes and components they use.
pub fn slice(document: &Value, operations: &[String]) -> Result<Value, SliceError> {
    let Some(root) = document.as_mapping() else {
        return fail("the document's root is not a mapping");
    };
    let wanted: HashSet<&str> = operations.iter().map(String::as_str).collect();
    let mut found = HashSet::new();
    let mut tags = HashSet::new();
    let mut schemes = Vec::new();
    let mut refs = Vec::new();

    let mut paths = Mapping::new();
    if let Some(upstream) = root.get("paths").and_then(Value::as_mapping) {
        for (path, item) in upstream {
            let Some(item) = item.as_mapping() else {
                continue;
            };
            let mut kept = Mapping::new();
            let mut has_operation = false;
            for (key, value) in item {
                let is_method = key.as_str().is_some_and(|k| METHODS.contains(&k));
                if !is_method {
                    kept.insert(key.clone(), value.clone());
                    continue;
                }
                let id = value.get("operationId").and_then(Value::as_str);
                let Some(id) = id.filter(|id| wanted.contains(id)) else {
                    continue;
                };
                found.insert(id);
                has_operation = true;
                for tag in value
                    .get("tags")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                {
                    if let Some(tag) = tag.as_str() {
                        tags.insert(tag.to_owned());
                    }
                }
                schemes.extend(scheme_names(value.get("security")));
                kept.insert(key.clone(), value.clone());
            }
            if has_operation {
                let place = format!("paths/{}", path.as_str().unwrap_or("?"));
                collect_refs(&Value::Mapping(kept.clone()), &place, &mut refs)?;
                paths.insert(path.clone(), Value::Mapping(kept));
            }
        }
    }

    let mut unknown: Vec<&str> = operations
        .iter()
        .map(String::as_str)
        .filter(|id| !found.contains(id))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        return fail(format!(
            "no operation has the operationId {}",
            unknown
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }

    schemes.extend(scheme_names(root.get("security")));
    let components = root.get("components").and_then(Value::as_mapping);
    let needed = closure(components, refs, schemes)?;

    let mut out = Mapping::new();
    for (key, value) in root {
        match key.as_str() {
            Some("paths") => {
                out.insert(key.clone(), Value::Mapping(paths.clone()));
            }
            Some("tags") => {
                let kept: Vec<Value> = value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter(|tag| {
                        tag.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|name| tags.contains(name))
                    })
                    .cloned()
                    .collect();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Sequence(kept));
                }
            }
            Some("components") => {
                let kept = keep_components(value, &needed);
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Mapping(kept));
                }
            }
            // Webhooks are operations too, and none was asked for.
            Some("webhooks") => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(Value::Mapping(out))
}

/// The scheme names of a `security` requirement list.
fn scheme_names(security: Option<&Value>) -> Vec<(String, String)> {
    security
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter_map(Value::as_mapping)
        .flat_map(|requirement| requirement.keys())
        .filter_map(Value::as_str)
        .map(|name| ("securitySchemes".to_owned(), name.to_owned()))
        .collect()
}

/// Every component reachable from `refs` and `schemes`, by kind.
pub(crate) fn closure(
    components: Option<&Mapping>,
    refs: Vec<(String, String)>,
    schemes: Vec<(String, String)>,
) -> Result<HashMap<String, BTreeSet<String>>, SliceError> {
    let mut needed: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut work = refs;
    work.extend(schemes);
    while let Some((kind, name)) = work.pop() {
        if !needed.entry(kind.clone()).or_default().insert(name.clone()) {
            continue;
        }
        let component = components
            .and_then(|c| c.get(kind.as_str()))
            .and_then(|k| k.get(name.as_str()));
        let Some(component) = component else {
            return fail(format!(
                "`#/components/{kind}/{name}` is used but not defined"
            ));
        };
        collect_refs(component, &format!("components/{kind}/{name}"), &mut work)?;
    }
    Ok(needed)
}

/// The `components` section cut down to `needed`, in upstream order;
/// `x-*` extensions of the section are kept.
fn keep_components(components: &Value, needed: &HashMap<String, BTreeSet<String>>) -> Mapping {
    let mut out = Mapping::new();
    for (kind, entries) in components.as_mapping().into_iter().flatten() {
        let Some(kind_name) = kind.as_str() else {
            continue;
        };
        if kind_name.starts_with("x-") {
            out.insert(kind.clone(), entries.clone());
            continue;
        }
        let Some(names) = needed.get(kind_name) else {
            continue;
        };
        let kept: Mapping = entries
            .as_mapping()
            .into_iter()
            .flatten()
            .filter(|(name, _)| name.as_str().is_some_and(|n| names.contains(n)))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        if !kept.is_empty() {
            out.insert(kind.clone(), Value::Mapping(kept));
        }
    }
    out
}

/// Appends every component named by a `$ref` (or a discriminator mapping)
/// inside `value` to `out`; `place` names `value` in error messages.
pub(crate) fn collect_refs(
    value: &Value,
    place: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), SliceError> {
    match value {
        Value::Mapping(mapping) => {
            for (key, child) in mapping {
                match (key.as_str(), child) {
                    (Some("$ref"), Value::String(reference)) => {
                        out.push(parse_ref(reference, place)?);
                    }
                    (Some("discriminator"), _) => {
                        let targets = child.get("mapping").and_then(Value::as_mapping);
                        for target in targets
                            .into_iter()
                            .flatten()
                            .filter_map(|(_, t)| t.as_str())
                        {
                            // A bare name in a discriminator mapping means a schema.
                            if target.starts_with('#') || target.contains('/') {
                                out.push(parse_ref(target, place)?);
                            } else {
                                out.push(("schemas".to_owned(), target.to_owned()));
                            }
                        }
                        collect_refs(child, place, out)?;
                    }
                    _ => collect_refs(child, place, out)?,
                }
            }
        }
        Value::Sequence(items) => {
            for item in items {
                collect_refs(item, place, out)?;
            }
        }
        Value::Tagged(tagged) => collect_refs(&tagged.value, place, out)?,
        _ => {}
    }
    Ok(())
}

/// Splits `#/components/<kind>/<name>[/...]` into kind and name, decoding
/// the URI fragment's percent-escapes and then the JSON pointer's `~1` and
/// `~0` (in that order, as RFC 6901 requires).
fn parse_ref(reference: &str, place: &str) -> Result<(String, String), SliceError> {
    let Some(pointer) = reference.strip_prefix("#/components/") else {
        return fail(format!(
            "{place}: `$ref: {reference}` does not point into `#/components`; \
             the slice would not be self-contained"
        ));
    };
    let mut tokens = pointer.split('/').map(decode_token);
    match (tokens.next(), tokens.next()) {
        (Some(kind), Some(name)) if !kind.is_empty() && !name.is_empty() => Ok((kind, name)),
        _ => fail(format!(
            "{place}: `$ref: {reference}` does not name a component"
        )),
    }
}

fn decode_token(token: &str) -> String {
    percent_decode(token).replace("~1", "/").replace("~0", "~")
}

/// Decodes `%XX` escapes; a malformed escape is kept as written, and bytes
/// that are not UTF-8 are replaced.
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests;
