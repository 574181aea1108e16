//! When `build()` insists on a credential: only when every operation needs
//! one and none offers an anonymous alternative. The User-Agent names the
//! SDK and the API version.

use std::path::Path;

use generator::Options;

fn client_rs(security: &str, operation_security: &str) -> String {
    let spec = format!(
        r#"
openapi: 3.0.3
info: {{title: Keys, version: "2024-01 beta"}}
servers: [{{url: 'https://example.com'}}]
{security}
paths:
  /a:
    get:
      operationId: GetA
      responses: {{'204': {{description: done}}}}
  /b:
    get:
      operationId: GetB
      {operation_security}
      responses: {{'204': {{description: done}}}}
components:
  securitySchemes:
    key: {{type: apiKey, in: header, name: X-Key}}
    bearer: {{type: http, scheme: bearer}}
"#
    );
    let options = Options {
        crate_name: "keys-api".into(),
        client_name: None,
        spec_label: "keys.yaml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    let generated = generator::generate_from_str(&spec, Path::new("keys.yaml"), &options)
        .expect("the spec generates");
    generated.files["src/client.rs"].clone()
}

#[test]
fn every_operation_secured_requires_a_credential() {
    let client = client_rs("security: [{key: []}, {bearer: []}]", "");
    assert!(
        client.contains("requires_credential: Some(\"`key` or `bearer`\")"),
        "{client}"
    );
}

#[test]
fn an_anonymous_alternative_or_a_public_operation_requires_none() {
    for (global, operation) in [
        ("security: [{key: []}, {}]", ""),
        ("security: [{key: []}]", "security: []"),
        ("", ""),
    ] {
        let client = client_rs(global, operation);
        assert!(
            client.contains("requires_credential: None"),
            "{global} / {operation}: {client}"
        );
    }
    // An operation's own requirement counts, even without a global one.
    let client = client_rs("", "security: [{bearer: []}]");
    assert!(client.contains("requires_credential: None"), "{client}");
}

#[test]
fn the_user_agent_names_the_sdk_and_the_api_version() {
    let client = client_rs("", "");
    assert!(
        client.contains(r#""keys-api-rust/", env!("CARGO_PKG_VERSION"), " api/2024-01-beta""#),
        "{client}"
    );
}
