//! OpenAPI Overlays 1.0.0: the maintainer's own edits of an upstream
//! document, kept apart from it so that they survive every refresh.
//!
//! An overlay is `overlay: 1.0.0`, `info` and `actions`; each action has a
//! `target` (an RFC 9535 JSONPath, evaluated by serde_json_path) and either
//! `update` (merged into every node the target selects: objects key by key,
//! recursively; arrays get the value appended) or `remove: true`. Actions
//! apply in order, each to the result of the ones before. A target that
//! selects nothing is a warning naming the overlay file and the action, since
//! the upstream document changed under it; `--strict` makes it an error.

use std::error::Error;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_json_path::JsonPath;

/// One overlay file, checked.
#[derive(Debug)]
pub struct Overlay {
    /// Where it was read from, for messages.
    pub file: PathBuf,
    actions: Vec<Action>,
}

#[derive(Debug)]
struct Action {
    /// Its JSON pointer in the overlay file, e.g. `#/actions/2`.
    pointer: String,
    target: String,
    path: JsonPath,
    change: Change,
}

#[derive(Debug)]
enum Change {
    Update(Value),
    Remove,
}

/// Something an overlay could not do, located in the overlay file.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// The overlay file.
    pub file: PathBuf,
    /// JSON pointer of the action, e.g. `#/actions/2/target`.
    pub pointer: String,
    /// What happened.
    pub reason: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.file.display(),
            self.pointer,
            self.reason
        )
    }
}

impl Overlay {
    /// Reads and checks the overlay file at `file` (YAML or JSON).
    pub fn read(file: &Path) -> Result<Self, Box<dyn Error>> {
        let text = fs::read_to_string(file)
            .map_err(|err| format!("{}: cannot read: {err}", file.display()))?;
        Self::parse(&text, file)
    }

    /// Checks the overlay in `text`; `file` names it in messages.
    pub fn parse(text: &str, file: &Path) -> Result<Self, Box<dyn Error>> {
        let fail =
            |pointer: &str, reason: String| format!("{}: {pointer}: {reason}", file.display());
        let root: Value = serde_yaml::from_str(text)
            .map_err(|err| fail("#", format!("not YAML or JSON: {err}")))?;
        match root.get("overlay").and_then(Value::as_str) {
            Some(version) if version.starts_with("1.") => {}
            Some(version) => {
                return Err(fail(
                    "#/overlay",
                    format!("version {version} is not supported (1.x is)"),
                )
                .into())
            }
            None => {
                return Err(fail(
                    "#/overlay",
                    "not an overlay: `overlay: 1.0.0` is missing".into(),
                )
                .into())
            }
        }
        let actions = root
            .get("actions")
            .and_then(Value::as_array)
            .ok_or_else(|| fail("#/actions", "an overlay needs a list of actions".into()))?;
        let mut checked = Vec::new();
        for (index, action) in actions.iter().enumerate() {
            let pointer = format!("#/actions/{index}");
            let target = action
                .get("target")
                .and_then(Value::as_str)
                .ok_or_else(|| fail(&pointer, "an action needs a `target`".into()))?;
            let path = JsonPath::parse(target).map_err(|err| {
                fail(
                    &format!("{pointer}/target"),
                    format!("`{target}` is not a JSONPath: {err}"),
                )
            })?;
            let remove = action
                .get("remove")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let change = match (remove, action.get("update")) {
                (true, _) => Change::Remove,
                (false, Some(update)) => Change::Update(update.clone()),
                (false, None) => {
                    return Err(fail(
                        &pointer,
                        "an action needs `update` or `remove: true`".into(),
                    )
                    .into())
                }
            };
            checked.push(Action {
                pointer,
                target: target.to_owned(),
                path,
                change,
            });
        }
        Ok(Overlay {
            file: file.to_owned(),
            actions: checked,
        })
    }

    /// Applies every action, in order, to `document`.
    pub fn apply(&self, document: &mut Value) -> Vec<Warning> {
        let mut warnings = Vec::new();
        for action in &self.actions {
            let warn = |reason: String| Warning {
                file: self.file.clone(),
                pointer: format!("{}/target", action.pointer),
                reason,
            };
            let located: Vec<String> = action
                .path
                .query_located(document)
                .locations()
                .map(|location| location.to_json_pointer())
                .collect();
            if located.is_empty() {
                warnings.push(warn(format!(
                    "`{}` matches nothing: the document changed under this action",
                    action.target
                )));
                continue;
            }
            match &action.change {
                // Last first, so that removing an array item does not move
                // the ones still to be removed.
                Change::Remove => {
                    for pointer in located.iter().rev() {
                        if !remove(document, pointer) {
                            warnings.push(warn(format!(
                                "`{}` selects the root, which cannot be removed",
                                action.target
                            )));
                        }
                    }
                }
                Change::Update(update) => {
                    for pointer in &located {
                        let Some(node) = document.pointer_mut(pointer) else {
                            continue;
                        };
                        if !merge(node, update) {
                            warnings.push(warn(format!(
                                "`{}` selects `{pointer}`, a value that is neither an object nor an array, which `update` cannot merge into",
                                action.target
                            )));
                        }
                    }
                }
            }
        }
        warnings
    }
}

/// Reads the overlays at `files`, in order.
pub fn read_all(files: &[PathBuf]) -> Result<Vec<Overlay>, Box<dyn Error>> {
    files.iter().map(|file| Overlay::read(file)).collect()
}

/// Applies `overlays` in order to the document in `source` and returns it as
/// JSON text (which every later stage reads as YAML too). With no overlay,
/// `source` comes back as it was.
pub fn apply_all(
    source: &str,
    file: &Path,
    overlays: &[Overlay],
    strict: bool,
) -> Result<String, Box<dyn Error>> {
    if overlays.is_empty() {
        return Ok(source.to_owned());
    }
    let mut document: Value = serde_yaml::from_str(source)
        .map_err(|err| format!("{}: not YAML or JSON: {err}", file.display()))?;
    let mut warnings = Vec::new();
    for overlay in overlays {
        warnings.extend(overlay.apply(&mut document));
    }
    for warning in &warnings {
        eprintln!("{}: {warning}", if strict { "error" } else { "warning" });
    }
    if strict && !warnings.is_empty() {
        return Err(format!(
            "{} overlay action(s) did not apply (--strict)",
            warnings.len()
        )
        .into());
    }
    Ok(serde_json::to_string_pretty(&document)?)
}

/// Removes the node at `pointer`; false for the root.
fn remove(document: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(index) if index < items.len() => {
                items.remove(index);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Merges `update` into `node`: an object's keys recursively, an array gets
/// the value (or each item of an array value) appended. False when `node`
/// is neither.
fn merge(node: &mut Value, update: &Value) -> bool {
    match (node, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value);
                    }
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
            true
        }
        (Value::Array(items), Value::Array(more)) => {
            items.extend(more.iter().cloned());
            true
        }
        (Value::Array(items), value) => {
            items.push(value.clone());
            true
        }
        // An object cannot take a scalar, nor a scalar anything: the
        // specification leaves it undefined, so the document stays as it is.
        _ => false,
    }
}

#[cfg(test)]
mod tests;
