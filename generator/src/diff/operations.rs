//! Operation groups and operations: methods, parameters, request bodies,
//! and (through [`super::responses`]) what a call returns.

use super::inputs::{self, path_shape};
use super::rules::{self};
use super::text::{self, Docs};
use super::{api, code, replaced, responses, Cx};
use crate::ir::{Operation, OperationGroup};

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
                        && path_shape(&n.op.path) == path_shape(&old_op.op.path)
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
        let texts = [
            gone.op.deprecation_note.as_deref(),
            gone.op.summary.as_deref(),
            gone.op.description.as_deref(),
        ];
        let instead = replaced::find(cx, &texts, &[], &[gone.op.id.as_str()]);
        cx.push(
            &rules::OPERATION_REMOVED,
            gone.method(&client),
            gone.op.pointer.clone(),
            vec![gone.op.id.clone()],
            format!(
                "removed, with its operation type `{}`{setters}: `{} {}` is no longer in the API{}.",
                gone.op.type_name,
                gone.op.http_method.as_str(),
                gone.op.path,
                replaced::clause(instead.as_ref())
            ),
        );
        if let Some(instead) = &instead {
            // A group's line names its gone methods with what replaces them.
            cx.detail(format!(
                "`{}` ({})",
                gone.op.method_name,
                replaced::aside(instead)
            ));
        }
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
pub(super) fn located(groups: &[OperationGroup]) -> Vec<Located<'_>> {
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
        } else {
            let mut docs = Docs::default();
            docs.text("name", Some(name), Some(&now.name));
            docs.text(
                "description",
                description.as_deref(),
                now.description.as_deref(),
            );
            if let Some(message) = docs.message() {
                cx.push(&rules::GROUP_DOCS_CHANGED, rust, pointer, vec![], message);
            }
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
        // Compared with the paths, which rename path parameters.
        parameters: _,
        body,
        responses: _,
        security,
        retries,
        pagination,
        // Compared by the stream rules (`diff/streams.rs`).
        stream: _,
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
    // A renamed path variable sends the same URL: its parameter says so.
    if *http_method != op.http_method || path_shape(path) != path_shape(&op.path) {
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
    let newly_deprecated = !deprecated && op.deprecated;
    let mut docs = Docs::default();
    docs.text("summary", summary.as_deref(), op.summary.as_deref());
    docs.text(
        "description",
        description.as_deref(),
        op.description.as_deref(),
    );
    if !newly_deprecated {
        // A new deprecation's entry quotes its note.
        docs.text(
            "deprecation note",
            deprecation_note.as_deref(),
            op.deprecation_note.as_deref(),
        );
    }
    if let Some(message) = docs.message() {
        cx.push(
            &rules::OPERATION_DOCS_CHANGED,
            &rust,
            &pointer,
            ops.clone(),
            message,
        );
    }
    match (deprecated, op.deprecated) {
        (false, true) => cx.push(
            &rules::OPERATION_DEPRECATED,
            &rust,
            &pointer,
            ops.clone(),
            text::deprecated(op.deprecation_note.as_deref(), op.description.as_deref()),
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
    inputs::params(cx, (old.op, op), &rust, &pointer, &ops);
    inputs::request_body(cx, (body.as_ref(), op.body.as_ref()), &rust, &pointer, &ops);
    responses::compare(cx, old.op, op, &rust, &ops);
    super::streams::compare(cx, old.op, op, &rust, &ops);
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
    super::pagination::compare(
        cx,
        pagination.as_ref(),
        op.pagination.as_ref(),
        (&rust, &pointer, ops.clone()),
    );
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
