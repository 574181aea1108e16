//! The change report on a real history: Clerk's documents from the pinned
//! 2025-04-10 revision, through the same file edited in place a year later,
//! to the 2025-11-10 and 2026-05-12 API versions. Each step's verdict was
//! checked by compiling (`cargo xtask diff --verify`: every breaking change
//! cargo-semver-checks finds is a `major` entry); here the counts per rule
//! are pinned, and the entries a maintainer must not miss are asserted.

mod common;

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

/// The release a maintainer reviewed (issue 25): Clerk's pinned 2025-04-10
/// document to the 2025-11-10 one, whole. Its Markdown was 852 lines and
/// 128,586 bytes, one line per Rust item (837 of them); it is now one line
/// per thing Clerk changed, at most a third of that, and still accounts for
/// every entry of the JSON, which keeps one per Rust item.
#[test]
fn from_2025_04_10_to_2025_11_10_the_markdown_is_a_third_of_what_it_was() {
    let report = report(
        "spec/upstream/clerk-bapi-2025-04-10.yml",
        "spec/history/clerk-bapi-2025-11-10.yml",
    );
    let markdown = diff::markdown(&report, "clerk-backend-api 0.3.0 (from 0.2.0): major");
    // Gone since: two docs changes of two renamed types' made-up
    // descriptions, which the document did not change (835), then the
    // entries of inline types that are now one type with their twins.
    assert_eq!(report.changes.len(), 724);
    assert_eq!(common::markdown_entries(&markdown), report.changes.len());
    let (lines, bytes) = (markdown.lines().count(), markdown.len());
    assert!(lines <= 852 / 3, "{lines} lines");
    assert!(bytes <= 128_586 / 3, "{bytes} bytes");
    // Lines a maintainer must not miss, whole.
    for line in [
        "- `Clerk::machine_tokens()`: the `machineTokens` group is gone, with its type `MachineTokens`. With 1 gone method `create` and 4 gone types. [group-removed, operation-removed, 4 type-removed]",
        "- `Clerk::saml_connections().{create, delete, get, list, update}`: newly deprecated: \"Deprecated: Use the Enterprise Connections API instead.\" [5 operation-deprecated]",
        "- `models::CommercePlan`: 2 new required fields, which `new()` takes: `free_trial_days: Option<i64>`, `free_trial_enabled: bool`. Used by 5 operations. [2 field-added-required]",
    ] {
        assert!(markdown.contains(line), "missing:\n{line}\nin:\n{markdown}");
    }
    insta::assert_snapshot!(counts(&report));
}

/// The SDK's own slice once the overlay stops bringing back the deprecated
/// `CreateMachineToken`: its removal names what replaces it, from the
/// overlay's deprecation note.
#[test]
fn the_deprecated_machine_token_operation_removed_names_its_replacement() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/machine-tokens.yaml");
    let text = std::fs::read_to_string(&path).expect("the SDK's slice is readable");
    let mut document: serde_json::Value = serde_yaml::from_str(&text).expect("YAML");
    document["paths"]
        .as_object_mut()
        .expect("paths")
        .remove("/machine_tokens");
    let without = serde_json::to_string(&document).expect("JSON");
    let old = generator::model_from_str(&text, &path)
        .expect("lowers")
        .model;
    let new = generator::model_from_str(&without, Path::new("new.json"))
        .expect("lowers")
        .model;
    let report = diff::compare(&old, &new, "Clerk");
    let removed = report
        .changes
        .iter()
        .find(|c| c.rule.id == "operation-removed")
        .expect("the operation is removed");
    assert!(
        removed
            .message
            .ends_with("; replaced by `Clerk::m2m().create_token`."),
        "{}",
        removed.message
    );
    let markdown = diff::markdown(&report, "report");
    assert!(
        markdown.contains("With 1 gone method `create` (replaced by `Clerk::m2m().create_token`)"),
        "{markdown}"
    );
}

/// The latest step, whole, as a maintainer reads it.
#[test]
fn from_2025_11_10_to_2026_05_12_as_markdown() {
    let report = report(
        "spec/history/clerk-bapi-2025-11-10.yml",
        "spec/upstream/clerk-bapi-2026-05-12.yml",
    );
    let markdown = diff::markdown(&report, "2025-11-10 → 2026-05-12");
    assert_eq!(common::markdown_entries(&markdown), report.changes.len());
    insta::assert_snapshot!(markdown);
}
