//! A component schema's `x-speakeasy-name-override` is its type's name, so
//! renaming the schema's key upstream changes nothing for Rust users (Clerk
//! keeps `OTP`, `SAML` and its other verification types so).

use std::path::Path;

fn document(key: &str) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: Verify, version: 1.0.0}}
servers: [{{url: 'https://example.com'}}]
paths:
  /verifications:
    get:
      operationId: GetVerification
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/{key}'}}
components:
  schemas:
    {key}:
      x-speakeasy-name-override: OTP
      type: object
      required: [status]
      properties:
        status: {{type: string}}
    verification_saml:
      type: object
      properties:
        strategy: {{type: string}}
"#
    )
}

fn model(key: &str) -> generator::ir::Api {
    generator::model_from_str(&document(key), Path::new("verify.yaml"))
        .expect("the document lowers")
        .model
}

#[test]
fn a_schema_is_named_by_its_override() {
    let api = model("verification_otp");
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Otp", "VerificationSaml"]);
}

#[test]
fn renaming_the_key_of_an_overridden_schema_changes_nothing() {
    let report = generator::diff::compare(
        &model("verification_otp"),
        &model("otp_verification"),
        "Verify",
    );
    // Only the JSON pointer moved: no Rust item changed, and the docs the
    // document wrote did not either.
    let changes: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{} {}", c.rule.id, c.rust))
        .collect();
    assert!(changes.is_empty(), "{changes:?}");
    assert_eq!(report.level, generator::diff::Level::None);
}
