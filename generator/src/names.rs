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
];

/// Type names the generated files import or rely on from the prelude; a
/// schema with one of these names gets a suffix instead of shadowing it.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Deserialize",
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
    fn namespace_numbers_collisions() {
        let mut names = Namespace::with_reserved(&["Option"]);
        assert_eq!(names.claim("Option"), "Option2");
        assert_eq!(names.claim("frontend_api"), "frontend_api");
        assert_eq!(names.claim("frontend_api"), "frontend_api2");
        assert_eq!(names.claim("v1"), "v1");
        assert_eq!(names.claim("v1"), "v1_2");
    }
}
