//! Turning the spec's prose into rustdoc that builds without warnings.
//!
//! Descriptions are Markdown written for web pages. In rustdoc, `[x]` is an
//! intra-doc link, a bare URL is a lint, an unknown `<tag>` is a lint, and a
//! fenced or indented block is a doctest that must compile. Each of these is
//! neutralised here so that every generated crate documents cleanly.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

/// Starts the one-line doc attribute that stands for a deferred doc block,
/// followed by the block's index. No sanitised spec text reaches a doc
/// attribute as this control character followed by digits on a line alone,
/// and [`undefer`] checks that every marker it replaces is one of its own.
const MARKER: char = '\u{1}';

thread_local! {
    /// The doc blocks set aside while a job's tokens are built, when the
    /// job asked for it (see [`deferring`]). Thread-local because each job
    /// is built and formatted on one thread, and token streams never leave it.
    static DEFERRED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// `#[doc = "..."]` attributes for `text`, one per line.
///
/// While [`deferring`], a block becomes a single marker attribute instead,
/// and its text is kept aside: docs are a third of a generated file, and
/// parsing them back with `syn` and printing them with prettyplease only to
/// get `/// line` back is a large share of emission. [`undefer`] puts the
/// lines in after formatting, exactly as prettyplease would have printed them.
pub fn doc_attrs(text: &str) -> TokenStream {
    if text.lines().next().is_none() {
        return TokenStream::new();
    }
    let deferred = DEFERRED.with(|cell| {
        cell.borrow_mut().as_mut().map(|blocks| {
            blocks.push(text.to_owned());
            blocks.len() - 1
        })
    });
    if let Some(index) = deferred {
        let marker = format!("{MARKER}{index}");
        return quote!(#[doc = #marker]);
    }
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

/// Runs `build` with doc blocks deferred (see [`doc_attrs`]) and returns
/// its result with the blocks, indexed as their markers say.
pub fn deferring<R>(build: impl FnOnce() -> R) -> (R, Vec<String>) {
    let previous = DEFERRED.with(|cell| cell.borrow_mut().replace(Vec::new()));
    let built = build();
    let blocks = DEFERRED.with(|cell| std::mem::replace(&mut *cell.borrow_mut(), previous));
    (built, blocks.unwrap_or_default())
}

/// Replaces each marker line of prettyplease's output, `<indent>///<marker>`,
/// with its block's lines as prettyplease prints `#[doc = " line"]`: the
/// same indent, `///`, the line after one space (none for an empty line),
/// trailing spaces trimmed. A block may be used more than once, as its
/// tokens could be. Returns `None` when a marker is unknown, not alone on
/// its line, or printed as an escaped string (inside a macro's tokens), so
/// the caller formats the file again without deferral.
pub fn undefer(formatted: &str, blocks: &[String]) -> Option<String> {
    if blocks.is_empty() {
        return Some(formatted.to_owned());
    }
    if formatted.contains("\\u{1}") {
        return None;
    }
    let extra: usize = blocks.iter().map(String::len).sum();
    let mut out = String::with_capacity(formatted.len() + extra * 2);
    for line in formatted.split_inclusive('\n') {
        let Some(at) = line.find(MARKER) else {
            out.push_str(line);
            continue;
        };
        let (head, tail) = line.split_at(at);
        let indent = head.strip_suffix("///")?;
        if !indent.bytes().all(|b| b == b' ') {
            return None;
        }
        let index: usize = tail[MARKER.len_utf8()..].strip_suffix('\n')?.parse().ok()?;
        for doc_line in blocks.get(index)?.lines() {
            out.push_str(indent);
            out.push_str("///");
            // prettyplease trims the trailing spaces of `" " + line`, so a
            // line of spaces loses its leading one too.
            let doc_line = doc_line.trim_end_matches(' ');
            if !doc_line.is_empty() {
                out.push(' ');
                out.push_str(doc_line);
            }
            out.push('\n');
        }
    }
    Some(out)
}

/// Where [`link_types`] points a type's link.
pub enum LinkStyle<'a> {
    /// An intra-doc link: ``[`Name`](crate::models::Name)``.
    Rustdoc,
    /// A Markdown page beside the current one: `[Name](name.md)`, pages by name.
    Page(&'a dyn Fn(&str) -> Option<String>),
}

/// Turns the escaped ``\[`Name`\]`` that [`sanitize`] leaves of a
/// reference to a generated type (`is_type(Name)`) back into a link that
/// works where the text is shown; other escaped brackets stay as they are.
pub fn link_types(text: &str, is_type: impl Fn(&str) -> bool, style: &LinkStyle<'_>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\[`") {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let inner = &from[3..];
        let name_end = inner.find("`\\]").filter(|end| {
            let name = &inner[..*end];
            !name.is_empty()
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                && is_type(name)
        });
        let Some(end) = name_end else {
            out.push_str("\\[`");
            rest = inner;
            continue;
        };
        let name = &inner[..end];
        let link = match style {
            LinkStyle::Rustdoc => Some(format!("[`{name}`](crate::models::{name})")),
            LinkStyle::Page(page) => page(name).map(|page| format!("[{name}]({page})")),
        };
        out.push_str(&link.unwrap_or_else(|| format!("`{name}`")));
        rest = &inner[end + 3..];
    }
    out.push_str(rest);
    out
}

/// Spec prose made safe for rustdoc (see the module docs).
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    // The content column of the list item the previous line belongs to.
    let mut list_column: Option<usize> = None;
    for line in text.trim().lines() {
        // Tabs in docs are a lint; four spaces read the same.
        let line = line.replace('\t', "    ");
        let line = line.as_str();
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
            let mut indent = (line.len() - trimmed.len()).min(3);
            // A line right after a list item belongs to it (a lazy
            // continuation, a lint): it is indented to say so.
            match (list_item_column(trimmed), list_column) {
                (Some(column), _) => list_column = Some(indent + column),
                (None, _) if trimmed.is_empty() => list_column = None,
                // Inside a list item, four spaces continue it rather than
                // start a code block.
                (None, Some(column)) => indent = indent.max(column),
                (None, None) => {}
            }
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

/// The width of a Markdown list marker starting `line` (`* `, `- `, `+ `,
/// `1. `, `1) `), if it starts with one.
fn list_item_column(line: &str) -> Option<usize> {
    if ["* ", "- ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
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
    // Most prose has nothing to escape; the walk below is char by char.
    if !text.contains(['[', ']', '<', '>'])
        && !text.contains("http://")
        && !text.contains("https://")
    {
        return text.to_owned();
    }
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
    fn escaped_type_references_become_links() {
        let text = sanitize("The `meta` field of [`ClerkError`]. See [`other`].");
        assert_eq!(
            text,
            "The `meta` field of \\[`ClerkError`\\]. See \\[`other`\\]."
        );
        let is_type = |name: &str| name == "ClerkError";
        assert_eq!(
            link_types(&text, is_type, &LinkStyle::Rustdoc),
            "The `meta` field of [`ClerkError`](crate::models::ClerkError). See \\[`other`\\]."
        );
        let page = |name: &str| Some(format!("{}.md", name.to_lowercase()));
        let pages = LinkStyle::Page(&page);
        assert_eq!(
            link_types(&text, is_type, &pages),
            "The `meta` field of [ClerkError](clerkerror.md). See \\[`other`\\]."
        );
    }

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
    fn deferred_docs_print_as_prettyplease_prints_them() {
        use crate::emit::rust::format_file;
        let text = "First line.\n\n   indented  \n    \n/slash `code`  \n```text\n  x  \n```";
        let build = || {
            let docs = doc_attrs(text);
            quote! {
                #docs
                pub struct A {
                    #docs
                    pub a: u8,
                }
                impl A {
                    #docs
                    pub fn f() {}
                }
            }
        };
        let plain = format_file("", build(), &[], "a.rs").unwrap().unwrap();
        let (tokens, blocks) = deferring(build);
        // One block, its marker printed three times.
        assert_eq!(blocks.len(), 1);
        let deferred = format_file("", tokens, &blocks, "a.rs").unwrap().unwrap();
        assert_eq!(plain, deferred);
        // Outside `deferring`, docs are plain attributes again.
        assert_eq!(
            doc_attrs("x").to_string(),
            quote!(#[doc = " x"]).to_string()
        );
    }

    #[test]
    fn markers_printed_as_tokens_ask_for_a_plain_pass() {
        use crate::emit::rust::format_file;
        let (tokens, blocks) = deferring(|| {
            let docs = doc_attrs("x");
            quote!(m! { #docs struct A; })
        });
        assert_eq!(format_file("", tokens, &blocks, "a.rs").unwrap(), None);
        assert_eq!(undefer("  ///\u{1}7\n", &blocks), None);
        assert_eq!(undefer("x ///\u{1}0\n", &blocks), None);
    }

    #[test]
    fn code_blocks_do_not_become_doctests() {
        assert_eq!(sanitize("x\n```\ncurl -X\n```"), "x\n```text\ncurl -X\n```");
        assert_eq!(sanitize("x\n\n        indented"), "x\n\n   indented");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}
