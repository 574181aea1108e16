//! A small block-style YAML emitter for sliced documents.
//!
//! `serde_yaml` writes strings such as `2025-04-10` or `on` unquoted: right
//! for YAML 1.2, but YAML 1.1 readers (PyYAML, many tools) read them as a
//! date or a boolean. This emitter quotes every such string, indents
//! sequences like the Clerk upstream does (so slices diff well against it),
//! and checks its own output by parsing it back.

use serde_yaml::Value;

/// Renders `value` as block-style YAML, ending with a newline.
pub fn to_string(value: &Value) -> Result<String, String> {
    let mut out = String::new();
    match value {
        Value::Mapping(mapping) if !mapping.is_empty() => emit_mapping(&mut out, mapping, 0)?,
        Value::Sequence(items) if !items.is_empty() => emit_sequence(&mut out, items, 0)?,
        scalar => {
            out.push_str(&inline(scalar, 0)?);
            out.push('\n');
        }
    }
    let reparsed: Value = serde_yaml::from_str(&out)
        .map_err(|err| format!("the YAML emitter produced invalid YAML: {err}"))?;
    if &reparsed != value {
        return Err("the YAML emitter's output does not read back as its input".to_owned());
    }
    Ok(out)
}

fn emit_mapping(
    out: &mut String,
    mapping: &serde_yaml::Mapping,
    indent: usize,
) -> Result<(), String> {
    for (key, value) in mapping {
        let key = match key {
            Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_) => {
                return Err(format!("unsupported mapping key {key:?}"))
            }
            scalar => scalar_line(scalar)?,
        };
        out.push_str(&" ".repeat(indent));
        out.push_str(&key);
        out.push(':');
        match value {
            Value::Mapping(inner) if !inner.is_empty() => {
                out.push('\n');
                emit_mapping(out, inner, indent + 2)?;
            }
            Value::Sequence(items) if !items.is_empty() => {
                out.push('\n');
                emit_sequence(out, items, indent + 2)?;
            }
            scalar => {
                out.push(' ');
                out.push_str(&inline(scalar, indent + 2)?);
                out.push('\n');
            }
        }
    }
    Ok(())
}

fn emit_sequence(out: &mut String, items: &[Value], indent: usize) -> Result<(), String> {
    for item in items {
        match item {
            Value::Mapping(_) | Value::Sequence(_) if !is_empty_collection(item) => {
                // Render the item two columns further in, then turn its
                // first line's leading spaces into the `- ` indicator.
                let mut nested = String::new();
                match item {
                    Value::Mapping(inner) => emit_mapping(&mut nested, inner, indent + 2)?,
                    Value::Sequence(inner) => emit_sequence(&mut nested, inner, indent + 2)?,
                    _ => unreachable!("matched as a collection above"),
                }
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                out.push_str(&nested[indent + 2..]);
            }
            scalar => {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                out.push_str(&inline(scalar, indent + 2)?);
                out.push('\n');
            }
        }
    }
    Ok(())
}

fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Mapping(mapping) => mapping.is_empty(),
        Value::Sequence(items) => items.is_empty(),
        _ => false,
    }
}

/// A scalar or empty collection after `key: ` or `- `; a multi-line string
/// becomes a literal block whose lines are indented by `indent`.
fn inline(value: &Value, indent: usize) -> Result<String, String> {
    match value {
        Value::Mapping(_) => Ok("{}".to_owned()),
        Value::Sequence(_) => Ok("[]".to_owned()),
        Value::String(text) if text.contains('\n') && literal_block_fits(text) => {
            let body = text.trim_end_matches('\n');
            let chomp = match text.len() - body.len() {
                0 => "-",
                1 => "",
                _ => "+",
            };
            let mut block = format!("|{chomp}");
            // `+` keeps the trailing line breaks, which must then be written.
            let lines = if chomp == "+" {
                text.strip_suffix('\n').unwrap_or(text)
            } else {
                body
            };
            for line in lines.split('\n') {
                block.push('\n');
                if !line.is_empty() {
                    block.push_str(&" ".repeat(indent));
                    block.push_str(line);
                }
            }
            Ok(block)
        }
        scalar => scalar_line(scalar),
    }
}

/// Whether a literal block represents `text` exactly: no indentation to
/// guess from its first line, and nothing that only escapes can carry.
fn literal_block_fits(text: &str) -> bool {
    !text.starts_with([' ', '\t', '\n'])
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || !(c.is_control() || c == '\u{feff}'))
}

/// A scalar on one line, quoted when any YAML version could misread it.
fn scalar_line(value: &Value) -> Result<String, String> {
    let rendered = serde_yaml::to_string(value).map_err(|err| err.to_string())?;
    let rendered = rendered.trim_end_matches('\n');
    if rendered.contains('\n') {
        // serde_yaml chose a block or folded form; a double-quoted escape
        // keeps it on one line.
        let Value::String(text) = value else {
            return Err(format!("cannot render {value:?} on one line"));
        };
        return Ok(double_quoted(text));
    }
    match value {
        Value::String(text) if !rendered.starts_with(['\'', '"']) && yaml11_ambiguous(text) => {
            Ok(format!("'{}'", text.replace('\'', "''")))
        }
        _ => Ok(rendered.to_owned()),
    }
}

fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Plain scalars that a YAML 1.1 reader resolves to something other than a
/// string: booleans, null, numbers (including sexagesimal and `0x`/`0o`
/// forms), dates, and the merge and value keys. Erring on the side of
/// quoting costs nothing.
fn yaml11_ambiguous(text: &str) -> bool {
    const WORDS: [&str; 12] = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "<<", "=",
    ];
    let lower = text.to_ascii_lowercase();
    if WORDS.contains(&lower.as_str()) {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let unsigned = unsigned.strip_prefix('.').unwrap_or(unsigned);
    unsigned.starts_with(|c: char| c.is_ascii_digit())
        || matches!(lower.trim_start_matches(['-', '+']), ".inf" | ".nan")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(source: &str) -> String {
        to_string(&serde_yaml::from_str(source).unwrap()).unwrap()
    }

    #[test]
    fn quotes_what_yaml_1_1_would_misread() {
        assert_eq!(
            render("a: '2025-04-10'\nb: 'on'\nc: '5XX'\nd: plain\ne: 1.5\nf: '200'\n"),
            "a: '2025-04-10'\nb: 'on'\nc: '5XX'\nd: plain\ne: 1.5\nf: '200'\n"
        );
    }

    #[test]
    fn indents_sequences_and_nests_collections() {
        let source =
            "servers:\n  - url: x\n    description: z\n  - - 1\n    - 2\nempty: {}\nnone: []\n";
        assert_eq!(render(source), source);
    }

    #[test]
    fn writes_multi_line_strings_as_literal_blocks() {
        let source = "a:\n  b: |-\n    one\n\n    two\nc: |\n  kept\nd: |+\n  x\n\n";
        assert_eq!(render(source), source);
    }

    #[test]
    fn falls_back_to_escapes_when_a_block_cannot_hold_the_text() {
        assert_eq!(render("a: \"  lead\\nx\"\n"), "a: \"  lead\\nx\"\n");
        assert_eq!(render("a: \"bell\\a\"\n"), "a: \"bell\\a\"\n");
    }
}
