//! Sentences of the document's prose, shared by the docs the crate is
//! emitted with and the change report that quotes them, so both pick the
//! same sentence (a deprecation's, say).

/// The sentences of `text`: whitespace collapsed, Markdown links reduced to
/// their text, a blank line or a list item ending a sentence too.
pub fn sentences(text: &str) -> Vec<String> {
    let text = unlink(text);
    let mut out = Vec::new();
    for paragraph in text.split("\n\n").flat_map(|p| p.split("\n- ")) {
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        let mut sentence = String::new();
        for word in words {
            if !sentence.is_empty() {
                sentence.push(' ');
            }
            sentence.push_str(word);
            if word.ends_with(['.', '!', '?']) && !is_abbreviation(word) {
                out.push(std::mem::take(&mut sentence));
            }
        }
        if !sentence.is_empty() {
            out.push(sentence);
        }
    }
    out
}

/// Words that end with a full stop without ending a sentence.
fn is_abbreviation(word: &str) -> bool {
    matches!(
        word.trim_start_matches(['(', '[']),
        "e.g." | "i.e." | "etc." | "vs." | "approx."
    )
}

/// `[text](url)` as `text`: the target rarely matters in a changelog line,
/// and it would take the room of the words.
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let target = &after[close + 2..];
            target
                .find(')')
                .filter(|&end| !target[..end].contains(char::is_whitespace))
                .map(|end| (close, close + 2 + end + 1))
        });
        match link {
            Some((close, end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..close]);
                rest = &after[end..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a deprecated item's docs say of its deprecation: the document's
/// note (`x-speakeasy-deprecation-message`), else the first sentence of its
/// description that speaks of it. `None` stands for the generated crate's
/// plain "Deprecated by the API.".
pub fn deprecation_note(note: Option<&str>, description: Option<&str>) -> Option<String> {
    if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
        return Some(note.trim().to_owned());
    }
    sentences(description?)
        .into_iter()
        .find(|s| s.to_lowercase().contains("deprecat"))
}

#[cfg(test)]
mod tests {
    use super::{deprecation_note, sentences};

    #[test]
    fn a_deprecation_note_is_the_sentence_that_speaks_of_it() {
        let description =
            "Deprecated: use `listUsers` instead.\n\nReturns every user, newest first. Paginated.";
        assert_eq!(
            deprecation_note(None, Some(description)).as_deref(),
            Some("Deprecated: use `listUsers` instead.")
        );
        let later =
            "Returns a user.\nThis endpoint is deprecated; see [the guide](https://x.example/g).";
        assert_eq!(
            deprecation_note(None, Some(later)).as_deref(),
            Some("This endpoint is deprecated; see the guide.")
        );
        assert_eq!(
            deprecation_note(Some("  Gone soon. "), Some(description)).as_deref(),
            Some("Gone soon.")
        );
        assert_eq!(deprecation_note(None, Some("Returns a user.")), None);
        assert_eq!(deprecation_note(Some(" "), None), None);
    }

    #[test]
    fn abbreviations_and_list_items_split_as_sentences_do() {
        assert_eq!(
            sentences("Pick one, e.g. this. Or that\n- first item\n- second"),
            ["Pick one, e.g. this.", "Or that", "first item", "second"]
        );
    }
}
