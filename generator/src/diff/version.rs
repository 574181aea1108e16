//! The next crate version for a report's level, by Cargo's rules.

use super::Level;

/// A crate version this module cannot bump.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a version of the form MAJOR.MINOR.PATCH")]
pub struct VersionError(pub String);

/// The version to publish after changes of `level` to a crate at `current`.
///
/// Cargo treats the left-most non-zero number as the major one: a breaking
/// change bumps `1.2.3` to `2.0.0`, `0.2.3` to `0.3.0` and `0.0.3` to `0.0.4`;
/// new API bumps `1.2.3` to `1.3.0` but `0.2.3` only to `0.2.4`, since 0.x
/// has no separate minor number. No change keeps the version.
pub fn next_version(current: &str, level: Level) -> Result<String, VersionError> {
    let invalid = || VersionError(current.to_owned());
    let numbers: Vec<u64> = current
        .split('.')
        .map(|part| {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            if digits && (part == "0" || !part.starts_with('0')) {
                part.parse().map_err(|_| invalid())
            } else {
                Err(invalid())
            }
        })
        .collect::<Result<_, _>>()?;
    let [major, minor, patch] = numbers[..] else {
        return Err(invalid());
    };
    let bump = |n: u64| n.checked_add(1).ok_or_else(invalid);
    let (major, minor, patch) = match (level, major, minor) {
        (Level::None, ..) => (major, minor, patch),
        (Level::Major, 0, 0) | (Level::Minor | Level::Patch, 0, _) | (Level::Patch, ..) => {
            (major, minor, bump(patch)?)
        }
        (Level::Major, 0, _) | (Level::Minor, ..) => (major, bump(minor)?, 0),
        (Level::Major, ..) => (bump(major)?, 0, 0),
    };
    Ok(format!("{major}.{minor}.{patch}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_cargo_rules_for_every_range() {
        let cases = [
            ("1.2.3", Level::Major, "2.0.0"),
            ("1.2.3", Level::Minor, "1.3.0"),
            ("1.2.3", Level::Patch, "1.2.4"),
            ("1.2.3", Level::None, "1.2.3"),
            ("0.1.0", Level::Major, "0.2.0"),
            ("0.1.0", Level::Minor, "0.1.1"),
            ("0.1.0", Level::Patch, "0.1.1"),
            ("0.0.3", Level::Major, "0.0.4"),
            ("0.0.3", Level::Minor, "0.0.4"),
            ("0.0.3", Level::Patch, "0.0.4"),
        ];
        for (current, level, next) in cases {
            assert_eq!(
                next_version(current, level).unwrap(),
                next,
                "{current} {level:?}"
            );
        }
    }

    #[test]
    fn refuses_what_it_cannot_bump() {
        for bad in [
            "1.2",
            "1.2.3-beta",
            "01.2.3",
            "",
            "a.b.c",
            "1.2.18446744073709551616",
        ] {
            assert!(next_version(bad, Level::Patch).is_err(), "{bad}");
        }
        assert!(next_version("1.2.18446744073709551615", Level::Patch).is_err());
    }
}
