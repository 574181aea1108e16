//! The HTTP stack of generated crates: reqwest is public API, so the docs
//! reach it through the crate's re-export (examples then compile without a
//! reqwest dependency of the user's own), and the TLS and compression
//! features are in every manifest and README.

use std::path::Path;

use generator::features::{DEFAULT_RUNTIME_FEATURES, RUNTIME_FEATURES};
use generator::Options;

fn generated() -> generator::Generated {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/machine-tokens.yaml");
    let options = Options {
        crate_name: "clerk-backend-api".into(),
        client_name: None,
        spec_label: "spec/machine-tokens.yaml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    generator::generate(&spec, &options).expect("the committed spec generates")
}

/// The documentation lines of a file: all of a Markdown page, the `///`
/// and `//!` comments of Rust code.
fn doc_lines<'a>(path: &str, text: &'a str) -> Vec<&'a str> {
    if path.ends_with(".md") {
        return text.lines().collect();
    }
    text.lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with("///") || line.starts_with("//!"))
        .collect()
}

#[test]
fn docs_name_reqwest_through_the_crate() {
    let generated = generated();
    let mut offenders = Vec::new();
    for (path, text) in &generated.files {
        for line in doc_lines(path, text) {
            let bare = line
                .match_indices("reqwest::")
                .filter(|(at, _)| {
                    let before = &line[..*at];
                    !before.ends_with("clerk_backend_api::") && !before.ends_with("crate::")
                })
                .count();
            if bare > 0 {
                offenders.push(format!("{path}: {line}"));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    let readme = &generated.files["README.md"];
    assert!(readme.contains("request: &mut clerk_backend_api::reqwest::Request,"));
    assert!(readme.contains("clerk_backend_api::reqwest::Client::builder()"));
}

#[test]
fn every_runtime_feature_is_in_the_manifest_and_the_readme() {
    let generated = generated();
    let manifest = &generated.files["Cargo.toml"];
    assert!(manifest.contains("reqwest = { version = \"0.13\", default-features = false"));
    for feature in RUNTIME_FEATURES {
        // Each is documented (`##`) on the line above it.
        let at = manifest
            .find(&format!("\n{feature} = ["))
            .unwrap_or_else(|| panic!("{feature} is missing:\n{manifest}"));
        let line_above = manifest[..at].lines().last().unwrap_or_default();
        assert!(line_above.starts_with("## "), "{feature}: {line_above}");
        assert!(
            generated.files["README.md"].contains(&format!("`{feature}`")),
            "{feature}"
        );
    }
    let default = manifest
        .lines()
        .find(|line| line.starts_with("default = ["))
        .expect("a default feature");
    for feature in DEFAULT_RUNTIME_FEATURES {
        assert!(default.contains(&format!("\"{feature}\"")), "{default}");
    }
}
