//! Structurally identical inline schemas are one type, named by a rule an
//! unrelated change elsewhere in the document cannot alter.

use std::path::Path;

/// Three operations repeat one error body inline; `extra` is added to the
/// document as an unrelated operation.
fn document(extra: &str, with_component: bool) -> String {
    let error = r#"
                  type: object
                  properties:
                    errors:
                      type: array
                      items:
                        type: object
                        properties:
                          code: {type: string}
                          meta: {type: object}"#;
    let component = if with_component {
        format!(
            "components:\n  schemas:\n    Problem:{}\n",
            error.replace("\n                  ", "\n      ")
        )
    } else {
        String::new()
    };
    let op = |id: &str, path: &str| {
        format!(
            r#"
  {path}:
    get:
      operationId: {id}
      tags: [things]
      responses:
        '404':
          description: not found
          content:
            application/json:
              schema:{error}
"#
        )
    };
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: 1.0.0}}\nservers: [{{url: 'https://e.com'}}]\npaths:{}{}{}{}\n  /settings:\n    post:\n      operationId: Configure\n      tags: [things]\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                meta: {{type: object}}\n      responses:\n        '204': {{description: ok}}\n{component}",
        op("GetWidget", "/widgets"),
        op("GetGadget", "/gadgets"),
        op("ListThings", "/things"),
        extra
    )
}

fn type_names(text: &str) -> Vec<String> {
    let api = generator::model_from_str(text, Path::new("t.yaml"))
        .expect("lowers")
        .model;
    api.types.into_iter().map(|t| t.name).collect()
}

#[test]
fn repeated_inline_shapes_are_one_type_named_by_their_role() {
    let names = type_names(&document("", false));
    // One error body and one error item, named by the words their names
    // share after the group they belong to; the `meta` each error holds
    // goes with it, while the settings' own `meta` keeps its name.
    assert_eq!(
        names,
        [
            "ConfigureMeta",
            "ConfigureRequestBody",
            "Things404ResponseBody",
            "ThingsErrors",
            "ThingsErrorsMeta",
        ],
    );
}

#[test]
fn another_operation_does_not_rename_the_merged_type() {
    let unrelated = "\n  /other:\n    get:\n      operationId: AAAFirst\n      tags: [things]\n      responses:\n        '204': {description: ok}\n";
    let before = type_names(&document("", false));
    assert_eq!(before, type_names(&document(unrelated, false)));
    // Even one of the same shape, whose name sorts first.
    let same = "\n  /aaa:\n    get:\n      operationId: AaaFirst\n      tags: [things]\n      responses:\n        '404':\n          description: not found\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  errors:\n                    type: array\n                    items:\n                      type: object\n                      properties:\n                        code: {type: string}\n                        meta: {type: object}\n";
    assert_eq!(before, type_names(&document(same, false)));
}

#[test]
fn a_component_of_the_same_shape_gives_its_name() {
    let names = type_names(&document("", true));
    assert!(names.contains(&"Problem".to_owned()), "{names:?}");
    assert!(
        !names.iter().any(|n| n.ends_with("404ResponseBody")),
        "{names:?}"
    );
}

/// Two groups' calls that take the same body keep a body type each: a
/// user building one group's call never meets the other group's name.
#[test]
fn bodies_of_different_groups_stay_apart() {
    let op = |id: &str, path: &str, tag: &str| {
        format!(
            "\n  {path}:\n    post:\n      operationId: {id}\n      tags: [{tag}]\n      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              type: object\n              properties:\n                file: {{type: string, format: binary}}\n      responses:\n        '204': {{description: ok}}\n"
        )
    };
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: 1.0.0}}\npaths:{}{}{}",
        op("SetUserImage", "/users/image", "users"),
        op("UploadOrgLogo", "/orgs/logo", "orgs"),
        op("UploadOrgBanner", "/orgs/banner", "orgs"),
    );
    assert_eq!(
        type_names(&text),
        ["OrgsRequestBody", "SetUserImageRequestBody"],
    );
}
