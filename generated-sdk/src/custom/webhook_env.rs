//! Hand-written: the webhook verifier configured from the environment.
//! Declared in `spec/sdk.toml` (`[[modules]]`, with the `webhooks`
//! feature); the generator never writes this file.

use crate::webhooks::{Webhook, WebhookError};

/// The environment variable [`Webhook::from_env`] reads the signing secret
/// from, as Clerk's own SDKs name it.
pub const WEBHOOK_SECRET_VAR: &str = "CLERK_WEBHOOK_SIGNING_SECRET";

impl Webhook {
    /// A verifier for the signing secret in `CLERK_WEBHOOK_SIGNING_SECRET`
    /// (the `whsec_…` secret of the endpoint, in Clerk's dashboard).
    ///
    /// ```no_run
    /// # fn run() -> Result<(), clerk_backend_api::webhooks::WebhookError> {
    /// let webhook = clerk_backend_api::webhooks::Webhook::from_env()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidSecret`] when the variable is unset, not
    /// Unicode, empty, or not a `whsec_` secret.
    pub fn from_env() -> Result<Self, WebhookError> {
        let secret = std::env::var(WEBHOOK_SECRET_VAR).map_err(|err| match err {
            std::env::VarError::NotPresent => WebhookError::InvalidSecret {
                reason: "CLERK_WEBHOOK_SIGNING_SECRET is not set",
            },
            std::env::VarError::NotUnicode(_) => WebhookError::InvalidSecret {
                reason: "CLERK_WEBHOOK_SIGNING_SECRET is not Unicode",
            },
        })?;
        Webhook::new(secret)
    }
}
