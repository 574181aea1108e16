//! Constraints on a request body that is an inline array (Clerk's bulk
//! invitations take 1 to 10) are checked before sending like a field's,
//! and the change report lists a change of them as a constraint change.

use std::path::Path;

use generator::diff::{self, Level};

fn document(max_items: u32) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: Invites, version: 1.0.0}}
servers: [{{url: 'https://example.com'}}]
paths:
  /invitations/bulk:
    post:
      operationId: CreateInvitations
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: array
              minItems: 1
              maxItems: {max_items}
              items: {{type: string}}
      responses:
        '204': {{description: sent}}
"#
    )
}

fn model(max_items: u32) -> generator::ir::Api {
    generator::model_from_str(&document(max_items), Path::new("invites.yaml"))
        .expect("the document lowers")
        .model
}

#[test]
fn the_body_carries_its_constraints_and_prepare_checks_them() {
    let api = model(10);
    let body = api.groups[0].operations[0].body.as_ref().expect("a body");
    assert_eq!(body.constraints.min_items, Some(1));
    assert_eq!(body.constraints.max_items, Some(10));
    let options = generator::Options {
        crate_name: "invites".into(),
        client_name: None,
        spec_label: "invites.yaml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    let generated =
        generator::generate_from_str(&document(10), Path::new("invites.yaml"), &options)
            .expect("generates");
    let apis = &generated.files["src/apis/invitations.rs"];
    assert!(apis.contains("Loc::Field(&Loc::Root, \"body\")"), "{apis}");
    assert!(
        apis.contains("validate::min_items(loc, value.len(), 1)?;"),
        "{apis}"
    );
    assert!(
        apis.contains("validate::max_items(loc, value.len(), 10)?;"),
        "{apis}"
    );
}

#[test]
fn a_changed_limit_is_a_constraint_change() {
    let tighter = diff::compare(&model(10), &model(5), "Invites");
    let rules: Vec<&str> = tighter.changes.iter().map(|c| c.rule.id).collect();
    assert_eq!(rules, ["constraint-tightened"]);
    assert_eq!(tighter.level, Level::Major);
    assert!(
        tighter.changes[0].message.contains("maxItems"),
        "{:?}",
        tighter.changes
    );
    let looser = diff::compare(&model(10), &model(20), "Invites");
    let rules: Vec<&str> = looser.changes.iter().map(|c| c.rule.id).collect();
    assert_eq!(rules, ["constraint-loosened"]);
    assert_eq!(looser.level, Level::Patch);
}
