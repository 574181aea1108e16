//! The SDK's measuring programs, `generated-sdk/examples/*.rs`, each run by
//! `cargo run --release` (so xtask itself times nothing and need not be
//! optimised); each prints its own table. `cargo xtask bench` runs them
//! all after generation, and one flag each runs one alone.

use std::error::Error;
use std::path::Path;
use std::process::Command;

/// One program and the features it needs.
pub struct Example {
    /// The table's heading, printed first, unless the program prints its own.
    heading: Option<&'static str>,
    /// The example's name.
    name: &'static str,
    /// The crate features it needs.
    features: &'static str,
}

/// Target 3: the SDK's `create` against hand-written reqwest.
pub const THROUGHPUT: Example = Example {
    heading: Some("## 3. Runtime: SDK `create` against hand-written reqwest"),
    name: "throughput",
    features: "",
};

/// Walking a paginated list with `.items()` against the same pages fetched
/// by plain calls.
pub const PAGINATION: Example = Example {
    heading: Some("## Pagination: `.items()` against plain calls, same pages"),
    name: "pagination_throughput",
    features: "",
};

/// Offline verification of a session token by the `auth` module, beside
/// jsonwebtoken's own `decode` of the same token.
pub const AUTH: Example = Example {
    heading: Some("## Auth: offline session-token verification against jsonwebtoken's decode"),
    name: "auth_verify",
    features: "auth",
};

/// Verifying a 2 KB webhook delivery beside the raw HMAC of the same bytes.
pub const WEBHOOKS: Example = Example {
    heading: None,
    name: "webhook_verify",
    features: "webhooks",
};

/// Runs `example` in release and lets it print its table.
pub fn run(root: &Path, example: &Example) -> Result<(), Box<dyn Error>> {
    if let Some(heading) = example.heading {
        println!("{heading}\n");
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["run", "--quiet", "--release", "-p", "clerk-backend-api"]);
    if !example.features.is_empty() {
        command.args(["--features", example.features]);
    }
    let status = command
        .args(["--example", example.name])
        .current_dir(root)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the {} example failed", example.name).into())
    }
}
