//! Streamed responses: an operation that starts or stops streaming, and a
//! stream whose items change type or decoding.

use super::rules;
use super::Cx;
use crate::emit::rust_type;
use crate::ir::{Operation, Presence, StreamBody};

pub(super) fn compare(
    cx: &mut Cx<'_>,
    old: &Operation,
    new: &Operation,
    method: &str,
    ops: &[String],
) {
    let pointer = format!("{}/responses", new.pointer);
    match (&old.stream, &new.stream) {
        (None, None) => {}
        (None, Some(stream)) => cx.push(
            &rules::STREAM_ADDED,
            method,
            &pointer,
            ops.to_vec(),
            format!(
                "`{}()` opens a stream (`{}`) of `{}` items.",
                stream.method_name,
                stream.content_type,
                item(stream)
            ),
        ),
        (Some(stream), None) => cx.push(
            &rules::STREAM_REMOVED,
            method,
            &pointer,
            ops.to_vec(),
            format!(
                "`{}()` is removed: the operation no longer answers `{}`.",
                stream.method_name, stream.content_type
            ),
        ),
        (Some(before), Some(after)) => {
            let decoding = |s: &StreamBody| (s.framing, s.form, s.sentinel.clone());
            if item(before) != item(after) || decoding(before) != decoding(after) {
                cx.push(
                    &rules::STREAM_EVENT_TYPE_CHANGED,
                    method,
                    &pointer,
                    ops.to_vec(),
                    format!(
                        "`{}()` now yields `{}` items from `{}` (was `{}` from `{}`).",
                        after.method_name,
                        item(after),
                        after.content_type,
                        item(before),
                        before.content_type
                    ),
                );
            }
        }
    }
}

fn item(stream: &StreamBody) -> String {
    rust_type(&stream.item, Presence::Required, false)
}
