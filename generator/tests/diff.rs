//! The change report, rule by rule: each file of `tests/diff/` (other than
//! `base.yaml`) is named after a rule and holds the edits, as JSON Patches
//! (RFC 6902), that make the `old` and `new` sides of one case of it from
//! `base.yaml`. Its report is pinned as a snapshot, and
//! must contain the rule it is named after.

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
        let rule = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 file name");
        if rule == "base" {
            return;
        }
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let fixture: Value = serde_yaml::from_str(&text).expect("fixture is YAML");
        let old = model(&edited(fixture.get("old")), "old.json");
        let new = model(&edited(fixture.get("new")), "new.json");
        let report = diff::compare(&old, &new, CLIENT);
        if !report.changes.iter().any(|c| c.rule.id == rule) {
            missed
                .borrow_mut()
                .push(format!("{rule}:\n{}", diff::markdown(&report, "report")));
        }
        let highest = report.changes.iter().map(|c| c.rule.level).max();
        assert_eq!(
            report.level,
            highest.unwrap_or(Level::None),
            "{rule}: the report's level is its highest change's"
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
    for rule in rules::ALL {
        let row = format!(
            "| `{}` | {} | {} | {} |",
            rule.id,
            rule.level.as_str(),
            rule.section.title(),
            rule.summary
        );
        assert!(
            readme.contains(&row),
            "README.md's rule table lacks or misstates:\n{row}"
        );
    }
}
