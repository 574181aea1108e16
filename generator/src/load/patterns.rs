//! The `pattern` regexes of a document, compiled on a second thread while
//! the first reads the document.
//!
//! Lowering must know whether each pattern compiles in Rust: the generated
//! SDK compiles it at runtime and counts on it. One compile can cost more
//! than the whole rest of lowering (a Unicode `\w{27}` takes milliseconds),
//! and parsing leaves a core idle, so the compiling is done there.

use std::collections::hash_map::{Entry, HashMap};
use std::sync::mpsc::{self, Sender};
use std::thread::{Scope, ScopedJoinHandle};

/// Whether `pattern` compiles with the `regex` crate, and if not, why.
pub(crate) fn compile(pattern: &str) -> Result<(), String> {
    regex::Regex::new(pattern)
        .map(drop)
        .map_err(|err| err.to_string())
}

/// The verdict of [`compile`] on every `pattern` string of a document.
#[derive(Clone, Debug, Default)]
pub struct Patterns(HashMap<String, Result<(), String>>);

impl Patterns {
    /// The verdict on `pattern`, if it was compiled.
    pub fn get(&self, pattern: &str) -> Option<&Result<(), String>> {
        self.0.get(pattern)
    }
}

/// The thread that compiles patterns as they are sent.
pub(super) struct Compiler<'scope> {
    handle: Option<ScopedJoinHandle<'scope, Patterns>>,
}

impl<'scope> Compiler<'scope> {
    /// Starts the thread, returning where to send patterns. Without a
    /// thread (the system would not start one) nothing is sent, and
    /// lowering compiles each pattern itself.
    pub fn start<'env>(scope: &'scope Scope<'scope, 'env>) -> (Option<Sender<String>>, Self) {
        let (sender, receiver) = mpsc::channel::<String>();
        let spawned = std::thread::Builder::new()
            .name("patterns".into())
            .spawn_scoped(scope, move || {
                let mut verdicts = HashMap::new();
                for pattern in receiver {
                    if let Entry::Vacant(slot) = verdicts.entry(pattern) {
                        let verdict = compile(slot.key());
                        slot.insert(verdict);
                    }
                }
                Patterns(verdicts)
            });
        match spawned {
            Ok(handle) => (
                Some(sender),
                Compiler {
                    handle: Some(handle),
                },
            ),
            Err(_) => (None, Compiler { handle: None }),
        }
    }

    /// The verdicts, once every sender is gone (the thread ends when its
    /// channel closes).
    pub fn finish(self) -> Patterns {
        self.handle
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_sent_gets_a_verdict() {
        let patterns = std::thread::scope(|scope| {
            let (sender, compiler) = Compiler::start(scope);
            let sender = sender.unwrap();
            for pattern in ["^a+$", "(?=x)", "^a+$"] {
                sender.send(pattern.to_owned()).unwrap();
            }
            drop(sender);
            compiler.finish()
        });
        assert_eq!(patterns.get("^a+$"), Some(&Ok(())));
        let Some(Err(reason)) = patterns.get("(?=x)") else {
            panic!("look-around is not supported by `regex`");
        };
        assert!(reason.contains("look-around"), "{reason}");
        assert_eq!(patterns.get("b"), None);
    }
}
