//! The client's name never collides with another name its files hold: a
//! group's type, a re-export of the crate root or a prelude name, whatever
//! the title, tags and flags.

use std::path::Path;

use generator::{Options, WarningKind};

const PETS: &str = r#"
openapi: 3.0.3
info: {title: Pets, version: 1.0.0}
servers: [{url: 'https://example.com'}]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses: {'204': {description: ok}}
  /paging:
    get:
      operationId: listPaging
      tags: [paging]
      responses: {'204': {description: ok}}
"#;

/// The client type the crate defines, and the warnings.
fn client(crate_name: &str, client_name: Option<&str>) -> (String, Vec<generator::Warning>) {
    let options = Options {
        crate_name: crate_name.into(),
        client_name: client_name.map(str::to_owned),
        spec_label: "pets.yaml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    let generated = generator::generate_from_str(PETS, Path::new("pets.yaml"), &options)
        .expect("the spec generates");
    let client = &generated.files["src/client.rs"];
    let name = client
        .lines()
        .find_map(|line| line.strip_prefix("pub struct "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a client struct")
        .to_owned();
    // The blocking client and the crate root name the same type.
    assert!(
        generated.files["src/lib.rs"]
            .contains(&format!("pub use client::{{{name}, {name}Builder}};")),
        "{}",
        generated.files["src/lib.rs"]
    );
    let blocking = &generated.files["src/blocking.rs"];
    assert!(
        blocking.contains(&format!("pub struct {name} {{")),
        "{blocking}"
    );
    (name, generated.warnings)
}

#[test]
fn a_client_named_like_a_group_is_renamed_with_a_warning() {
    for (crate_name, flag, wanted) in [
        ("pets", None, "Pets"),
        ("pets-api", Some("Paging"), "Paging"),
        ("pets-api", Some("Error"), "Error"),
        ("pets-api", Some("Option"), "Option"),
        ("pets-api", Some("Client"), "Client"),
        ("request", None, "Request"),
    ] {
        let (name, warnings) = client(crate_name, flag);
        assert_eq!(name, format!("{wanted}Client"), "{crate_name} {flag:?}");
        let warning = warnings
            .iter()
            .find(|w| w.message.contains(&format!("`{wanted}`")))
            .expect("a warning names the collision");
        assert_eq!(warning.kind, WarningKind::Advice);
        assert!(warning.message.contains(&format!("it is `{wanted}Client`")));
    }
}

#[test]
fn a_free_name_is_kept_without_a_warning() {
    let (name, warnings) = client("pets-api", Some("PetStore"));
    assert_eq!(name, "PetStore");
    assert!(warnings.is_empty(), "{warnings:?}");
}
