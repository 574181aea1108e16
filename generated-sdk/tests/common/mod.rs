//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use clerk_backend_api::{Backoff, Clerk, ClerkBuilder, RetryConfig};
use serde_json::{Value, json};
use wiremock::MockServer;

/// The bearer token used by every test client.
pub const TOKEN: &str = "sk_test_s3cr3t_t0k3n_value";

/// The `User-Agent` the SDK must send: the SDK, its version, the API version.
pub fn user_agent() -> String {
    format!(
        "clerk-backend-api-rust/{} api/2025-04-10",
        env!("CARGO_PKG_VERSION")
    )
}

/// A builder pointed at `server` under `/v1`, with the test token.
pub fn builder(server: &MockServer) -> ClerkBuilder {
    Clerk::builder()
        .bearer_auth(TOKEN)
        .server_url(format!("{}/v1", server.uri()))
}

/// A client pointed at `server` under `/v1`, with the test token.
pub fn client(server: &MockServer) -> Clerk {
    builder(server).build().expect("valid test configuration")
}

/// Millisecond backoff so retry tests stay fast; the retried statuses stay
/// the spec's (5XX) and connection errors.
pub fn fast_retries(max_elapsed: Duration) -> RetryConfig {
    RetryConfig::backoff(
        Backoff::new()
            .initial_interval(Duration::from_millis(5))
            .max_interval(Duration::from_millis(20))
            .max_elapsed_time(max_elapsed)
            .exponent(2.0),
    )
}

/// A valid `MachineToken` response body.
pub fn token_body() -> Value {
    json!({ "object": "token", "jwt": "eyJhbGciOiJSUzI1NiJ9.e30.sig" })
}

/// A `ClerkErrors` response body.
pub fn clerk_errors_body() -> Value {
    json!({
        "errors": [{
            "message": "is invalid",
            "long_message": "machine_id is invalid",
            "code": "form_param_format_invalid",
            "meta": { "param_name": "machine_id" }
        }],
        "clerk_trace_id": "trace_0123456789"
    })
}
