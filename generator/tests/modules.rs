//! Hand-written modules behind a Cargo feature of their own: the generated
//! `lib.rs` gates them, `Cargo.toml` declares the feature, turns on what it
//! requires and makes the module's dependencies optional; a declaration
//! Cargo or rustc would reject is an error naming the module.

use std::path::Path;

use generator::{Dependency, ExtraFeature, HandWritten, ModuleFeature, Options};

fn shape() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shapes/features.yaml")
}

fn options(modules: Vec<HandWritten>) -> Options {
    Options {
        crate_name: "shape-modules".into(),
        client_name: None,
        spec_label: "tests/shapes/features.yaml".into(),
        package: Default::default(),
        modules,
        grouping: Default::default(),
        webhook_signing: None,
    }
}

fn dependency(name: &str, spec: &str) -> Dependency {
    Dependency {
        name: name.into(),
        spec: spec.into(),
    }
}

/// An `auth` module as the Clerk crate declares one: public, with its own
/// feature that needs a group, two dependencies, one of which only its
/// `tower` feature turns on.
fn auth() -> HandWritten {
    HandWritten {
        name: "auth".into(),
        exports: vec!["Claims".into()],
        public: true,
        feature: Some(ModuleFeature {
            name: "auth".into(),
            doc: Some("Verifies tokens.".into()),
            requires: vec!["customers".into(), "tokio/sync".into()],
            extra: vec![ExtraFeature {
                name: "tower".into(),
                enables: vec!["auth".into(), "dep:tower".into()],
                doc: None,
            }],
        }),
        dependencies: vec![
            dependency(
                "jsonwebtoken",
                r#"{ version = "10", default-features = false }"#,
            ),
            dependency("tower", r#""0.5""#),
        ],
        dev_dependencies: vec![dependency("rsa", r#""0.9""#)],
        readme: None,
    }
}

fn env() -> HandWritten {
    HandWritten {
        name: "env".into(),
        exports: vec!["SECRET_KEY_VAR".into()],
        ..Default::default()
    }
}

#[test]
fn a_module_with_a_feature_is_gated_and_its_dependencies_are_optional() {
    let generated = generator::generate(&shape(), &options(vec![env(), auth()])).unwrap();
    let manifest = &generated.files["Cargo.toml"];
    let lib = &generated.files["src/lib.rs"];
    assert!(
        manifest.contains(
            "jsonwebtoken = { version = \"10\", default-features = false, optional = true }\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains("tower = { version = \"0.5\", optional = true }\n"),
        "{manifest}"
    );
    // `tower` is the extra feature's alone.
    assert!(
        manifest.contains(
            "## Verifies tokens.\nauth = [\"customers\", \"tokio/sync\", \"dep:jsonwebtoken\"]\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains("tower = [\"auth\", \"dep:tower\"]\n"),
        "{manifest}"
    );
    assert!(manifest.contains("\nrsa = \"0.9\"\n"), "{manifest}");
    // Cargo reads the manifest, and the features sit in `[features]`.
    let parsed: toml::Table = toml::from_str(manifest).expect("the manifest is TOML");
    let features = parsed["features"].as_table().unwrap();
    assert!(features.contains_key("auth") && features.contains_key("tower"));
    assert!(parsed["dev-dependencies"]
        .as_table()
        .unwrap()
        .contains_key("rsa"));
    let gated_module = "#[cfg(feature = \"auth\")]\n#[path = \"custom/auth.rs\"]\npub mod auth;";
    assert!(lib.contains(gated_module), "{lib}");
    assert!(
        lib.contains("#[cfg(feature = \"auth\")]\npub use auth::Claims;"),
        "{lib}"
    );
    // A module without a feature stays private and always compiled.
    assert!(
        lib.contains("#[path = \"custom/env.rs\"]\nmod env;"),
        "{lib}"
    );
    assert!(lib.contains("\npub use env::SECRET_KEY_VAR;"), "{lib}");
}

#[test]
fn without_modules_the_manifest_has_no_trace_of_them() {
    let generated = generator::generate(&shape(), &options(Vec::new())).unwrap();
    let manifest = &generated.files["Cargo.toml"];
    assert!(!manifest.contains("hand-written"), "{manifest}");
    assert!(manifest.ends_with("wiremock = \"0.6\"\n"), "{manifest}");
    assert!(!manifest.contains("\n\n\n"), "{manifest}");
}

/// The error `generate` gives for `module`, which must name it.
fn refused(module: HandWritten) -> String {
    let name = module.name.clone();
    let error = generator::generate(&shape(), &options(vec![module]))
        .expect_err("the declaration is refused")
        .to_string();
    assert!(error.contains(&format!("`{name}`")), "{error}");
    error
}

#[test]
fn declarations_cargo_would_reject_are_errors() {
    let mut unknown = auth();
    unknown.feature.as_mut().unwrap().requires = vec!["nope".into()];
    assert!(refused(unknown).contains("`nope`"));

    let mut undeclared = auth();
    undeclared.feature.as_mut().unwrap().extra[0].enables = vec!["dep:ring".into()];
    assert!(refused(undeclared).contains("`dep:ring`"));

    let mut already = auth();
    already.dependencies.push(dependency("reqwest", "\"0.13\""));
    assert!(refused(already).contains("`reqwest`"));

    // A group's feature can gate a module, but cannot carry its dependencies.
    let mut shared = auth();
    shared.feature.as_mut().unwrap().name = "customers".into();
    assert!(refused(shared).contains("`customers`"));

    let mut twice = vec![env(), env()];
    let error = generator::generate(&shape(), &options(std::mem::take(&mut twice)))
        .expect_err("a module declared twice is refused")
        .to_string();
    assert!(error.contains("twice"), "{error}");

    let bad_name = HandWritten {
        name: "Auth".into(),
        ..Default::default()
    };
    refused(bad_name);
}

#[test]
fn a_groups_feature_can_gate_a_module_without_dependencies() {
    let module = HandWritten {
        name: "billing".into(),
        feature: Some(ModuleFeature {
            name: "customers".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let generated = generator::generate(&shape(), &options(vec![module])).unwrap();
    let manifest = &generated.files["Cargo.toml"];
    assert_eq!(manifest.matches("\ncustomers = [").count(), 1, "{manifest}");
    assert!(generated.files["src/lib.rs"].contains(
        "#[cfg(feature = \"customers\")]\n#[path = \"custom/billing.rs\"]\nmod billing;"
    ));
}

#[test]
fn a_modules_readme_section_comes_before_the_operations() {
    let section = "## Authenticating requests\n\nHand-written words.\n";
    let module = HandWritten {
        name: "auth".into(),
        readme: Some(section.into()),
        ..Default::default()
    };
    let generated = generator::generate(&shape(), &options(vec![env(), module])).unwrap();
    let readme = &generated.files["README.md"];
    let at = readme.find(section).expect("the section is in the README");
    let operations = readme.find("## Operations").expect("the operations");
    assert!(at < operations, "{readme}");
    assert_eq!(readme.matches("Hand-written words.").count(), 1);
    // Without a section, the README is as before.
    let plain = generator::generate(&shape(), &options(vec![env()])).unwrap();
    assert_eq!(
        readme.replace(&format!("{section}\n"), ""),
        plain.files["README.md"]
    );
}
