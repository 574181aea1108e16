//! Tests of slicing, on the real upstream document and on a small one
//! that exercises the corner cases.

use super::*;
use crate::generate::workspace_root;

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|id| (*id).to_owned()).collect()
}

fn upstream() -> String {
    let path = workspace_root().join("spec/upstream/clerk-bapi-2025-04-10.yml");
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_mapping()
        .map(|m| m.keys().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn reproduces_the_committed_spec_from_the_config() {
    // What `cargo xtask refresh` and `check` slice: spec/sdk.toml's upstream
    // file, with its overlays, cut to its operations.
    let config = crate::config::Config::workspace()
        .expect("spec/sdk.toml is valid")
        .expect("spec/sdk.toml exists");
    let out = crate::generate::label(&config.resolve(&config.sdk.spec));
    let (command, text) = config.slice(true).expect("the upstream slices");
    let committed = fs::read_to_string(workspace_root().join(&out)).unwrap();
    assert!(
        text == committed,
        "{out} is not what `{command}` produces; rerun it"
    );
}

#[test]
fn the_machine_tokens_slice_holds_what_the_operation_needs() {
    let doc: Value = serde_yaml::from_str(&upstream()).unwrap();
    let sliced = slice(&doc, &ids(&["CreateMachineToken"])).unwrap();
    assert_eq!(
        keys(&sliced),
        [
            "openapi",
            "info",
            "servers",
            "security",
            "externalDocs",
            "paths",
            "components",
            "x-speakeasy-retries"
        ]
    );
    assert_eq!(keys(&sliced["paths"]), ["/machine_tokens"]);
    assert_eq!(
        keys(&sliced["paths"]["/machine_tokens"]),
        ["x-internal", "post"]
    );
    let components = &sliced["components"];
    assert_eq!(
        keys(components),
        ["securitySchemes", "schemas", "responses"]
    );
    assert_eq!(keys(&components["securitySchemes"]), ["bearerAuth"]);
    assert_eq!(
        keys(&components["schemas"]),
        ["ClerkError", "ClerkErrors", "MachineToken"]
    );
    assert_eq!(
        keys(&components["responses"]),
        [
            "ClerkErrors",
            "AuthenticationInvalid",
            "UnprocessableEntity",
            "MachineToken"
        ]
    );
    // The operation's tag, `Machine Tokens`, is not declared upstream.
    assert!(sliced.get("tags").is_none());
}

const SMALL: &str = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
security: [{key: []}]
tags: [{name: a}, {name: b}, {name: c}]
paths:
  /one:
    parameters: [{$ref: '#/components/parameters/Id'}]
    get:
      operationId: One
      tags: [a]
      responses:
        '200': {$ref: '#/components/responses/Thing'}
    delete:
      operationId: Dropped
      tags: [c]
      responses:
        '200': {$ref: '#/components/responses/Other'}
  /two:
    post:
      operationId: Two
      tags: [b]
      security: [{oauth: [write]}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/a~1b'}
components:
  securitySchemes:
    oauth: {type: oauth2}
    key: {type: apiKey, in: header, name: X-Key}
    unused: {type: http, scheme: basic}
  parameters:
    Id: {name: id, in: query, schema: {$ref: '#/components/schemas/Shared'}}
  responses:
    Thing:
      description: ok
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Thing'}
    Other: {description: other}
  schemas:
    Unused: {type: string}
    Shared: {type: string}
    Thing:
      type: object
      properties:
        shared: {$ref: '#/components/schemas/Shared'}
        pet: {$ref: '#/components/schemas/Pet'}
    a/b:
      type: object
      properties:
        shared: {$ref: '#/components/schemas/Shared'}
    Pet:
      oneOf: [{$ref: '#/components/schemas/Cat'}]
      discriminator: {propertyName: kind, mapping: {cat: Cat, dog: '#/components/schemas/Dog'}}
    Cat: {type: object}
    Dog: {type: object}
x-extra: kept
"##;

#[test]
fn slicing_two_operations_keeps_shared_components_once() {
    let doc: Value = serde_yaml::from_str(SMALL).unwrap();
    let sliced = slice(&doc, &ids(&["Two", "One"])).unwrap();
    assert_eq!(keys(&sliced["paths"]), ["/one", "/two"]);
    assert_eq!(keys(&sliced["paths"]["/one"]), ["parameters", "get"]);
    let components = &sliced["components"];
    assert_eq!(
        keys(components),
        ["securitySchemes", "parameters", "responses", "schemas"]
    );
    assert_eq!(keys(&components["securitySchemes"]), ["oauth", "key"]);
    assert_eq!(keys(&components["responses"]), ["Thing"]);
    assert_eq!(
        keys(&components["schemas"]),
        ["Shared", "Thing", "a/b", "Pet", "Cat", "Dog"]
    );
    let tags: Vec<&str> = sliced["tags"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(tags, ["a", "b"]);
    assert_eq!(sliced["x-extra"].as_str(), Some("kept"));
    let text = crate::yaml::to_string(&sliced).unwrap();
    assert_eq!(text.matches("Shared:").count(), 1, "{text}");
}

#[test]
fn unknown_operation_ids_are_all_listed() {
    let doc: Value = serde_yaml::from_str(SMALL).unwrap();
    let err = slice(&doc, &ids(&["One", "Nope", "Gone"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no operation has the operationId `Nope`, `Gone`"
    );
}

#[test]
fn dangling_and_non_component_refs_are_errors() {
    let dangling = SMALL.replace(
        "'#/components/schemas/Cat'}]",
        "'#/components/schemas/Lion'}]",
    );
    let doc: Value = serde_yaml::from_str(&dangling).unwrap();
    let err = slice(&doc, &ids(&["One"])).unwrap_err();
    assert!(
        err.to_string().contains("#/components/schemas/Lion"),
        "{err}"
    );

    let outside = SMALL.replace("'#/components/schemas/Shared'}}", "'other.yaml#/Id'}}");
    let doc: Value = serde_yaml::from_str(&outside).unwrap();
    let err = slice(&doc, &ids(&["One"])).unwrap_err();
    assert!(err.to_string().contains("other.yaml#/Id"), "{err}");
}

#[test]
fn ref_tokens_are_unescaped() {
    assert_eq!(
        parse_ref("#/components/schemas/a~1b~0c%20d/properties/x", "here").unwrap(),
        ("schemas".to_owned(), "a/b~c d".to_owned())
    );
    assert_eq!(decode_token("~01"), "~1");
    assert_eq!(percent_decode("100%"), "100%");
}

#[test]
fn the_header_quotes_only_what_needs_it() {
    assert_eq!(
        command_line("a b.yml", None, &[], &ids(&["X"]), "o'ut.yaml"),
        r"cargo xtask slice --from 'a b.yml' --operation X --out 'o'\''ut.yaml'"
    );
}
