//! The Markdown report's lines. Each is one thing the document's authors
//! changed:
//!
//! - an entry, with the entries that come with it (`Change::part_of`);
//! - the entries of one rule on members of one owner (see [`super::group`]);
//! - and the same edit made in several places (the same status documented
//!   on three methods, a field of the same name added to two structs): lines
//!   that read the same but for the item share one, naming every item.

use std::collections::BTreeSet;

use super::{fold, group};
use crate::diff::{rules, Change, Report, Section};

/// One line before it is written.
struct Line {
    /// The items it is about: a Rust item, or the owner of several members.
    items: Vec<String>,
    /// The member of a single-entry line (`notify` of `models::A::notify`):
    /// lines merge only when it is the same.
    member: Option<String>,
    /// What it says after the items: message(s) and what comes with them.
    text: String,
    /// The operations that reach its items.
    operations: BTreeSet<String>,
    /// Whether "Used by" goes without saying (a method's own operation, a
    /// group's methods).
    quiet: bool,
    /// Its rule ids, each with how many of its entries have it.
    ids: Vec<(&'static str, usize)>,
}

impl Line {
    /// Whether `other` says the same of other items, so that they share it.
    fn reads_like(&self, other: &Line) -> bool {
        self.text == other.text
            && self.member == other.member
            && self.quiet == other.quiet
            && self
                .ids
                .iter()
                .map(|(id, _)| id)
                .eq(other.ids.iter().map(|(id, _)| id))
    }
}

/// The Markdown lines of `section`, each ending with a newline.
pub(super) fn section(report: &Report, section: Section) -> Vec<String> {
    let mut lines: Vec<Line> = Vec::new();
    for entries in owned(report, section) {
        let line = line(report, &entries);
        match lines.iter_mut().find(|l| l.reads_like(&line)) {
            Some(same) => {
                same.items.extend(line.items);
                same.operations.extend(line.operations);
                for ((_, n), (_, more)) in same.ids.iter_mut().zip(line.ids) {
                    *n += more;
                }
            }
            None => lines.push(line),
        }
    }
    lines.iter().map(render).collect()
}

/// The top-level entries of `section` (those that come with no other),
/// those of one rule on one owner together.
fn owned(report: &Report, section: Section) -> Vec<Vec<usize>> {
    let mut lines: Vec<Vec<usize>> = Vec::new();
    for (at, change) in report.changes.iter().enumerate() {
        if change.rule.section != section || change.part_of.is_some() {
            continue;
        }
        // A line is made with an entry (below), so `line[0]` exists.
        let joins = lines
            .iter_mut()
            .find(|line| group::same_line(&report.changes[line[0]], change));
        match joins {
            Some(line) => line.push(at),
            None => lines.push(vec![at]),
        }
    }
    lines
}

fn line(report: &Report, line: &[usize]) -> Line {
    let entries: Vec<&Change> = line.iter().map(|&at| &report.changes[at]).collect();
    let with: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.part_of.is_some_and(|p| line.contains(&p)))
        .collect();
    // `owned` makes every line with an entry, so it has a first.
    let first = entries[0];
    let (item, member, mut text) = match entries[..] {
        [only] => (
            only.rust.clone(),
            group::split(&only.rust).1.map(str::to_owned),
            only.message.clone(),
        ),
        _ => (
            group::split(&first.rust).0.to_owned(),
            None,
            group::text(&entries),
        ),
    };
    text.push_str(&fold::clause(&with));
    // A method's own operation goes without saying, and a group's
    // operations are its methods.
    let is_method = first.rust.contains("()");
    let is_group = [&rules::GROUP_ADDED, &rules::GROUP_REMOVED]
        .iter()
        .any(|r| std::ptr::eq(*r, first.rule));
    Line {
        items: vec![item],
        member,
        text,
        operations: first.operations.iter().cloned().collect(),
        quiet: is_group || is_method && first.operations.len() <= 1,
        ids: fold::count_rules(&entries, &with),
    }
}

fn render(line: &Line) -> String {
    let mut out = format!("- {}: {}", items(&line.items), line.text);
    if !line.quiet {
        out.push_str(&used_by(&line.operations));
    }
    out.push_str(&format!(" [{}]\n", fold::rule_ids(&line.ids)));
    out
}

/// The items, those of one owner in Rust's `use` braces:
/// `` `Clerk::users().{create, update}` ``.
fn items(items: &[String]) -> String {
    let mut owners: Vec<(&str, Vec<&str>)> = Vec::new();
    for item in items {
        // Split after the owner's last separator, `().` or `::`.
        let at = item
            .rfind(").")
            .map(|i| i + 2)
            .or_else(|| item.rfind("::").map(|i| i + 2))
            .filter(|_| items.len() > 1)
            .unwrap_or(0);
        let (owner, name) = item.split_at(at);
        match owners.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, names)) => names.push(name),
            None => owners.push((owner, vec![name])),
        }
    }
    owners
        .into_iter()
        .map(|(owner, names)| match names[..] {
            [one] => format!("`{owner}{one}`"),
            _ => format!("`{owner}{{{}}}`", names.join(", ")),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// " Used by `A`, `B`, `C`." (up to three), " Used by 18 operations."
/// (more: a few of many names say little), or nothing.
fn used_by(operations: &BTreeSet<String>) -> String {
    const NAMED: usize = 3;
    match operations.len() {
        0 => String::new(),
        n if n > NAMED => format!(" Used by {n} operations."),
        _ => {
            let names: Vec<String> = operations.iter().map(|o| format!("`{o}`")).collect();
            format!(" Used by {}.", names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_of_one_owner_share_braces() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            items(&list(&["Clerk::users().get"])),
            "`Clerk::users().get`"
        );
        assert_eq!(
            items(&list(&[
                "Clerk::users().create",
                "Clerk::users().update",
                "Clerk::orgs().create"
            ])),
            "`Clerk::users().{create, update}`, `Clerk::orgs().create`"
        );
        assert_eq!(
            items(&list(&["models::A::notify", "models::B::notify"])),
            "`models::A::notify`, `models::B::notify`"
        );
        assert_eq!(
            items(&list(&["Clerk::a()", "Clerk::b()"])),
            "`Clerk::{a(), b()}`"
        );
    }
}
