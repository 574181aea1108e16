//! `cargo xtask diff --verify`: checks the report's verdicts by compiling.
//! Both documents are generated into crates, and cargo-semver-checks
//! compares them; every breaking change it finds must be a `major` entry of
//! the report. (The report sees more than it does: a field's type or
//! required-ness, for one; `generator/tests/diff` and the breadth proofs
//! cover those.)

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::diff::{Level, Report};

use crate::diff::{Crate, Side};
use crate::generate::{label, workspace_root};

/// The cargo-semver-checks release this check is written against.
const SEMVER_CHECKS: &str = "0.51.0";

/// One breaking change cargo-semver-checks found.
#[derive(Debug, PartialEq)]
pub struct Finding {
    /// Its lint, e.g. `enum_variant_missing`.
    pub lint: String,
    /// The item, e.g. `variant MachineTokenObject::Token`.
    pub item: String,
}

/// Generates both crates, runs cargo-semver-checks and prints which of its
/// findings the report has; true when it has them all.
pub fn run(old: &Side, new: &Side, report: &Report, krate: &Crate) -> Result<bool, Box<dyn Error>> {
    ensure_installed()?;
    let scratch = workspace_root().join("target/diff-verify");
    let old_dir = write_crate(old, krate, &scratch.join("old"))?;
    let new_dir = write_crate(new, krate, &scratch.join("new"))?;
    // Both sides carry the same version, 1.0.0, and a minor release is
    // asked for, so every failure is one that needs a major version.
    let output = Command::new("cargo")
        .args([
            "semver-checks",
            "check-release",
            "--release-type",
            "minor",
            "--manifest-path",
        ])
        .arg(new_dir.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old_dir)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|err| format!("cannot run cargo semver-checks: {err}"))?;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let mut findings = findings(&stdout);
    findings.extend(self::findings(&stderr));
    let text = format!("{stdout}{stderr}");
    if !output.status.success() && findings.is_empty() {
        return Err(format!("cargo semver-checks failed without a finding:\n{text}").into());
    }
    let lib = krate.name.replace('-', "_");
    let mut missed = 0;
    for finding in &findings {
        let covered = covers(report, finding, &lib);
        missed += usize::from(!covered);
        eprintln!(
            "verify: {} {}: {}",
            if covered { "ok    " } else { "MISSED" },
            finding.lint,
            finding.item
        );
    }
    eprintln!(
        "verify: cargo-semver-checks {SEMVER_CHECKS} found {} breaking change(s); the report has {} of them as major.",
        findings.len(),
        findings.len() - missed
    );
    Ok(missed == 0)
}

fn ensure_installed() -> Result<(), Box<dyn Error>> {
    let installed = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| {
            o.status.success() && String::from_utf8_lossy(&o.stdout).contains(SEMVER_CHECKS)
        });
    if installed {
        return Ok(());
    }
    eprintln!("verify: installing cargo-semver-checks {SEMVER_CHECKS} (once; a few minutes)");
    let status = Command::new("cargo")
        .args([
            "install",
            "--locked",
            "cargo-semver-checks",
            "--version",
            SEMVER_CHECKS,
        ])
        .status()
        .map_err(|err| format!("cannot run cargo install: {err}"))?;
    if !status.success() {
        return Err(format!("cargo install cargo-semver-checks {SEMVER_CHECKS} failed").into());
    }
    Ok(())
}

/// Generates `side` as a crate of its own (its own workspace, the
/// workspace's lock file) in `dir`.
fn write_crate(side: &Side, krate: &Crate, dir: &Path) -> Result<PathBuf, Box<dyn Error>> {
    let options = generator::Options {
        crate_name: krate.name.clone(),
        client_name: Some(krate.client.clone()),
        spec_label: side.label.clone(),
        package: generator::Package {
            version: Some("1.0.0".into()),
            ..Default::default()
        },
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    let mut generated = generator::generate_from_str(&side.text, Path::new(&side.label), &options)?;
    if let Some(manifest) = generated.files.get_mut("Cargo.toml") {
        manifest.push_str("\n[workspace]\n");
    }
    generator::write::write(dir, &generated)?;
    let lock = workspace_root().join("Cargo.lock");
    fs::copy(&lock, dir.join("Cargo.lock"))
        .map_err(|err| format!("{}: cannot copy: {err}", label(&lock)))?;
    Ok(dir.to_owned())
}

/// The failures in cargo-semver-checks' output: each `--- failure LINT: ...`
/// block lists its items under `Failed in:`.
pub fn findings(output: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut lint = None;
    let mut listing = false;
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = rest.split(':').next().map(str::to_owned);
            listing = false;
        } else if line.trim() == "Failed in:" {
            listing = lint.is_some();
        } else if listing
            && line.starts_with("  ")
            && !line.starts_with("   ")
            && !line.trim().is_empty()
        {
            // `  ITEM, previously in file F:L`, `  ITEM in file F:L` or
            // `  PATH takes 3 parameters in F:L, but now ...`.
            let mut item = line.trim();
            for end in [", previously in file", " in file ", " takes ", " in /"] {
                item = item.split(end).next().unwrap_or(item);
            }
            if let Some(lint) = &lint {
                found.push(Finding {
                    lint: lint.clone(),
                    item: item.to_owned(),
                });
            }
        } else if listing {
            listing = false;
        }
    }
    found
}

/// Whether a `major` change names every identifier of the finding's item
/// (in its Rust path or its message).
pub fn covers(report: &Report, finding: &Finding, lib: &str) -> bool {
    const WORDS: &[&str] = &[
        "variant",
        "struct",
        "field",
        "of",
        "enum",
        "function",
        "method",
        "trait",
        "type",
        "fn",
        "impl",
        "in",
        "file",
        "previously",
        "pub",
        "mod",
        "module",
        "inherent",
        "const",
        "static",
        "apis",
        "models",
        "crate",
        "blocking",
        "became",
    ];
    let wanted: Vec<&str> = identifiers(&finding.item)
        .into_iter()
        .filter(|word| !WORDS.contains(word) && *word != lib)
        .collect();
    report
        .changes
        .iter()
        .filter(|c| c.level() == Level::Major)
        .any(|change| {
            let known = identifiers(&change.rust)
                .into_iter()
                .chain(identifiers(&change.message))
                .collect::<Vec<_>>();
            wanted.iter().all(|word| known.contains(word))
        })
}

fn identifiers(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with(|c: char| c.is_alphabetic() || c == '_'))
        .collect()
}
