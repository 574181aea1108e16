//! How a Markdown line names the entries that come with its own (see
//! `diff::fold`): the methods of a new group, the types of a new operation,
//! a field's inline type. Names are listed compactly; the JSON report has
//! every entry in full.

use crate::diff::{rules, Change, Rule};

/// The sentence that names what comes with an entry, or nothing.
pub(super) fn clause(with: &[&Change]) -> String {
    if with.is_empty() {
        return String::new();
    }
    let of = |rule: &Rule| -> Vec<&Change> {
        with.iter()
            .copied()
            .filter(|c| std::ptr::eq(c.rule, rule))
            .collect()
    };
    let mut parts = Vec::new();
    // "new" and "gone": a new group may also hold methods moved from
    // another group, which have entries of their own.
    for (rule, noun) in [
        (&rules::OPERATION_ADDED, "new method"),
        (&rules::OPERATION_REMOVED, "gone method"),
    ] {
        let methods = of(rule);
        if !methods.is_empty() {
            let names: Vec<String> = methods
                .iter()
                .map(|c| {
                    c.detail
                        .clone()
                        .unwrap_or_else(|| code(method_name(&c.rust)))
                })
                .collect();
            parts.push(format!(
                "{} {}",
                plural(methods.len(), noun),
                names.join(", ")
            ));
        }
    }
    for (rule, errors, adjective) in [
        (&rules::TYPE_ADDED, &rules::ERROR_BODY_ADDED, "new"),
        (&rules::TYPE_REMOVED, &rules::ERROR_BODY_REMOVED, "gone"),
    ] {
        let types = of(rule);
        let error_bodies = of(errors).len();
        if types.is_empty() && error_bodies == 0 {
            continue;
        }
        // Types are only counted: they are named after the operation or
        // field they come with (whose type names them), and the JSON
        // report lists each. Methods are named: they are what users call.
        let mut part = plural(types.len(), &format!("{adjective} type"));
        match error_bodies {
            0 => {}
            1 => part.push_str(", 1 of them an `ErrorBody` variant"),
            n => part.push_str(&format!(", {n} of them `ErrorBody` variants")),
        }
        parts.push(part);
    }
    // Anything else (a field's inline type) is named whole.
    let listed = [
        &rules::OPERATION_ADDED,
        &rules::OPERATION_REMOVED,
        &rules::TYPE_ADDED,
        &rules::TYPE_REMOVED,
        &rules::ERROR_BODY_ADDED,
        &rules::ERROR_BODY_REMOVED,
    ];
    let others: Vec<String> = with
        .iter()
        .filter(|c| !listed.iter().any(|r| std::ptr::eq(*r, c.rule)))
        .map(|c| code(&c.rust))
        .collect();
    if !others.is_empty() {
        let noun = if others.len() == 1 {
            "its type"
        } else {
            "its types"
        };
        parts.push(format!("{noun} {}", others.join(", ")));
    }
    format!(" With {}.", join(&parts))
}

/// The rules of a line's entries, then of what comes with them, each with
/// how many entries have it.
pub(super) fn count_rules(entries: &[&Change], with: &[&Change]) -> Vec<(&'static str, usize)> {
    let mut counted: Vec<(&'static str, usize)> = Vec::new();
    for c in entries.iter().chain(with) {
        match counted.iter_mut().find(|(id, _)| *id == c.rule.id) {
            Some((_, n)) => *n += 1,
            None => counted.push((c.rule.id, 1)),
        }
    }
    counted
}

/// Counted rule ids as a line ends with them, counts above one shown:
/// `group-added, 8 operation-added, 20 type-added`.
pub(super) fn rule_ids(counted: &[(&str, usize)]) -> String {
    counted
        .iter()
        .map(|&(id, n)| {
            if n == 1 {
                id.to_owned()
            } else {
                format!("{n} {id}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `create` of `Clerk::widgets().create`.
fn method_name(rust: &str) -> &str {
    rust.rsplit_once(").").map_or(rust, |(_, name)| name)
}

fn code(text: &str) -> String {
    format!("`{text}`")
}

/// `1 method`, `3 methods`.
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `a`, `a and b`, `a, b and c`.
fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
