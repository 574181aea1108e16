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

pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;
pub mod names;
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

/// Runs the whole pipeline on the document at `spec`.
pub fn generate(spec: &Path, options: &Options) -> Result<Generated, Error> {
    let document = load::load_file(spec)?;
    let api = lower::lower(&document, spec)?;
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
    let api = lower::lower(&document, file)?;
    emit_with_stats(api, options)
}
