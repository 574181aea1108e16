//! The change report, rule by rule: each file of `tests/diff/` (other than
//! `base.yaml`) is named after a rule (`{rule}.yaml`, or `{rule}.{case}.yaml`
//! for more cases of it) and holds the edits, as JSON Patches (RFC 6902),
//! that make the `old` and `new` sides of one case of it from `base.yaml`.
//! Its report is pinned as a snapshot, and must contain the rule it is
//! named after; a `none.{case}.yaml` is a change a Rust user cannot see,
//! whose report must be empty.

mod common;

use std::path::Path;

use generator::diff::{self, rules, Level};
use serde_json::Value;

const CLIENT: &str = "Shop";

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn base() -> Value {
    let text = std::fs::read_to_string(fixtures().join("base.yaml"))
        .expect("tests/diff/base.yaml is readable");
    serde_yaml::from_str(&text).expect("tests/diff/base.yaml is YAML")
}

/// The base document with `edits` applied: a JSON Patch (RFC 6902).
fn edited(edits: Option<&Value>) -> Value {
    let mut document = base();
    if let Some(edits) = edits {
        let patch: json_patch::Patch =
            serde_json::from_value(edits.clone()).expect("the edits are a JSON Patch");
        json_patch::patch(&mut document, &patch).expect("the patch applies to base.yaml");
    }
    document
}

fn model(document: &Value, name: &str) -> generator::ir::Api {
    let text = serde_json::to_string(document).expect("a JSON value serialises");
    match generator::model_from_str(&text, Path::new(name)) {
        Ok(lowered) => lowered.model,
        Err(error) => panic!("{name} does not lower: {error}"),
    }
}

/// The report's Markdown and JSON, as pinned.
fn shown(report: &diff::Report) -> String {
    let next = diff::next_version("0.1.0", report.level).expect("0.1.0 is a version");
    let json = diff::json(report, "0.1.0", &next);
    format!(
        "{}\n{}\n",
        diff::markdown(
            report,
            &format!("0.1.0 → {next} ({})", report.level.as_str())
        ),
        serde_json::to_string_pretty(&json).expect("JSON serialises")
    )
}

#[test]
fn each_fixture_reports_the_rule_it_is_named_after() {
    let missed = std::cell::RefCell::new(Vec::new());
    insta::glob!("diff/*.yaml", |path| {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 file name");
        let rule = stem.split('.').next().unwrap_or(stem);
        if rule == "base" {
            return;
        }
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let fixture: Value = serde_yaml::from_str(&text).expect("fixture is YAML");
        let old = model(&edited(fixture.get("old")), "old.json");
        let new = model(&edited(fixture.get("new")), "new.json");
        let report = diff::compare(&old, &new, CLIENT);
        if rule == "none" {
            assert!(
                report.changes.is_empty(),
                "{stem}: a change no user sees is reported:\n{}",
                diff::markdown(&report, "report")
            );
        } else if !report.changes.iter().any(|c| c.rule.id == rule) {
            missed
                .borrow_mut()
                .push(format!("{rule}:\n{}", diff::markdown(&report, "report")));
        }
        let highest = report.changes.iter().map(|c| c.rule.level).max();
        assert_eq!(
            report.level,
            highest.unwrap_or(Level::None),
            "{stem}: the report's level is its highest change's"
        );
        assert_eq!(
            common::markdown_entries(&diff::markdown(&report, "report")),
            report.changes.len(),
            "{stem}: the Markdown accounts for every entry:\n{}",
            diff::markdown(&report, "report")
        );
        insta::assert_snapshot!(shown(&report));
    });
    let missed = missed.into_inner();
    assert!(
        missed.is_empty(),
        "fixtures whose report lacks their rule:\n{}",
        missed.join("\n")
    );
}

#[test]
fn every_rule_has_a_fixture() {
    let missing: Vec<&str> = rules::ALL
        .iter()
        .map(|rule| rule.id)
        .filter(|id| !fixtures().join(format!("{id}.yaml")).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture in tests/diff/: {missing:?}"
    );
    let mut ids: Vec<&str> = rules::ALL.iter().map(|rule| rule.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules::ALL.len(), "rule ids are unique");
}

#[test]
fn the_same_document_has_no_change() {
    let document = base();
    let report = diff::compare(
        &model(&document, "old.json"),
        &model(&document, "new.json"),
        CLIENT,
    );
    assert_eq!(report.level, Level::None);
    assert!(report.changes.is_empty(), "{}", shown(&report));
}

/// Every leaf of the model that a user can see is compared: change any one
/// of them and the report is not empty. The model is mutated through its
/// serialised form, so a field added to `ir.rs` is mutated here too.
#[test]
fn a_change_to_any_leaf_of_the_model_is_reported() {
    let api = model(&base(), "base.json");
    let tree = serde_json::to_value(&api).expect("the model serialises");
    let mut leaves = Vec::new();
    collect_leaves(&tree, String::new(), &mut leaves);
    let mut checked = 0;
    let mut silent = Vec::new();
    for pointer in &leaves {
        // Locations and private module names are not part of the crate's API.
        if pointer.ends_with("/pointer")
            || pointer.ends_with("/module") && pointer.starts_with("/types/")
        {
            continue;
        }
        // Made-up docs (a type's without a description) change only with the
        // type's parent's name, which is reported itself.
        if let Some(ty) = pointer
            .strip_suffix("/description")
            .filter(|at| at.starts_with("/types/") && at.matches('/').count() == 2)
        {
            if tree.pointer(&format!("{ty}/description_derived")) == Some(&Value::Bool(true)) {
                continue;
            }
        }
        let mut mutated = tree.clone();
        let leaf = mutated
            .pointer_mut(pointer)
            .expect("a collected leaf exists");
        match leaf {
            Value::String(text) => text.push('x'),
            Value::Bool(flag) => *flag = !*flag,
            Value::Number(number) => {
                *leaf = match number.as_u64() {
                    Some(n) => Value::from(n + 1),
                    None => Value::from(number.as_f64().unwrap_or(0.0) + 0.5),
                }
            }
            _ => continue,
        }
        // A string that names a unit variant (`"Post"`) has no mutation that
        // stays in the model; the fixtures cover those.
        let Ok(variant) = serde_json::from_value::<generator::ir::Api>(mutated) else {
            continue;
        };
        checked += 1;
        if diff::compare(&api, &variant, CLIENT).changes.is_empty() {
            silent.push(pointer.clone());
        }
    }
    assert!(
        silent.is_empty(),
        "changes the report does not see: {silent:#?}"
    );
    assert!(
        checked > 150,
        "only {checked} of {} leaves were mutated",
        leaves.len()
    );
}

fn collect_leaves(value: &Value, at: String, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                collect_leaves(
                    value,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    into,
                );
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                collect_leaves(value, format!("{at}/{index}"), into);
            }
        }
        _ => into.push(at),
    }
}

#[test]
fn the_readme_lists_every_rule_with_its_level() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(readme).expect("README.md is readable");
    let rows: Vec<String> = rules::ALL
        .iter()
        .map(|rule| {
            format!(
                "| `{}` | {} | {} | {} |",
                rule.id,
                rule.level.as_str(),
                rule.section.title(),
                rule.summary
            )
        })
        .collect();
    // The table is the catalogue, row for row, in its order: a rule
    // added, removed, reworded or moved in the code shows here.
    let table: Vec<&str> = readme
        .lines()
        .skip_while(|line| !line.starts_with("| Rule | Level | Section |"))
        .skip(2)
        .take_while(|line| line.starts_with("| `"))
        .collect();
    let wanted: Vec<&str> = rows.iter().map(String::as_str).collect();
    assert_eq!(
        table, wanted,
        "README.md's rule table differs from rules::ALL"
    );
}
