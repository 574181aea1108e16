//! The generator on real, whole API documents: every one generates, and every
//! operation of the document is present in the generated crate. (That the
//! crates compile without warnings is checked by `.ci/run`, which builds them.)

use std::path::{Path, PathBuf};

use generator::Options;
use serde_json::Value;

const SPECS: &[&str] = &[
    "spec/upstream/clerk-bapi-2025-04-10.yml",
    "spec/upstream/clerk-bapi-2026-05-12.yml",
    "spec/third-party/petstore/openapi.yaml",
    "spec/third-party/twilio/twilio_messaging_v1.yaml",
    "spec/third-party/sendgrid/tsg_mail_v3.json",
    "spec/third-party/qdrant/qdrant-openapi.json",
    "spec/third-party/ory/ory-kratos-api.json",
    "spec/third-party/redocly/redocly-museum-openapi.yaml",
    "spec/third-party/readmeio/readmeio-callbacks.json",
    "spec/third-party/readmeio/readmeio-parameters-style.json",
    "spec/third-party/readmeio/readmeio-polymorphism.json",
    "spec/third-party/readmeio/readmeio-schema-circular.json",
    "spec/third-party/lob/lob-lob-api-bundled.yml",
    "spec/third-party/mistral/mistral-openapi.yaml",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Operation ids as the document lists them, read without the generator.
fn operation_ids(spec: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(spec).expect("spec is readable");
    let document: Value = if spec.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).expect("spec is JSON")
    } else {
        serde_yaml::from_str(&text).expect("spec is YAML")
    };
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut ids = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in methods {
            if let Some(op) = item.get(method) {
                let id = op["operationId"]
                    .as_str()
                    .map_or_else(|| format!("{method} {path}"), str::to_owned);
                ids.push(id);
            }
        }
    }
    ids
}

#[test]
fn every_operation_of_every_real_spec_is_generated() {
    for spec in SPECS {
        let path = root().join(spec);
        let options = Options {
            crate_name: "real-spec".into(),
            client_name: None,
            spec_label: (*spec).into(),
            package: Default::default(),
            modules: Vec::new(),
            grouping: Default::default(),
            webhook_signing: None,
        };
        let generated =
            generator::generate(&path, &options).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let apis: String = generated
            .files
            .iter()
            .filter(|(name, _)| name.starts_with("src/apis/"))
            .map(|(_, text)| text.as_str())
            .collect();
        let ids = operation_ids(&path);
        assert!(!ids.is_empty(), "{spec} lists no operations");
        // Each operation implements `Operation` under its own id.
        let missing: Vec<&String> = ids
            .iter()
            .filter(|id| !apis.contains(&format!("const OPERATION_ID: &'static str = {id:?};")))
            .collect();
        assert!(
            missing.is_empty(),
            "{spec}: operations missing from the crate: {missing:?}"
        );
        // At most 1% of named types and fields fall back to JSON where the
        // document gave them a type (schemas that allow any value are JSON
        // by right).
        let stats = &generated.stats;
        let degraded = stats.degraded() as f64 * 100.0 / (stats.schemas + stats.fields) as f64;
        assert!(
            degraded <= 1.0,
            "{spec}: {degraded:.2}% fallbacks: {stats:?}"
        );
        // Every operation type is sealed once, whether it implements
        // `Operation`, `StreamOperation` (an operation that only streams)
        // or both. prettyplease may break before a long type name.
        let operations =
            apis.matches("impl Sealed for ").count() + apis.matches("impl Sealed\nfor ").count();
        assert_eq!(
            operations,
            ids.len(),
            "{spec}: one operation type per operation"
        );
    }
}

#[test]
fn clerk_operation_counts_match_the_issue() {
    let count = |spec: &str| operation_ids(&root().join(spec)).len();
    assert_eq!(count(SPECS[0]), 161);
    assert_eq!(count(SPECS[1]), 249);
}
