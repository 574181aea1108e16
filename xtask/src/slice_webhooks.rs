//! The webhook events of a second document (Clerk publishes its events
//! apart from its API), merged into a slice: its `webhooks` or `x-webhooks`
//! and the components they use. A component the slice already has under
//! the same name is shared when it is the same, and renamed (`Webhook…`)
//! when it differs, with the events' references following it.

use std::collections::{BTreeMap, HashMap};

use serde_yaml::{Mapping, Value};

use crate::slice::{closure, collect_refs, SliceError};

/// Adds the events of `webhooks` (a whole document) and what they need to
/// `slice`; events stay under the key the document uses.
pub fn merge(slice: &mut Value, webhooks: &Value) -> Result<(), SliceError> {
    let (key, events) = ["webhooks", "x-webhooks"]
        .into_iter()
        .find_map(|key| webhooks.get(key).map(|events| (key, events.clone())))
        .ok_or_else(|| {
            SliceError::new("the webhooks document has neither `webhooks` nor `x-webhooks`")
        })?;
    let mut refs = Vec::new();
    collect_refs(&events, key, &mut refs)?;
    let components = webhooks.get("components").and_then(Value::as_mapping);
    let needed = closure(components, refs, Vec::new())?;
    let Some(root) = slice.as_mapping_mut() else {
        return Err(SliceError::new("the slice's root is not a mapping"));
    };
    let mut renames: HashMap<(String, String), String> = HashMap::new();
    let mut added: BTreeMap<String, Mapping> = BTreeMap::new();
    // In the webhooks document's order, so a new revision diffs small.
    for (kind, entries) in components.into_iter().flatten() {
        let Some(kind) = kind.as_str() else { continue };
        let Some(names) = needed.get(kind) else {
            continue;
        };
        for (name, value) in entries.as_mapping().into_iter().flatten() {
            let Some(name) = name.as_str().filter(|n| names.contains(*n)) else {
                continue;
            };
            let existing = root
                .get("components")
                .and_then(|c| c.get(kind))
                .and_then(|k| k.get(name));
            match existing {
                Some(same) if same == value => continue,
                Some(_) => {
                    let taken = |candidate: &str| {
                        root.get("components")
                            .and_then(|c| c.get(kind))
                            .and_then(|k| k.get(candidate))
                            .is_some()
                            || names.contains(candidate)
                    };
                    let mut renamed = format!("Webhook{name}");
                    let mut counter = 2;
                    while taken(&renamed) {
                        renamed = format!("Webhook{name}{counter}");
                        counter += 1;
                    }
                    renames.insert((kind.to_owned(), name.to_owned()), renamed.clone());
                    added
                        .entry(kind.to_owned())
                        .or_default()
                        .insert(renamed.into(), value.clone());
                }
                None => {
                    added
                        .entry(kind.to_owned())
                        .or_default()
                        .insert(name.into(), value.clone());
                }
            }
        }
    }
    let mut events = events;
    rename_refs(&mut events, &renames);
    for entries in added.values_mut() {
        for (_, value) in entries.iter_mut() {
            rename_refs(value, &renames);
        }
    }
    let components = root
        .entry("components".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    let Some(components) = components.as_mapping_mut() else {
        return Err(SliceError::new("the slice's `components` is not a mapping"));
    };
    for (kind, entries) in added {
        let slot = components
            .entry(kind.clone().into())
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if let Some(slot) = slot.as_mapping_mut() {
            slot.extend(entries);
        }
    }
    if root.contains_key(key) {
        return Err(SliceError::new(format!(
            "the API document has `{key}` of its own; merging another document's would mix them"
        )));
    }
    root.insert(key.into(), events);
    Ok(())
}

/// Points every `$ref` to a renamed component at its new name.
fn rename_refs(value: &mut Value, renames: &HashMap<(String, String), String>) {
    match value {
        Value::Mapping(mapping) => {
            for (key, child) in mapping.iter_mut() {
                if key.as_str() == Some("$ref") {
                    if let Value::String(reference) = child {
                        let target = reference
                            .strip_prefix("#/components/")
                            .and_then(|rest| rest.split_once('/'));
                        if let Some((kind, name)) = target {
                            if let Some(new) = renames.get(&(kind.to_owned(), name.to_owned())) {
                                *reference = format!("#/components/{kind}/{new}");
                            }
                        }
                    }
                } else {
                    rename_refs(child, renames);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rename_refs(item, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn events_join_the_slice_sharing_equal_components_and_renaming_different_ones() {
        let mut slice = yaml(
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    Error: {type: string}\n    Session: {type: integer}\n",
        );
        let webhooks = yaml(
            "x-webhooks:\n  session.created:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Event'}\n\
             components:\n  schemas:\n    Unused: {type: string}\n    Error: {type: string}\n    Session: {type: object}\n    Event: {properties: {data: {$ref: '#/components/schemas/Session'}, error: {$ref: '#/components/schemas/Error'}}}\n",
        );
        merge(&mut slice, &webhooks).unwrap();
        let schemas = slice["components"]["schemas"].as_mapping().unwrap();
        let names: Vec<&str> = schemas.keys().filter_map(Value::as_str).collect();
        assert_eq!(names, ["Error", "Session", "WebhookSession", "Event"]);
        assert_eq!(
            schemas["Event"]["properties"]["data"]["$ref"],
            "#/components/schemas/WebhookSession"
        );
        assert_eq!(
            schemas["Event"]["properties"]["error"]["$ref"],
            "#/components/schemas/Error"
        );
        assert!(slice["x-webhooks"]["session.created"]["post"].is_mapping());
    }
}
