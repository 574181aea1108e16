//! `cargo xtask generate`, and the choice of spec and output folder it
//! shares with `cargo xtask check`.

use std::error::Error;
use std::path::{Component, Path, PathBuf};

use generator::Options;

use crate::config::Config;

/// The workspace root, where the default spec and output folder live, so
/// that the commands work from any folder of the checkout.
pub fn workspace_root() -> &'static Path {
    // xtask sits directly under the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("CARGO_MANIFEST_DIR of xtask has a parent")
}

/// Which document to generate from and where the crate goes: the flags,
/// else `spec/sdk.toml`, else the built-in defaults.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The OpenAPI document [default: `sdk.spec` of the config].
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// The generated crate's folder [default: `sdk.out` of the config].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The generated crate's package name [default: `package.name` of the config].
    #[arg(long, value_name = "NAME")]
    pub crate_name: Option<String>,
    /// The generated crate's version [default: `package.version` of the config].
    #[arg(long, value_name = "VERSION")]
    pub crate_version: Option<String>,
    /// The client type's name [default: `sdk.client` of the config, else
    /// derived from the crate name].
    #[arg(long, value_name = "NAME")]
    pub client_name: Option<String>,
    /// The maintainer's config file [default: spec/sdk.toml of the workspace,
    /// when it exists and `--spec` is not given].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An OpenAPI Overlay to apply to the spec before generating; repeat for
    /// several, applied in order. (The config's overlays apply to the
    /// upstream document, before slicing: see `refresh`.)
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// Refuse a document that breaks a rule of OpenAPI instead of reading
    /// it in its one sensible way with a warning.
    #[arg(long)]
    pub strict: bool,
    /// The config, once read by [`Target::read_config`].
    #[arg(skip)]
    pub loaded: Option<Config>,
}

impl Target {
    /// Everything from the config file at `path`, read.
    pub fn from_config(path: &Path) -> Result<Self, Box<dyn Error>> {
        let mut target = Target {
            spec: None,
            out: None,
            crate_name: None,
            crate_version: None,
            client_name: None,
            config: Some(path.to_owned()),
            overlays: Vec::new(),
            strict: false,
            loaded: None,
        };
        target.read_config()?;
        Ok(target)
    }

    /// Reads the config file (the given one, else the workspace's, unless
    /// `--spec` names another document); call once, before the other
    /// methods.
    pub fn read_config(&mut self) -> Result<(), Box<dyn Error>> {
        self.loaded = match (&self.config, &self.spec) {
            (Some(path), _) => Some(Config::read(path)?),
            (None, Some(_)) => None,
            (None, None) => Config::workspace()?,
        };
        Ok(())
    }

    /// The document's path; a given one is relative to the current folder.
    pub fn spec(&self) -> PathBuf {
        self.spec.clone().unwrap_or_else(|| match &self.loaded {
            Some(config) => config.resolve(&config.sdk.spec),
            None => workspace_root().join("spec/machine-tokens.yaml"),
        })
    }

    /// The output folder; a given one is relative to the current folder.
    pub fn out(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| match &self.loaded {
            Some(config) => config.resolve(&config.sdk.out),
            None => workspace_root().join("generated-sdk"),
        })
    }

    /// The generator's options for this target.
    pub fn options(&self) -> Options {
        let config = self.loaded.as_ref();
        let mut package = config.map(Config::package).unwrap_or_default();
        if let Some(version) = &self.crate_version {
            package.version = Some(version.clone());
        }
        Options {
            crate_name: self
                .crate_name
                .clone()
                .or_else(|| config.map(|c| c.package.name.clone()))
                .unwrap_or_else(|| "clerk-backend-api".to_owned()),
            client_name: self
                .client_name
                .clone()
                .or_else(|| config.and_then(|c| c.sdk.client.clone())),
            spec_label: label(&self.spec()),
            package,
            modules: config.map(Config::modules).unwrap_or_default(),
            grouping: config.map(|c| c.sdk.grouping()).unwrap_or_default(),
            webhook_signing: config.and_then(Config::webhook_signing),
        }
    }

    /// Runs the generator, without writing anything.
    pub fn generate(&self) -> Result<generator::Generated, Box<dyn Error>> {
        let spec = self.spec();
        let generated = if self.overlays.is_empty() {
            generator::generate(&spec, &self.options())?
        } else {
            let source = std::fs::read_to_string(&spec)
                .map_err(|err| format!("{}: cannot read: {err}", spec.display()))?;
            let overlays = crate::overlay::read_all(&self.overlays)?;
            let text = crate::overlay::apply_all(&source, &spec, &overlays, self.strict)?;
            generator::generate_from_str(&text, &spec, &self.options())?
        };
        Ok(if self.strict {
            generated.strict(&spec)?
        } else {
            generated
        })
    }
}

/// How a path is shown in messages and generated headers: relative to the
/// workspace root with `/` when inside it, so the output does not depend on
/// where the checkout lives; otherwise as given.
pub fn label(path: &Path) -> String {
    // Lexical first, so a symlinked folder inside the checkout keeps its
    // name; canonical second, for paths spelled with `..`.
    let root = workspace_root();
    let lexical = std::path::absolute(path)
        .ok()
        .and_then(|path| path.strip_prefix(root).ok().map(Path::to_owned));
    let canonical = || {
        let (path, root) = (path.canonicalize().ok()?, root.canonicalize().ok()?);
        path.strip_prefix(root).ok().map(Path::to_owned)
    };
    match lexical
        .filter(|relative| !has_parent_dir(relative))
        .or_else(canonical)
    {
        Some(relative) => relative
            .components()
            .filter_map(|part| match part {
                Component::Normal(name) => Some(name.to_string_lossy()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("/"),
        None => path.display().to_string(),
    }
}

fn has_parent_dir(path: &Path) -> bool {
    path.components().any(|part| part == Component::ParentDir)
}

/// Refuses `--spec` without `--out` when the document is not the config's:
/// the default output folder holds the config's crate, which another API
/// would replace (its files deleted, its name kept).
pub fn refuse_foreign_spec(target: &Target) -> Result<(), Box<dyn Error>> {
    let (Some(given), None) = (&target.spec, &target.out) else {
        return Ok(());
    };
    let config = match &target.config {
        Some(path) => Some(Config::read(path)?),
        None => Config::workspace()?,
    };
    let (own, crate_name) = match &config {
        Some(config) => (
            config.resolve(&config.sdk.spec),
            config.package.name.clone(),
        ),
        None => (
            workspace_root().join("spec/machine-tokens.yaml"),
            "clerk-backend-api".to_owned(),
        ),
    };
    let same = match (std::fs::canonicalize(given), std::fs::canonicalize(&own)) {
        (Ok(given), Ok(own)) => given == own,
        _ => false,
    };
    if same {
        return Ok(());
    }
    Err(format!(
        "{} is not the config's document ({}): generating it into {} would replace the `{crate_name}` crate there; \
         pass `--out DIR` (and `--crate-name NAME`) to generate it elsewhere",
        label(given),
        label(&own),
        label(&target.out()),
    )
    .into())
}

/// Runs `cargo xtask generate`.
pub fn run(target: &Target) -> Result<(), Box<dyn Error>> {
    refuse_foreign_spec(target)?;
    let generated = target.generate()?;
    let spec_label = target.options().spec_label;
    print_warnings(&spec_label, &generated.warnings);
    let out = target.out();
    let summary = generator::write::write(&out, &generated)?;
    for file in crate::check::missing_modules(target) {
        eprintln!("warning: {file} is declared in the config's [[modules]] but does not exist: the crate will not build until it does");
    }
    println!(
        "{}: {} written, {} unchanged, {} removed ({} warning(s), from {})",
        label(&out),
        summary.written,
        summary.unchanged,
        summary.removed,
        generated.warnings.len(),
        spec_label,
    );
    println!("{}", summary_of(&generated.stats));
    Ok(())
}

/// Warnings past this many are printed grouped by reason.
const WARNINGS_IN_FULL: usize = 20;

/// Prints each warning with its file, or, when there are many, one line
/// per reason with how often it occurs and where first.
pub fn print_warnings(file: &str, warnings: &[generator::Warning]) {
    if warnings.len() <= WARNINGS_IN_FULL {
        for warning in warnings {
            eprintln!("warning: {file}: {warning}");
        }
        return;
    }
    // (kind, count, first warning of the kind)
    let mut groups: Vec<(String, usize, &generator::Warning)> = Vec::new();
    for warning in warnings {
        let kind = reason_of(&warning.message);
        match groups.iter_mut().find(|(k, _, _)| *k == kind) {
            Some(group) => group.1 += 1,
            None => groups.push((kind, 1, warning)),
        }
    }
    for (_, count, first) in groups {
        let head = first.message.split(": ").next().unwrap_or(&first.message);
        eprintln!(
            "warning: {file}: {count} x like: {head} (first at {})",
            first.pointer
        );
    }
}

/// A warning's message without what differs between instances of one
/// kind: names quoted in backticks become `…`, and a detail after `: ` is
/// dropped, so `path parameter `a` does not appear ...` and `path
/// parameter `b` ...` group together.
fn reason_of(message: &str) -> String {
    let head = message.split(": ").next().unwrap_or(message);
    let mut out = String::with_capacity(head.len());
    for (index, part) in head.split('`').enumerate() {
        if index % 2 == 1 {
            out.push_str("`…`");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The summary lines about what the crate holds and what fell back to
/// `serde_json::Value`.
pub fn summary_of(stats: &generator::Stats) -> String {
    let mut text = format!(
        "{} operation(s), {} named type(s), {} field(s); serde_json::Value fallbacks: {} \
         type(s), {} field(s) ({:.2}%)",
        stats.operations,
        stats.schemas,
        stats.fields,
        stats.json_schemas,
        stats.json_fields,
        stats.json_percent(),
    );
    for (reason, count) in &stats.json_reasons {
        text.push_str(&format!("\n  {count} x {reason}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(spec: &str, out: Option<&str>) -> Target {
        Target {
            spec: Some(workspace_root().join(spec)),
            out: out.map(PathBuf::from),
            crate_name: None,
            crate_version: None,
            client_name: None,
            config: None,
            overlays: Vec::new(),
            strict: false,
            loaded: None,
        }
    }

    #[test]
    fn another_document_is_not_generated_over_the_configs_crate() {
        let foreign = target("spec/history/clerk-bapi-2025-11-10.yml", None);
        let error = refuse_foreign_spec(&foreign).expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("clerk-bapi-2025-11-10.yml is not the config's document"),
            "{message}"
        );
        assert!(
            message.contains("`clerk-backend-api`") && message.contains("--out DIR"),
            "{message}"
        );
        // Elsewhere, or the config's own document: fine.
        let elsewhere = target("spec/history/clerk-bapi-2025-11-10.yml", Some("target/x"));
        assert!(refuse_foreign_spec(&elsewhere).is_ok());
        assert!(refuse_foreign_spec(&target("spec/machine-tokens.yaml", None)).is_ok());
    }
}
