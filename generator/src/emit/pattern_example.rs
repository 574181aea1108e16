//! An example string that matches a `pattern`, for docs whose spec gives
//! none: the shortest reading of the regular expression, with readable
//! characters (`mch_\w{27}` gives `mch_` and 27 `x`s), so that an example
//! passes the very check the generated crate runs before sending.

use regex_syntax::hir::{Class, Hir, HirKind};

/// How long an example may grow: past it, a pattern gives no example.
const MAX_LENGTH: usize = 256;

/// A string matching `pattern` (unanchored, like a spec's `pattern`), or
/// `None` when its shortest match is too long or needs a character no
/// class offers.
pub(super) fn matching(pattern: &regex::Regex) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern.as_str()).ok()?;
    let mut out = String::new();
    write(&hir, &mut out)?;
    // The same regex engine as the generated check confirms the example.
    pattern.is_match(&out).then_some(out)
}

fn write(hir: &Hir, out: &mut String) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(std::str::from_utf8(&literal.0).ok()?),
        HirKind::Class(class) => out.push(pick(class)?),
        HirKind::Repetition(repetition) => {
            // At least once, so that optional parts still show what they hold.
            let times = repetition.min.max(1) as usize;
            if times > MAX_LENGTH {
                return None;
            }
            let mut one = String::new();
            write(&repetition.sub, &mut one)?;
            if repetition.min == 0 && one.is_empty() {
                return Some(());
            }
            for _ in 0..times {
                out.push_str(&one);
            }
        }
        HirKind::Capture(capture) => write(&capture.sub, out)?,
        HirKind::Concat(parts) => {
            for part in parts {
                write(part, out)?;
            }
        }
        HirKind::Alternation(alternatives) => write(alternatives.first()?, out)?,
    }
    (out.len() <= MAX_LENGTH).then_some(())
}

/// A readable character of `class`: `x`, then other letters, digits, `-`,
/// `_`, then the class's first character.
fn pick(class: &Class) -> Option<char> {
    let (contains, first): (Box<dyn Fn(char) -> bool + '_>, Option<char>) = match class {
        Class::Unicode(class) => (
            Box::new(|c| {
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= c && c <= r.end())
            }),
            class.ranges().first().map(|r| r.start()),
        ),
        // The preferred characters are ASCII, so they are bytes as well.
        Class::Bytes(class) => (
            Box::new(|c| {
                let byte = c as u8;
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= byte && byte <= r.end())
            }),
            class
                .ranges()
                .first()
                .map(|r| r.start())
                .filter(u8::is_ascii)
                .map(char::from),
        ),
    };
    ['x', 'a', 'X', 'A', '0', '1', '-', '_']
        .into_iter()
        .find(|&c| contains(c))
        .or(first)
}

#[cfg(test)]
mod tests {
    use super::matching;

    /// The example for `pattern`, or `None` when the regex crate refuses it.
    fn example(pattern: &str) -> Option<String> {
        regex::Regex::new(pattern).ok().and_then(|r| matching(&r))
    }

    #[test]
    fn examples_match_their_patterns() {
        for (pattern, expected) in [
            (r"^mch_\w{27}$", "mch_xxxxxxxxxxxxxxxxxxxxxxxxxxx"),
            (
                r"^mt_[0-9A-Fa-f]{32}$",
                "mt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ),
            (r"^(user|org)_[a-z0-9]+$", "user_x"),
            (r"^\d{4}-\d{2}-\d{2}$", "0000-00-00"),
            (r"^[A-Z]{2,3}$", "XX"),
            (r"^v?[0-9]+(\.[0-9]+)*$", "v0.0"),
            (r"ab", "ab"),
            (r"^\+?[1-9]\d{1,14}$", "+10"),
        ] {
            assert_eq!(example(pattern).as_deref(), Some(expected), "{pattern}");
        }
        // Too long to show, or not a pattern the regex crate reads.
        assert_eq!(example(r"^a{1000}$"), None);
        assert_eq!(example(r"^(?<=a)b$"), None);
    }
}
