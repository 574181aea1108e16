//! Operation groups and operations: methods, parameters, request bodies,
//! and (through [`super::responses`]) what a call returns.

use super::rules::{self};
use super::{api, code, constraints, responses, Cx};
use crate::emit::rust_type;
use crate::ir::{Operation, OperationGroup, ParamLocation, Parameter, Presence, RequestBody};

/// An operation with the group it belongs to.
#[derive(Clone, Copy)]
pub(super) struct Located<'a> {
    pub group: &'a OperationGroup,
    pub op: &'a Operation,
}

impl Located<'_> {
    /// The method as a user calls it, e.g. `Shop::widgets().create`.
    pub fn method(&self, client: &str) -> String {
        format!("{client}::{}().{}", self.group.module, self.op.method_name)
    }
}

pub(super) fn compare(cx: &mut Cx<'_>) {
    groups(cx);
    let (old, new) = (cx.old, cx.new);
    let before = located(&old.groups);
    let after = located(&new.groups);
    let mut matched_new = vec![false; after.len()];
    let mut unmatched_old = Vec::new();
    for old_op in &before {
        // The same operationId, or else the same endpoint under a new id.
        let index = after
            .iter()
            .position(|n| n.op.id == old_op.op.id)
            .filter(|&i| !matched_new[i])
            .or_else(|| {
                after.iter().enumerate().position(|(i, n)| {
                    !matched_new[i]
                        && !before.iter().any(|b| b.op.id == n.op.id)
                        && n.op.http_method == old_op.op.http_method
                        && n.op.path == old_op.op.path
                })
            });
        match index {
            Some(i) => {
                matched_new[i] = true;
                operation(cx, *old_op, after[i]);
            }
            None => unmatched_old.push(*old_op),
        }
    }
    let client = cx.client.to_owned();
    for gone in unmatched_old {
        let mut setters: Vec<String> = gone
            .op
            .parameters
            .iter()
            .filter(|p| !p.required)
            .map(|p| format!("`{}`", p.rust_name))
            .collect();
        if gone.op.body.as_ref().is_some_and(|b| !b.required) {
            setters.push("`body`".to_owned());
        }
        let setters = if setters.is_empty() {
            String::new()
        } else {
            format!(" and its `Request` setters {}", setters.join(", "))
        };
        cx.push(
            &rules::OPERATION_REMOVED,
            gone.method(&client),
            gone.op.pointer.clone(),
            vec![gone.op.id.clone()],
            format!(
                "removed, with its operation type `{}`{setters}: `{} {}` is no longer in the API.",
                gone.op.type_name,
                gone.op.http_method.as_str(),
                gone.op.path
            ),
        );
    }
    for (added, _) in after.iter().zip(matched_new).filter(|(_, m)| !m) {
        cx.push(
            &rules::OPERATION_ADDED,
            added.method(&client),
            added.op.pointer.clone(),
            vec![added.op.id.clone()],
            format!(
                "new: `{} {}`.",
                added.op.http_method.as_str(),
                added.op.path
            ),
        );
    }
}

/// Every operation of `groups`, in order.
fn located(groups: &[OperationGroup]) -> Vec<Located<'_>> {
    groups
        .iter()
        .flat_map(|group| group.operations.iter().map(move |op| Located { group, op }))
        .collect()
}

fn groups(cx: &mut Cx<'_>) {
    let (old, new) = (cx.old, cx.new);
    let client = cx.client.to_owned();
    let ids = |g: &OperationGroup| {
        g.operations
            .iter()
            .map(|o| o.id.clone())
            .collect::<Vec<_>>()
    };
    let mut renamed_to = Vec::new();
    for group in &old.groups {
        let OperationGroup {
            name,
            module,
            type_name,
            description,
            operations: _,
        } = group;
        let rust = format!("{client}::{module}()");
        let pointer = crate::diagnostics::child("#/tags", name);
        // A group whose every operation moved to one new group was renamed.
        let now = new.groups.iter().find(|g| g.name == *name).or_else(|| {
            new.groups.iter().find(|g| {
                !old.groups.iter().any(|o| o.name == g.name)
                    && !g.operations.is_empty()
                    && ids(g) == ids(group)
            })
        });
        let Some(now) = now else {
            cx.push(
                &rules::GROUP_REMOVED,
                rust,
                pointer,
                ids(group),
                format!("the `{name}` group is gone, with its type `{type_name}`."),
            );
            continue;
        };
        if now.name != *name {
            renamed_to.push(now.name.as_str());
        }
        if now.module != *module || now.type_name != *type_name {
            cx.push(
                &rules::GROUP_RENAMED,
                rust,
                pointer,
                ids(now),
                format!(
                    "now `{client}::{}()` returning `{}` (was `{type_name}`).",
                    now.module, now.type_name
                ),
            );
        } else if now.description != *description || now.name != *name {
            cx.push(
                &rules::GROUP_DOCS_CHANGED,
                rust,
                pointer,
                vec![],
                "the group's name or description changed.",
            );
        }
    }
    for group in new
        .groups
        .iter()
        .filter(|g| !old.groups.iter().any(|o| o.name == g.name))
    {
        if renamed_to.contains(&group.name.as_str()) {
            continue;
        }
        cx.push(
            &rules::GROUP_ADDED,
            format!("{client}::{}()", group.module),
            crate::diagnostics::child("#/tags", &group.name),
            ids(group),
            format!("a new group of {} operation(s).", group.operations.len()),
        );
    }
}

fn operation(cx: &mut Cx<'_>, old: Located<'_>, new: Located<'_>) {
    let client = cx.client.to_owned();
    let Operation {
        id,
        method_name,
        type_name,
        pointer: _,
        http_method,
        path,
        summary,
        description,
        deprecated,
        deprecation_note,
        parameters,
        body,
        responses: _,
        security,
        retries,
    } = old.op;
    let op = new.op;
    let rust = old.method(&client);
    let pointer = op.pointer.clone();
    let ops = vec![op.id.clone()];
    if old.group.module != new.group.module
        || *method_name != op.method_name
        || *type_name != op.type_name
    {
        let mut now = Vec::new();
        if old.method(&client) != new.method(&client) {
            now.push(format!("`{}`", new.method(&client)));
        }
        if *type_name != op.type_name || old.group.module != new.group.module {
            now.push(format!(
                "operation type `apis::{}::{}` (was `apis::{}::{type_name}`)",
                new.group.module, op.type_name, old.group.module
            ));
        }
        cx.push(
            &rules::OPERATION_RENAMED,
            &rust,
            &pointer,
            ops.clone(),
            format!("now {}.", now.join(", with ")),
        );
    } else if *id != op.id {
        cx.push(
            &rules::OPERATION_ID_CHANGED,
            &rust,
            &pointer,
            ops.clone(),
            format!("operationId is now {} (was {}).", code(&op.id), code(id)),
        );
    }
    let rust = new.method(&client);
    if *http_method != op.http_method || *path != op.path {
        cx.push(
            &rules::OPERATION_ENDPOINT_CHANGED,
            &rust,
            &pointer,
            ops.clone(),
            format!(
                "now sends `{} {}` (was `{} {path}`).",
                op.http_method.as_str(),
                op.path,
                http_method.as_str()
            ),
        );
    }
    if *summary != op.summary
        || *description != op.description
        || *deprecation_note != op.deprecation_note
    {
        cx.push(
            &rules::OPERATION_DOCS_CHANGED,
            &rust,
            &pointer,
            ops.clone(),
            "the summary, description or deprecation note changed.",
        );
    }
    match (deprecated, op.deprecated) {
        (false, true) => cx.push(
            &rules::OPERATION_DEPRECATED,
            &rust,
            &pointer,
            ops.clone(),
            "newly deprecated by the API.",
        ),
        (true, false) => cx.push(
            &rules::OPERATION_UNDEPRECATED,
            &rust,
            &pointer,
            ops.clone(),
            "no longer deprecated.",
        ),
        _ => {}
    }
    params(cx, (parameters, &op.parameters), &rust, &pointer, &ops);
    request_body(cx, (body.as_ref(), op.body.as_ref()), &rust, &pointer, &ops);
    responses::compare(cx, old.op, op, &rust, &ops);
    // An operation that inherits the root `security` was reported there.
    let inherits = *security == cx.old.security && op.security == cx.new.security;
    if !inherits {
        api::requirements(
            cx,
            security,
            &op.security,
            (&rust, &format!("{pointer}/security"), ops.clone()),
        );
    }
    if retries.is_some() || op.retries.is_some() {
        let before = retries.as_ref().or(cx.old.retries.as_ref());
        let after = op.retries.as_ref().or(cx.new.retries.as_ref());
        api::retry(
            cx,
            before,
            after,
            (&rust, &format!("{pointer}/x-speakeasy-retries"), ops),
        );
    }
}

/// Where a parameter is set: a method argument, or a setter on the request.
fn param_item(method: &str, p: &Parameter) -> String {
    if p.required {
        format!("{method}({})", p.rust_name)
    } else {
        format!("{method}(..).{}()", p.rust_name)
    }
}

fn params(
    cx: &mut Cx<'_>,
    (old, new): (&[Parameter], &[Parameter]),
    method: &str,
    op_pointer: &str,
    ops: &[String],
) {
    let pointer = format!("{op_pointer}/parameters");
    let same =
        |a: &Parameter, b: &Parameter| a.wire_name == b.wire_name && a.location == b.location;
    for p in old {
        // A parameter that moved (query to header, say) is the same input.
        let now = new.iter().find(|n| same(p, n)).or_else(|| {
            new.iter()
                .find(|n| n.wire_name == p.wire_name && !old.iter().any(|o| same(o, n)))
        });
        match now {
            None => cx.push(
                &rules::PARAMETER_REMOVED,
                param_item(method, p),
                &pointer,
                ops.to_vec(),
                format!(
                    "the `{}` parameter is gone, with its {}.",
                    p.wire_name,
                    if p.required {
                        "argument"
                    } else {
                        "`Request` setter"
                    }
                ),
            ),
            Some(now) => param(cx, p, now, method, &pointer, ops),
        }
    }
    for p in new
        .iter()
        .filter(|n| !old.iter().any(|o| o.wire_name == n.wire_name))
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
        wire_name: _,
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
    if *rust_name != new.rust_name {
        push(cx, &rules::PARAMETER_RENAMED, format!("was `{rust_name}`."));
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
    if *description != new.description
        || *example != new.example
        || *deprecation_note != new.deprecation_note
        || *deprecated && !new.deprecated
    {
        push(
            cx,
            &rules::PARAMETER_DOCS_CHANGED,
            "the description, example or deprecation changed.".into(),
        );
    }
    if !deprecated && new.deprecated {
        push(
            cx,
            &rules::PARAMETER_DEPRECATED,
            "newly deprecated by the API.".into(),
        );
    }
}

fn request_body(
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
            if *description != new.description {
                cx.push(
                    &rules::BODY_DOCS_CHANGED,
                    &rust,
                    &pointer,
                    ops.to_vec(),
                    "the description changed.",
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
