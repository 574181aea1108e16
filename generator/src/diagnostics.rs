//! Errors and warnings, each naming the file, the place inside the document
//! (a JSON pointer such as `#/paths/~1machine_tokens/post`) and the reason.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Why the generator stopped. Nothing is written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{file}: cannot read the file: {source}")]
    Read {
        /// The document's path.
        file: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The text is not valid YAML or JSON.
    #[error("{file}:{line}:{column}: not valid {format}: {reason}")]
    Syntax {
        /// The document's path.
        file: PathBuf,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// 1-based line, 0 when the parser gave none.
        line: usize,
        /// 1-based column, 0 when the parser gave none.
        column: usize,
        /// The parser's message.
        reason: String,
    },
    /// The document parsed but is not something the generator can take.
    #[error("{file}: {pointer}: {reason}")]
    Invalid {
        /// The document's path.
        file: PathBuf,
        /// JSON pointer to the offending node, `#` for the root.
        pointer: String,
        /// What is wrong, in a maintainer's words.
        reason: String,
    },
    /// The emitter produced something that is not valid Rust: a generator
    /// bug, reported rather than written.
    #[error("{file}: {reason}")]
    Emit {
        /// The generated file, relative to the crate root.
        file: String,
        /// What went wrong.
        reason: String,
    },
    /// Writing the generated crate failed.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file or folder being written.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// A construct the generator represented with a documented fallback, or a
/// mistake of the document it read in its one sensible way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// JSON pointer to the construct.
    pub pointer: String,
    /// What was done instead, and why.
    pub message: String,
    /// Which of the two it is; `--strict` refuses repairs.
    pub kind: WarningKind,
}

/// What a [`Warning`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WarningKind {
    /// The document is valid, but a construct has no precise Rust form and
    /// is represented by a documented fallback (often a JSON value).
    Fallback,
    /// The document breaks a rule of OpenAPI, and the generator took its
    /// only sensible reading (an undeclared path parameter becomes a
    /// required string, an unknown security scheme is skipped, ...).
    /// `--strict` turns these into errors.
    Repair,
    /// The document is valid and generates as written, but probably not as
    /// the maintainer means it (a field named like a credential that is not
    /// marked secret).
    Advice,
}

impl Warning {
    /// A fallback at `pointer`.
    pub fn fallback(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.into(),
            message: message.into(),
            kind: WarningKind::Fallback,
        }
    }

    /// Advice about the construct at `pointer`.
    pub fn advice(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.into(),
            message: message.into(),
            kind: WarningKind::Advice,
        }
    }

    /// A repair of the document at `pointer`.
    pub fn repair(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.into(),
            message: message.into(),
            kind: WarningKind::Repair,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// Under `--strict`, the first repair among `warnings` as an error about
/// `file`; `Ok` when there is none.
pub fn refuse_repairs(warnings: &[Warning], file: &std::path::Path) -> Result<(), Error> {
    match warnings.iter().find(|w| w.kind == WarningKind::Repair) {
        Some(warning) => Err(Error::Invalid {
            file: file.to_owned(),
            pointer: warning.pointer.clone(),
            reason: format!("{} (refused under --strict)", warning.message),
        }),
        None => Ok(()),
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901): `~` and `/`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `token` to `pointer`, escaping it. Written straight into one
/// string: lowering makes a pointer for every property, parameter and
/// reference of a document.
pub fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

/// Appends `/token` to the pointer in `pointer`, escaped as [`child`] does;
/// for walks that grow and shrink one buffer.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&escape_token(token));
    } else {
        pointer.push_str(token);
    }
}

/// Appends an array index to `pointer`.
pub fn child_index(pointer: &str, index: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(pointer.len() + 4);
    out.push_str(pointer);
    // Writing to a `String` cannot fail.
    let _ = write!(out, "/{index}");
    out
}

#[cfg(test)]
mod tests {
    use super::{child, child_index, escape_token};

    #[test]
    fn child_appends_escaped_tokens_and_indexes() {
        for (pointer, token) in [("#", "a"), ("#/x", "a/b~c"), ("#/x", ""), ("#", "~1/")] {
            assert_eq!(
                child(pointer, token),
                format!("{pointer}/{}", escape_token(token))
            );
        }
        assert_eq!(child("#/x", "a/b~c"), "#/x/a~1b~0c");
        assert_eq!(child_index("#/a", 12), child("#/a", "12"));
    }
}
