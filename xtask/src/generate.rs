//! `cargo xtask generate`, and the choice of spec and output folder it
//! shares with `cargo xtask check`.

use std::error::Error;
use std::path::{Component, Path, PathBuf};

use generator::Options;

/// The workspace root, where the default spec and output folder live, so
/// that the commands work from any folder of the checkout.
pub fn workspace_root() -> &'static Path {
    // xtask sits directly under the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("CARGO_MANIFEST_DIR of xtask has a parent")
}

/// Which document to generate from and where the crate goes.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// The OpenAPI document [default: spec/machine-tokens.yaml of the workspace].
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
    /// The generated crate's folder [default: generated-sdk of the workspace].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The generated crate's package name.
    #[arg(long, value_name = "NAME", default_value = "clerk-backend-api")]
    pub crate_name: String,
    /// The client type's name [default: derived from the crate name].
    #[arg(long, value_name = "NAME")]
    pub client_name: Option<String>,
}

impl Target {
    /// The document's path; a given one is relative to the current folder.
    pub fn spec(&self) -> PathBuf {
        self.spec
            .clone()
            .unwrap_or_else(|| workspace_root().join("spec/machine-tokens.yaml"))
    }

    /// The output folder; a given one is relative to the current folder.
    pub fn out(&self) -> PathBuf {
        self.out
            .clone()
            .unwrap_or_else(|| workspace_root().join("generated-sdk"))
    }

    /// The generator's options for this target.
    pub fn options(&self) -> Options {
        Options {
            crate_name: self.crate_name.clone(),
            client_name: self.client_name.clone(),
            spec_label: label(&self.spec()),
        }
    }

    /// Runs the generator, without writing anything.
    pub fn generate(&self) -> Result<generator::Generated, Box<dyn Error>> {
        Ok(generator::generate(&self.spec(), &self.options())?)
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

/// Runs `cargo xtask generate`.
pub fn run(target: &Target) -> Result<(), Box<dyn Error>> {
    let generated = target.generate()?;
    for warning in &generated.warnings {
        eprintln!("warning: {warning}");
    }
    let out = target.out();
    let summary = generator::write::write(&out, &generated)?;
    println!(
        "{}: {} written, {} unchanged, {} removed ({} warning(s), from {})",
        label(&out),
        summary.written,
        summary.unchanged,
        summary.removed,
        generated.warnings.len(),
        target.options().spec_label,
    );
    Ok(())
}
