//! What a call sends: its parameters (method arguments and `Request`
//! setters) and its request body.

use super::rules::{self};
use super::text::{self, Docs};
use super::{constraints, replaced, Cx};
use crate::emit::rust_type;
use crate::ir::{Operation, ParamLocation, Parameter, Presence, RequestBody};

/// Where a parameter is set: a method argument, or a setter on the request.
pub(super) fn param_item(method: &str, p: &Parameter) -> String {
    if p.required {
        format!("{method}({})", p.rust_name)
    } else {
        format!("{method}(..).{}()", p.rust_name)
    }
}

/// The path template with each `{variable}` as `{}`: the URL a call sends,
/// whatever its variables are called.
pub(super) fn path_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut in_variable = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_variable = true;
                shape.push('{');
            }
            '}' => {
                in_variable = false;
                shape.push('}');
            }
            _ if in_variable => {}
            _ => shape.push(c),
        }
    }
    shape
}

/// The variables of a path template, in order.
fn path_variables(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Old path parameters whose variable was renamed in a template of the
/// same shape, with the new parameter's wire name. A pair counts only when
/// the argument keeps its position among the method's arguments: then a
/// call sends the same URL as before, and only a name changed.
fn renamed_variables<'a>(old: &'a Operation, new: &'a Operation) -> Vec<(&'a str, &'a str)> {
    if path_shape(&old.path) != path_shape(&new.path) {
        return Vec::new();
    }
    let position = |op: &Operation, wire: &str| {
        op.parameters
            .iter()
            .filter(|p| p.required)
            .position(|p| p.location == ParamLocation::Path && p.wire_name == wire)
    };
    path_variables(&old.path)
        .into_iter()
        .zip(path_variables(&new.path))
        .filter(|(a, b)| a != b)
        .filter(|(a, b)| {
            position(old, a).is_some_and(|at| position(new, b) == Some(at))
                // A variable that only moved to another place of the
                // template is not a rename.
                && !path_variables(&new.path).contains(a)
        })
        .collect()
}

pub(super) fn params(
    cx: &mut Cx<'_>,
    (old_op, new_op): (&Operation, &Operation),
    method: &str,
    op_pointer: &str,
    ops: &[String],
) {
    let (old, new) = (&old_op.parameters, &new_op.parameters);
    let pointer = format!("{op_pointer}/parameters");
    let renamed = renamed_variables(old_op, new_op);
    // The wire name an old parameter has in the new document.
    let now_called = |p: &Parameter| -> String {
        renamed
            .iter()
            .find(|(from, _)| p.location == ParamLocation::Path && *from == p.wire_name)
            .map_or_else(|| p.wire_name.clone(), |(_, to)| (*to).to_owned())
    };
    let same =
        |a: &Parameter, b: &Parameter| now_called(a) == b.wire_name && a.location == b.location;
    for p in old {
        // A parameter that moved (query to header, say) is the same input.
        let now = new.iter().find(|n| same(p, n)).or_else(|| {
            new.iter()
                .find(|n| n.wire_name == now_called(p) && !old.iter().any(|o| same(o, n)))
        });
        match now {
            None => {
                let siblings: Vec<(String, String)> = new
                    .iter()
                    .map(|n| (n.wire_name.clone(), param_item(method, n)))
                    .collect();
                let texts = [p.deprecation_note.as_deref(), p.description.as_deref()];
                let instead = replaced::find(cx, &texts, &siblings, &[p.wire_name.as_str()]);
                cx.push(
                    &rules::PARAMETER_REMOVED,
                    param_item(method, p),
                    &pointer,
                    ops.to_vec(),
                    format!(
                        "the `{}` parameter is gone, with its {}{}.",
                        p.wire_name,
                        if p.required {
                            "argument"
                        } else {
                            "`Request` setter"
                        },
                        replaced::clause(instead.as_ref())
                    ),
                )
            }
            Some(now) => param(cx, p, now, method, &pointer, ops),
        }
    }
    for p in new
        .iter()
        .filter(|n| !old.iter().any(|o| now_called(o) == n.wire_name))
    {
        let (rule, what) = if p.required {
            (&rules::PARAMETER_ADDED_REQUIRED, "a new required argument")
        } else {
            (
                &rules::PARAMETER_ADDED_OPTIONAL,
                "a new optional `Request` setter",
            )
        };
        cx.push(
            rule,
            param_item(method, p),
            &pointer,
            ops.to_vec(),
            format!(
                "{what}, the {} parameter `{}` of type `{}`.",
                location(p.location),
                p.wire_name,
                param_type(p)
            ),
        );
        cx.detail(if p.required {
            format!("`{}: {}`", p.rust_name, param_type(p))
        } else {
            format!("`{}({})`", p.rust_name, param_type(p))
        });
    }
}

fn param_type(p: &Parameter) -> String {
    rust_type(&p.ty, Presence::Required, false)
}

fn param(
    cx: &mut Cx<'_>,
    old: &Parameter,
    new: &Parameter,
    method: &str,
    pointer: &str,
    ops: &[String],
) {
    let Parameter {
        wire_name,
        rust_name,
        location,
        style,
        explode,
        required,
        ty,
        constraints,
        description,
        deprecated,
        deprecation_note,
        example,
    } = old;
    let rust = param_item(method, new);
    let push = |cx: &mut Cx<'_>, rule, message: String| {
        cx.push(rule, &rust, pointer, ops.to_vec(), message)
    };
    if *wire_name != new.wire_name {
        // Only a path variable is matched under another name: the URL is
        // the same and the argument positional, so only a new argument
        // name is worth a line (it shows in docs and rust-analyzer).
        if *rust_name != new.rust_name {
            push(
                cx,
                &rules::PATH_VARIABLE_RENAMED,
                format!(
                    "the path variable is now `{{{}}}` (was `{{{wire_name}}}`): the URL sent is the same, and the argument, now named `{}` (was `{rust_name}`), is passed by position.",
                    new.wire_name, new.rust_name
                ),
            );
        }
    } else if *rust_name != new.rust_name {
        if *required && new.required {
            push(
                cx,
                &rules::ARGUMENT_RENAMED,
                format!("the argument was `{rust_name}`; callers pass it by position."),
            );
        } else {
            push(cx, &rules::PARAMETER_RENAMED, format!("was `{rust_name}`."));
        }
    }
    match (required, new.required) {
        (false, true) => push(
            cx,
            &rules::PARAMETER_REQUIRED,
            "now required: a method argument instead of a `Request` setter.".into(),
        ),
        (true, false) => push(
            cx,
            &rules::PARAMETER_OPTIONAL,
            "now optional: a `Request` setter instead of a method argument.".into(),
        ),
        _ => {}
    }
    if *ty != new.ty {
        push(
            cx,
            &rules::PARAMETER_TYPE_CHANGED,
            format!(
                "type is now `{}` (was `{}`).",
                param_type(new),
                param_type(old)
            ),
        );
    }
    if (*location, *style, *explode) != (new.location, new.style, new.explode) {
        push(
            cx,
            &rules::PARAMETER_SERIALIZATION_CHANGED,
            format!(
                "now sent in the {} with style {:?}{} (was the {}, style {:?}{}).",
                self::location(new.location),
                new.style,
                if new.explode { ", exploded" } else { "" },
                self::location(*location),
                style,
                if *explode { ", exploded" } else { "" }
            ),
        );
    }
    constraints::push(
        cx,
        constraints,
        &new.constraints,
        true,
        (&rust, pointer, ops.to_vec()),
    );
    let newly_deprecated = !deprecated && new.deprecated;
    let mut docs = Docs::default();
    docs.text(
        "description",
        description.as_deref(),
        new.description.as_deref(),
    );
    docs.flag(*example != new.example, "the example changed");
    docs.deprecation(
        (*deprecated, deprecation_note.as_deref()),
        (new.deprecated, new.deprecation_note.as_deref()),
    );
    if let Some(message) = docs.message() {
        push(cx, &rules::PARAMETER_DOCS_CHANGED, message);
    }
    if newly_deprecated {
        push(
            cx,
            &rules::PARAMETER_DEPRECATED,
            text::deprecated(new.deprecation_note.as_deref(), new.description.as_deref()),
        );
    }
}

pub(super) fn request_body(
    cx: &mut Cx<'_>,
    bodies: (Option<&RequestBody>, Option<&RequestBody>),
    method: &str,
    op_pointer: &str,
    ops: &[String],
) {
    let pointer = format!("{op_pointer}/requestBody");
    let item = |b: &RequestBody| {
        if b.required {
            format!("{method}(body)")
        } else {
            format!("{method}(..).body()")
        }
    };
    let body_type = |b: &RequestBody| rust_type(&b.ty, Presence::Required, false);
    match bodies {
        (None, None) => {}
        (Some(old), None) => cx.push(
            &rules::BODY_REMOVED,
            item(old),
            pointer,
            ops.to_vec(),
            "the request body is gone.",
        ),
        (None, Some(new)) => {
            let rule = if new.required {
                &rules::BODY_ADDED_REQUIRED
            } else {
                &rules::BODY_ADDED_OPTIONAL
            };
            cx.push(
                rule,
                item(new),
                pointer,
                ops.to_vec(),
                format!("a new request body of type `{}`.", body_type(new)),
            );
        }
        (Some(old), Some(new)) => {
            let RequestBody {
                content_type,
                encoding,
                ty,
                constraints,
                required,
                description,
            } = old;
            let rust = item(new);
            let at = (rust.as_str(), pointer.as_str(), ops.to_vec());
            super::constraints::push(cx, constraints, &new.constraints, true, at);
            if *required != new.required {
                let how = if new.required {
                    "now required: a method argument"
                } else {
                    "now optional: a `body` setter"
                };
                cx.push(
                    &rules::BODY_REQUIRED_CHANGED,
                    &rust,
                    &pointer,
                    ops.to_vec(),
                    format!("{how}."),
                );
            }
            if *ty != new.ty {
                cx.push(
                    &rules::BODY_TYPE_CHANGED,
                    &rust,
                    &pointer,
                    ops.to_vec(),
                    format!(
                        "type is now `{}` (was `{}`).",
                        body_type(new),
                        body_type(old)
                    ),
                );
            }
            if *content_type != new.content_type || *encoding != new.encoding {
                cx.push(
                    &rules::BODY_MEDIA_TYPE_CHANGED,
                    &rust,
                    &pointer,
                    ops.to_vec(),
                    format!("now sent as `{}` (was `{content_type}`).", new.content_type),
                );
            }
            let mut docs = Docs::default();
            docs.text(
                "description",
                description.as_deref(),
                new.description.as_deref(),
            );
            if let Some(message) = docs.message() {
                cx.push(
                    &rules::BODY_DOCS_CHANGED,
                    &rust,
                    &pointer,
                    ops.to_vec(),
                    message,
                );
            }
        }
    }
}

fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_shape_ignores_variable_names() {
        assert_eq!(
            path_shape("/m2m_tokens/{m2m_token_id}/revoke"),
            "/m2m_tokens/{}/revoke"
        );
        assert_eq!(
            path_shape("/m2m_tokens/{m2m_token_id}/revoke"),
            path_shape("/m2m_tokens/{token_id}/revoke")
        );
        assert_ne!(path_shape("/a/{x}"), path_shape("/b/{x}"));
        assert_eq!(path_variables("/a/{x}/b/{y}"), ["x", "y"]);
    }
}
