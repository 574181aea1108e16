//! The normalised value into `openapiv3` types.

use openapiv3::{OpenAPI, PathItem, Paths, ReferenceOr};
use serde::Deserialize;
use serde_json::{Map, Value};

/// `OpenAPI::deserialize(value)`, as a success or not: on success the same
/// document, assembled with less copying.
///
/// `openapiv3` reads `paths` through two flattened maps, so serde first
/// copies the whole of it (most of a spec) into a buffer, then each path
/// item out of that buffer again, before reading it. Here `paths` is taken
/// out and read as those maps would read it: keys starting with `/` as
/// path items, `x-` keys as extensions, others ignored. The rest of the
/// document reads as before. A failure anywhere is only reported as such;
/// the caller explains it with the plain parse.
pub(super) fn typed(mut value: Value) -> Option<OpenAPI> {
    let paths = match value.as_object_mut().and_then(|root| root.get_mut("paths")) {
        Some(paths @ Value::Object(_)) => Some(std::mem::replace(paths, Value::Object(Map::new()))),
        _ => None,
    };
    let mut openapi = OpenAPI::deserialize(value).ok()?;
    if let Some(Value::Object(paths)) = paths {
        openapi.paths = paths_of(paths)?;
    }
    Some(openapi)
}

fn paths_of(map: Map<String, Value>) -> Option<Paths> {
    let mut paths = Paths::default();
    for (key, value) in map {
        if key.starts_with('/') {
            let item = ReferenceOr::<PathItem>::deserialize(value).ok()?;
            paths.paths.insert(key, item);
        } else if key.starts_with("x-") {
            paths.extensions.insert(key, value);
        }
    }
    Some(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain(value: &Value) -> Option<OpenAPI> {
        OpenAPI::deserialize(value.clone()).ok()
    }

    #[test]
    fn reads_as_openapiv3_does() {
        let mut read = 0;
        let op = json!({"responses": {"200": {"description": "ok"}}, "x-op": 1});
        for paths in [
            json!({"/a": {"get": op, "x-item": [1]}, "x-ext": {"b": null}, "other": 3, "/b": {"$ref": "#/x"}}),
            json!({}),
            json!(null),
            json!([]),
            json!({"/a": {"get": 7}}),
            json!({"/a": 7}),
        ] {
            let document = json!({"openapi": "3.0.3", "x-root": true, "info": {"title": "t", "version": "1"}, "paths": paths});
            let ours = typed(document.clone());
            assert_eq!(ours, plain(&document), "{paths}");
            read += usize::from(ours.is_some());
        }
        // The mapping and the empty one read; the others fail either way.
        assert_eq!(read, 2);
        let without_paths = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}});
        assert_eq!(typed(without_paths.clone()), None);
        assert_eq!(plain(&without_paths), None);
    }
}
