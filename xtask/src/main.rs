//! Project tasks, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).

mod bench;
mod bench_examples;
mod bench_streaming;
mod breadth;
mod check;
mod combos;
mod config;
mod diff;
mod feature_bench;
mod fuzz;
mod generate;
mod overlay;
mod prove;
mod refresh;
mod slice;
mod slice_webhooks;
mod verify;
mod yaml;

use std::process::ExitCode;

// Generation makes millions of short-lived allocations (token trees, syn
// nodes, identifiers cloned by every syn peek); mimalloc serves them at
// a fraction of the system allocator's cost, on both cores.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// Project tasks: generate and check the SDK crate, slice OpenAPI documents.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the SDK crate from the OpenAPI document.
    Generate(generate::Target),
    /// Fail, showing a diff, when the SDK crate on disk is not what generation produces.
    Check(generate::Target),
    /// Report what changed between two documents for users of the
    /// generated crate, whether it breaks them, and the next version.
    Diff(diff::DiffArgs),
    /// Take a new upstream document: re-slice, regenerate, bump the version
    /// and add the change report to CHANGELOG.md.
    Refresh(refresh::RefreshArgs),
    /// Cut a self-contained OpenAPI document holding chosen operations out of a larger one.
    Slice(slice::SliceArgs),
    /// Generate a crate from every real and shape spec in the repository and
    /// check that each passes `cargo clippy -D warnings`.
    Breadth(breadth::BreadthArgs),
    /// Measure generation, the generated crate's compile time and the SDK's
    /// throughput (the numbers of BENCHMARKS.md).
    Bench(bench::BenchArgs),
    /// Run the generator on randomly mutated specs; it must never panic.
    Fuzz(fuzz::FuzzArgs),
}

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Command::Generate(target) | Command::Check(target) = &mut cli.command {
        if let Err(err) = target.read_config() {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    }
    let result = match &cli.command {
        Command::Generate(target) => generate::run(target).map(|()| ExitCode::SUCCESS),
        Command::Check(target) => check::run(target),
        Command::Diff(args) => diff::run(args),
        Command::Refresh(args) => refresh::run(args),
        Command::Slice(args) => slice::run(args).map(|()| ExitCode::SUCCESS),
        Command::Breadth(args) => breadth::run(args).map(|()| ExitCode::SUCCESS),
        Command::Bench(args) => bench::run(args).map(|()| ExitCode::SUCCESS),
        Command::Fuzz(args) => fuzz::run(args).map(|()| ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|err| {
        eprintln!("error: {err}");
        ExitCode::FAILURE
    })
}
