//! OpenAPI 3.2's `itemSchema` (the schema of each item of a streamed media
//! type), accepted in 3.0 and 3.1 documents too. `openapiv3` keeps only
//! `x-` extensions of a media type and would drop it, so it is moved into
//! the media type's `schema` here, before the typed parse; lowering then
//! reads a streamed media type's `schema` as its item (`lower/stream.rs`).

use serde_json::{Map, Value};

/// Moves every response media type's `itemSchema` into its `schema`. An
/// event envelope's `data` given as a string with a `contentSchema` (how
/// 3.2 describes JSON in `data`) becomes that schema.
pub(super) fn lift(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                    responses.values_mut().for_each(lift_response);
                }
            }
        }
    }
    let components = root.get_mut("components").and_then(Value::as_object_mut);
    if let Some(Value::Object(responses)) = components.and_then(|c| c.get_mut("responses")) {
        responses.values_mut().for_each(lift_response);
    }
}

fn lift_response(response: &mut Value) {
    let Some(Value::Object(content)) = response.get_mut("content") else {
        return;
    };
    for media in content.values_mut().filter_map(Value::as_object_mut) {
        if let Some(mut item) = media.remove("itemSchema") {
            if let Some(properties) = item.get_mut("properties").and_then(Value::as_object_mut) {
                unwrap_content_schema(properties);
            }
            media.insert("schema".to_owned(), item);
        }
    }
}

fn unwrap_content_schema(properties: &mut Map<String, Value>) {
    let Some(data) = properties.get_mut("data") else {
        return;
    };
    if let Some(schema) = data.get("contentSchema").cloned() {
        *data = schema;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_schema_becomes_the_schema_and_data_its_content_schema() {
        let mut document = serde_json::json!({
            "paths": {"/e": {"get": {"responses": {"200": {"content": {
                "text/event-stream": {"itemSchema": {"type": "object", "properties": {
                    "event": {"type": "string"},
                    "data": {"type": "string", "contentMediaType": "application/json",
                             "contentSchema": {"$ref": "#/components/schemas/Tick"}}
                }}},
                "application/jsonl": {"itemSchema": {"type": "integer"}}
            }}}}}}
        });
        lift(&mut document);
        let content = &document["paths"]["/e"]["get"]["responses"]["200"]["content"];
        assert_eq!(
            content["text/event-stream"]["schema"]["properties"]["data"],
            serde_json::json!({"$ref": "#/components/schemas/Tick"})
        );
        assert!(content["text/event-stream"].get("itemSchema").is_none());
        assert_eq!(
            content["application/jsonl"]["schema"],
            serde_json::json!({"type": "integer"})
        );
    }
}
