//! Spec prose as the report quotes it: the sentence that changed, shortened
//! around the change, so that a maintainer tells a typo fix from a changed
//! contract without the report growing by whole paragraphs.

use crate::prose::{deprecation_note, sentences};

/// At most this many characters of a quoted sentence, each side.
const LIMIT: usize = 80;

/// How the docs of one item changed: each changed aspect (description,
/// example, deprecation note...) in one clause.
#[derive(Default)]
pub(super) struct Docs {
    clauses: Vec<String>,
}

impl Docs {
    /// Records `name` (e.g. `description`) when its text changed more than
    /// in spacing and line breaks (YAML's block styles, re-wrapped lines),
    /// which the docs render the same.
    pub fn text(&mut self, name: &str, old: Option<&str>, new: Option<&str>) {
        let (a, b) = (old.map(spaced), new.map(spaced));
        if a != b {
            self.clauses.push(format!("{name} {}", changed(old, new)));
        }
    }

    /// Records `clause` when `changed`.
    pub fn flag(&mut self, changed: bool, clause: &str) {
        if changed {
            self.clauses.push(clause.to_owned());
        }
    }

    /// Records a changed deprecation note, unless the item is newly
    /// deprecated (that entry quotes the note), and a deprecation lifted.
    /// Each side is `(deprecated, note)`.
    pub fn deprecation(&mut self, old: (bool, Option<&str>), new: (bool, Option<&str>)) {
        let newly_deprecated = !old.0 && new.0;
        if !newly_deprecated {
            self.text("deprecation note", old.1, new.1);
        }
        self.flag(old.0 && !new.0, "no longer deprecated");
    }

    /// The message, or `None` when nothing changed.
    pub fn message(self) -> Option<String> {
        if self.clauses.is_empty() {
            return None;
        }
        let mut text = self.clauses.join("; ");
        if !text.ends_with('.') {
            text.push('.');
        }
        Some(text)
    }
}

/// `text`'s words: what is left when spacing and line breaks are not.
fn spaced(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// How `old` became `new`, quoting the first sentence that differs:
/// `now "…" (was "…")`, `added: "…"`, `removed (was "…")`.
pub(super) fn changed(old: Option<&str>, new: Option<&str>) -> String {
    let (before, after) = (
        old.map(sentences).unwrap_or_default(),
        new.map(sentences).unwrap_or_default(),
    );
    match (old, new) {
        (None, Some(_)) => return format!("added: {}", quote(&first(&after))),
        (Some(_), None) => return format!("removed (was {})", quote(&first(&before))),
        _ => {}
    }
    let at = before
        .iter()
        .zip(&after)
        .position(|(a, b)| a != b)
        .unwrap_or(before.len().min(after.len()));
    // A sentence put in (or taken out) shifts the rest: say so rather than
    // pair two unrelated sentences.
    let inserted = after.len() > before.len() && after.get(at + 1) == before.get(at);
    let deleted = before.len() > after.len() && before.get(at + 1) == after.get(at);
    let lead = |text: String| {
        if at > 0 && !text.starts_with('…') {
            format!("… {text}")
        } else {
            text
        }
    };
    match (before.get(at), after.get(at)) {
        (_, Some(b)) if inserted => format!("gains {}", quote(&lead(shorten(b)))),
        (Some(a), _) if deleted => format!("loses {}", quote(&lead(shorten(a)))),
        (Some(a), Some(b)) => {
            let (a, b) = excerpts(a, b);
            format!("now {} (was {})", quote(&lead(b)), quote(&lead(a)))
        }
        (None, Some(b)) => format!("gains {}", quote(&lead(shorten(b)))),
        (Some(a), None) => format!("loses {}", quote(&lead(shorten(a)))),
        // The same words: only where a link points changed.
        (None, None) => "changes a link's target (the same words)".to_owned(),
    }
}

/// The first sentence of `text`, shortened, or the text as the note of a
/// deprecation quotes it.
pub(super) fn first_sentence(text: &str) -> String {
    first(&sentences(text))
}

fn first(sentences: &[String]) -> String {
    sentences.first().map_or_else(String::new, |s| shorten(s))
}

/// `text` in double quotes.
fn quote(text: &str) -> String {
    format!("\"{text}\"")
}

/// Both sentences cut to where they differ, with a few words of context on
/// each side: a long sentence with one word changed shows that word, not
/// the sentence's start. Short sentences are shown whole.
fn excerpts(old: &str, new: &str) -> (String, String) {
    /// Sentences up to this long are shown whole.
    const WHOLE: usize = 48;
    /// Characters kept before and after the part that differs.
    const CONTEXT: usize = 20;
    let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    if a.len() <= WHOLE && b.len() <= WHOLE {
        return (old.to_owned(), new.to_owned());
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    // Word boundaries: start after a space, end before one.
    let start = {
        let mut at = prefix.saturating_sub(CONTEXT);
        while at > 0 && !a[at - 1].is_whitespace() {
            at -= 1;
        }
        at
    };
    let cut = |text: &[char]| {
        let mut end = (text.len() - suffix + CONTEXT).min(text.len());
        while end < text.len() && !text[end].is_whitespace() {
            end += 1;
        }
        let head: String = text[..start].iter().collect();
        let middle: String = text[start..end].iter().collect();
        let mut shown = shorten(middle.trim());
        if start > 0 {
            // Reopen inline code that the cut started inside of.
            let open = if head.matches('`').count() % 2 == 1 {
                "`"
            } else {
                ""
            };
            shown = format!("…{open}{shown}");
        }
        if end < text.len() && !shown.ends_with('…') {
            if shown.matches('`').count() % 2 == 1 {
                shown.push('`');
            }
            shown.push('…');
        }
        shown
    };
    (cut(&a), cut(&b))
}

/// `text`, cut at a word boundary to at most [`LIMIT`] characters with an
/// ellipsis, inline code closed if the cut left it open.
fn shorten(text: &str) -> String {
    if text.chars().count() <= LIMIT {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(LIMIT).collect();
    if let Some(space) = cut.rfind(' ').filter(|&at| at > LIMIT / 2) {
        cut.truncate(space);
    }
    let mut cut = cut.trim_end_matches([',', ';', ':', ' ', '(']).to_owned();
    if cut.matches('`').count() % 2 == 1 {
        cut.push('`');
    }
    cut.push('…');
    cut
}

/// "newly deprecated by the API.", or its note, shortened, when it has one.
pub(super) fn deprecated(note: Option<&str>, description: Option<&str>) -> String {
    match deprecation_note(note, description) {
        Some(note) => format!("newly deprecated: {}", quote(&first_sentence(&note))),
        None => "newly deprecated by the API.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_the_first_sentence_that_differs() {
        assert_eq!(
            changed(
                Some("Lists users. Sorted by date."),
                Some("Lists users. Sorted by name.")
            ),
            "now \"… Sorted by name.\" (was \"… Sorted by date.\")"
        );
        assert_eq!(
            changed(None, Some("New text. More.")),
            "added: \"New text.\""
        );
        assert_eq!(
            changed(Some("Old.\n\nMore."), None),
            "removed (was \"Old.\")"
        );
        assert_eq!(
            changed(Some("See [a](x)."), Some("See [a](y).")),
            "changes a link's target (the same words)"
        );
        assert_eq!(changed(Some("A."), Some("A. B.")), "gains \"… B.\"");
        assert_eq!(changed(Some("A. C."), Some("A. B. C.")), "gains \"… B.\"");
        assert_eq!(changed(Some("A. B. C."), Some("A. C.")), "loses \"… B.\"");
    }

    #[test]
    fn spacing_alone_is_no_change() {
        let mut docs = Docs::default();
        docs.text("description", Some("A\nB."), Some("A B.\n"));
        assert_eq!(docs.message(), None);
    }

    #[test]
    fn shows_a_change_far_into_a_long_sentence() {
        let old = "The identifier of the organization that the membership belongs to, which must be recieved from the API.";
        let new = "The identifier of the organization that the membership belongs to, which must be received from the API.";
        let text = changed(Some(old), Some(new));
        assert!(
            text.contains("received") && text.contains("recieved"),
            "{text}"
        );
        assert!(text.starts_with("now \"…"), "{text}");
    }

    #[test]
    fn shortens_at_a_word_and_closes_inline_code() {
        let long = format!(
            "Use `{}` and then some more words to fill the line up.",
            "x".repeat(70)
        );
        let short = shorten(&long);
        assert!(
            short.ends_with('…') && short.chars().count() <= LIMIT + 2,
            "{short}"
        );
        assert_eq!(short.matches('`').count() % 2, 0, "{short}");
    }

    #[test]
    fn links_keep_their_text() {
        assert_eq!(
            first_sentence("See [the guide](https://example.com/a) first. Then go."),
            "See the guide first."
        );
        assert_eq!(first_sentence("[not a link] (x)"), "[not a link] (x)");
    }

    #[test]
    fn a_deprecation_quotes_its_note() {
        assert_eq!(
            deprecated(Some("Use `b` instead."), None),
            "newly deprecated: \"Use `b` instead.\""
        );
        assert_eq!(
            deprecated(None, Some("Deprecated in favour of `b`. Other text.")),
            "newly deprecated: \"Deprecated in favour of `b`.\""
        );
        assert_eq!(
            deprecated(None, Some("Lists users.\n\nDeprecated: use `b` instead.")),
            "newly deprecated: \"Deprecated: use `b` instead.\""
        );
        assert_eq!(
            deprecated(None, Some("Lists users.")),
            "newly deprecated by the API."
        );
    }
}
