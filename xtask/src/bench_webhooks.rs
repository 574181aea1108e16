//! `cargo xtask bench --webhooks-only` (and part of the runtime
//! measurements of `cargo xtask bench`): verifying a 2 KB webhook delivery,
//! in verifications per second, beside the raw HMAC of the same bytes. The
//! measurement is the SDK's `webhook_verify` example, run in release with
//! the `webhooks` feature.

use std::error::Error;
use std::path::Path;
use std::process::Command;

/// Runs the example and prints its table.
pub fn run(root: &Path) -> Result<(), Box<dyn Error>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "clerk-backend-api",
            "--features",
            "webhooks",
            "--example",
            "webhook_verify",
        ])
        .current_dir(root)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err("the webhook_verify example failed".into())
    }
}
