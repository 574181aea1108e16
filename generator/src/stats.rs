//! What a generated crate holds, in numbers, and which of its types fell
//! back to `serde_json::Value` and why: the summary `cargo xtask generate`
//! prints.

use std::collections::BTreeMap;

use crate::diagnostics::{child, Warning};
use crate::ir::{Api, TypeKind, TypeRef};

/// Counts over one generated crate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Operations.
    pub operations: usize,
    /// Named types (component and inline schemas given a name).
    pub schemas: usize,
    /// Struct fields.
    pub fields: usize,
    /// Named types that are only `serde_json::Value` (possibly nullable).
    pub json_schemas: usize,
    /// Fields whose type is only `serde_json::Value` (possibly nullable).
    pub json_fields: usize,
    /// The reasons for those fallbacks, with how many each explains.
    pub json_reasons: BTreeMap<String, usize>,
}

/// Why a schema with no warning of its own is a JSON value: the document
/// allows any value there, so `serde_json::Value` is its precise type.
pub const UNTYPED: &str = "the schema does not say what the value is (no `type`, or any value)";

impl Stats {
    /// Counts `api`; `warnings` give each fallback its reason (the warning
    /// at or below the fallback's place in the document).
    pub fn of(api: &Api, warnings: &[Warning]) -> Stats {
        let mut stats = Stats {
            operations: api.groups.iter().map(|g| g.operations.len()).sum(),
            schemas: api.types.len(),
            ..Stats::default()
        };
        let reason = |pointer: &str| -> String {
            warnings
                .iter()
                .find(|w| {
                    w.pointer
                        .strip_prefix(pointer)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                })
                .map_or_else(|| UNTYPED.to_owned(), |w| w.message.clone())
        };
        for ty in &api.types {
            if let TypeKind::Alias(alias) = &ty.kind {
                if is_json(alias) {
                    stats.json_schemas += 1;
                    *stats.json_reasons.entry(reason(&ty.pointer)).or_default() += 1;
                }
            }
            let TypeKind::Struct(s) = &ty.kind else {
                continue;
            };
            stats.fields += s.fields.len();
            for field in s.fields.iter().filter(|f| is_json(&f.ty)) {
                stats.json_fields += 1;
                let pointer = child(&child(&ty.pointer, "properties"), &field.wire_name);
                *stats.json_reasons.entry(reason(&pointer)).or_default() += 1;
            }
        }
        stats
    }

    /// Fallbacks proper: JSON values where the document gave a type the
    /// generator could not represent (each has a warning), as opposed to
    /// schemas that allow any value ([`UNTYPED`]).
    pub fn degraded(&self) -> usize {
        self.json_reasons
            .iter()
            .filter(|(reason, _)| *reason != UNTYPED)
            .map(|(_, count)| count)
            .sum()
    }

    /// The share of named types and fields that are JSON values, in percent.
    pub fn json_percent(&self) -> f64 {
        let total = self.schemas + self.fields;
        if total == 0 {
            return 0.0;
        }
        (self.json_schemas + self.json_fields) as f64 * 100.0 / total as f64
    }
}

fn is_json(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Any => true,
        TypeRef::Nullable(inner) => is_json(inner),
        _ => false,
    }
}
