//! Which entries come with another: the types that only a new operation
//! (or a new field, parameter or alternative) reaches come with it, the
//! operations of a new group come with the group, and the same for
//! removals (a new webhook event's payload types come with the event); a
//! type's deprecation or docs that mirror its field's (one
//! inline schema is both) come with the field's. The Markdown report lists
//! such entries on the line of the entry they come with, so that it has one
//! line per thing the document's authors changed; the JSON keeps every
//! entry and says which line it is on.

use std::collections::BTreeMap;

use super::inputs::param_item;
use super::operations::located;
use super::rules::{self, Rule};
use super::Change;
use crate::ir::{Api, TypeKind, TypeRef};

/// Sets each change's `part_of`: the index of the entry it comes with,
/// always a change that comes with nothing itself.
pub(super) fn fold(changes: &mut [Change], old: &Api, new: &Api, client: &str) {
    let mut parent: Vec<Option<usize>> = vec![None; changes.len()];
    let index = Index::new(changes);
    for (side, api, added) in [(Side::Added, new, true), (Side::Removed, old, false)] {
        let sites = sites(api, client);
        let mut types = Types {
            changes: &*changes,
            index: &index,
            sites: &sites,
            side,
            states: BTreeMap::new(),
        };
        for (at, change) in changes.iter().enumerate() {
            let (type_rule, error_rule) = if added {
                (&rules::TYPE_ADDED, &rules::ERROR_BODY_ADDED)
            } else {
                (&rules::TYPE_REMOVED, &rules::ERROR_BODY_REMOVED)
            };
            if change.rule == type_rule {
                let name = change.rust.trim_start_matches("models::");
                parent[at] = types.root(name).filter(|&root| root != at);
            } else if change.rule == error_rule {
                // `ErrorBody::T` comes with the type `T`, or with what `T` comes with.
                let name = change.rust.trim_start_matches("ErrorBody::");
                let own = index.find(&format!("models::{name}"), &[type_rule]);
                parent[at] = types.root(name).or(own);
            }
        }
    }
    groups(changes, &mut parent);
    mirrors(changes, &mut parent);
    // Every entry points at the top of its chain, which comes with nothing.
    for at in 0..changes.len() {
        let mut top = parent[at];
        let mut steps = 0;
        while let Some(next) = top.and_then(|p| parent[p]) {
            top = Some(next);
            steps += 1;
            if steps > changes.len() {
                // A cycle cannot arise (roots are resolved once), but a
                // wrong fold must never hang the report: keep it unfolded.
                top = None;
                break;
            }
        }
        changes[at].part_of = top;
    }
}

/// Whether the types folded are new ones (in the new model) or gone ones
/// (in the old).
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Added,
    Removed,
}

impl Side {
    /// The rules that bring a type in (or take it out) through the item
    /// they are about.
    fn brings(self, rule: &Rule) -> bool {
        let both = [
            &rules::PARAMETER_TYPE_CHANGED,
            &rules::BODY_TYPE_CHANGED,
            &rules::OUTPUT_TYPE_CHANGED,
            &rules::ERROR_RESPONSE_TYPE_CHANGED,
            &rules::FIELD_TYPE_CHANGED,
            &rules::FIELD_PRESENCE_CHANGED,
            &rules::UNION_VARIANT_TYPE_CHANGED,
            &rules::TYPE_TARGET_CHANGED,
            &rules::TYPE_KIND_CHANGED,
            &rules::WEBHOOK_EVENT_CHANGED,
        ];
        let own: &[&Rule] = match self {
            Side::Added => &[
                &rules::OPERATION_ADDED,
                &rules::PARAMETER_ADDED_REQUIRED,
                &rules::PARAMETER_ADDED_OPTIONAL,
                &rules::BODY_ADDED_REQUIRED,
                &rules::BODY_ADDED_OPTIONAL,
                &rules::SUCCESS_STATUS_ADDED,
                &rules::ERROR_RESPONSE_ADDED,
                &rules::FIELD_ADDED_OPTIONAL,
                &rules::FIELD_ADDED_REQUIRED,
                &rules::UNION_VARIANT_ADDED,
                &rules::TYPE_ADDED,
                &rules::WEBHOOK_EVENT_ADDED,
            ],
            Side::Removed => &[
                &rules::OPERATION_REMOVED,
                &rules::PARAMETER_REMOVED,
                &rules::BODY_REMOVED,
                &rules::SUCCESS_STATUS_REMOVED,
                &rules::ERROR_RESPONSE_REMOVED,
                &rules::FIELD_REMOVED,
                &rules::UNION_VARIANT_REMOVED,
                &rules::TYPE_REMOVED,
                &rules::WEBHOOK_EVENT_REMOVED,
            ],
        };
        both.iter().chain(own).any(|r| std::ptr::eq(*r, rule))
    }

    fn type_rule(self) -> &'static Rule {
        match self {
            Side::Added => &rules::TYPE_ADDED,
            Side::Removed => &rules::TYPE_REMOVED,
        }
    }
}

/// The changes by Rust item, in report order, with their rules.
struct Index(BTreeMap<String, Vec<(usize, &'static Rule)>>);

impl Index {
    fn new(changes: &[Change]) -> Self {
        let mut map: BTreeMap<String, Vec<(usize, &'static Rule)>> = BTreeMap::new();
        for (at, change) in changes.iter().enumerate() {
            map.entry(change.rust.clone())
                .or_default()
                .push((at, change.rule));
        }
        Index(map)
    }

    /// The first change to `rust` by one of `rules`.
    fn find(&self, rust: &str, rules: &[&Rule]) -> Option<usize> {
        self.find_by(rust, |rule| rules.iter().any(|r| std::ptr::eq(*r, rule)))
    }

    fn find_by(&self, rust: &str, wanted: impl Fn(&Rule) -> bool) -> Option<usize> {
        self.0
            .get(rust)?
            .iter()
            .find(|(_, rule)| wanted(rule))
            .map(|&(at, _)| at)
    }
}

/// A place that refers to a named type: the Rust items a change to it may
/// be reported on, most specific first (a field, then its struct).
type Site = Vec<String>;

/// Every reference to each named type of `api`, by type name: from
/// operations' parameters, bodies and responses, and from other types'
/// fields, alternatives and targets.
fn sites(api: &Api, client: &str) -> BTreeMap<String, Vec<Site>> {
    let mut out: BTreeMap<String, Vec<Site>> = BTreeMap::new();
    let mut add = |ty: &TypeRef, site: Site| {
        let mut names = Vec::new();
        ty.push_named(&mut names);
        for name in names {
            out.entry(name).or_default().push(site.clone());
        }
    };
    for op in located(&api.groups) {
        let method = op.method(client);
        for p in &op.op.parameters {
            add(&p.ty, vec![param_item(&method, p), method.clone()]);
        }
        if let Some(body) = &op.op.body {
            let item = if body.required {
                format!("{method}(body)")
            } else {
                format!("{method}(..).body()")
            };
            add(&body.ty, vec![item, method.clone()]);
        }
        for response in &op.op.responses {
            if let Some(body) = &response.body {
                add(&body.ty, vec![method.clone()]);
            }
        }
    }
    for ty in &api.types {
        let owner = format!("models::{}", ty.name);
        match &ty.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    add(
                        &f.ty,
                        vec![format!("{owner}::{}", f.rust_name), owner.clone()],
                    );
                }
            }
            TypeKind::OneOf(o) => {
                for v in &o.variants {
                    add(
                        &v.ty,
                        vec![format!("{owner}::{}", v.rust_name), owner.clone()],
                    );
                }
            }
            TypeKind::Map(t) | TypeKind::List(t) | TypeKind::Alias(t) => {
                add(t, vec![owner.clone()]);
            }
            TypeKind::Enum(_) | TypeKind::FreeForm => {}
        }
    }
    for event in &api.webhooks {
        add(
            &event.payload,
            vec![format!("webhooks::WebhookEvent::{}", event.rust_name)],
        );
    }
    out
}

/// How far a type's entry is resolved.
#[derive(Clone, Copy)]
enum State {
    /// Being resolved: met again, it is a cycle.
    Open,
    /// Resolved: the entry it comes with, or `None` when it stands alone.
    Done(Option<usize>),
}

/// Resolves which entry a new (or gone) type comes with.
struct Types<'a> {
    changes: &'a [Change],
    index: &'a Index,
    sites: &'a BTreeMap<String, Vec<Site>>,
    side: Side,
    states: BTreeMap<String, State>,
}

impl Types<'_> {
    /// The entry the type `name` comes with: every place that refers to it
    /// must be new (or gone) itself, and the first one that resolves decides.
    fn root(&mut self, name: &str) -> Option<usize> {
        match self.states.get(name) {
            Some(State::Done(root)) => return *root,
            Some(State::Open) => return None,
            None => {}
        }
        self.states.insert(name.to_owned(), State::Open);
        let side = self.side;
        let brought: Option<Vec<usize>> = self
            .sites
            .get(name)
            .into_iter()
            .flatten()
            .map(|site| {
                site.iter()
                    .find_map(|item| self.index.find_by(item, |rule| side.brings(rule)))
            })
            .collect();
        let root = match brought {
            // A type nothing refers to stands alone.
            Some(found) if !found.is_empty() => found.into_iter().find_map(|at| {
                let change = &self.changes[at];
                if !std::ptr::eq(change.rule, side.type_rule()) {
                    return Some(at);
                }
                // It comes with a type that is new (or gone) too: with what
                // that one comes with, or else with that type's own line.
                let owner = change.rust.trim_start_matches("models::").to_owned();
                match self.states.get(&owner) {
                    Some(State::Open) => None,
                    _ => Some(self.root(&owner).unwrap_or(at)),
                }
            }),
            _ => None,
        };
        self.states.insert(name.to_owned(), State::Done(root));
        root
    }
}

/// The new (or gone) operations of a new (or gone) group come with it.
fn groups(changes: &[Change], parent: &mut [Option<usize>]) {
    for (op_rule, group_rule) in [
        (&rules::OPERATION_ADDED, &rules::GROUP_ADDED),
        (&rules::OPERATION_REMOVED, &rules::GROUP_REMOVED),
    ] {
        for (at, change) in changes.iter().enumerate() {
            if !std::ptr::eq(change.rule, op_rule) {
                continue;
            }
            let group = changes.iter().position(|g| {
                std::ptr::eq(g.rule, group_rule)
                    && change.operations.iter().all(|id| g.operations.contains(id))
                    && change.rust.starts_with(g.rust.as_str())
            });
            if group.is_some() {
                parent[at] = group;
            }
        }
    }
}

/// An inline schema is both a field and a type: a deprecation or docs
/// change of the type, at the field's location, comes with the field's.
fn mirrors(changes: &[Change], parent: &mut [Option<usize>]) {
    for (type_rule, field_rule) in [
        (&rules::TYPE_DEPRECATED, &rules::FIELD_DEPRECATED),
        (&rules::TYPE_DOCS_CHANGED, &rules::FIELD_DOCS_CHANGED),
    ] {
        for (at, change) in changes.iter().enumerate() {
            if !std::ptr::eq(change.rule, type_rule) || parent[at].is_some() {
                continue;
            }
            parent[at] = changes
                .iter()
                .position(|f| std::ptr::eq(f.rule, field_rule) && f.pointer == change.pointer);
        }
    }
}
