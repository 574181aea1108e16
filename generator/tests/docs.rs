//! The generated docs read right: table cells start with their text, and
//! the error-handling example reads the error type its call can return.

use std::path::{Path, PathBuf};

use generator::Options;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace")
        .to_owned()
}

fn generated(spec: &str) -> generator::Generated {
    let options = Options {
        crate_name: "clerk-backend-api".into(),
        client_name: Some("Clerk".into()),
        spec_label: spec.into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    generator::generate(&workspace_root().join(spec), &options).expect("the spec generates")
}

#[test]
fn no_table_cell_starts_with_a_stray_space() {
    let crate_files = generated("spec/upstream/clerk-bapi-2026-05-12.yml");
    let mut rows = 0;
    for (path, text) in &crate_files.files {
        if !path.ends_with(".md") {
            continue;
        }
        for line in text.lines().filter(|l| l.starts_with("| `")) {
            rows += 1;
            let inner = line.strip_prefix("| ").and_then(|l| l.strip_suffix(" |"));
            let inner = inner.unwrap_or_else(|| panic!("{path}: {line:?}"));
            for cell in inner.split(" | ") {
                assert!(
                    !cell.is_empty() && !cell.starts_with(' '),
                    "{path}: {line:?}"
                );
            }
        }
    }
    assert!(rows > 100, "only {rows} rows");
}

#[test]
fn the_error_example_reads_an_error_its_call_returns() {
    let crate_files = generated("spec/machine-tokens.yaml");
    let readme = &crate_files.files["README.md"];
    let section = &readme[readme.find("## Error handling").expect("a section")..];
    let accessor = section
        .split("ErrorBody::")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the example reads an ErrorBody accessor");
    let method = section
        .split("        .")
        .nth(2)
        .and_then(|rest| rest.split('(').next())
        .expect("the example calls a method");
    // The group file's operation for that method decodes into that type.
    let decoder = accessor.replacen("as_", "decode_", 1);
    let apis = &crate_files.files["src/apis/m2m.rs"];
    let op_type = apis
        .split(&format!("pub fn {method}("))
        .nth(1)
        .and_then(|rest| rest.split("-> Request<").nth(1))
        .and_then(|rest| rest.split('>').next())
        .expect("the method returns a request");
    let operation = apis
        .split(&format!("impl Operation for {op_type} {{"))
        .nth(1)
        .expect("the operation's impl");
    let operation = operation.split("\nimpl ").next().unwrap_or(operation);
    assert!(
        operation.contains(&format!("ErrorBody::{decoder}")),
        "{method} ({op_type}) never decodes into {accessor}"
    );
}
