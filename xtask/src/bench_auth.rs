//! `cargo xtask bench --auth`: offline verification of a Clerk session token
//! by the SDK's `auth` module, beside jsonwebtoken's own `decode` of the
//! same token (`generated-sdk/examples/auth_verify.rs`, in release).

use std::error::Error;
use std::path::Path;
use std::process::Command;

/// Runs the example, which prints its table.
pub fn run(root: &Path) -> Result<(), Box<dyn Error>> {
    println!("## Auth: offline session-token verification against jsonwebtoken's decode\n");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "clerk-backend-api",
            "--features",
            "auth",
            "--example",
            "auth_verify",
        ])
        .current_dir(root)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err("the auth_verify example failed".into())
    }
}
