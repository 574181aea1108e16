//! Entries of one rule on members of one owner (the new fields of a struct,
//! the docs of a method's parameters, the newly documented statuses of a
//! method) share a Markdown line: the owner and what it is used by are
//! named once.

use crate::diff::{rules, Change, Rule};

/// The owner of a member item and the member: `models::User` and `email`
/// for `models::User::email`, `Clerk::users().list` and `limit()` for
/// `Clerk::users().list(..).limit()`, and `user_id` for the argument
/// `Clerk::users().get(user_id)`. Other items are their own owner.
pub(super) fn split(rust: &str) -> (&str, Option<&str>) {
    if let Some((owner, setter)) = rust.split_once("(..).") {
        return (owner, Some(setter));
    }
    if let Some(inner) = rust.strip_suffix(')').filter(|_| !rust.ends_with("()")) {
        if let Some((owner, argument)) = inner.rsplit_once('(') {
            return (owner, Some(argument));
        }
    }
    if let Some(path) = rust.strip_prefix("models::") {
        if let Some((ty, member)) = path.split_once("::") {
            return (&rust[..rust.len() - path.len() + ty.len()], Some(member));
        }
    }
    (rust, None)
}

/// Whether two top-level entries go on one line.
pub(super) fn same_line(a: &Change, b: &Change) -> bool {
    std::ptr::eq(a.rule, b.rule)
        && split(&a.rust).0 == split(&b.rust).0
        && a.operations == b.operations
}

/// What a line of several entries of `rule` says before their gists, when
/// the rule has a plural form: `6 new optional fields, with setters`.
fn lead(rule: &Rule, n: usize) -> Option<String> {
    let text = [
        (
            &rules::FIELD_ADDED_OPTIONAL,
            "new optional fields, with setters",
        ),
        (
            &rules::FIELD_ADDED_REQUIRED,
            "new required fields, which `new()` takes",
        ),
        (
            &rules::FIELD_REMOVED,
            "fields gone, with their setters or `new()` arguments",
        ),
        (&rules::FIELD_DEPRECATED, "fields newly deprecated"),
        (
            &rules::ENUM_VALUE_ADDED,
            "new values, which used to decode into the fallback variant",
        ),
        (
            &rules::ENUM_VALUE_REMOVED,
            "values gone, which now decode into the fallback variant",
        ),
        (&rules::UNION_VARIANT_ADDED, "new alternatives"),
        (
            &rules::PARAMETER_ADDED_OPTIONAL,
            "new optional `Request` setters",
        ),
        (&rules::PARAMETER_ADDED_REQUIRED, "new required arguments"),
        (
            &rules::ERROR_RESPONSE_ADDED,
            "statuses newly documented: `Error::Api` instead of `Error::UnexpectedStatus`",
        ),
        (
            &rules::ERROR_RESPONSE_REMOVED,
            "statuses no longer documented: now `Error::UnexpectedStatus`",
        ),
        (
            &rules::SUCCESS_STATUS_ADDED,
            "statuses now a success (they were errors)",
        ),
        (
            &rules::SUCCESS_STATUS_REMOVED,
            "statuses no longer a success: now errors",
        ),
    ]
    .into_iter()
    .find(|(r, _)| std::ptr::eq(*r, rule))?
    .1;
    Some(format!("{n} {text}"))
}

/// The text of a line of several entries after the owner's name: their
/// gists after the rule's plural form, or else each member and message.
pub(super) fn text(entries: &[&Change]) -> String {
    let Some(first) = entries.first() else {
        return String::new();
    };
    let details: Option<Vec<&str>> = entries.iter().map(|c| c.detail.as_deref()).collect();
    if let (Some(lead), Some(details)) = (lead(first.rule, entries.len()), details) {
        return format!("{lead}: {}.", details.join(", "));
    }
    entries
        .iter()
        .map(|c| match split(&c.rust).1 {
            Some(member) => format!("`{member}`: {}", c.message),
            None => c.message.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_split_from_their_owner() {
        assert_eq!(
            split("models::User::email"),
            ("models::User", Some("email"))
        );
        assert_eq!(
            split("Clerk::users().list(..).limit()"),
            ("Clerk::users().list", Some("limit()"))
        );
        assert_eq!(
            split("Clerk::users().get(user_id)"),
            ("Clerk::users().get", Some("user_id"))
        );
        assert_eq!(split("Clerk::users().get"), ("Clerk::users().get", None));
        assert_eq!(split("Clerk::users()"), ("Clerk::users()", None));
        assert_eq!(split("models::User"), ("models::User", None));
        assert_eq!(split("ErrorBody::Foo"), ("ErrorBody::Foo", None));
    }
}
