//! Snapshot tests: the intermediate model and the emitted files of the
//! committed spec, and of small specs that each pin one shape or naming
//! rule. Review changes with `cargo insta review`.

use std::path::{Path, PathBuf};

use generator::{load, lower, Options};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn options(spec_label: &str) -> Options {
    Options {
        crate_name: "clerk-backend-api".into(),
        client_name: None,
        spec_label: spec_label.into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    }
}

/// Whether a generated file is one of the static runtime copies, which are
/// guarded by their templates rather than by snapshots.
fn is_static(path: &str) -> bool {
    path.starts_with("src/runtime/")
}

#[test]
fn machine_tokens_model() {
    let spec = workspace_root().join("spec/machine-tokens.yaml");
    let document = load::load_file(&spec).expect("the committed spec loads");
    let lowered = lower::lower(&document, &spec, generator::Grouping::Auto)
        .expect("the committed spec lowers");
    assert!(lowered.warnings.is_empty(), "{:?}", lowered.warnings);
    insta::assert_yaml_snapshot!("machine_tokens_model", lowered.model);
}

#[test]
fn machine_tokens_files() {
    let spec = workspace_root().join("spec/machine-tokens.yaml");
    let generated = generator::generate(&spec, &options("spec/machine-tokens.yaml"))
        .expect("the committed spec generates");
    let listing: Vec<&str> = generated.files.keys().map(String::as_str).collect();
    insta::assert_yaml_snapshot!("machine_tokens_file_list", listing);
    for (path, text) in generated.files.iter().filter(|(path, _)| !is_static(path)) {
        insta::assert_snapshot!(format!("machine_tokens__{}", path.replace('/', "__")), text);
    }
}

#[test]
fn shapes() {
    insta::glob!("shapes/*.yaml", |spec| {
        let document = load::load_file(spec).expect("shape spec loads");
        let lowered =
            lower::lower(&document, spec, generator::Grouping::Auto).expect("shape spec lowers");
        insta::assert_yaml_snapshot!("model", (&lowered.model, &lowered.warnings));
        let label = format!(
            "generator/tests/shapes/{}",
            spec.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let generated = generator::generate(spec, &options(&label)).expect("shape spec generates");
        let rust: String = generated
            .files
            .iter()
            .filter(|(path, _)| {
                path.starts_with("src/models/")
                    || path.starts_with("src/apis/")
                    || *path == "src/error_body.rs"
            })
            .filter(|(path, _)| !path.ends_with("mod.rs"))
            .chain(generated.files.get_key_value("src/webhooks/mod.rs"))
            .map(|(path, text)| format!("==> {path}\n{text}"))
            .collect();
        insta::assert_snapshot!("rust", rust);
    });
}

#[test]
fn generation_is_deterministic() {
    let spec = workspace_root().join("spec/upstream/clerk-bapi-2025-04-10.yml");
    let first = generator::generate(&spec, &options("upstream")).expect("upstream generates");
    let second = generator::generate(&spec, &options("upstream")).expect("upstream generates");
    assert_eq!(first.files, second.files);
}
