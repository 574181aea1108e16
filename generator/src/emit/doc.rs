//! Turning the spec's prose into rustdoc that builds without warnings.
//!
//! Descriptions are Markdown written for web pages. In rustdoc, `[x]` is an
//! intra-doc link, a bare URL is a lint, an unknown `<tag>` is a lint, and a
//! fenced or indented block is a doctest that must compile. Each of these is
//! neutralised here so that every generated crate documents cleanly.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`, one per line.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Spec prose made safe for rustdoc (see the module docs).
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // Opening fences become `text` blocks: spec examples are not Rust.
            if in_fence {
                out.push_str("```");
            } else {
                out.push_str("```text");
            }
            in_fence = !in_fence;
        } else if in_fence {
            out.push_str(line);
        } else {
            // Four spaces of indent would start an indented code block,
            // which rustdoc compiles as Rust; three keep lists nested.
            let indent = (line.len() - trimmed.len()).min(3);
            out.push_str(&" ".repeat(indent));
            out.push_str(&escape_inline(trimmed.trim_end()));
        }
        out.push('\n');
    }
    if in_fence {
        out.push_str("```\n");
    }
    out.trim_end().to_owned()
}

/// Escapes one line outside code blocks, leaving code spans alone.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (index, part) in line.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        // Odd parts sit between backticks: code spans are literal.
        if index % 2 == 1 {
            out.push_str(part);
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    // An unmatched backtick would swallow the rest of the docs.
    if line.matches('`').count() % 2 == 1 {
        out.push('`');
    }
    out
}

fn escape_prose(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '[' | ']' => {
                // Keep Markdown links `[text](url)`; escape anything else,
                // which rustdoc would read as an intra-doc link.
                if c == '[' && is_markdown_link(&chars[i..]) {
                    out.push('[');
                } else if c == ']' && chars.get(i + 1) == Some(&'(') {
                    out.push(']');
                } else {
                    out.push('\\');
                    out.push(c);
                }
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            'h' if starts_url(&chars[i..]) && !preceded_by_link_syntax(&chars[..i]) => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '<' | '>'))
                    .map_or(chars.len(), |n| i + n);
                let mut url: String = chars[i..end].iter().collect();
                // Sentence punctuation after a URL is not part of it.
                let mut tail = String::new();
                while url.ends_with(['.', ',', ';', ':', '!', '?']) {
                    tail.insert(0, url.pop().unwrap_or_default());
                }
                out.push('<');
                out.push_str(&url);
                out.push('>');
                out.push_str(&tail);
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn is_markdown_link(chars: &[char]) -> bool {
    let Some(close) = chars.iter().position(|c| *c == ']') else {
        return false;
    };
    chars.get(close + 1) == Some(&'(') && chars[close + 1..].contains(&')')
}

fn starts_url(chars: &[char]) -> bool {
    let head: String = chars.iter().take(8).collect();
    head.starts_with("http://") || head.starts_with("https://")
}

fn preceded_by_link_syntax(before: &[char]) -> bool {
    matches!(before.last(), Some('(') | Some('<'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_urls_and_html_are_neutralised() {
        assert_eq!(
            sanitize("See [docs](https://a.b/c) [here]."),
            "See [docs](https://a.b/c) \\[here\\]."
        );
        assert_eq!(
            sanitize("Visit https://clerk.com/docs."),
            "Visit <https://clerk.com/docs>."
        );
        assert_eq!(sanitize("a <b> c"), "a &lt;b&gt; c");
        assert_eq!(sanitize("keep `a[0] <b>` as is"), "keep `a[0] <b>` as is");
    }

    #[test]
    fn code_blocks_do_not_become_doctests() {
        assert_eq!(sanitize("x\n```\ncurl -X\n```"), "x\n```text\ncurl -X\n```");
        assert_eq!(sanitize("x\n\n        indented"), "x\n\n   indented");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}
