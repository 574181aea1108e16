//! The changelog's `## [Unreleased]` section: changes of the generator and
//! its runtime (a new error variant, a dependency's major version), which
//! no change of the document shows. Developers write them there, under
//! Keep a Changelog's `### Breaking` / `### Added` / `### Changed` /
//! `### Fixed` headings; the next `cargo xtask refresh` releases them with
//! the change report, bumping the version by the higher of the two levels,
//! and empties the section.

use generator::diff::Level;

/// The heading that opens the section.
const HEADING: &str = "## [Unreleased]";

/// The section's text and the level it asks for.
#[derive(Debug, PartialEq)]
pub struct Unreleased {
    /// What follows the heading, up to the next release.
    pub body: String,
    /// `Breaking` items make a major release, `Added` ones a minor one,
    /// anything else a patch.
    pub level: Level,
}

/// The `[Unreleased]` section of `changelog`, when it has items.
pub fn section(changelog: &str) -> Option<Unreleased> {
    let (start, end) = bounds(changelog)?;
    let body = changelog[start + HEADING.len()..end].trim().to_owned();
    if !body.lines().any(|line| line.trim_start().starts_with("- ")) {
        return None;
    }
    let has = |heading: &str| body.lines().any(|line| line.trim() == heading);
    let level = if has("### Breaking") {
        Level::Major
    } else if has("### Added") {
        Level::Minor
    } else {
        Level::Patch
    };
    Some(Unreleased { body, level })
}

/// `changelog` without its `[Unreleased]` section.
pub fn without_section(changelog: &str) -> String {
    match bounds(changelog) {
        Some((start, end)) => format!("{}{}", &changelog[..start], &changelog[end..]),
        None => changelog.to_owned(),
    }
}

impl Unreleased {
    /// The release `entry` (the change report's Markdown, headed `## ...`)
    /// with these changes after it, under their own heading; `level` is the
    /// release's, which the entry's level line is made to say.
    pub fn fold_into(&self, entry: &str, level: Level) -> String {
        let body = self.body.replace("\n### ", "\n#### ");
        let body = body
            .strip_prefix("### ")
            .map_or(body.clone(), |rest| format!("#### {rest}"));
        let entry = match entry.find("Level **") {
            Some(at) => {
                let rest = &entry[at + "Level **".len()..];
                // Past the closing `**` of the old level.
                let end = rest.find("**").map_or(0, |i| i + 2);
                format!(
                    "{}Level **{}**{}",
                    &entry[..at],
                    level.as_str(),
                    &rest[end..]
                )
            }
            None => entry.to_owned(),
        };
        // The report's words for an empty report, which now has company.
        let entry = entry.replace(
            "No change for users of the crate.",
            "The API description did not change.",
        );
        format!(
            "{}\n\n### Generator and runtime\n\nChanges of the SDK itself, not of the API description:\n\n{body}\n",
            entry.trim_end()
        )
    }
}

/// Where the section starts (its heading) and ends (the next `## ` heading,
/// or the end).
fn bounds(changelog: &str) -> Option<(usize, usize)> {
    let start = changelog.find(HEADING)?;
    let after = start + HEADING.len();
    let end = changelog[after..]
        .find("\n## ")
        .map_or(changelog.len(), |i| after + i + 1);
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\nPreamble.\n\n## [Unreleased]\n\n### Breaking\n\n- `http_client` takes a `reqwest::ClientBuilder`.\n\n### Added\n\n- `Error::Redirect`.\n\n## [0.2.0] - 2026-11-30\n\nOld entry.\n";

    #[test]
    fn the_section_is_read_levelled_and_removed() {
        let unreleased = section(CHANGELOG).expect("a section with items");
        assert_eq!(unreleased.level, Level::Major);
        assert!(unreleased.body.starts_with("### Breaking"));
        assert!(unreleased.body.ends_with("- `Error::Redirect`."));
        assert_eq!(
            without_section(CHANGELOG),
            "# Changelog\n\nPreamble.\n\n## [0.2.0] - 2026-11-30\n\nOld entry.\n"
        );
        // No items, no section to release.
        assert_eq!(
            section("# Changelog\n\n## [Unreleased]\n\n## [0.1.0]\n"),
            None
        );
        let added = "## [Unreleased]\n\n### Added\n\n- x\n";
        assert_eq!(section(added).map(|u| u.level), Some(Level::Minor));
        assert_eq!(
            section("## [Unreleased]\n\n- x\n").map(|u| u.level),
            Some(Level::Patch)
        );
    }

    #[test]
    fn the_release_entry_carries_the_changes_at_the_higher_level() {
        let unreleased = section(CHANGELOG).expect("a section");
        let entry = "## [0.3.0] - 2026-12-05\n\nLevel **patch**: 0 breaking, 0 added, 0 changed, 1 docs.\n\n### Docs\n\n- a line\n";
        let folded = unreleased.fold_into(entry, Level::Major);
        assert!(folded.contains("Level **major**: 0 breaking"), "{folded}");
        assert!(
            folded.contains("### Docs\n\n- a line\n\n### Generator and runtime\n"),
            "{folded}"
        );
        assert!(
            folded.contains("#### Breaking\n\n- `http_client`"),
            "{folded}"
        );
        assert!(
            folded.contains("#### Added\n\n- `Error::Redirect`."),
            "{folded}"
        );
    }
}
