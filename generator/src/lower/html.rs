//! Descriptions written in HTML (`<p>`, `<a href>`, `<code>`, lists,
//! tables, entities) become Markdown, which rustdoc and the docs pages
//! render; text without HTML is kept as it is, Markdown included.

use std::sync::LazyLock;

use regex::Regex;

/// An HTML element that Markdown would show literally.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    // A fixed pattern, checked by the tests below.
    #[allow(clippy::expect_used)]
    Regex::new(
        r"(?i)</?(p|a|br|hr|code|pre|ul|ol|li|table|thead|tbody|tr|td|th|strong|em|b|i|u|h[1-6]|div|span|blockquote|img|dl|dt|dd|sup|sub)(\s[^<>]*)?/?>",
    )
    .expect("a valid pattern")
});

/// A character reference: named (the common ones) or numeric.
static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"&(amp|lt|gt|quot|apos|nbsp|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
        .expect("a valid pattern")
});

/// Code spans, whose `<...>` is text, not HTML.
static CODE_SPAN: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"`[^`]*`").expect("a valid pattern")
});

/// Markdown a description may mix with HTML, which the converter would
/// escape as text: code spans and links.
static MARKDOWN: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(r"`[^`]*`|\[[^\]\[]*\]\([^()\s]*\)").expect("a valid pattern")
});

/// `text` as Markdown: converted when it holds HTML elements outside code
/// spans; with character references only, those are decoded and the rest
/// (often Markdown already, which a converter would escape) is kept.
pub(crate) fn to_markdown(text: &str) -> String {
    let outside_code = CODE_SPAN.replace_all(text, "");
    if TAG.is_match(&outside_code) {
        return convert(text).unwrap_or_else(|| text.to_owned());
    }
    if !ENTITY.is_match(&outside_code) {
        return text.to_owned();
    }
    ENTITY
        .replace_all(text, |found: &regex::Captures<'_>| {
            let name = found.get(1).map_or("", |m| m.as_str());
            let decoded = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            decoded.map_or_else(|| found[0].to_owned(), String::from)
        })
        .into_owned()
}

/// HTML (with Markdown code spans and links kept as they are) converted
/// to Markdown; `None` when the converter cannot read it.
fn convert(text: &str) -> Option<String> {
    // Each Markdown piece is held out of the conversion under a marker of
    // private-use characters, which no description contains.
    let mut kept = Vec::new();
    let held = MARKDOWN.replace_all(text, |found: &regex::Captures<'_>| {
        kept.push(found[0].to_owned());
        format!("\u{E000}{}\u{E001}", kept.len() - 1)
    });
    let mut markdown = htmd::convert(&held).ok()?.trim().to_owned();
    for (index, piece) in kept.iter().enumerate() {
        markdown = markdown.replace(&format!("\u{E000}{index}\u{E001}"), piece);
    }
    (!markdown.is_empty()).then_some(markdown)
}

#[cfg(test)]
mod tests {
    use super::to_markdown;

    #[test]
    fn html_becomes_markdown() {
        assert_eq!(
            to_markdown("<p>Creates a <a href=\"https://x.com/c\">customer</a>.</p><p>Pass <code>limit</code> &amp; <strong>offset</strong>.</p>"),
            "Creates a [customer](https://x.com/c).\n\nPass `limit` & **offset**."
        );
        let list = to_markdown("<ul><li>one</li><li>two</li></ul>");
        assert!(
            list.contains("one") && list.contains("two") && !list.contains("<li>"),
            "{list}"
        );
        let table = to_markdown("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>");
        assert!(table.starts_with("| A |"), "{table}");
        // References alone are decoded, once; Markdown around them is kept.
        assert_eq!(to_markdown("Tom &amp; Jerry"), "Tom & Jerry");
        // Markdown mixed into HTML is kept, not escaped.
        assert_eq!(
            to_markdown("Set `return_envelope` to `true`; see our <a href=\"https://x.com/g\">guide</a> and [here](#examples)."),
            "Set `return_envelope` to `true`; see our [guide](https://x.com/g) and [here](#examples)."
        );
        assert_eq!(
            to_markdown("* `LV4` -&gt; ok &#169; &#x263A; &amp;lt;"),
            "* `LV4` -> ok © ☺ &lt;"
        );
    }

    #[test]
    fn markdown_and_code_are_kept() {
        for text in [
            "Plain **markdown** with `code` and a_b_c.",
            "Pass `<value>` or `<p>` literally.",
            "Less than 3 < 4 > 2, and AT&T.",
            "",
        ] {
            assert_eq!(to_markdown(text), text);
        }
    }
}
