//! `Labels` mapped names to `String`s: code that reads a label as a string
//! no longer compiles once the values are integers. (cargo-semver-checks
//! does not compare what a type alias stands for.)

/// One label, as the old crate types it.
pub fn label(labels: &shop::models::Labels) -> Option<&String> {
    labels.get("color")
}
