//! Generates an idiomatic Rust SDK crate from an OpenAPI 3.0/3.1 document.
//!
//! The pipeline has four stages, one module each, and data flows one way:
//!
//! 1. [`load`]: read the document (YAML or JSON), normalise OpenAPI 3.1 into
//!    the 3.0 shape, and parse it into `openapiv3` types.
//! 2. [`lower`]: resolve every `$ref`, name every inline schema, and build the
//!    intermediate model ([`ir`]), plain Rust data. No parser type survives it.
//! 3. [`emit`]: turn the intermediate model into Rust source (`quote!` and
//!    `prettyplease`) and Markdown, plus the static files of `templates/`.
//! 4. [`write`]: put the files on disk (owning only what it generated), or
//!    compare them with what is on disk.
//!
//! Beside the pipeline, [`diff`] compares two models and classifies every
//! change by its effect on the generated crate's users.

pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod features;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
pub mod prose;
pub mod sizes;
pub mod stats;
pub mod write;

use std::collections::BTreeMap;
use std::path::Path;

pub use diagnostics::{Error, Warning, WarningKind};
pub use stats::Stats;

/// What the caller chooses about the generated crate; everything else comes
/// from the document.
#[derive(Clone, Debug)]
pub struct Options {
    /// The package name of the generated crate, e.g. `clerk-backend-api`.
    pub crate_name: String,
    /// The client type's name, e.g. `Clerk`. `None` derives it from the
    /// first word of the crate name.
    pub client_name: Option<String>,
    /// How the spec is named in generated headers, e.g. `spec/machine-tokens.yaml`.
    pub spec_label: String,
    /// The crate's version and the metadata `cargo publish` shows.
    pub package: Package,
    /// Hand-written modules the generated `lib.rs` declares.
    pub modules: Vec<HandWritten>,
    /// How operations are grouped into the client's accessors.
    pub grouping: Grouping,
    /// How the API signs its webhook deliveries; `None` generates the
    /// typed events without a verifier.
    pub webhook_signing: Option<WebhookSigning>,
}

/// How an API signs its webhook deliveries: the maintainer's choice, since
/// documents rarely say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookSigning {
    /// Standard Webhooks (Svix and Clerk): HMAC-SHA256 of
    /// `{id}.{timestamp}.{body}` under a `whsec_` secret, in `webhook-*` or
    /// `svix-*` headers.
    StandardWebhooks,
}

/// How operations are grouped into the client's accessors (and Cargo
/// features). An operation's `x-speakeasy-group` always names its group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    /// By tags when the document tags its operations, else by path.
    #[default]
    Auto,
    /// By each operation's first tag; untagged ones share `default`.
    Tags,
    /// By the first path segment after any version prefix:
    /// `/v1/customers/{id}` is in `customers`.
    Path,
}

/// A hand-written module: `src/custom/{name}.rs` of the crate, which the
/// generator never writes. `lib.rs` declares it (privately unless `public`)
/// and re-exports `exports` from it at the crate root.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HandWritten {
    /// The module's name, a Rust identifier.
    pub name: String,
    /// Items re-exported at the crate root, e.g. `SECRET_KEY_VAR`.
    pub exports: Vec<String>,
    /// Declared `pub mod`, so users name its items through it
    /// (`clerk_backend_api::auth::Claims`).
    pub public: bool,
    /// The Cargo feature the module (and its exports) compiles under;
    /// `None`: always. A feature the crate already has (a group's, the
    /// runtime's) is shared; any other is declared for the module.
    pub feature: Option<ModuleFeature>,
    /// The module's own dependencies. With a feature they are optional,
    /// turned on by it (or only by the extra feature that names them with
    /// `dep:`).
    pub dependencies: Vec<Dependency>,
    /// Dependencies of the module's tests.
    pub dev_dependencies: Vec<Dependency>,
    /// A section of the crate's README for the module (Markdown, from its
    /// `## ` heading), placed before the operations; its examples are
    /// doctests like the README's others.
    pub readme: Option<String>,
}

/// The Cargo feature of a [`HandWritten`] module.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleFeature {
    /// The feature's name.
    pub name: String,
    /// Its line in the manifest's feature docs.
    pub doc: Option<String>,
    /// Other features it turns on: groups (`m2m`), the runtime's
    /// (`blocking`), or a dependency's (`tokio/sync`).
    pub requires: Vec<String>,
    /// Further features of the module, such as a `tower` layer.
    pub extra: Vec<ExtraFeature>,
}

/// A further feature a hand-written module offers (`tower = ["auth",
/// "dep:tower"]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExtraFeature {
    /// The feature's name.
    pub name: String,
    /// What it turns on: features, and `dep:name` for the module's
    /// dependencies only this feature needs.
    pub enables: Vec<String>,
    /// Its line in the manifest's feature docs.
    pub doc: Option<String>,
}

/// One dependency of a hand-written module, as `Cargo.toml` writes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    /// The crate's name.
    pub name: String,
    /// Its TOML value: `"1"` or an inline table (`{ version = "1", ... }`),
    /// without `optional`, which the generator adds.
    pub spec: String,
}

impl HandWritten {
    /// The module's file, relative to the crate root.
    pub fn file(&self) -> String {
        format!("src/custom/{}.rs", self.name)
    }
}

/// The `[package]` keys of the generated `Cargo.toml` that the maintainer
/// chooses. Unset keys are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Package {
    /// The crate's version. `None` takes `info.version` when it is a semver
    /// version, else `0.1.0`.
    pub version: Option<String>,
    /// The description; `{title}` and `{api_version}` stand for `info.title`
    /// and `info.version`. `None` gives "Rust SDK for the {title} (API
    /// version {api_version})."
    pub description: Option<String>,
    /// An SPDX license expression, e.g. `MIT`.
    pub license: Option<String>,
    /// The source repository's URL.
    pub repository: Option<String>,
    /// The documentation's URL, e.g. `https://docs.rs/clerk-backend-api`.
    pub documentation: Option<String>,
    /// The home page's URL.
    pub homepage: Option<String>,
    /// The README, relative to the crate root.
    pub readme: Option<String>,
    /// crates.io keywords (at most five).
    pub keywords: Vec<String>,
    /// crates.io category slugs.
    pub categories: Vec<String>,
}

/// A generated crate, held in memory until [`write`] puts it on disk.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    /// File contents by path relative to the crate root, `/`-separated.
    pub files: BTreeMap<String, String>,
    /// Constructs the generator represented with a documented fallback,
    /// and mistakes of the document it repaired.
    pub warnings: Vec<Warning>,
    /// What the crate holds, and what fell back to JSON values.
    pub stats: Stats,
}

impl Generated {
    /// Fails on the first repair among the warnings (`--strict`): a
    /// document that breaks a rule of OpenAPI is refused instead of read in
    /// its one sensible way. `file` names the document in the error.
    pub fn strict(self, file: &Path) -> Result<Generated, Error> {
        diagnostics::refuse_repairs(&self.warnings, file)?;
        Ok(self)
    }
}

/// Loads and lowers the document at `spec`: the model that [`emit`] turns
/// into a crate and that [`diff`] compares.
pub fn model(spec: &Path) -> Result<lower::Lowered, Error> {
    lower::lower(&load::load_file(spec)?, spec, Grouping::Auto)
}

/// [`model`] for a document already in memory; `file` names it in errors.
pub fn model_from_str(source: &str, file: &Path) -> Result<lower::Lowered, Error> {
    model_grouped(source, file, Grouping::Auto)
}

/// [`model_from_str`] with the operations grouped as `grouping` says, as a
/// crate generated with that [`Options::grouping`] groups them.
pub fn model_grouped(
    source: &str,
    file: &Path,
    grouping: Grouping,
) -> Result<lower::Lowered, Error> {
    lower::lower(&load::load_str(source, file)?, file, grouping)
}

/// Runs the whole pipeline on the document at `spec`.
pub fn generate(spec: &Path, options: &Options) -> Result<Generated, Error> {
    let document = load::load_file(spec)?;
    let api = lower::lower(&document, spec, options.grouping)?;
    emit_with_stats(api, options)
}

fn emit_with_stats(api: lower::Lowered, options: &Options) -> Result<Generated, Error> {
    let stats = Stats::of(&api.model, &api.warnings);
    let mut generated = emit::emit_crate(&api.model, options, api.warnings)?;
    generated.stats = stats;
    Ok(generated)
}

/// Runs the whole pipeline on a document already in memory; `file` names it
/// in error messages.
pub fn generate_from_str(source: &str, file: &Path, options: &Options) -> Result<Generated, Error> {
    let document = load::load_str(source, file)?;
    let api = lower::lower(&document, file, options.grouping)?;
    emit_with_stats(api, options)
}
