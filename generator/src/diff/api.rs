//! The client as a whole: API version and docs, servers, security schemes
//! and requirements, the retry policy, and the error bodies.

use std::collections::BTreeSet;

use super::rules::{self};
use super::text::Docs;
use super::{code, Cx};
use crate::ir::{Api, RetryPolicy, SecurityKind, StatusMatch};

pub(super) fn compare(cx: &mut Cx<'_>) {
    let (old, new) = (cx.old, cx.new);
    let client = cx.client.to_owned();
    let Api {
        title,
        version,
        description,
        servers,
        security_schemes: _,
        security,
        retries,
        groups: _,
        types: _,
        error_types,
        webhooks: _,
    } = old;
    if *version != new.version {
        cx.push(
            &rules::API_VERSION_CHANGED,
            &client,
            "#/info/version",
            vec![],
            format!(
                "the API version is now {} (was {}).",
                code(&new.version),
                code(version)
            ),
        );
    }
    let mut docs = Docs::default();
    docs.text("title", Some(title), Some(&new.title));
    docs.text(
        "description",
        description.as_deref(),
        new.description.as_deref(),
    );
    if let Some(message) = docs.message() {
        cx.push(&rules::API_DOCS_CHANGED, &client, "#/info", vec![], message);
    }
    let old_default = servers.first().map(|s| s.url.as_str());
    let new_default = new.servers.first().map(|s| s.url.as_str());
    if old_default != new_default {
        cx.push(
            &rules::SERVER_DEFAULT_CHANGED,
            format!("{client}Builder::server_url"),
            "#/servers/0",
            vec![],
            format!(
                "the default server is now {} (was {}); pass the old URL to `server_url` to keep it.",
                super::shown(new_default),
                super::shown(old_default)
            ),
        );
    } else if *servers != new.servers {
        cx.push(
            &rules::SERVERS_CHANGED,
            &client,
            "#/servers",
            vec![],
            "the documented servers changed.",
        );
    }
    schemes(cx, &client);
    let everyone: Vec<String> = new
        .groups
        .iter()
        .flat_map(|g| &g.operations)
        .map(|o| o.id.clone())
        .collect();
    requirements(
        cx,
        security,
        &new.security,
        (&client, "#/security", everyone.clone()),
    );
    retry(
        cx,
        retries.as_ref(),
        new.retries.as_ref(),
        (
            &format!("{client}Builder::retry_config"),
            "#/x-speakeasy-retries",
            everyone,
        ),
    );
    for name in error_types.iter().filter(|n| !new.error_types.contains(n)) {
        cx.push(
            &rules::ERROR_BODY_REMOVED,
            format!("ErrorBody::{name}"),
            "#/components/schemas",
            vec![],
            "no documented error response uses this schema any more.",
        );
    }
    for name in new.error_types.iter().filter(|n| !error_types.contains(n)) {
        cx.push(
            &rules::ERROR_BODY_ADDED,
            format!("ErrorBody::{name}"),
            "#/components/schemas",
            vec![],
            "a documented error response now decodes into this schema.",
        );
    }
}

fn schemes(cx: &mut Cx<'_>, client: &str) {
    let (old, new) = (cx.old, cx.new);
    for scheme in &old.security_schemes {
        let pointer = crate::diagnostics::child("#/components/securitySchemes", &scheme.key);
        let rust = format!("{client}Builder::{}", scheme.setter);
        match new.security_schemes.iter().find(|s| s.key == scheme.key) {
            None => cx.push(
                &rules::SECURITY_SCHEME_REMOVED,
                rust,
                pointer,
                vec![],
                "the security scheme is gone, and its `ClientBuilder` setter with it.",
            ),
            Some(now) if now.kind != scheme.kind || now.setter != scheme.setter => cx.push(
                &rules::SECURITY_SCHEME_CHANGED,
                rust,
                pointer,
                vec![],
                format!(
                    "now `{}Builder::{}`, sending {} (was {}).",
                    client,
                    now.setter,
                    kind(&now.kind),
                    kind(&scheme.kind)
                ),
            ),
            Some(now) => {
                let mut docs = Docs::default();
                docs.text(
                    "description",
                    scheme.description.as_deref(),
                    now.description.as_deref(),
                );
                if let Some(message) = docs.message() {
                    cx.push(
                        &rules::SECURITY_SCHEME_DOCS_CHANGED,
                        rust,
                        pointer,
                        vec![],
                        message,
                    );
                }
            }
        }
    }
    for scheme in new
        .security_schemes
        .iter()
        .filter(|s| !old.security_schemes.iter().any(|o| o.key == s.key))
    {
        cx.push(
            &rules::SECURITY_SCHEME_ADDED,
            format!("{client}Builder::{}", scheme.setter),
            crate::diagnostics::child("#/components/securitySchemes", &scheme.key),
            vec![],
            format!("a new way to authenticate: {}.", kind(&scheme.kind)),
        );
    }
}

fn kind(kind: &SecurityKind) -> String {
    match kind {
        SecurityKind::Bearer => "a bearer token".into(),
        SecurityKind::Basic => "HTTP basic credentials".into(),
        SecurityKind::ApiKey { location, name } => {
            format!("an API key in the {location:?} `{name}`").to_lowercase()
        }
    }
}

/// Compares two `security` lists (alternatives of scheme sets), by scheme key.
pub(super) fn requirements(
    cx: &mut Cx<'_>,
    old: &[Vec<usize>],
    new: &[Vec<usize>],
    item: (&str, &str, Vec<String>),
) {
    let keys = |api: &Api, list: &[Vec<usize>]| -> BTreeSet<Vec<String>> {
        list.iter()
            .map(|set| {
                let mut keys: Vec<String> = set
                    .iter()
                    .map(|&i| {
                        api.security_schemes
                            .get(i)
                            .map_or_else(|| format!("#{i}"), |s| s.key.clone())
                    })
                    .collect();
                keys.sort();
                keys
            })
            .collect()
    };
    let (before, after) = (keys(cx.old, old), keys(cx.new, new));
    if before == after {
        return;
    }
    let show = |sets: &BTreeSet<Vec<String>>| {
        if sets.is_empty() {
            return "no authentication".to_owned();
        }
        sets.iter()
            .map(|set| {
                if set.is_empty() {
                    "anonymous".to_owned()
                } else {
                    set.join(" + ")
                }
            })
            .collect::<Vec<_>>()
            .join(" or ")
    };
    // An empty list means no authentication at all, which any credentials satisfy.
    let narrowed = !before.is_empty() && (after.is_empty() || !before.is_subset(&after))
        || before.is_empty() && !after.is_empty() && !after.contains(&Vec::new());
    let rule = if narrowed {
        &rules::SECURITY_REQUIREMENT_NARROWED
    } else {
        &rules::SECURITY_REQUIREMENT_WIDENED
    };
    let (rust, pointer, operations) = item;
    cx.push(
        rule,
        rust,
        pointer,
        operations,
        format!("accepts {} (was {}).", show(&after), show(&before)),
    );
}

/// Compares two retry policies; `None` retries nothing.
pub(super) fn retry(
    cx: &mut Cx<'_>,
    old: Option<&RetryPolicy>,
    new: Option<&RetryPolicy>,
    item: (&str, &str, Vec<String>),
) {
    if old == new {
        return;
    }
    let (before, after) = (Reach::of(old), Reach::of(new));
    let narrowed = !before.statuses.is_subset(&after.statuses)
        || before.connection && !after.connection
        || after.budget_ms < before.budget_ms;
    let widened = !after.statuses.is_subset(&before.statuses)
        || after.connection && !before.connection
        || after.budget_ms > before.budget_ms;
    let rule = if narrowed {
        &rules::RETRY_NARROWED
    } else if widened {
        &rules::RETRY_WIDENED
    } else {
        &rules::RETRY_TIMING_CHANGED
    };
    let (rust, pointer, operations) = item;
    cx.push(
        rule,
        rust,
        pointer,
        operations,
        format!(
            "the retry policy is now {} (was {}).",
            describe(new),
            describe(old)
        ),
    );
}

/// What a policy retries, and for how long.
struct Reach {
    statuses: BTreeSet<StatusMatch>,
    connection: bool,
    budget_ms: u64,
}

impl Reach {
    fn of(policy: Option<&RetryPolicy>) -> Self {
        match policy.and_then(|p| p.backoff.as_ref().map(|b| (p, b))) {
            Some((policy, backoff)) => Reach {
                statuses: policy.status_codes.iter().copied().collect(),
                connection: policy.retry_connection_errors,
                budget_ms: backoff.max_elapsed_time_ms,
            },
            None => Reach {
                statuses: BTreeSet::new(),
                connection: false,
                budget_ms: 0,
            },
        }
    }
}

fn describe(policy: Option<&RetryPolicy>) -> String {
    let Some((policy, backoff)) = policy.and_then(|p| p.backoff.as_ref().map(|b| (p, b))) else {
        return "no retries".to_owned();
    };
    let statuses: Vec<String> = policy
        .status_codes
        .iter()
        .map(|s| match s {
            StatusMatch::Exact(code) => code.to_string(),
            StatusMatch::Range(class) => format!("{class}XX"),
            StatusMatch::Default => "default".to_owned(),
        })
        .collect();
    format!(
        "statuses [{}]{}, first wait {} ms ×{}, at most {} ms, for {} ms",
        statuses.join(", "),
        if policy.retry_connection_errors {
            " and connection errors"
        } else {
            ""
        },
        backoff.initial_interval_ms,
        backoff.exponent,
        backoff.max_interval_ms,
        backoff.max_elapsed_time_ms
    )
}
