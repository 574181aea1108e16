//! Security schemes, security requirements and retry policies.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme as SpecScheme};
use serde_json::Value;

use super::Lowerer;
use crate::diagnostics::{child, child_index, Error};
use crate::ir::{Backoff, ParamLocation, RetryPolicy, SecurityKind, SecurityScheme, StatusMatch};
use crate::names::{self, Namespace};

impl<'a> Lowerer<'a> {
    /// The supported security schemes, and the root requirement over them.
    pub(crate) fn lower_security(
        &mut self,
    ) -> Result<(Vec<SecurityScheme>, Vec<Vec<usize>>), Error> {
        // The client builder's own methods; a scheme setter must not shadow them.
        let mut setters = Namespace::with_reserved(&[
            "build",
            "connect_timeout",
            "credential",
            "hook",
            "http_client",
            "new",
            "retry_config",
            "server_url",
            "skip_validation",
            "timeout",
            "total_timeout",
            "user_agent",
        ])
        .and_reserved(names::TRAIT_METHODS);
        let mut schemes = Vec::new();
        let entries = self.doc.components.iter().flat_map(|c| &c.security_schemes);
        for (key, scheme) in entries {
            let pointer = child("#/components/securitySchemes", key);
            let scheme = match scheme {
                ReferenceOr::Item(scheme) => scheme,
                ReferenceOr::Reference { .. } => {
                    self.warn(
                        &pointer,
                        "a security scheme given by reference is not supported; it is ignored",
                    );
                    continue;
                }
            };
            let (kind, description) = match scheme {
                SpecScheme::HTTP {
                    scheme: http,
                    description,
                    ..
                } => match http.to_ascii_lowercase().as_str() {
                    "bearer" => (SecurityKind::Bearer, description),
                    "basic" => (SecurityKind::Basic, description),
                    other => {
                        self.warn(&pointer, format!("HTTP authentication scheme `{other}` is not supported; operations that need it are sent without it"));
                        continue;
                    }
                },
                SpecScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        APIKeyLocation::Header => ParamLocation::Header,
                        APIKeyLocation::Query => ParamLocation::Query,
                        APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (
                        SecurityKind::ApiKey {
                            location,
                            name: name.clone(),
                        },
                        description,
                    )
                }
                // The client is handed an access token; obtaining one is the
                // application's business.
                SpecScheme::OAuth2 { description, .. }
                | SpecScheme::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description)
                }
            };
            let wanted = names::snake_or_spelled(key, "scheme", schemes.len() + 1);
            schemes.push(SecurityScheme {
                key: key.clone(),
                setter: setters.claim(&wanted),
                kind,
                description: super::prose(description),
            });
        }
        let root = match &self.doc.security {
            Some(requirements) => self.requirements(requirements, &schemes, "#/security")?,
            None => Vec::new(),
        };
        Ok((schemes, root))
    }

    /// Security requirement alternatives as scheme indices. An alternative
    /// naming an unsupported scheme cannot be met and is left out.
    pub(crate) fn requirements(
        &mut self,
        requirements: &[SecurityRequirement],
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Result<Vec<Vec<usize>>, Error> {
        let mut alternatives = Vec::new();
        'alternatives: for (index, requirement) in requirements.iter().enumerate() {
            let mut all = Vec::new();
            for key in requirement.keys() {
                match schemes.iter().position(|s| &s.key == key) {
                    Some(position) => all.push(position),
                    None => {
                        let declared = self
                            .doc
                            .components
                            .as_ref()
                            .is_some_and(|c| c.security_schemes.contains_key(key));
                        if !declared {
                            // Read as a scheme the client cannot provide: the
                            // alternative is left out, as for unsupported ones.
                            self.repair(
                                &child_index(pointer, index),
                                format!(
                                    "security scheme `{key}` is not declared in \
                                     `components.securitySchemes`; this alternative is skipped"
                                ),
                            );
                        }
                        continue 'alternatives;
                    }
                }
            }
            alternatives.push(all);
        }
        Ok(alternatives)
    }

    /// Reads an `x-speakeasy-retries` extension.
    pub(crate) fn retry_policy(&self, value: &Value, pointer: &str) -> Result<RetryPolicy, Error> {
        let bad = |field: &str, what: &str| {
            self.invalid(&child(pointer, field), format!("expected {what}"))
        };
        let strategy = value
            .get("strategy")
            .and_then(Value::as_str)
            .unwrap_or("backoff");
        let backoff = match strategy {
            "none" => None,
            "backoff" => {
                let backoff = value.get("backoff").cloned().unwrap_or(Value::Null);
                let millis = |field: &str, default: u64| -> Result<u64, Error> {
                    match backoff.get(field) {
                        None => Ok(default),
                        Some(v) => v.as_u64().ok_or_else(|| {
                            bad(
                                &format!("backoff/{field}"),
                                "a whole number of milliseconds",
                            )
                        }),
                    }
                };
                let exponent = match backoff.get("exponent") {
                    None => 1.5,
                    Some(v) => v
                        .as_f64()
                        .filter(|e| *e >= 1.0)
                        .ok_or_else(|| bad("backoff/exponent", "a number of at least 1"))?,
                };
                // Speakeasy's documented defaults.
                Some(Backoff {
                    initial_interval_ms: millis("initialInterval", 500)?,
                    max_interval_ms: millis("maxInterval", 60_000)?,
                    max_elapsed_time_ms: millis("maxElapsedTime", 3_600_000)?,
                    exponent,
                })
            }
            other => {
                return Err(self.invalid(
                    &child(pointer, "strategy"),
                    format!("unknown retry strategy `{other}`; expected `backoff` or `none`"),
                ))
            }
        };
        let mut status_codes = Vec::new();
        for (index, code) in value
            .get("statusCodes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let text = match code {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            };
            let status = StatusMatch::parse(&text).ok_or_else(|| {
                bad(
                    &format!("statusCodes/{index}"),
                    "a status such as `503` or `5XX`",
                )
            })?;
            status_codes.push(status);
        }
        let retry_connection_errors = value
            .get("retryConnectionErrors")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Ok(RetryPolicy {
            backoff,
            status_codes,
            retry_connection_errors,
        })
    }
}
