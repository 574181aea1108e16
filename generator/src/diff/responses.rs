//! What a call returns: its success type, which statuses succeed, and which
//! error statuses decode into a typed `ErrorBody`.

use super::rules::{self};
use super::text::Docs;
use super::Cx;
use crate::emit::{output_type, rust_type};
use crate::ir::{Operation, Presence, Response, StatusMatch};

pub(super) fn compare(
    cx: &mut Cx<'_>,
    old: &Operation,
    new: &Operation,
    method: &str,
    ops: &[String],
) {
    let pointer = format!("{}/responses", new.pointer);
    let (before, after) = (output_type(cx.old, old), output_type(cx.new, new));
    if before != after {
        cx.push(
            &rules::OUTPUT_TYPE_CHANGED,
            method,
            &pointer,
            ops.to_vec(),
            format!("a successful call now returns `{after}` (was `{before}`)."),
        );
    }
    for response in &old.responses {
        let Response {
            status,
            description,
            body,
        } = response;
        let at = crate::diagnostics::child(&pointer, &status_key(*status));
        let success = is_success(*status);
        let Some(now) = new.responses.iter().find(|r| r.status == *status) else {
            let (rule, message) = if success {
                (
                    &rules::SUCCESS_STATUS_REMOVED,
                    format!(
                        "status {} is no longer a success: it is now an error.",
                        status_key(*status)
                    ),
                )
            } else {
                (
                    &rules::ERROR_RESPONSE_REMOVED,
                    format!(
                        "status {} is no longer documented: it is now `Error::UnexpectedStatus`.",
                        status_key(*status)
                    ),
                )
            };
            cx.push(rule, method, at, ops.to_vec(), message);
            cx.detail(status_key(*status));
            continue;
        };
        let body_type = |r: &Response| {
            r.body
                .as_ref()
                .map(|b| rust_type(&b.ty, Presence::Required, false))
        };
        if !success && body_type(response) != body_type(now) {
            cx.push(
                &rules::ERROR_RESPONSE_TYPE_CHANGED,
                method,
                &at,
                ops.to_vec(),
                format!(
                    "status {} now decodes into {} (was {}).",
                    status_key(*status),
                    super::shown(body_type(now)),
                    super::shown(body_type(response))
                ),
            );
        }
        let media = |r: &Response| {
            r.body
                .as_ref()
                .map(|b| (b.content_type.clone(), b.encoding))
        };
        if let (Some(was), Some(is)) = (media(response).filter(|_| body.is_some()), media(now)) {
            if was != is {
                cx.push(
                    &rules::RESPONSE_MEDIA_TYPE_CHANGED,
                    method,
                    &at,
                    ops.to_vec(),
                    format!(
                        "status {} is now read as `{}` (was `{}`).",
                        status_key(*status),
                        is.0,
                        was.0
                    ),
                );
            }
        }
        let mut docs = Docs::default();
        docs.text(
            &format!("status {}'s description", status_key(*status)),
            Some(description),
            Some(&now.description),
        );
        if let Some(message) = docs.message() {
            cx.push(
                &rules::RESPONSE_DOCS_CHANGED,
                method,
                &at,
                ops.to_vec(),
                message,
            );
        }
    }
    for response in new
        .responses
        .iter()
        .filter(|r| !old.responses.iter().any(|o| o.status == r.status))
    {
        let at = crate::diagnostics::child(&pointer, &status_key(response.status));
        let (rule, message) = if is_success(response.status) {
            (
                &rules::SUCCESS_STATUS_ADDED,
                format!(
                    "status {} is now a success (it was an error).",
                    status_key(response.status)
                ),
            )
        } else {
            (
                &rules::ERROR_RESPONSE_ADDED,
                format!(
                    "status {} is now documented: `Error::Api`{} instead of `Error::UnexpectedStatus`.",
                    status_key(response.status),
                    response
                        .body
                        .as_ref()
                        .map(|b| format!(" with body `{}`", rust_type(&b.ty, Presence::Required, false)))
                        .unwrap_or_default()
                ),
            )
        };
        cx.push(rule, method, at, ops.to_vec(), message);
        let body = response
            .body
            .as_ref()
            .map(|b| format!(" (`{}`)", rust_type(&b.ty, Presence::Required, false)))
            .unwrap_or_default();
        cx.detail(format!("{}{body}", status_key(response.status)));
    }
}

/// Whether the generated `decode` treats the status as a success.
fn is_success(status: StatusMatch) -> bool {
    matches!(
        status,
        StatusMatch::Exact(200..=299) | StatusMatch::Range(2)
    )
}

/// The status as the document writes it.
fn status_key(status: StatusMatch) -> String {
    match status {
        StatusMatch::Exact(code) => code.to_string(),
        StatusMatch::Range(class) => format!("{class}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}
