//! `cargo xtask diff`: what changed between two documents for a Rust user
//! of the generated crate, whether it breaks them, and the next version.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use generator::diff::{self, Level, Report};
use generator::ir::Api;
use generator::Grouping;

use crate::config::Config;
use crate::generate::{label, workspace_root};

/// Arguments of `cargo xtask diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old document [default: the config's spec as of git `HEAD`].
    #[arg(long, value_name = "SPEC")]
    pub old: Option<PathBuf>,
    /// The new document [default: the config's spec in the working tree].
    #[arg(long, value_name = "SPEC")]
    pub new: Option<PathBuf>,
    /// How the report is printed.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: Format,
    /// Exit with status 1 when the report's level is this or higher.
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub fail_on: Option<Level>,
    /// Also generate both crates and check with cargo-semver-checks that
    /// every breaking change it finds is a `major` entry of the report.
    #[arg(long)]
    pub verify: bool,
    /// Instead of comparing documents: compile the proof program of each
    /// rule that cargo-semver-checks cannot see (xtask/diff-proofs/) against
    /// the crates of its fixture's two sides.
    #[arg(long, conflicts_with_all = ["old", "new", "verify", "fail_on"])]
    pub prove: bool,
    /// An OpenAPI Overlay to apply to both documents before comparing them
    /// (for whole upstream documents; the committed spec already has the
    /// config's); repeat for several, applied in order.
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// The maintainer's config file [default: spec/sdk.toml of the workspace].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Report formats.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// Breaking, Added, Changed and Docs sections, one line per change.
    Markdown,
    /// The stable JSON report documented in the README.
    Json,
}

fn parse_level(text: &str) -> Result<Level, String> {
    Level::parse(text).ok_or_else(|| format!("`{text}` is not one of none, patch, minor, major"))
}

/// One side of the comparison: where it came from, its text and its model.
pub struct Side {
    /// How it is named in messages, e.g. `HEAD:spec/machine-tokens.yaml`.
    pub label: String,
    /// The document's text.
    pub text: String,
    /// Its intermediate model.
    pub model: Api,
}

impl Side {
    /// Loads and lowers `text`, named `label`, its operations grouped as
    /// the crate groups them.
    pub fn from_text(
        label: String,
        text: String,
        grouping: Grouping,
    ) -> Result<Self, Box<dyn Error>> {
        let model = generator::model_grouped(&text, Path::new(&label), grouping)?.model;
        Ok(Side { label, text, model })
    }

    /// Reads the document at `path`.
    pub fn read(path: &Path, grouping: Grouping) -> Result<Self, Box<dyn Error>> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
        Self::from_text(label(path), text, grouping)
    }

    /// The document at `path` as of git `HEAD`.
    pub fn head(path: &Path, grouping: Grouping) -> Result<Self, Box<dyn Error>> {
        let relative = label(path);
        let output = Command::new("git")
            .arg("-C")
            .arg(workspace_root())
            .args(["show", &format!("HEAD:{relative}")])
            .output()
            .map_err(|err| format!("cannot run git to read HEAD:{relative}: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "git cannot read HEAD:{relative} (pass --old FILE): {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        let text = String::from_utf8(output.stdout)
            .map_err(|_| format!("HEAD:{relative} is not UTF-8"))?;
        Self::from_text(format!("HEAD:{relative}"), text, grouping)
    }
}

/// What the report needs besides the two models.
pub struct Crate {
    /// The package name.
    pub name: String,
    /// Its version now.
    pub version: String,
    /// The client type's name, for method paths.
    pub client: String,
}

impl Crate {
    /// From the config, or the built-in defaults without one.
    pub fn of(config: Option<&Config>) -> Self {
        let name = config.map_or_else(
            || "clerk-backend-api".to_owned(),
            |c| c.package.name.clone(),
        );
        let options = generator::Options {
            crate_name: name.clone(),
            client_name: config.and_then(|c| c.sdk.client.clone()),
            spec_label: String::new(),
            package: Default::default(),
            modules: Vec::new(),
            grouping: Default::default(),
            webhook_signing: None,
        };
        Crate {
            name,
            version: config.map_or_else(|| "0.1.0".to_owned(), |c| c.package.version.clone()),
            client: generator::emit::client_name(&options),
        }
    }
}

/// Runs the command.
pub fn run(args: &DiffArgs) -> Result<ExitCode, Box<dyn Error>> {
    if args.prove {
        return Ok(if crate::prove::run()? {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let config = match &args.config {
        Some(path) => Some(Config::read(path)?),
        None => Config::workspace()?,
    };
    let spec = |given: &Option<PathBuf>| -> Result<PathBuf, Box<dyn Error>> {
        match (given, &config) {
            (Some(path), _) => Ok(path.clone()),
            (None, Some(config)) => Ok(config.resolve(&config.sdk.spec)),
            (None, None) => Err("no spec/sdk.toml: pass --old and --new".into()),
        }
    };
    // The crate's groups, so group accessors in the report are the crate's.
    let grouping = config
        .as_ref()
        .map(|c| c.sdk.grouping())
        .unwrap_or_default();
    let overlays = crate::overlay::read_all(&args.overlays)?;
    let overlaid = |side: Side| -> Result<Side, Box<dyn Error>> {
        if overlays.is_empty() {
            return Ok(side);
        }
        let text = crate::overlay::apply_all(&side.text, Path::new(&side.label), &overlays, false)?;
        Side::from_text(side.label, text, grouping)
    };
    let old = overlaid(match &args.old {
        Some(path) => Side::read(path, grouping)?,
        None => Side::head(&spec(&None)?, grouping)?,
    })?;
    let new = overlaid(Side::read(&spec(&args.new)?, grouping)?)?;
    let krate = Crate::of(config.as_ref());
    let started = std::time::Instant::now();
    let report = diff::compare(&old.model, &new.model, &krate.client);
    let next = diff::next_version(&krate.version, report.level)?;
    match args.format {
        Format::Markdown => print!("{}", markdown(&report, &krate, &next)),
        Format::Json => println!("{:#}", diff::json(&report, &krate.version, &next)),
    }
    eprintln!(
        "{} → {}: {} (compared in {:.1?})",
        old.label,
        new.label,
        summary(&report, &krate, &next),
        started.elapsed()
    );
    if args.verify {
        let verdict = crate::verify::run(&old, &new, &report, &krate)?;
        if !verdict {
            return Ok(ExitCode::FAILURE);
        }
    }
    if let Some(limit) = args.fail_on {
        if report.level >= limit && report.level != Level::None {
            eprintln!(
                "error: the report's level, {}, reaches --fail-on {}",
                report.level.as_str(),
                limit.as_str()
            );
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The Markdown report under a heading naming the crate and both versions.
pub fn markdown(report: &Report, krate: &Crate, next: &str) -> String {
    let heading = if report.level == Level::None {
        format!("{} {}: no change", krate.name, krate.version)
    } else {
        format!(
            "{} {next} (from {}): {}",
            krate.name,
            krate.version,
            report.level.as_str()
        )
    };
    diff::markdown(report, &heading)
}

/// One line: the level, the counts per section, and the next version.
pub fn summary(report: &Report, krate: &Crate, next: &str) -> String {
    if report.level == Level::None {
        return format!(
            "no change for users; {} stays {}",
            krate.name, krate.version
        );
    }
    let count = |section| {
        report
            .changes
            .iter()
            .filter(|c| c.rule.section == section)
            .count()
    };
    format!(
        "{} change(s), level {}: {} breaking, {} added, {} changed, {} docs; {} {} → {next}",
        report.changes.len(),
        report.level.as_str(),
        count(diff::Section::Breaking),
        count(diff::Section::Added),
        count(diff::Section::Changed),
        count(diff::Section::Docs),
        krate.name,
        krate.version,
    )
}
