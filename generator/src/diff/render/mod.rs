//! The report as Markdown (for a pull request or `CHANGELOG.md`) and as
//! JSON (for tools; its shape is documented in the README and kept stable).

use std::fmt::Write;

use serde_json::json;

use super::{Report, Section};

mod fold;
mod group;
mod lines;

/// The sections, in the order the Markdown report lists them.
const SECTIONS: [Section; 4] = [
    Section::Breaking,
    Section::Added,
    Section::Changed,
    Section::Docs,
];

/// The Markdown sections of `report`, under a `## {heading}` line: one line
/// per thing that changed (see [`lines`]), in Breaking, Added, Changed and
/// Docs.
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
            .enumerate()
            .filter(move |(_, c)| c.rule.section == section)
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
        let lines = lines::section(report, section);
        if lines.is_empty() {
            continue;
        }
        let _ = write!(out, "\n### {}\n\n", section.title());
        out.extend(lines);
    }
    out
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
                "part_of": c.part_of.and_then(|at| report.changes.get(at)).map(|p| &p.rust),
            })
        })
        .collect();
    json!({
        "level": report.level,
        "version": { "current": current, "next": next },
        "changes": changes,
    })
}
