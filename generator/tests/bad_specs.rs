//! One small document per kind of bad input, and the generator's answer to
//! each, pinned as a snapshot: the file, the JSON pointer (or line and
//! column) and the reason, or, for input that is valid but odd, the
//! warnings and the fallback it took. None may panic.

use generator::Options;

#[test]
fn every_bad_spec_gets_an_answer_a_maintainer_can_act_on() {
    insta::glob!("bad_specs/*.{yaml,json}", |absolute| {
        // Relative to the package, so the snapshot is the same on every machine.
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let spec = absolute.strip_prefix(manifest).unwrap_or(absolute);
        let options = Options {
            crate_name: "bad-spec".into(),
            client_name: None,
            spec_label: spec.display().to_string(),
            package: Default::default(),
            modules: Vec::new(),
            grouping: Default::default(),
            webhook_signing: None,
        };
        let answer = match generator::generate(spec, &options) {
            Err(error) => format!("error: {error}"),
            Ok(generated) => {
                let mut text = format!("generated {} files\n", generated.files.len());
                for warning in &generated.warnings {
                    let kind = match warning.kind {
                        generator::WarningKind::Repair => "repaired",
                        generator::WarningKind::Fallback => "warning",
                        generator::WarningKind::Advice => "advice",
                    };
                    text.push_str(&format!("{kind}: {warning}\n"));
                }
                // `--strict` refuses every repair.
                if let Err(error) = generated.clone().strict(spec) {
                    text.push_str(&format!("strict: {error}\n"));
                }
                let models: Vec<&str> = generated
                    .files
                    .keys()
                    .filter(|path| path.starts_with("src/models/") || path.starts_with("src/apis/"))
                    .map(String::as_str)
                    .collect();
                text.push_str(&format!("files: {models:?}"));
                text
            }
        };
        insta::assert_snapshot!(answer);
    });
}
