//! What the old document says replaces a removed item: its deprecation note,
//! or a sentence of its description that speaks of a replacement, naming an
//! operation (by operationId, method path or HTTP path), a type, or a
//! sibling field or parameter. A name that exists in the new model becomes
//! its Rust item ("replaced by `Clerk::m2m().create_token`"); otherwise the
//! note itself is quoted, so that the removal's line still says where to go.

use super::inputs::path_shape;
use super::operations::Located;
use super::{text, Cx};

/// What replaces a removed item, as the report says it.
#[derive(Debug, PartialEq)]
pub(super) enum Replacement {
    /// An item of the new model, by its Rust path.
    Item(String),
    /// The old document's words, shortened, when they name nothing the new
    /// model has.
    Note(String),
}

/// The clause a removal's message ends with: `; replaced by ...` or
/// `; its note said "..."`, or nothing.
pub(super) fn clause(replacement: Option<&Replacement>) -> String {
    replacement.map_or_else(String::new, |r| format!("; {}", aside(r)))
}

/// `replaced by ...` or `its note said "..."`.
pub(super) fn aside(replacement: &Replacement) -> String {
    match replacement {
        Replacement::Item(rust) => format!("replaced by `{rust}`"),
        Replacement::Note(note) => format!("its note said \"{note}\""),
    }
}

/// Words that say a sentence of a description is about what to use
/// instead. ("Use" alone is not one: "Use this endpoint to..." is common.)
const MARKERS: &[&str] = &[
    "deprecat",
    "instead",
    "in favor",
    "in favour",
    "replaced by",
    "replacement",
    "superseded",
    "migrate to",
    "moved to",
];

/// What `texts` (the removed item's deprecation note first, then its other
/// prose) say replaces it. `siblings` are the wire names and Rust items of
/// the fields or parameters beside it in the new model; `own` are its own
/// names, which never replace it.
pub(super) fn find(
    cx: &Cx<'_>,
    texts: &[Option<&str>],
    siblings: &[(String, String)],
    own: &[&str],
) -> Option<Replacement> {
    let [note, prose @ ..] = texts else {
        return None;
    };
    // The note counts whole; other prose only where it speaks of a
    // replacement, and is quoted only where it speaks of the deprecation.
    let mut sentences: Vec<(bool, String)> = Vec::new();
    if let Some(note) = note {
        sentences.push((true, note.to_string()));
    }
    for text in prose.iter().flatten() {
        for sentence in text.split_inclusive(". ").flat_map(|s| s.split("\n\n")) {
            let lower = sentence.to_lowercase();
            if MARKERS.iter().any(|m| lower.contains(m)) {
                sentences.push((lower.contains("deprecat"), sentence.trim().to_owned()));
            }
        }
    }
    for (_, sentence) in &sentences {
        if let Some(rust) = named_item(cx, sentence, siblings, own) {
            return Some(Replacement::Item(rust));
        }
    }
    let (_, quoted) = sentences.iter().find(|(quotable, _)| *quotable)?;
    Some(Replacement::Note(text::first_sentence(quoted)))
}

/// The first item of the new model that `sentence` names.
fn named_item(
    cx: &Cx<'_>,
    sentence: &str,
    siblings: &[(String, String)],
    own: &[&str],
) -> Option<String> {
    let operations = super::operations::located(&cx.new.groups);
    let mut found: Vec<(usize, String)> = Vec::new();
    // A method as the generated crate spells it.
    for op in &operations {
        let method = op.method(cx.client);
        if let Some(at) = sentence.find(&method) {
            found.push((at, method));
        }
    }
    for (at, word) in words(sentence) {
        if own.contains(&word) {
            continue;
        }
        // Field, parameter and type names are often plain words ("id",
        // "Token"): they count only as inline code.
        let ticked = sentence[..at].ends_with('`');
        if let Some(op) = operations.iter().find(|o| o.op.id == word) {
            found.push((at, op.method(cx.client)));
        } else if let Some((_, rust)) = siblings.iter().find(|(wire, _)| ticked && wire == word) {
            found.push((at, rust.clone()));
        } else if ticked && cx.new.find_type(word).is_some() {
            found.push((at, format!("models::{word}")));
        } else if word.starts_with('/') {
            if let Some(op) = by_path(&operations, sentence, at, word) {
                found.push((at, op.method(cx.client)));
            }
        }
    }
    found
        .into_iter()
        .min_by_key(|(at, _)| *at)
        .map(|(_, rust)| rust)
}

/// The operation at `path`, told apart by the HTTP method written just
/// before it when several share the path.
fn by_path<'a>(
    operations: &'a [Located<'a>],
    sentence: &str,
    at: usize,
    path: &str,
) -> Option<&'a Located<'a>> {
    let shape = path_shape(path);
    let on_path: Vec<&Located<'_>> = operations
        .iter()
        .filter(|o| path_shape(&o.op.path) == shape)
        .collect();
    let method = sentence[..at]
        .trim_end_matches(['`', ' '])
        .rsplit([' ', '`', '('])
        .next()
        .unwrap_or("")
        .to_uppercase();
    match on_path[..] {
        [only] => Some(only),
        _ => on_path
            .into_iter()
            .find(|o| o.op.http_method.as_str() == method),
    }
}

/// The words of `sentence` that may name something, with where they start:
/// identifiers, and paths (which start with `/`).
fn words(sentence: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '{' | '}' | '-');
    for (at, c) in sentence.char_indices().chain([(sentence.len(), ' ')]) {
        match (start, is_word(c)) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                let word = &sentence[from..at];
                let word = word.trim_end_matches(['/', '-']);
                if !word.is_empty() {
                    out.push((from, word));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_paths_whole() {
        let found: Vec<&str> = words("Use `POST /m2m_tokens/{id}` or createM2MToken.")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            found,
            ["Use", "POST", "/m2m_tokens/{id}", "or", "createM2MToken"]
        );
    }
}
