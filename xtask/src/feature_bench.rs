//! `cargo xtask bench`, section 2b: what per-group features save. For each
//! big spec, the generated crate's own `cargo check` and `cargo build`
//! (dependencies built once beforehand) with every group (the default
//! features) against the group that compiles the fewest models alone.

use std::error::Error;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use generator::features;
use generator::ir::Api;
use generator::Options;

/// The big specs, by crate name, and whether their tags (and
/// `x-speakeasy-group`s) are stripped first, so that the generator groups
/// them by path; a missing file is skipped.
const SPECS: &[(&str, &str, bool)] = &[
    (
        "clerk-2025-04-10",
        "spec/upstream/clerk-bapi-2025-04-10.yml",
        false,
    ),
    (
        "clerk-untagged",
        "spec/upstream/clerk-bapi-2026-05-12.yml",
        true,
    ),
    (
        "elastic",
        "spec/third-party/elastic/elastic-elasticsearch-serverless-openapi.json",
        false,
    ),
];

/// The document at `path`, as JSON text, without tags or operation groups.
fn untagged(path: &Path) -> Result<String, Box<dyn Error>> {
    let text = fs::read_to_string(path)?;
    let mut document: serde_json::Value = serde_yaml::from_str(&text)?;
    if let Some(paths) = document.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
            for operation in item.values_mut().filter_map(|o| o.as_object_mut()) {
                operation.remove("tags");
                operation.remove("x-speakeasy-group");
            }
        }
    }
    if let Some(root) = document.as_object_mut() {
        root.remove("tags");
    }
    Ok(serde_json::to_string(&document)?)
}

/// Measures each spec of [`SPECS`] (or only `only`, by crate name).
pub fn run(root: &Path, only: Option<&str>) -> Result<(), Box<dyn Error>> {
    println!("## 2b. Per-group features: every group against one small group\n");
    println!("| crate | features | models | check | check peak | build | build peak |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (name, spec, strip_tags) in SPECS {
        let spec_path = root.join(spec);
        if !spec_path.exists() || only.is_some_and(|o| o != *name) {
            continue;
        }
        let scratch = root.join("target/bench/features");
        let crate_dir = scratch.join(name);
        let source = if *strip_tags {
            untagged(&spec_path)?
        } else {
            fs::read_to_string(&spec_path)?
        };
        let lowered = generator::model_from_str(&source, &spec_path)?;
        let Some(plan) = features::plan(&lowered.model) else {
            continue;
        };
        let (small, small_models) = smallest_group(&lowered.model, &plan);
        let generated = generator::generate_from_str(
            &source,
            &spec_path,
            &Options {
                crate_name: (*name).into(),
                client_name: None,
                spec_label: (*spec).into(),
                package: Default::default(),
                modules: Vec::new(),
                grouping: Default::default(),
                webhook_signing: None,
            },
        )?;
        generator::write::write(&crate_dir, &generated)?;
        fs::write(
            scratch.join("Cargo.toml"),
            format!("[workspace]\nresolver = \"2\"\nmembers = [{name:?}]\n"),
        )?;
        fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
        let all = lowered.model.types.len();
        // The small build keeps the default TLS backend: only the groups differ.
        let mut small_features = features::DEFAULT_RUNTIME_FEATURES.to_vec();
        small_features.push(small.as_str());
        let small_features = small_features.join(",");
        for (label, flags, models) in [
            ("every group", vec![], all),
            (
                small.as_str(),
                vec![
                    "--no-default-features",
                    "--features",
                    small_features.as_str(),
                ],
                small_models,
            ),
        ] {
            let mut cells = Vec::new();
            for subcommand in ["check", "build"] {
                measure(&scratch, &crate_dir, name, subcommand, &flags)?; // dependencies
                let (elapsed, kib) = measure(&scratch, &crate_dir, name, subcommand, &flags)?;
                cells.push(format!(
                    "{:.1} s | {} MiB",
                    elapsed.as_secs_f64(),
                    kib / 1024
                ));
            }
            println!("| {name} | {label} | {models} | {} |", cells.join(" | "));
        }
    }
    println!();
    Ok(())
}

/// The group whose feature alone compiles the fewest named types, and that
/// count.
fn smallest_group(api: &Api, plan: &features::Plan) -> (String, usize) {
    plan.groups
        .iter()
        .map(|feature| {
            let count = api
                .types
                .iter()
                .filter(|t| plan.compiled_with(&t.name, feature))
                .count();
            (feature.clone(), count)
        })
        .min_by_key(|(_, count)| *count)
        .unwrap_or_default()
}

/// One `cargo <subcommand>` of the crate alone (its root touched so that it
/// is rebuilt), timed, with its peak memory from `/usr/bin/time`.
fn measure(
    scratch: &Path,
    crate_dir: &Path,
    name: &str,
    subcommand: &str,
    flags: &[&str],
) -> Result<(Duration, u64), Box<dyn Error>> {
    let lib = crate_dir.join("src/lib.rs");
    fs::write(&lib, fs::read(&lib)?)?;
    let report = scratch.join("time.txt");
    let start = Instant::now();
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(&report)
        .arg(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([subcommand, "--offline", "--quiet", "-p", name])
        .args(flags)
        .env("CARGO_INCREMENTAL", "0")
        // Compile cost only: lints are breadth's business, and a lint the
        // generator has yet to satisfy on some spec must not stop the bench.
        .env("RUSTFLAGS", "--cap-lints=warn")
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .current_dir(scratch)
        .status()?;
    let elapsed = start.elapsed();
    if !status.success() {
        return Err(format!("cargo {subcommand} {flags:?} of {name} failed").into());
    }
    let kib = fs::read_to_string(&report)?
        .lines()
        .last()
        .and_then(|line| line.trim().parse().ok())
        .unwrap_or(0);
    Ok((elapsed, kib))
}
