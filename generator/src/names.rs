//! Rust names for things the document names: case conversion, keywords,
//! leading digits, symbols, and collisions.
//!
//! Every identifier in the generated crate is chosen here, during lowering,
//! so the emitters never have to wonder whether a name is valid or unique.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain Rust identifiers (strict and reserved
/// keywords of edition 2021).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    // Not keywords, but names clippy refuses for bindings
    // (`disallowed_names`), and every field is a setter's argument.
    "foo", "baz", "quux",
];

/// Type names the generated files import or rely on from the prelude; a
/// schema with one of these names gets a suffix instead of shadowing it.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Deserialize",
    "Drop",
    "Eq",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Send",
    "Sized",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Err",
    "Loc",
    "None",
    "Nullable",
    "Ok",
    "Option",
    "Result",
    "Self",
    "Serialize",
    "Some",
    "String",
    "ValidationError",
    "Vec",
];

/// Methods every generated type may have through the traits it derives or
/// implements (`Clone`, `Debug`, `Default`, `PartialEq`, `Hash`, `Ord`,
/// serde's traits, and the blanket `From`, `Into`, `ToOwned`, `ToString`,
/// `Borrow`, `Any`). A field setter or operation method of the same name
/// would shadow the trait's method (`x.clone()` would call the setter), so
/// these names count as taken: such a field or method gets the numbered
/// name of any collision (`default` becomes `default2`), keeping its wire
/// name.
pub const TRAIT_METHODS: &[&str] = &[
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "clone_into",
    "cmp",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "hash",
    "into",
    "ne",
    "partial_cmp",
    "serialize",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
    // Methods clippy's `should_implement_trait` takes for a standard
    // operator's when they take `self` and one argument and return `Self`,
    // as a setter does (`add` for `std::ops::Add`, ...).
    "add",
    "bitand",
    "bitor",
    "bitxor",
    "div",
    "mul",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// `snake_case` for fields, parameters, methods and modules; `None` when
/// nothing of the name is left (it held no letter or digit).
pub fn snake(raw: &str) -> Option<String> {
    let words = words(raw)?;
    let mut name = words.to_snake_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    Some(name)
}

/// `UpperCamelCase` for types and variants; `prefix` goes before a name
/// that would start with a digit (`Value` gives `Value200`).
pub fn camel(raw: &str, prefix: &str) -> Option<String> {
    let words = words(raw)?;
    let mut name = words.to_upper_camel_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, prefix);
    }
    if name == "Self" {
        name.push('_');
    }
    Some(name)
}

/// A name with no letter or digit (`-`, `+`, `""`) in words: each symbol
/// spelled out (`-` is `minus`), joined by `_`; `None` for the empty name.
/// Symbols without a common English name are spelled by code point
/// (`u20ac` for `€`), so the result is stable and distinct for distinct
/// names.
pub fn spelled(raw: &str) -> Option<String> {
    let words: Vec<String> = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match symbol_name(c) {
            Some(name) => name.to_owned(),
            None => format!("u{:04x}", u32::from(c)),
        })
        .collect();
    (!words.is_empty()).then(|| words.join("_"))
}

fn symbol_name(c: char) -> Option<&'static str> {
    Some(match c {
        '-' => "minus",
        '+' => "plus",
        '*' => "star",
        '/' => "slash",
        '\\' => "backslash",
        '.' => "dot",
        ',' => "comma",
        ':' => "colon",
        ';' => "semicolon",
        '_' => "underscore",
        '$' => "dollar",
        '@' => "at",
        '#' => "hash",
        '%' => "percent",
        '&' => "and",
        '|' => "pipe",
        '^' => "caret",
        '~' => "tilde",
        '!' => "bang",
        '?' => "question",
        '=' => "equals",
        '<' => "lt",
        '>' => "gt",
        '(' => "lparen",
        ')' => "rparen",
        '[' => "lbracket",
        ']' => "rbracket",
        '{' => "lbrace",
        '}' => "rbrace",
        '\'' => "quote",
        '"' => "dquote",
        '`' => "backtick",
        _ => return None,
    })
}

/// [`snake`], or for a name with no letter or digit, `{prefix}_` and the
/// name [`spelled`] (`-` as a field is `field_minus`), or for the empty
/// name `{prefix}_{position}` (`field_1`), `position` counting from 1.
pub fn snake_or_spelled(raw: &str, prefix: &str, position: usize) -> String {
    snake(raw).unwrap_or_else(|| match spelled(raw) {
        Some(words) => format!("{prefix}_{words}"),
        None => format!("{prefix}_{position}"),
    })
}

/// [`camel`], or for a name with no letter or digit, `prefix` and the name
/// [`spelled`] (`-` as an enum value is `ValueMinus`), or for the empty
/// name `prefix` and `position` (`Value1`).
pub fn camel_or_spelled(raw: &str, prefix: &str, position: usize) -> String {
    camel(raw, prefix).unwrap_or_else(|| match spelled(raw) {
        Some(words) => format!("{prefix}{}", words.to_upper_camel_case()),
        None => format!("{prefix}{position}"),
    })
}

/// The name's letters and digits, with every other character turned into a
/// word break, so `x-speakeasy.name` and `x speakeasy name` agree. Non-ASCII
/// letters are kept: Rust identifiers may hold them.
fn words(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let trimmed = cleaned.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// A set of names that must not collide: the first claim of a name gets it
/// as is, later claims get `2`, `3`, ... appended (joined with `_` when the
/// name is snake case and already ends in a digit).
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    /// This namespace with `more` names taken as well.
    pub fn and_reserved(mut self, more: &[&str]) -> Self {
        self.taken
            .extend(more.iter().map(|name| (*name).to_owned()));
        self
    }

    /// Claims `wanted`, or the first free numbered variant of it.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let separator = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut counter = 2u32;
        loop {
            let candidate = format!("{wanted}{separator}{counter}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            counter += 1;
        }
    }

    /// Whether `name` is already claimed.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_keywords_digits_and_symbols() {
        assert_eq!(snake("machineTokens").as_deref(), Some("machine_tokens"));
        assert_eq!(snake("type").as_deref(), Some("type_"));
        assert_eq!(snake("self").as_deref(), Some("self_"));
        assert_eq!(snake("2fa-enabled").as_deref(), Some("_2fa_enabled"));
        assert_eq!(snake("frontendApi").as_deref(), Some("frontend_api"));
        assert_eq!(snake("$-*"), None);
    }

    #[test]
    fn camel_case_handles_digits_and_symbols() {
        assert_eq!(camel("token", "Value").as_deref(), Some("Token"));
        assert_eq!(camel("200", "Value").as_deref(), Some("Value200"));
        assert_eq!(camel("Machine.List", "T").as_deref(), Some("MachineList"));
        assert_eq!(camel("self", "T").as_deref(), Some("Self_"));
        assert_eq!(camel("", "T"), None);
    }

    #[test]
    fn names_without_letters_are_spelled_out() {
        assert_eq!(snake_or_spelled("-", "field", 3), "field_minus");
        assert_eq!(snake_or_spelled("", "field", 3), "field_3");
        assert_eq!(snake_or_spelled("$-", "field", 1), "field_dollar_minus");
        assert_eq!(snake_or_spelled("a-b", "field", 1), "a_b");
        assert_eq!(snake_or_spelled("€", "field", 1), "field_u20ac");
        assert_eq!(camel_or_spelled("-", "Value", 1), "ValueMinus");
        assert_eq!(camel_or_spelled("+1", "Value", 1), "Value1");
        assert_eq!(camel_or_spelled("", "Value", 4), "Value4");
        assert_eq!(camel_or_spelled("***", "Type", 1), "TypeStarStarStar");
    }

    #[test]
    fn namespace_numbers_collisions() {
        let mut names = Namespace::with_reserved(&["Option"]);
        assert_eq!(names.claim("Option"), "Option2");
        assert_eq!(names.claim("frontend_api"), "frontend_api");
        assert_eq!(names.claim("frontend_api"), "frontend_api2");
        assert_eq!(names.claim("v1"), "v1");
        assert_eq!(names.claim("v1"), "v1_2");
    }
}
