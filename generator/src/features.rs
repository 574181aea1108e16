//! Cargo features per operation group, derived from the intermediate model.
//!
//! With two groups or more, each group gets a feature named after its module
//! (`customers` for `clerk.customers()`), and `default` enables them all
//! (with the TLS backend, [`DEFAULT_RUNTIME_FEATURES`]). A
//! group's feature gates its API module and its client accessors; a named
//! type is compiled when some enabled group reaches it, through its
//! operations' parameters, bodies and responses and then through other
//! types. Invariants:
//!
//! - nothing here is stored in [`crate::ir`]: the plan is a pure function of
//!   the model, so emitters and tests recompute it at will;
//! - a type every group reaches and a type reachable from an error schema
//!   (the always-on `ErrorBody` holds those) carry no gate;
//! - a type no operation reaches is compiled only when every group is on
//!   (as by default), so the default build holds exactly what it held before
//!   and a build of a few groups does not pay for it;
//! - the `webhooks` feature (a crate with webhook events) reaches the types
//!   of the events' payloads as a group would; a type that neither a group
//!   nor an event reaches then also needs `webhooks` (see
//!   [`crate::emit`]'s gates), since it may hold a type only events reach;
//! - a type's gate is never narrower than the gate of a type that holds it,
//!   so every compiled type finds the types it names;
//! - gates list features in group order, so the output is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, OperationGroup};

/// Groups below this count get no features: the crate is small already.
pub const MIN_GROUPS: usize = 2;

/// The features of a crate and the gate of each gated type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// One feature name per group, in [`Api::groups`] order.
    pub groups: Vec<String>,
    /// The gate of each gated type; types absent here are always on.
    pub gates: BTreeMap<String, Gate>,
}

/// When a gated type is compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// When any of these features (in group order) is on: the groups
    /// reaching the type.
    AnyOf(Vec<String>),
    /// Only when every group's feature is on: no operation reaches it.
    EveryGroup,
}

impl Plan {
    /// The gate of `type_name`; `None` when the type is always compiled.
    pub fn gate(&self, type_name: &str) -> Option<&Gate> {
        self.gates.get(type_name)
    }

    /// Whether `type_name` is compiled when `feature` alone is on.
    pub fn compiled_with(&self, type_name: &str, feature: &str) -> bool {
        match self.gate(type_name) {
            None => true,
            Some(Gate::AnyOf(features)) => features.iter().any(|f| f == feature),
            Some(Gate::EveryGroup) => self.groups.len() == 1 && self.groups[0] == feature,
        }
    }
}

/// The features every generated crate has, whatever its groups (see
/// `templates/Cargo.toml.tmpl`); no group's feature takes one of these names.
pub const RUNTIME_FEATURES: &[&str] = &[
    "blocking",
    "rustls",
    "native-tls",
    "rustls-no-provider",
    "gzip",
    "brotli",
    "zstd",
    "deflate",
];

/// The runtime features `default` enables, before the groups: the TLS
/// backend, so that the default crate reaches `https` servers.
pub const DEFAULT_RUNTIME_FEATURES: &[&str] = &["rustls"];

/// The feature of `group`: its module name, unless that is a name Cargo or
/// the crate already uses (`default`, [`RUNTIME_FEATURES`]), which gains
/// `_api`.
pub fn feature_name(group: &OperationGroup) -> String {
    let module = group.module.trim_start_matches("r#");
    if module == "default" || module == "webhooks" || RUNTIME_FEATURES.contains(&module) {
        format!("{module}_api")
    } else {
        module.to_owned()
    }
}

/// The feature plan of `api`; `None` when it has fewer than [`MIN_GROUPS`]
/// groups.
pub fn plan(api: &Api) -> Option<Plan> {
    if api.groups.len() < MIN_GROUPS {
        return None;
    }
    let groups: Vec<String> = api.groups.iter().map(feature_name).collect();
    let always = api.reachable(api.error_types.iter().cloned());
    let per_group: Vec<BTreeSet<String>> = api
        .groups
        .iter()
        .map(|g| api.reachable(group_roots(g)))
        .collect();
    // The webhooks module (its own feature) needs its payloads' types.
    let hooks = api.reachable(api.webhooks.iter().flat_map(|event| {
        let mut names = Vec::new();
        event.payload.push_named(&mut names);
        names
    }));
    let mut gates = BTreeMap::new();
    for ty in &api.types {
        if always.contains(&ty.name) {
            continue;
        }
        let mut reaching: Vec<String> = per_group
            .iter()
            .zip(&groups)
            .filter(|(set, _)| set.contains(&ty.name))
            .map(|(_, feature)| feature.clone())
            .collect();
        if reaching.len() == groups.len() {
            continue;
        }
        if hooks.contains(&ty.name) {
            reaching.push("webhooks".to_owned());
        }
        if reaching.is_empty() {
            gates.insert(ty.name.clone(), Gate::EveryGroup);
        } else {
            gates.insert(ty.name.clone(), Gate::AnyOf(reaching));
        }
    }
    Some(Plan { groups, gates })
}

/// The type names an operation group's operations mention directly.
fn group_roots(group: &OperationGroup) -> impl Iterator<Item = String> + '_ {
    let mut names = Vec::new();
    for op in &group.operations {
        for p in &op.parameters {
            p.ty.push_named(&mut names);
        }
        if let Some(body) = &op.body {
            body.ty.push_named(&mut names);
        }
        for r in &op.responses {
            if let Some(body) = &r.body {
                body.ty.push_named(&mut names);
            }
        }
        if let Some(stream) = &op.stream {
            stream.item.push_named(&mut names);
        }
    }
    names.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(module: &str) -> OperationGroup {
        OperationGroup {
            name: module.into(),
            module: module.into(),
            type_name: "G".into(),
            description: None,
            operations: Vec::new(),
        }
    }

    #[test]
    fn a_feature_is_its_group_module_unless_cargo_or_the_crate_owns_the_name() {
        assert_eq!(feature_name(&group("customers")), "customers");
        assert_eq!(feature_name(&group("r#type")), "type");
        assert_eq!(feature_name(&group("default")), "default_api");
        assert_eq!(feature_name(&group("blocking")), "blocking_api");
        assert_eq!(feature_name(&group("rustls")), "rustls_api");
        assert_eq!(feature_name(&group("gzip")), "gzip_api");
    }

    #[test]
    fn a_lone_feature_compiles_only_what_its_gates_allow() {
        let plan = Plan {
            groups: vec!["a".into(), "b".into()],
            gates: [
                ("OnlyA".to_owned(), Gate::AnyOf(vec!["a".into()])),
                ("Unused".to_owned(), Gate::EveryGroup),
            ]
            .into_iter()
            .collect(),
        };
        assert!(plan.compiled_with("OnlyA", "a"));
        assert!(!plan.compiled_with("OnlyA", "b"));
        assert!(!plan.compiled_with("Unused", "a"));
        assert!(plan.compiled_with("Shared", "b"));
    }
}
