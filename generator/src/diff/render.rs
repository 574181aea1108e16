//! The report as Markdown (for a pull request or `CHANGELOG.md`) and as
//! JSON (for tools; its shape is documented in the README and kept stable).

use std::fmt::Write;

use serde_json::json;

use super::{Report, Section};

/// The sections, in the order the Markdown report lists them.
const SECTIONS: [Section; 4] = [
    Section::Breaking,
    Section::Added,
    Section::Changed,
    Section::Docs,
];

/// The Markdown sections of `report`, under a `## {heading}` line: one line
/// per change, grouped into Breaking, Added, Changed and Docs.
pub fn markdown(report: &Report, heading: &str) -> String {
    let mut out = format!("## {heading}\n");
    if report.changes.is_empty() {
        out.push_str("\nNo change for users of the crate.\n");
        return out;
    }
    let in_section = |section| {
        report
            .changes
            .iter()
            .filter(move |c| c.rule.section == section)
    };
    let counts: Vec<String> = SECTIONS
        .iter()
        .map(|&section| {
            format!(
                "{} {}",
                in_section(section).count(),
                section.title().to_lowercase()
            )
        })
        .collect();
    // Writing to a `String` cannot fail.
    let _ = writeln!(
        out,
        "\nLevel **{}**: {}.",
        report.level.as_str(),
        counts.join(", ")
    );
    for section in SECTIONS {
        let lines: Vec<_> = in_section(section).collect();
        if lines.is_empty() {
            continue;
        }
        let _ = write!(out, "\n### {}\n\n", section.title());
        for change in lines {
            let _ = write!(out, "- `{}`: {}", change.rust, change.message);
            // A method's own operation goes without saying.
            let is_method = change.rust.contains("()");
            if !(is_method && change.operations.len() <= 1) {
                out.push_str(&used_by(&change.operations));
            }
            let _ = writeln!(out, " [{}]", change.rule.id);
        }
    }
    out
}

/// " Used by `A`, `B`." (at most five named), or nothing.
fn used_by(operations: &[String]) -> String {
    const SHOWN: usize = 5;
    if operations.is_empty() {
        return String::new();
    }
    let mut names: Vec<String> = operations
        .iter()
        .take(SHOWN)
        .map(|o| format!("`{o}`"))
        .collect();
    if operations.len() > SHOWN {
        names.push(format!("and {} more", operations.len() - SHOWN));
    }
    format!(" Used by {}.", names.join(", "))
}

/// The JSON report: `level`, `version` (`current`, `next`) and `changes`.
pub fn json(report: &Report, current: &str, next: &str) -> serde_json::Value {
    let changes: Vec<_> = report
        .changes
        .iter()
        .map(|c| {
            json!({
                "id": c.rule.id,
                "level": c.level(),
                "breaking": c.level() == super::Level::Major,
                "section": c.rule.section.title().to_lowercase(),
                "rust": c.rust,
                "pointer": c.pointer,
                "operations": c.operations,
                "message": c.message,
            })
        })
        .collect();
    json!({
        "level": report.level,
        "version": { "current": current, "next": next },
        "changes": changes,
    })
}
