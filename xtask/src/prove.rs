//! `cargo xtask diff --prove`: the `major` verdicts cargo-semver-checks
//! cannot see, checked by compiling. Each file `xtask/diff-proofs/RULE.rs`
//! is a small program written against the crate generated from the `old`
//! side of the rule's fixture (`generator/tests/diff/RULE.yaml`); it must
//! compile against that crate and fail against the crate of the `new` side,
//! which itself compiles.

use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::generate::workspace_root;

/// Runs every proof; true when each holds.
pub fn run() -> Result<bool, Box<dyn Error>> {
    let root = workspace_root();
    let fixtures = root.join("generator/tests/diff");
    let base: Value = read_yaml(&fixtures.join("base.yaml"))?;
    let scratch = root.join("target/diff-proofs");
    let mut proofs: Vec<String> = fs::read_dir(root.join("xtask/diff-proofs"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_owned))
        .collect();
    proofs.sort();
    let mut members = String::new();
    for rule in &proofs {
        let fixture = read_yaml(&fixtures.join(format!("{rule}.yaml")))?;
        let program = fs::read_to_string(root.join(format!("xtask/diff-proofs/{rule}.rs")))?;
        for side in ["old", "new"] {
            let mut document = base.clone();
            if let Some(edits) = fixture.get(side) {
                let patch: json_patch::Patch = serde_json::from_value(edits.clone())
                    .map_err(|err| format!("{rule}.yaml: `{side}` is not a JSON Patch: {err}"))?;
                json_patch::patch(&mut document, &patch)
                    .map_err(|err| format!("{rule}.yaml: {err}"))?;
            }
            let sdk = format!("sdk-{rule}-{side}");
            let options = generator::Options {
                crate_name: sdk.clone(),
                client_name: Some("Shop".into()),
                spec_label: format!("generator/tests/diff/{rule}.yaml ({side})"),
                package: Default::default(),
                modules: Vec::new(),
                grouping: Default::default(),
                webhook_signing: None,
            };
            let text = serde_json::to_string(&document)?;
            let generated =
                generator::generate_from_str(&text, Path::new(&options.spec_label), &options)?;
            generator::write::write(&scratch.join(&sdk), &generated)?;
            let proof = scratch.join(format!("proof-{rule}-{side}"));
            fs::create_dir_all(proof.join("src"))?;
            fs::write(
                proof.join("Cargo.toml"),
                format!(
                    "[package]\nname = \"proof-{rule}-{side}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                     [dependencies]\nshop = {{ package = \"{sdk}\", path = \"../{sdk}\" }}\n"
                ),
            )?;
            fs::write(proof.join("src/lib.rs"), &program)?;
            let _ = writeln!(members, "    \"{sdk}\",\n    \"proof-{rule}-{side}\",");
        }
    }
    fs::write(
        scratch.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\n{members}]\n"),
    )?;
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    let check = |package: &str| -> Result<(bool, String), Box<dyn Error>> {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&scratch)
            .args(["check", "--offline", "--quiet", "-p", package])
            .env("CARGO_TERM_COLOR", "never")
            .output()?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first_error = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("")
            .to_owned();
        Ok((output.status.success(), first_error))
    };
    let mut held = true;
    for rule in &proofs {
        let (new_sdk_builds, sdk_error) = check(&format!("sdk-{rule}-new"))?;
        let (old_builds, old_error) = check(&format!("proof-{rule}-old"))?;
        let (new_builds, new_error) = check(&format!("proof-{rule}-new"))?;
        let holds = new_sdk_builds && old_builds && !new_builds;
        held &= holds;
        let why = if !new_sdk_builds {
            format!("the new crate itself does not compile: {sdk_error}")
        } else if !old_builds {
            format!("the program does not compile against the old crate: {old_error}")
        } else if new_builds {
            "the program still compiles against the new crate".to_owned()
        } else {
            format!("against the new crate: {new_error}")
        };
        println!(
            "prove: {} {rule}: {why}",
            if holds { "ok    " } else { "FAILED" }
        );
    }
    Ok(held)
}

fn read_yaml(path: &Path) -> Result<Value, Box<dyn Error>> {
    let text = fs::read_to_string(path)
        .map_err(|err| format!("{}: cannot read: {err}", path.display()))?;
    Ok(serde_yaml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?)
}
