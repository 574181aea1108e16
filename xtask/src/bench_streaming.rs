//! `cargo xtask bench --streaming`: streamed-response throughput. Generates
//! the crate of `generator/tests/shapes/streaming.yaml` into a scratch
//! workspace under `target/`, installs `bench-programs/streaming.rs` as its
//! example, and runs it in release (see that file for what it measures).

use std::error::Error;
use std::fs;
use std::path::Path;
use std::process::Command;

use generator::Options;

const PROGRAM: &str = include_str!("../bench-programs/streaming.rs");

pub fn run(root: &Path) -> Result<(), Box<dyn Error>> {
    let spec = root.join("generator/tests/shapes/streaming.yaml");
    let scratch = root.join("target/bench-streaming");
    let options = Options {
        crate_name: "shape-streaming".into(),
        client_name: None,
        spec_label: "generator/tests/shapes/streaming.yaml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    let generated = generator::generate(&spec, &options)?;
    let crate_dir = scratch.join("shape-streaming");
    generator::write::write(&crate_dir, &generated)?;
    fs::create_dir_all(crate_dir.join("examples"))?;
    fs::write(crate_dir.join("examples/stream_bench.rs"), PROGRAM)?;
    fs::write(
        scratch.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"shape-streaming\"]\n",
    )?;
    // The main lock file pins the same versions, so this runs offline.
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&scratch)
        .args([
            "run",
            "--release",
            "--offline",
            "--quiet",
            "--example",
            "stream_bench",
        ])
        .env("CARGO_TARGET_DIR", root.join("target/breadth-target"))
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err("the streaming benchmark failed".into())
    }
}
