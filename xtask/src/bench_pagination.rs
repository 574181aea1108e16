//! `cargo xtask bench --pagination`: walking a paginated list with
//! `.items()` against the same pages fetched by plain calls (the SDK's
//! `examples/pagination_throughput.rs`, in release).

use std::error::Error;
use std::path::Path;
use std::process::Command;

/// Runs the SDK's pagination example and prints its table.
pub fn run(root: &Path) -> Result<(), Box<dyn Error>> {
    println!("## Pagination: `.items()` against plain calls, same pages\n");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "clerk-backend-api",
            "--example",
            "pagination_throughput",
        ])
        .current_dir(root)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err("the pagination example failed".into())
    }
}
