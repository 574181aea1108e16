//! The examples of the Overlay specification's kinds of action (update at
//! the root, a targeted update, wildcards, filter expressions, array
//! append, remove), each a file of `xtask/overlays/` holding a `document`
//! and an `overlay`; the result and the warnings are pinned as snapshots.

use std::path::Path;

use super::*;

#[test]
fn each_example_gives_the_pinned_document() {
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/overlays"),
        "*.yaml",
        |path| {
            let text = fs::read_to_string(path).expect("readable");
            let fixture: Value = serde_yaml::from_str(&text).expect("YAML");
            let overlay_text = serde_yaml::to_string(&fixture["overlay"]).expect("YAML");
            let name = Path::new("overlay.yaml");
            let overlay = Overlay::parse(&overlay_text, name).expect("a valid overlay");
            let mut document = fixture["document"].clone();
            let warnings = overlay.apply(&mut document);
            let mut shown = serde_yaml::to_string(&document).expect("YAML");
            for warning in &warnings {
                shown.push_str(&format!("warning: {warning}\n"));
            }
            insta::assert_snapshot!(shown);
        }
    );
}

#[test]
fn strict_turns_an_unmatched_target_into_an_error() {
    let overlay = Overlay::parse(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - {target: '$.nothing', remove: true}\n",
        Path::new("o.yaml"),
    )
    .expect("valid");
    let source = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let error = apply_all(
        source,
        Path::new("api.yaml"),
        std::slice::from_ref(&overlay),
        true,
    )
    .expect_err("strict");
    assert!(error.to_string().contains("did not apply"), "{error}");
    let lenient = apply_all(source, Path::new("api.yaml"), &[overlay], false).expect("lenient");
    assert!(lenient.contains("\"openapi\": \"3.0.3\""), "{lenient}");
}

#[test]
fn bad_overlays_are_refused_with_a_location() {
    let cases = [
        ("openapi: 3.0.3\n", "#/overlay: not an overlay"),
        ("overlay: 2.0.0\nactions: []\n", "#/overlay: version 2.0.0"),
        ("overlay: 1.0.0\n", "#/actions: an overlay needs a list"),
        (
            "overlay: 1.0.0\nactions:\n  - {update: {}}\n",
            "#/actions/0: an action needs a `target`",
        ),
        (
            "overlay: 1.0.0\nactions:\n  - {target: '$[', update: {}}\n",
            "#/actions/0/target: `$[` is not a JSONPath",
        ),
        (
            "overlay: 1.0.0\nactions:\n  - {target: '$.info'}\n",
            "#/actions/0: an action needs `update`",
        ),
    ];
    for (text, expected) in cases {
        let error = Overlay::parse(text, Path::new("o.yaml")).expect_err(text);
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
}
