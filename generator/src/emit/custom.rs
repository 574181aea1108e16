//! The hand-written modules the maintainer declares ([`HandWritten`]): their
//! declarations and re-exports in `lib.rs`, and the features and
//! dependencies they bring to `Cargo.toml`. The modules' own files are never
//! written here.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::ident;
use super::{toml_string, Context, CARGO_TEMPLATE};
use crate::{Error, HandWritten, Options};

/// Refuses a declaration that would give a crate that does not build, or a
/// manifest Cargo rejects, saying which module and why.
pub(super) fn check(options: &Options, crate_features: &BTreeSet<String>) -> Result<(), Error> {
    let fail = |module: &HandWritten, reason: String| Error::Emit {
        file: "src/lib.rs".into(),
        reason: format!("hand-written module `{}`: {reason}", module.name),
    };
    let mut names = BTreeSet::new();
    let own_features = module_features(options);
    let template_dependencies = template_dependencies();
    for module in &options.modules {
        if !is_snake(&module.name) {
            return Err(fail(
                module,
                "a module name is a snake_case identifier".into(),
            ));
        }
        if !names.insert(&module.name) {
            return Err(fail(module, "declared twice".into()));
        }
        if let Some(bad) = module.exports.iter().find(|e| !is_identifier(e)) {
            return Err(fail(module, format!("export `{bad}` is not an identifier")));
        }
        let mut dependencies = BTreeSet::new();
        for dependency in module.dependencies.iter().chain(&module.dev_dependencies) {
            if !is_feature_name(&dependency.name) {
                return Err(fail(
                    module,
                    format!("`{}` is not a crate name", dependency.name),
                ));
            }
            if template_dependencies.contains(dependency.name.as_str()) {
                return Err(fail(
                    module,
                    format!(
                        "`{}` is a dependency of every generated crate already; turn on what the module needs with `requires` (`{}/feature`)",
                        dependency.name, dependency.name
                    ),
                ));
            }
        }
        for dependency in &module.dependencies {
            dependencies.insert(dependency.name.as_str());
        }
        let Some(feature) = &module.feature else {
            continue;
        };
        let shared = crate_features.contains(&feature.name);
        if shared && (!module.dependencies.is_empty() || !feature.extra.is_empty()) {
            return Err(fail(
                module,
                format!(
                    "`{}` is a feature the crate has already; a module with dependencies or further features needs one of its own",
                    feature.name
                ),
            ));
        }
        let known = |name: &str| {
            crate_features.contains(name) || own_features.contains(name) || name.contains('/')
        };
        let extras = feature.extra.iter().map(|e| (&e.name, &e.enables));
        for (name, enables) in std::iter::once((&feature.name, &feature.requires)).chain(extras) {
            if !is_feature_name(name) {
                return Err(fail(module, format!("`{name}` is not a feature name")));
            }
            for enabled in enables {
                let fine = match enabled.strip_prefix("dep:") {
                    Some(dependency) => dependencies.contains(dependency),
                    None => known(enabled),
                };
                if !fine {
                    return Err(fail(
                        module,
                        format!(
                            "feature `{name}` turns on `{enabled}`, which the crate does not have"
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The features the modules declare themselves (their own and the extra
/// ones), so no group may take their names.
pub(super) fn module_features(options: &Options) -> BTreeSet<String> {
    options
        .modules
        .iter()
        .filter_map(|m| m.feature.as_ref())
        .flat_map(|f| std::iter::once(f.name.clone()).chain(f.extra.iter().map(|e| e.name.clone())))
        .collect()
}

/// The modules, sorted as rustfmt sorts them.
fn sorted<'a>(cx: &Context<'a>) -> Vec<&'a HandWritten> {
    let mut modules: Vec<&HandWritten> = cx.options.modules.iter().collect();
    modules.sort_by(|a, b| a.name.cmp(&b.name));
    modules
}

/// The gate of a module and its re-exports.
fn gate(module: &HandWritten) -> Option<TokenStream> {
    let feature = &module.feature.as_ref()?.name;
    Some(quote!(#[cfg(feature = #feature)]))
}

/// `mod …;` for each module.
pub(super) fn declarations(cx: &Context<'_>) -> TokenStream {
    let modules = sorted(cx).into_iter().map(|module| {
        let name = ident(&module.name);
        let path = format!("custom/{}.rs", module.name);
        let gate = gate(module);
        let visibility = module.public.then(|| quote!(pub));
        quote! {
            /// Hand-written (declared in the SDK's config; the generator never writes it).
            #gate
            #[path = #path]
            #visibility mod #name;
        }
    });
    quote!(#(#modules)*)
}

/// The crate root's `pub use` of each module's exports, keyed by module name
/// for sorting among the root's other first uses.
pub(super) fn export_uses(cx: &Context<'_>) -> Vec<(String, TokenStream)> {
    let mut uses = Vec::new();
    for module in sorted(cx).into_iter().filter(|m| !m.exports.is_empty()) {
        let name = ident(&module.name);
        let mut exports: Vec<&String> = module.exports.iter().collect();
        exports.sort();
        let exports = exports.into_iter().map(|export| ident(export));
        let gate = gate(module);
        let tokens = if module.exports.len() == 1 {
            quote!(#gate pub use #name::#(#exports)*;)
        } else {
            quote!(#gate pub use #name::{#(#exports),*};)
        };
        uses.push((module.name.clone(), tokens));
    }
    uses
}

/// Whether a module adds a feature of its own, so `docs.rs` should build
/// with every feature and label gated items.
pub(super) fn declares_features(cx: &Context<'_>) -> bool {
    cx.options.modules.iter().any(|m| m.feature.is_some())
}

/// The modules' lines of `[dependencies]`.
pub(super) fn dependencies(cx: &Context<'_>) -> String {
    let mut out = String::new();
    for module in sorted(cx) {
        for dependency in &module.dependencies {
            let spec = if module.feature.is_some() {
                optional(&dependency.spec)
            } else {
                dependency.spec.clone()
            };
            out.push_str(&format!("{} = {spec}\n", dependency.name));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("# For the hand-written modules.\n{out}")
}

/// The modules' lines of `[dev-dependencies]`.
pub(super) fn dev_dependencies(cx: &Context<'_>) -> String {
    sorted(cx)
        .into_iter()
        .flat_map(|m| &m.dev_dependencies)
        .map(|d| format!("{} = {}\n", d.name, d.spec))
        .collect()
}

/// The modules' lines of `[features]`, with their docs.
pub(super) fn features(cx: &Context<'_>, crate_features: &BTreeSet<String>) -> String {
    let mut out = String::new();
    for module in sorted(cx) {
        let Some(feature) = &module.feature else {
            continue;
        };
        if crate_features.contains(&feature.name) {
            continue;
        }
        // A dependency an extra feature names is that feature's alone.
        let claimed: BTreeSet<&str> = feature
            .extra
            .iter()
            .flat_map(|e| &e.enables)
            .filter_map(|e| e.strip_prefix("dep:"))
            .collect();
        let mut enables: Vec<String> = feature.requires.clone();
        enables.extend(
            module
                .dependencies
                .iter()
                .filter(|d| !claimed.contains(d.name.as_str()))
                .map(|d| format!("dep:{}", d.name)),
        );
        let doc = feature
            .doc
            .clone()
            .unwrap_or_else(|| format!("The hand-written `{}` module.", module.name));
        push_feature(&mut out, &feature.name, &doc, &enables);
        for extra in &feature.extra {
            let doc = extra
                .doc
                .clone()
                .unwrap_or_else(|| format!("More of the hand-written `{}` module.", module.name));
            push_feature(&mut out, &extra.name, &doc, &extra.enables);
        }
    }
    out
}

fn push_feature(out: &mut String, name: &str, doc: &str, enables: &[String]) {
    let enables: Vec<String> = enables.iter().map(|e| toml_string(e)).collect();
    out.push_str(&format!("## {doc}\n{name} = [{}]\n", enables.join(", ")));
}

/// `spec` with `optional = true`: a version string becomes a table.
fn optional(spec: &str) -> String {
    let spec = spec.trim();
    match spec.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(inner) if inner.trim().is_empty() => "{ optional = true }".to_owned(),
        Some(inner) => format!(
            "{{ {}, optional = true }}",
            inner.trim().trim_end_matches(',')
        ),
        None => format!("{{ version = {spec}, optional = true }}"),
    }
}

/// The dependencies every generated crate has (the template's, `regex`
/// included since some crates get it).
fn template_dependencies() -> BTreeSet<&'static str> {
    let mut names: BTreeSet<&str> = CARGO_TEMPLATE
        .split("\n[")
        .filter(|table| {
            table.starts_with("dependencies]") || table.starts_with("dev-dependencies]")
        })
        .flat_map(str::lines)
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .filter(|name| is_feature_name(name))
        .collect();
    names.insert("regex");
    names
}

fn is_snake(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_identifier(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Cargo's rule for feature and crate names, kept to ASCII.
fn is_feature_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'))
}

#[cfg(test)]
mod tests {
    use super::{optional, template_dependencies};

    #[test]
    fn a_dependency_becomes_optional_whatever_its_form() {
        assert_eq!(optional("\"1\""), "{ version = \"1\", optional = true }");
        assert_eq!(
            optional("{ version = \"10\", default-features = false }"),
            "{ version = \"10\", default-features = false, optional = true }"
        );
        assert_eq!(optional("{}"), "{ optional = true }");
    }

    #[test]
    fn the_templates_dependencies_are_known() {
        let names = template_dependencies();
        for name in ["reqwest", "serde_json", "tokio", "wiremock", "regex"] {
            assert!(names.contains(name), "{name}: {names:?}");
        }
        assert!(!names.contains("#"), "{names:?}");
    }
}
