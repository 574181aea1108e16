//! Compares two intermediate models and says what changed for a Rust user
//! of the generated crate, and what that means for its version.
//!
//! Both documents go through load and lower, so each change is named by the
//! Rust item it touches (`models::Widget::color`, `Shop::widgets().create`),
//! not by a spec location alone. The verdicts follow this generator's output:
//!
//! - model structs are `#[non_exhaustive]` and built with `new(required..)`
//!   plus setters, so a new optional field is new API, and a new required one
//!   changes `new()`;
//! - enums and unions are `#[non_exhaustive]` and keep unknown values in a
//!   fallback variant, so a new value is new API;
//! - every field and argument type is public, so any type change breaks code;
//! - constraints are checked before a request is sent, so a tighter one on a
//!   request value rejects calls that used to go out.
//!
//! Each rule of [`rules`] has a fixed level; a report's level is the highest
//! of its changes. One Rust item is one entry, listing every operation that
//! reaches it; entries that come with another (the types of a new operation,
//! say) say so in [`Change::part_of`], and the Markdown report lists them on
//! that entry's line.

mod api;
mod constraints;
mod fold;
mod inputs;
mod operations;
mod pagination;
mod render;
mod replaced;
mod responses;
pub mod rules;
mod streams;
mod text;
mod types;
mod version;
mod webhooks;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::ir::Api;
pub use render::{json, markdown};
pub use rules::{Rule, Section};
pub use version::{next_version, VersionError};

/// How much a change matters to the crate's users, in semver terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing changed.
    None,
    /// Docs, or checks that accept more than before.
    Patch,
    /// New API; everything that worked still works.
    Minor,
    /// Code or behaviour that worked stops working.
    Major,
}

impl Level {
    /// The level as the JSON report and `--fail-on` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }

    /// Reads `none`, `patch`, `minor` or `major`.
    pub fn parse(text: &str) -> Option<Self> {
        [Level::None, Level::Patch, Level::Minor, Level::Major]
            .into_iter()
            .find(|level| level.as_str() == text)
    }
}

/// One change to one Rust item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The rule that found it; its level is the change's level.
    pub rule: &'static Rule,
    /// The Rust item, e.g. `models::Widget::color` or `Shop::widgets().create`.
    pub rust: String,
    /// JSON pointer of the spec location, in the new document (the old one
    /// for removals).
    pub pointer: String,
    /// The operationIds that reach the item, sorted.
    pub operations: Vec<String>,
    /// One sentence for a person, without the item's name.
    pub message: String,
    /// The index in [`Report::changes`] of the entry this one comes with
    /// (the new operation that is the only user of a new type, say), which
    /// comes with nothing itself; the Markdown report lists this entry on
    /// that one's line.
    #[serde(skip)]
    pub part_of: Option<usize>,
    /// The gist in a few words (`limit: Option<i64>`), for a Markdown line
    /// that lists several entries of one rule on one owner (the new fields
    /// of a struct); without it, such a line quotes each message.
    #[serde(skip)]
    pub detail: Option<String>,
}

impl Change {
    /// The change's level, from its rule.
    pub fn level(&self) -> Level {
        self.rule.level
    }
}

/// Everything that changed between two models.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The highest level of `changes`, or [`Level::None`].
    pub level: Level,
    /// The changes, most severe first, then by Rust item.
    pub changes: Vec<Change>,
}

/// Compares `old` with `new`. `client` is the generated client type's name
/// (e.g. `Clerk`), used to name methods.
pub fn compare(old: &Api, new: &Api, client: &str) -> Report {
    let mut cx = Cx::new(old, new, client);
    api::compare(&mut cx);
    operations::compare(&mut cx);
    types::compare(&mut cx);
    webhooks::compare(&mut cx);
    let mut changes = cx.changes;
    changes.sort_by(|a, b| {
        b.level()
            .cmp(&a.level())
            .then_with(|| a.rust.cmp(&b.rust))
            .then_with(|| a.rule.id.cmp(b.rule.id))
            .then_with(|| a.message.cmp(&b.message))
    });
    changes.dedup();
    fold::fold(&mut changes, old, new, client);
    let level = changes
        .iter()
        .map(Change::level)
        .max()
        .unwrap_or(Level::None);
    Report { level, changes }
}

/// What every comparison needs: both models, who reaches each type, and the
/// changes found so far.
struct Cx<'a> {
    old: &'a Api,
    new: &'a Api,
    client: &'a str,
    /// Type name to the operationIds that reach it, in either model.
    reach: BTreeMap<String, BTreeSet<String>>,
    /// Types a request sends, in either model: only their checks run.
    sent: BTreeSet<String>,
    changes: Vec<Change>,
}

impl<'a> Cx<'a> {
    fn new(old: &'a Api, new: &'a Api, client: &'a str) -> Self {
        let mut reach = BTreeMap::new();
        let mut sent = BTreeSet::new();
        for api in [old, new] {
            reachability(api, &mut reach, &mut sent);
        }
        Cx {
            old,
            new,
            client,
            reach,
            sent,
            changes: Vec::new(),
        }
    }

    /// Records a change to `rust`, reached by `operations`.
    fn push(
        &mut self,
        rule: &'static Rule,
        rust: impl Into<String>,
        pointer: impl Into<String>,
        operations: Vec<String>,
        message: impl Into<String>,
    ) {
        self.changes.push(Change {
            rule,
            rust: rust.into(),
            pointer: pointer.into(),
            operations,
            message: message.into(),
            part_of: None,
            detail: None,
        });
    }

    /// Sets the gist of the change pushed last (see [`Change::detail`]).
    fn detail(&mut self, text: String) {
        if let Some(last) = self.changes.last_mut() {
            last.detail = Some(text);
        }
    }

    /// The operations that reach the type `name`, in either model.
    fn reached_by(&self, name: &str) -> Vec<String> {
        self.reach
            .get(name)
            .map(|ops| ops.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// Fills `reach` (type to operations) and `sent` (types in requests) for one
/// model, following named types through fields, items and alternatives.
fn reachability(
    api: &Api,
    reach: &mut BTreeMap<String, BTreeSet<String>>,
    sent: &mut BTreeSet<String>,
) {
    for op in api.groups.iter().flat_map(|g| &g.operations) {
        let mut request = Vec::new();
        for p in &op.parameters {
            p.ty.push_named(&mut request);
        }
        if let Some(body) = &op.body {
            body.ty.push_named(&mut request);
        }
        let mut response = Vec::new();
        for r in &op.responses {
            if let Some(body) = &r.body {
                body.ty.push_named(&mut response);
            }
        }
        let request = api.reachable(request);
        sent.extend(request.iter().cloned());
        for name in request.into_iter().chain(api.reachable(response)) {
            reach.entry(name).or_default().insert(op.id.clone());
        }
    }
}

/// `text` in backticks, for messages.
fn code(text: impl std::fmt::Display) -> String {
    format!("`{text}`")
}

/// How an optional value reads in a message: `none` or the value.
fn shown<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}
