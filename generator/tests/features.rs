//! Cargo features per operation group: which types each feature compiles,
//! and where the gates go in the emitted crate. `cargo xtask breadth`
//! compiles the crate of `shapes/features.yaml` with each group alone and
//! with none, warnings as errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use generator::features::{self, Gate, Plan};
use generator::Options;

fn shape() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes/features.yaml")
}

fn options() -> Options {
    Options {
        crate_name: "features-sdk".into(),
        client_name: None,
        spec_label: "features.yaml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    }
}

fn plan() -> Plan {
    let lowered = generator::model(&shape()).expect("the shape lowers");
    features::plan(&lowered.model).expect("three groups make features")
}

#[test]
fn each_group_is_a_feature_named_after_its_module() {
    assert_eq!(plan().groups, ["access_tokens", "customers", "invoices"]);
}

#[test]
fn a_type_is_gated_by_the_groups_that_reach_it() {
    let plan = plan();
    let gates: BTreeMap<&str, Vec<&str>> = plan
        .gates
        .iter()
        .map(|(ty, gate)| match gate {
            Gate::AnyOf(f) => (ty.as_str(), f.iter().map(String::as_str).collect()),
            Gate::EveryGroup => (ty.as_str(), vec!["(every group)"]),
        })
        .collect();
    let expected: BTreeMap<&str, Vec<&str>> = [
        // Through Customer, which Invoice holds.
        ("Address", vec!["customers", "invoices"]),
        ("Customer", vec!["customers", "invoices"]),
        ("Invoice", vec!["invoices"]),
        // Through a map of Invoice.
        ("Line", vec!["invoices"]),
        ("NewCustomer", vec!["customers"]),
        // No operation reaches it: only with every group, as by default.
        ("Orphan", vec!["(every group)"]),
        ("OrphanPart", vec!["(every group)"]),
        // A query parameter's type.
        ("Scope", vec!["access_tokens"]),
        ("Token", vec!["access_tokens"]),
    ]
    .into_iter()
    .collect();
    // Not gated: Label (every group reaches it), ApiError, ErrorDetail,
    // TokenError and Reason (the always-on ErrorBody holds them).
    assert_eq!(gates, expected);
}

#[test]
fn the_manifest_lists_the_features_and_default_enables_them_all() {
    let generated = generator::generate(&shape(), &options()).expect("the shape generates");
    let manifest = &generated.files["Cargo.toml"];
    assert!(manifest
        .contains("default = [\"rustls\", \"access_tokens\", \"customers\", \"invoices\"]\n"));
    for feature in ["access_tokens", "customers", "invoices"] {
        assert!(
            manifest.contains(&format!("\n{feature} = []\n")),
            "{manifest}"
        );
    }
    assert!(manifest.contains("blocking = [\"tokio/rt\", \"tokio/sync\"]"));
    assert!(manifest.contains("[package.metadata.docs.rs]\nall-features = true\n"));
    assert!(generated.files["src/lib.rs"].contains("#![cfg_attr(docsrs, feature(doc_cfg))]"));
}

#[test]
fn gates_go_on_modules_accessors_imports_and_docs() {
    let generated = generator::generate(&shape(), &options()).expect("the shape generates");
    let file = |path: &str| generated.files[path].as_str();
    let models = file("src/models/mod.rs");
    assert!(
        models.contains(
            "#[cfg(any(feature = \"customers\", feature = \"invoices\"))]\nmod customer;"
        ),
        "{models}"
    );
    assert!(
        models.contains("#[cfg(feature = \"invoices\")]\npub use line::Line;"),
        "{models}"
    );
    assert!(models.contains("\nmod label;"), "{models}");
    assert!(
        models.contains("#[cfg(all(feature = \"access_tokens\", feature = \"customers\", feature = \"invoices\"))]\nmod orphan;"),
        "{models}"
    );
    let apis = file("src/apis/mod.rs");
    // The gate comes first, then the page's link definitions and the page.
    assert!(
        apis.contains("#[cfg(feature = \"customers\")]\n/// [Customer]: crate::models::Customer\n"),
        "{apis}"
    );
    assert!(
        apis.contains(
            "#[doc = include_str!(\"../../docs/sdks/customers/README.md\")]\npub mod customers;"
        ),
        "{apis}"
    );
    let client = file("src/client.rs");
    assert!(
        client.contains("#[cfg(feature = \"invoices\")]\n    pub fn invoices(&self)"),
        "{client}"
    );
    assert!(client.contains("allow(dead_code)"), "{client}");
    let blocking = file("src/blocking.rs");
    assert!(
        blocking.contains(
            "#[cfg(feature = \"access_tokens\")]\n#[derive(Clone, Debug)]\npub struct AccessTokens"
        ),
        "{blocking}"
    );
    let errors = file("src/error_body.rs");
    assert!(
        errors
            .contains("#[cfg(feature = \"access_tokens\")]\n    pub(crate) fn decode_token_error"),
        "{errors}"
    );
    assert!(errors.contains("#[cfg(any(feature = \"customers\", feature = \"invoices\"))]\n    pub(crate) fn decode_api_error"), "{errors}");
    let readme = file("README.md");
    assert!(readme.contains("## Features"), "{readme}");
    assert!(
        readme.contains("default-features = false, features = [\"rustls\", \"access_tokens\"]"),
        "{readme}"
    );
    let page = generated
        .files
        .iter()
        .find(|(path, _)| path.starts_with("docs/sdks/") && path.contains("invoices"))
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    assert!(page.contains("Cargo feature: `invoices`"), "{page}");
    let model_page = file("docs/models/line.md");
    assert!(
        model_page.contains("Compiled with the Cargo feature `invoices`."),
        "{model_page}"
    );
}

#[test]
fn a_crate_with_one_group_has_no_features() {
    let spec = "openapi: 3.0.3
info: {title: Tokens, version: 1.0.0}
paths:
  /tokens:
    post:
      operationId: CreateToken
      tags: [machineTokens]
      responses:
        '200':
          description: A token.
          content:
            application/json:
              schema: {type: object, properties: {jwt: {type: string}}}
";
    let file = Path::new("one-group.yaml");
    let lowered = generator::model_from_str(spec, file).expect("the spec lowers");
    assert!(features::plan(&lowered.model).is_none());
    let generated =
        generator::generate_from_str(spec, file, &options()).expect("the spec generates");
    // Only the TLS backend is on by default.
    assert!(generated.files["Cargo.toml"].contains("\ndefault = [\"rustls\"]\n"));
    assert!(generated
        .files
        .values()
        .all(|text| !text.contains("cfg(feature = \"machine_tokens\")")));
    assert!(!generated.files["README.md"].contains("## Features"));
}

#[test]
fn the_readme_snippet_names_the_crates_own_version() {
    for (version, requirement) in [
        (None, "1"),
        (Some("0.2.0"), "0.2"),
        (Some("0.0.3"), "0.0.3"),
    ] {
        let mut options = options();
        options.package.version = version.map(str::to_owned);
        let generated = generator::generate(&shape(), &options).expect("the shape generates");
        let readme = &generated.files["README.md"];
        let snippet = format!(
            "features-sdk = {{ version = \"{requirement}\", default-features = false, features = [\"rustls\", \"access_tokens\"] }}"
        );
        assert!(readme.contains(&snippet), "{version:?}: {readme}");
    }
}

/// A big document without tags (Clerk's, its tags and groups stripped) is
/// grouped by path: one group, and so one feature, per resource family.
#[test]
fn an_untagged_document_gets_one_feature_per_path_group() {
    let spec =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/upstream/clerk-bapi-2026-05-12.yml");
    let text = std::fs::read_to_string(&spec).expect("the spec is committed");
    let mut document: serde_json::Value = serde_yaml::from_str(&text).expect("YAML");
    let mut operations = 0;
    for item in document["paths"]
        .as_object_mut()
        .expect("paths")
        .values_mut()
    {
        for (_, operation) in item.as_object_mut().expect("a path item").iter_mut() {
            if let Some(operation) = operation.as_object_mut() {
                operations += usize::from(operation.remove("tags").is_some());
                operation.remove("x-speakeasy-group");
            }
        }
    }
    document.as_object_mut().expect("a document").remove("tags");
    let untagged = serde_json::to_string(&document).expect("JSON");
    let api = generator::model_from_str(&untagged, Path::new("untagged.json"))
        .expect("the document lowers")
        .model;
    let groups: Vec<&str> = api.groups.iter().map(|g| g.module.as_str()).collect();
    assert!(operations > 150, "{operations} tagged operations stripped");
    // `/users/{user_id}/...` and `/organizations/...` are families of their own.
    for family in [
        "users",
        "organizations",
        "invitations",
        "m2m_tokens",
        "jwks",
    ] {
        assert!(groups.contains(&family), "{groups:?}");
    }
    assert!(!groups.contains(&"default"), "{groups:?}");
    let plan = features::plan(&api).expect("many groups make features");
    assert_eq!(plan.groups.len(), api.groups.len());
    assert!(plan.groups.len() >= 30, "{}", plan.groups.len());
    // Most types belong to some groups only, so one group compiles little.
    assert!(
        plan.gates.len() * 2 > api.types.len(),
        "{} of {}",
        plan.gates.len(),
        api.types.len()
    );
}
