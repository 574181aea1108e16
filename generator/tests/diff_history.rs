//! The change report on a real history: Clerk's documents from the pinned
//! 2025-04-10 revision, through the same file edited in place a year later,
//! to the 2025-11-10 and 2026-05-12 API versions. Each step's verdict was
//! checked by compiling (`cargo xtask diff --verify`: every breaking change
//! cargo-semver-checks finds is a `major` entry); here the counts per rule
//! are pinned, and the entries a maintainer must not miss are asserted.

use std::collections::BTreeMap;
use std::path::Path;

use generator::diff::{self, Level, Report};

fn model(relative: &str) -> generator::ir::Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    match generator::model(&path) {
        Ok(lowered) => lowered.model,
        Err(error) => panic!("{relative}: {error}"),
    }
}

fn report(old: &str, new: &str) -> Report {
    diff::compare(&model(old), &model(new), "Clerk")
}

/// The level, the next version of a 0.1.0 crate, and the count per rule.
fn counts(report: &Report) -> String {
    let mut per_rule: BTreeMap<(u8, &str), usize> = BTreeMap::new();
    for change in &report.changes {
        let order = 3 - change.level() as u8;
        *per_rule.entry((order, change.rule.id)).or_default() += 1;
    }
    let mut text = format!(
        "level: {}, 0.1.0 -> {}, {} changes\n",
        report.level.as_str(),
        diff::next_version("0.1.0", report.level).expect("a version"),
        report.changes.len()
    );
    for ((_, id), count) in per_rule {
        text.push_str(&format!("{count:4} {id}\n"));
    }
    text
}

fn has(report: &Report, rule: &str, rust: &str) -> bool {
    report
        .changes
        .iter()
        .any(|c| c.rule.id == rule && c.rust == rust)
}

#[test]
fn the_2025_04_10_document_edited_in_place() {
    let report = report(
        "spec/upstream/clerk-bapi-2025-04-10.yml",
        "spec/upstream/clerk-bapi-2025-04-10-latest.yml",
    );
    assert_eq!(report.level, Level::Major);
    // The one operation the SDK ships is gone, and M2M tokens are new.
    assert!(has(
        &report,
        "operation-removed",
        "Clerk::machine_tokens().create"
    ));
    assert!(report
        .changes
        .iter()
        .any(|c| c.rule.id == "operation-added" && c.operations == ["createM2MToken"]));
    insta::assert_snapshot!(counts(&report));
}

#[test]
fn from_2025_04_10_latest_to_2025_11_10() {
    let report = report(
        "spec/upstream/clerk-bapi-2025-04-10-latest.yml",
        "spec/history/clerk-bapi-2025-11-10.yml",
    );
    assert_eq!(report.level, Level::Major);
    // Commerce operations moved to another group: their methods and types move.
    assert!(has(&report, "group-removed", "Clerk::commerce()"));
    insta::assert_snapshot!(counts(&report));
}

#[test]
fn from_2025_11_10_to_2026_05_12() {
    let report = report(
        "spec/history/clerk-bapi-2025-11-10.yml",
        "spec/upstream/clerk-bapi-2026-05-12.yml",
    );
    assert_eq!(report.level, Level::Major);
    insta::assert_snapshot!(counts(&report));
}
