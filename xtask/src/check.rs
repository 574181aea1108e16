//! `cargo xtask check`: fails when the generated crate on disk is not what
//! generation produces, e.g. after a hand edit or a generator change
//! without a regeneration.

use std::error::Error;
use std::fs;
use std::process::ExitCode;

use generator::write::{self, DriftKind};
use similar::TextDiff;

use crate::generate::{label, Target};

/// Runs the check; drift is a failing exit code, not an error.
pub fn run(target: &Target) -> Result<ExitCode, Box<dyn Error>> {
    if !slice_is_current(target)? {
        return Ok(ExitCode::FAILURE);
    }
    let generated = target.generate()?;
    let missing = missing_modules(target);
    for file in &missing {
        eprintln!("error: {file} is declared in the config's [[modules]] but does not exist; write it, or remove the entry");
    }
    if !missing.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    let out = target.out();
    let drifts = write::compare(&out, &generated)?;
    let folder = label(&out);
    if drifts.is_empty() {
        // The manifest is written too, hence the `+ 1`.
        println!(
            "{folder} is up to date ({} files)",
            generated.files.len() + 1
        );
        return Ok(ExitCode::SUCCESS);
    }

    for drift in &drifts {
        let shown = format!("{folder}/{}", drift.path);
        let (before, after, old_header, new_header) = match &drift.kind {
            DriftKind::Changed { on_disk, expected } => (
                on_disk.clone(),
                expected.clone(),
                format!("a/{shown}"),
                format!("b/{shown}"),
            ),
            DriftKind::Missing => (
                String::new(),
                generated
                    .files
                    .get(&drift.path)
                    .cloned()
                    .unwrap_or_default(),
                "/dev/null".to_owned(),
                format!("b/{shown}"),
            ),
            DriftKind::Stale => (
                fs::read(out.join(&drift.path))
                    .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                    .unwrap_or_default(),
                String::new(),
                format!("a/{shown}"),
                "/dev/null".to_owned(),
            ),
        };
        print!(
            "{}",
            TextDiff::from_lines(&before, &after)
                .unified_diff()
                .header(&old_header, &new_header)
        );
    }
    eprintln!(
        "error: {} file(s) in {folder} differ from what {} generates; run `cargo xtask generate`",
        drifts.len(),
        target.options().spec_label,
    );
    Ok(ExitCode::FAILURE)
}

/// Whether the config's spec is still the slice of its upstream document
/// with its overlays (when the spec comes from the config and it has an
/// `[upstream]`); prints the difference when it is not.
fn slice_is_current(target: &Target) -> Result<bool, Box<dyn Error>> {
    let Some(config) = target
        .loaded
        .as_ref()
        .filter(|c| c.upstream.is_some() && target.spec.is_none())
    else {
        return Ok(true);
    };
    let spec = config.resolve(&config.sdk.spec);
    let (command, expected) = config.slice(false)?;
    let on_disk = fs::read_to_string(&spec).unwrap_or_default();
    if on_disk == expected {
        return Ok(true);
    }
    let shown = label(&spec);
    print!(
        "{}",
        TextDiff::from_lines(&on_disk, &expected)
            .unified_diff()
            .header(&format!("a/{shown}"), &format!("b/{shown}"))
    );
    eprintln!(
        "error: {shown} is not what `{command}` produces (the upstream document or an overlay changed); \
         run `cargo xtask refresh --upstream {}` to take the change and release it",
        label(&config.resolve(&config.upstream()?.file))
    );
    Ok(false)
}

/// The hand-written module files the config declares and the crate lacks.
pub fn missing_modules(target: &Target) -> Vec<String> {
    let out = target.out();
    target
        .options()
        .modules
        .iter()
        .map(|module| module.file())
        .filter(|file| !out.join(file).is_file())
        .map(|file| format!("{}/{file}", label(&out)))
        .collect()
}
