//! Hooks: user code that observes or adjusts every request.

use super::error::Error;
use super::response::Response;

/// What a [`Hook`] is told about the call in progress.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HookContext {
    /// The spec's `operationId`, e.g. `CreateMachineToken`.
    pub operation_id: &'static str,
    /// The attempt number, from 1 (0 when the call failed before any attempt).
    pub attempt: u32,
}

/// Observes or adjusts requests; register with `ClientBuilder::hook`.
///
/// Hooks run in registration order. Every call ends with exactly one
/// `after_success` or `after_error`.
pub trait Hook: Send + Sync + 'static {
    /// Runs before each attempt, after authentication headers were added;
    /// may change the request. An error aborts the call without retrying.
    fn before_request(
        &self,
        _ctx: &HookContext,
        _request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Runs once the call succeeded, with the final response.
    fn after_success(&self, _ctx: &HookContext, _response: &Response) {}

    /// Runs once the call failed, with the error about to be returned.
    fn after_error(&self, _ctx: &HookContext, _error: &Error) {}
}
