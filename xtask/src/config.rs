//! `spec/sdk.toml`: the maintainer's inputs for the generated crate (which
//! document, which upstream operations, the crate's version and package
//! metadata). `generate`, `check`, `diff` and `refresh` read it; their flags
//! override it, and `refresh` writes the version back.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::generate::{label, workspace_root};

/// The file's name, beside the spec.
pub const DEFAULT: &str = "spec/sdk.toml";

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where it was read from; its folder anchors the relative paths.
    #[serde(skip)]
    pub path: PathBuf,
    /// What is generated, and where.
    pub sdk: Sdk,
    /// Where the spec is sliced from.
    pub upstream: Option<Upstream>,
    /// `[package]` of the generated `Cargo.toml`.
    pub package: Package,
    /// Hand-written modules of the crate.
    #[serde(default)]
    pub modules: Vec<Module>,
    /// How the API's webhook deliveries are signed.
    pub webhooks: Option<Webhooks>,
}

/// `[webhooks]`: what the documents do not say about webhooks.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    /// How deliveries are signed: `standard-webhooks` (Svix, Clerk).
    pub signing: SigningChoice,
}

/// `[webhooks] signing`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SigningChoice {
    /// Standard Webhooks: `webhook-*` or `svix-*` headers, HMAC-SHA256.
    StandardWebhooks,
}

impl Config {
    /// The generator's view of `[webhooks]`.
    pub fn webhook_signing(&self) -> Option<generator::WebhookSigning> {
        self.webhooks.as_ref().map(|w| match w.signing {
            SigningChoice::StandardWebhooks => generator::WebhookSigning::StandardWebhooks,
        })
    }
}

/// One `[[modules]]` entry: `src/custom/{name}.rs` of the crate, written by
/// hand, which the generated `lib.rs` declares.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// The module's name.
    pub name: String,
    /// Items the crate root re-exports from it.
    #[serde(default)]
    pub exports: Vec<String>,
    /// `pub mod` rather than a private module.
    #[serde(default)]
    pub public: bool,
    /// The Cargo feature it compiles under.
    pub feature: Option<String>,
    /// That feature's doc line.
    pub feature_doc: Option<String>,
    /// Other features that feature turns on.
    #[serde(default)]
    pub requires: Vec<String>,
    /// The module's dependencies, as `Cargo.toml` writes them.
    #[serde(default)]
    pub dependencies: toml::Table,
    /// Its tests' dependencies.
    #[serde(default, rename = "dev-dependencies")]
    pub dev_dependencies: toml::Table,
    /// Further features: `tower = { enables = ["auth", "dep:tower"], doc = "…" }`.
    #[serde(default)]
    pub features: std::collections::BTreeMap<String, ExtraFeature>,
    /// A Markdown file (from the config's folder) holding the module's
    /// section of the crate's README.
    pub readme: Option<PathBuf>,
    /// That file's text, read with the config.
    #[serde(skip)]
    pub readme_text: Option<String>,
}

/// One of `[modules.features]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraFeature {
    /// What it turns on.
    pub enables: Vec<String>,
    /// Its doc line.
    pub doc: Option<String>,
}

/// `[sdk]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    /// The document the crate is generated from.
    pub spec: PathBuf,
    /// The crate's folder.
    pub out: PathBuf,
    /// The client type's name; derived from the crate name when absent.
    pub client: Option<String>,
    /// How operations become the client's groups: `tags` or `path`; by
    /// default tags when the document has them, else paths.
    #[serde(default)]
    pub grouping: Option<GroupingChoice>,
}

/// `[sdk] grouping`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GroupingChoice {
    /// By each operation's first tag.
    Tags,
    /// By the first path segment after any version prefix.
    Path,
}

impl Sdk {
    /// The generator's grouping for this config.
    pub fn grouping(&self) -> generator::Grouping {
        match self.grouping {
            None => generator::Grouping::Auto,
            Some(GroupingChoice::Tags) => generator::Grouping::Tags,
            Some(GroupingChoice::Path) => generator::Grouping::Path,
        }
    }
}

/// `[upstream]`: the whole document and the operations the SDK ships.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    /// The upstream document, whole.
    pub file: PathBuf,
    /// The operationIds the slice keeps.
    pub operations: Vec<String>,
    /// OpenAPI Overlays applied, in order, to the upstream document before
    /// it is sliced.
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    /// A document of the API's webhook events, published apart from the
    /// API's; its events join the slice.
    pub webhooks: Option<PathBuf>,
    /// OpenAPI Overlays applied, in order, to the webhooks document before
    /// its events join the slice.
    #[serde(default)]
    pub webhooks_overlays: Vec<PathBuf>,
}

/// `[package]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub description: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    pub documentation: Option<String>,
    pub homepage: Option<String>,
    pub readme: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
}

impl Config {
    /// Reads the file at `path`.
    pub fn read(path: &Path) -> Result<Self, Box<dyn Error>> {
        let text = fs::read_to_string(path)
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
        config.path = path.to_owned();
        for index in 0..config.modules.len() {
            if let Some(readme) = &config.modules[index].readme {
                let file = config.resolve(readme);
                let text = fs::read_to_string(&file).map_err(|err| {
                    format!(
                        "{}: module `{}`: readme {}: cannot read: {err}",
                        path.display(),
                        config.modules[index].name,
                        file.display()
                    )
                })?;
                config.modules[index].readme_text = Some(text);
            }
        }
        Ok(config)
    }

    /// The workspace's `spec/sdk.toml`, or `None` when there is none.
    pub fn workspace() -> Result<Option<Self>, Box<dyn Error>> {
        let path = workspace_root().join(DEFAULT);
        if path.exists() {
            Self::read(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// `relative` read from the config file's folder.
    pub fn resolve(&self, relative: &Path) -> PathBuf {
        self.path.parent().unwrap_or(Path::new(".")).join(relative)
    }

    /// `[upstream]`, or an error naming the file.
    pub fn upstream(&self) -> Result<&Upstream, Box<dyn Error>> {
        self.upstream.as_ref().ok_or_else(|| {
            format!(
                "{}: no [upstream] table naming the file and operations to slice",
                self.path.display()
            )
            .into()
        })
    }

    /// `source`, an upstream document, with the config's overlays applied.
    pub fn overlaid(&self, source: &str, strict: bool) -> Result<String, Box<dyn Error>> {
        let upstream = self.upstream()?;
        self.apply_overlays(source, &upstream.file, &upstream.overlays, strict)
    }

    /// `source`, the document `file`, with `overlays` (config-relative
    /// paths) applied in order.
    fn apply_overlays(
        &self,
        source: &str,
        file: &Path,
        overlays: &[PathBuf],
        strict: bool,
    ) -> Result<String, Box<dyn Error>> {
        let files: Vec<PathBuf> = overlays.iter().map(|o| self.resolve(o)).collect();
        let overlays = crate::overlay::read_all(&files)?;
        crate::overlay::apply_all(source, &self.resolve(file), &overlays, strict)
    }

    /// The slice of `overlaid` (an upstream document with the overlays
    /// applied) to `operations`, with the events of `webhooks` (the
    /// webhooks document's text) when the config names one: its recorded
    /// command and its text.
    pub fn slice_overlaid(
        &self,
        overlaid: &str,
        operations: &[String],
        webhooks: Option<&str>,
    ) -> Result<(String, String), Box<dyn Error>> {
        let upstream = self.upstream()?;
        let from = self.resolve(&upstream.file);
        let overlays: Vec<String> = upstream
            .overlays
            .iter()
            .map(|o| label(&self.resolve(o)))
            .collect();
        let out = label(&self.resolve(&self.sdk.spec));
        let webhooks_label = upstream.webhooks.as_ref().map(|w| label(&self.resolve(w)));
        let webhooks_overlays: Vec<String> = upstream
            .webhooks_overlays
            .iter()
            .map(|o| label(&self.resolve(o)))
            .collect();
        let command = crate::slice::command_line(
            &label(&from),
            webhooks_label
                .as_deref()
                .map(|w| (w, webhooks_overlays.as_slice())),
            &overlays,
            operations,
            &out,
        );
        let text = crate::slice::render(overlaid, operations, &command, webhooks)
            .map_err(|err| format!("{}: {err}", from.display()))?;
        Ok((command, text))
    }

    /// The config's webhooks document, if it names one, with its overlays
    /// applied.
    pub fn webhooks_text(&self, strict: bool) -> Result<Option<String>, Box<dyn Error>> {
        let Some(file) = &self.upstream()?.webhooks else {
            return Ok(None);
        };
        let path = self.resolve(file);
        let source = fs::read_to_string(&path)
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        self.webhooks_overlaid(&source, strict).map(Some)
    }

    /// `source`, a webhooks document, with the config's webhooks overlays
    /// applied.
    pub fn webhooks_overlaid(&self, source: &str, strict: bool) -> Result<String, Box<dyn Error>> {
        let upstream = self.upstream()?;
        let file = upstream
            .webhooks
            .as_deref()
            .unwrap_or(Path::new("webhooks"));
        self.apply_overlays(source, file, &upstream.webhooks_overlays, strict)
    }

    /// What the committed spec must be: the upstream file on disk, with the
    /// overlays, sliced to the config's operations.
    pub fn slice(&self, strict: bool) -> Result<(String, String), Box<dyn Error>> {
        let upstream = self.upstream()?;
        let from = self.resolve(&upstream.file);
        let source = fs::read_to_string(&from)
            .map_err(|err| format!("{}: cannot read: {err}", from.display()))?;
        let webhooks = self.webhooks_text(strict)?;
        self.slice_overlaid(
            &self.overlaid(&source, strict)?,
            &upstream.operations,
            webhooks.as_deref(),
        )
    }

    /// The generator's view of `[[modules]]`.
    pub fn modules(&self) -> Vec<generator::HandWritten> {
        self.modules
            .iter()
            .map(|m| generator::HandWritten {
                name: m.name.clone(),
                exports: m.exports.clone(),
                public: m.public,
                feature: m.feature.as_ref().map(|name| generator::ModuleFeature {
                    name: name.clone(),
                    doc: m.feature_doc.clone(),
                    requires: m.requires.clone(),
                    extra: m
                        .features
                        .iter()
                        .map(|(name, extra)| generator::ExtraFeature {
                            name: name.clone(),
                            enables: extra.enables.clone(),
                            doc: extra.doc.clone(),
                        })
                        .collect(),
                }),
                dependencies: dependencies(&m.dependencies),
                dev_dependencies: dependencies(&m.dev_dependencies),
                readme: m.readme_text.clone(),
            })
            .collect()
    }

    /// The generator's view of `[package]`.
    pub fn package(&self) -> generator::Package {
        let p = &self.package;
        generator::Package {
            version: Some(p.version.clone()),
            description: p.description.clone(),
            license: p.license.clone(),
            repository: p.repository.clone(),
            documentation: p.documentation.clone(),
            homepage: p.homepage.clone(),
            readme: p.readme.clone(),
            keywords: p.keywords.clone(),
            categories: p.categories.clone(),
        }
    }
}

/// Rewrites `package.version` in the file at `path`, keeping its comments
/// and layout.
pub fn set_version(path: &Path, version: &str) -> Result<(), Box<dyn Error>> {
    let text = fs::read_to_string(path)
        .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|err| format!("{}: {err}", path.display()))?;
    if !document
        .get("package")
        .is_some_and(toml_edit::Item::is_table_like)
    {
        return Err(format!("{}: no [package] table", path.display()).into());
    }
    // Indexing keeps the key where it is, with its comments.
    document["package"]["version"] = toml_edit::value(version);
    fs::write(path, document.to_string())
        .map_err(|err| format!("{}: cannot write: {err}", path.display()))?;
    Ok(())
}

/// A `[dependencies]`-style table as the generator takes it: each value in
/// TOML's inline form, in the table's (sorted) order.
fn dependencies(table: &toml::Table) -> Vec<generator::Dependency> {
    table
        .iter()
        .map(|(name, value)| generator::Dependency {
            name: name.clone(),
            spec: inline(value),
        })
        .collect()
}

/// A TOML value on one line (`toml` writes tables over several).
fn inline(value: &toml::Value) -> String {
    match value {
        toml::Value::Table(table) => {
            // `version` first, as people write it; the rest sorted.
            let (version, rest): (Vec<_>, Vec<_>) =
                table.iter().partition(|(key, _)| *key == "version");
            let pairs: Vec<String> = version
                .into_iter()
                .chain(rest)
                .map(|(key, value)| format!("{key} = {}", inline(value)))
                .collect();
            format!("{{ {} }}", pairs.join(", "))
        }
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    #[test]
    fn a_module_with_a_feature_reaches_the_generator_whole() {
        let config: Config = toml::from_str(
            r#"
[sdk]
spec = "a.yaml"
out = "out"
[package]
name = "a"
version = "0.1.0"
[[modules]]
name = "auth"
public = true
feature = "auth"
feature_doc = "Verifies tokens."
requires = ["m2m"]
[modules.dependencies]
jsonwebtoken = { features = ["rust_crypto"], version = "10", default-features = false }
tower = "0.5"
[modules.dev-dependencies]
rsa = "0.9"
[modules.features]
tower = { enables = ["auth", "dep:tower"], doc = "A layer." }
"#,
        )
        .expect("the config parses");
        let [generated] = config.modules().try_into().expect("one module");
        assert!(generated.public);
        let feature = generated.feature.expect("a feature");
        assert_eq!(feature.name, "auth");
        assert_eq!(feature.doc.as_deref(), Some("Verifies tokens."));
        assert_eq!(feature.requires, ["m2m"]);
        assert_eq!(feature.extra[0].name, "tower");
        assert_eq!(feature.extra[0].enables, ["auth", "dep:tower"]);
        let specs: Vec<(String, String)> = generated
            .dependencies
            .iter()
            .map(|d| (d.name.clone(), d.spec.clone()))
            .collect();
        assert_eq!(
            specs,
            [
                (
                    "jsonwebtoken".to_owned(),
                    r#"{ version = "10", default-features = false, features = ["rust_crypto"] }"#
                        .to_owned()
                ),
                ("tower".to_owned(), r#""0.5""#.to_owned()),
            ]
        );
        assert_eq!(generated.dev_dependencies[0].spec, r#""0.9""#);
    }
}
