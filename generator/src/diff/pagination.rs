//! Paging: an operation whose request gains or loses `items()`, `pages()`
//! and `max_pages()`, or whose `items()` yields another type.

use super::{rules, Cx};
use crate::ir::{Pagination, Presence};

/// Compares the paging of one operation; `item` is its Rust method, the
/// operation's pointer and its id(s).
pub(super) fn compare(
    cx: &mut Cx<'_>,
    old: Option<&Pagination>,
    new: Option<&Pagination>,
    item: (&str, &str, Vec<String>),
) {
    let (rust, pointer, operations) = item;
    let pointer = format!("{pointer}/x-speakeasy-pagination");
    let item_type = |p: &Pagination| crate::emit::rust_type(&p.item, Presence::Required, false);
    match (old, new) {
        (None, Some(_)) => cx.push(
            &rules::PAGINATION_ADDED,
            rust,
            &pointer,
            operations,
            "its results continue on further pages: the request gains `items()`, `pages()` and `max_pages()`.".to_owned(),
        ),
        (Some(_), None) => cx.push(
            &rules::PAGINATION_REMOVED,
            rust,
            &pointer,
            operations,
            "it no longer pages: `items()`, `pages()` and `max_pages()` are gone from its request.".to_owned(),
        ),
        (Some(before), Some(after)) if item_type(before) != item_type(after) => cx.push(
            &rules::PAGINATION_ITEM_CHANGED,
            rust,
            &pointer,
            operations,
            format!(
                "`items()` now yields `{}` (was `{}`).",
                item_type(after),
                item_type(before)
            ),
        ),
        _ => {}
    }
}
