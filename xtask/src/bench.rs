//! `cargo xtask bench`: the numbers of BENCHMARKS.md. It measures, on
//! Clerk's whole 2025-04-10 spec:
//!
//! 1. generation, stage by stage, in process, against the bare parse
//!    (serde_yaml into openapiv3), and the whole `generate` process;
//! 2. the compile time and peak memory of the generated crate alone
//!    (`cargo build` and `cargo check`, dependencies built, no incremental);
//!
//! and runs the SDK's throughput example (3), which compares a `create`
//! call with the same request written by hand with reqwest.
//!
//! Timings are medians of several runs with their min–max, in a release
//! build (the command re-runs itself in release when started in debug).

use std::error::Error;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use clap::Args;
use generator::Options;

use crate::bench_examples;
use crate::generate::workspace_root;

const SPEC: &str = "spec/upstream/clerk-bapi-2025-04-10.yml";

/// Options of `cargo xtask bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Runs per in-process measurement.
    #[arg(long, default_value_t = 15)]
    runs: usize,
    /// Builds per compile-time measurement.
    #[arg(long, default_value_t = 3)]
    builds: usize,
    /// Skip the compile-time measurement (it takes minutes).
    #[arg(long)]
    skip_compile: bool,
    /// Skip the runtime throughput measurement.
    #[arg(long)]
    skip_runtime: bool,
    /// Only measure per-group features, for this crate (`elastic`,
    /// `clerk-2025-04-10`).
    #[arg(long)]
    features_only: Option<String>,
    /// Only measure webhook verification (a 2 KB delivery against the raw
    /// HMAC of the same bytes).
    #[arg(long)]
    webhooks: bool,
    /// Only measure offline session-token verification (`auth`) against
    /// jsonwebtoken's own decode.
    #[arg(long)]
    auth: bool,
    /// Only measure walking a paginated list against plain calls.
    #[arg(long)]
    pagination: bool,
    /// Only measure streamed responses: events per second through the SDK
    /// beside the parser crate alone (`bench_streaming.rs`).
    #[arg(long)]
    streaming: bool,
}

/// Median, min and max of some durations.
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl Stats {
    fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        Stats {
            median: samples[samples.len() / 2],
            min: samples[0],
            max: samples[samples.len() - 1],
        }
    }

    fn row(&self, name: &str, share_of: Option<Duration>) -> String {
        let share = share_of.map_or(String::new(), |total| {
            format!(
                "{:5.1}%",
                100.0 * self.median.as_secs_f64() / total.as_secs_f64()
            )
        });
        format!(
            "| {name:<36} | {:>6.2} ms | {:>6.2}–{:<6.2} | {share:>6} |",
            ms(self.median),
            ms(self.min),
            ms(self.max)
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `f` `runs` times (after one warm-up run).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Stats {
    drop(f());
    let samples = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let out = f();
            let elapsed = start.elapsed();
            drop(out);
            elapsed
        })
        .collect();
    Stats::of(samples)
}

pub fn run(args: &BenchArgs) -> Result<(), Box<dyn Error>> {
    if args.streaming {
        // The example runs in release on its own; xtask only starts it.
        return crate::bench_streaming::run(workspace_root());
    }
    if let Some(name) = &args.features_only {
        // Only Cargo's own runs are timed, so xtask need not be optimised.
        return crate::feature_bench::run(workspace_root(), Some(name));
    }
    let only = [
        (args.auth, &bench_examples::AUTH),
        (args.pagination, &bench_examples::PAGINATION),
        (args.webhooks, &bench_examples::WEBHOOKS),
    ];
    if let Some((_, example)) = only.iter().find(|(chosen, _)| *chosen) {
        return bench_examples::run(workspace_root(), example);
    }
    if cfg!(debug_assertions) {
        return rerun_in_release();
    }
    let root = workspace_root();
    println!(
        "machine: {} cores; spec: {SPEC}\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    generation(root, args.runs)?;
    if !args.skip_compile {
        compile_time(root, args.builds)?;
        crate::feature_bench::run(root, None)?;
    }
    if !args.skip_runtime {
        for example in [
            &bench_examples::THROUGHPUT,
            &bench_examples::PAGINATION,
            &bench_examples::WEBHOOKS,
        ] {
            bench_examples::run(root, example)?;
        }
    }
    Ok(())
}

fn rerun_in_release() -> Result<(), Box<dyn Error>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "xtask",
            "--",
            "bench",
        ])
        .args(std::env::args().skip(2))
        .current_dir(workspace_root())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err("the release run of the benchmarks failed".into())
    }
}

/// Target 1: each stage in process (the divan bench
/// `generator/benches/stages.rs`, whose table is printed as it comes), and
/// the whole `generate` process, timed here.
fn generation(root: &Path, runs: usize) -> Result<(), Box<dyn Error>> {
    let spec = root.join(SPEC);
    let text = fs::read_to_string(&spec)?;
    let options = Options {
        crate_name: "clerk-full".into(),
        client_name: None,
        spec_label: SPEC.into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    let document = generator::load::load_str(&text, &spec)?;
    let lowered = generator::lower::lower(&document, &spec, generator::Grouping::Auto)?;
    let generated = generator::emit::emit_crate(&lowered.model, &options, Vec::new())?;

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "bench",
            "--quiet",
            "-p",
            "openapi-rust-generator",
            "--bench",
            "stages",
            "--",
            "--sample-count",
        ])
        .arg(runs.max(1).to_string())
        .current_dir(root)
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err("the divan bench of the generation stages failed".into());
    }
    let divan = String::from_utf8_lossy(&output.stdout);
    println!("divan (generator/benches/stages.rs):\n\n{divan}");
    let stage = |name: &str| -> Result<Stats, Box<dyn Error>> {
        divan_row(&divan, name)
            .ok_or_else(|| format!("no `{name}` row in the divan bench's output").into())
    };

    let xtask = std::env::current_exe()?;
    let process_out = root.join("target/bench/generate-process");
    let process = time(runs.min(10), || {
        Command::new(&xtask)
            .args(["generate", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&process_out)
            .args(["--crate-name", "clerk-full"])
            .output()
    });

    // A fresh generation: the same process into an empty folder, which is
    // removed before each run, outside the timing.
    let fresh_out = root.join("target/bench/generate-fresh");
    let mut fresh_samples = Vec::new();
    for run in 0..=runs.min(10) {
        let _ = fs::remove_dir_all(&fresh_out);
        let start = Instant::now();
        Command::new(&xtask)
            .args(["generate", "--spec"])
            .arg(&spec)
            .arg("--out")
            .arg(&fresh_out)
            .args(["--crate-name", "clerk-full"])
            .output()?;
        // The first run warms the caches, as `time` does.
        if run > 0 {
            fresh_samples.push(start.elapsed());
        }
    }
    let fresh_process = Stats::of(fresh_samples);
    // What any process that reads the spec pays: starting up, and the bare
    // parse (measured in process by divan).
    let startup = time(runs.min(10), || Command::new(&xtask).arg("--help").output());

    println!(
        "## 1. Generation ({} operations, {} files)\n",
        lowered
            .model
            .groups
            .iter()
            .map(|g| g.operations.len())
            .sum::<usize>(),
        generated.files.len()
    );
    let (bare, load, lower, emit) = (
        stage("bare_parse")?,
        stage("load")?,
        stage("lower")?,
        stage("emit")?,
    );
    let (parse, copy, print) = (
        stage("parse_tokens_one_thread")?,
        stage("copy_trees_one_thread")?,
        stage("print_one_thread")?,
    );
    let generate = stage("generate")?;
    let (fresh, unchanged) = (stage("write_fresh")?, stage("write_unchanged")?);
    // A regeneration is what `cargo xtask generate` does: everything in
    // process, then a write that finds most files unchanged.
    let whole = load.median + lower.median + emit.median + unchanged.median;
    println!("| stage                                |    median | min–max (ms)  |  share |");
    println!("| ------------------------------------ | --------- | ------------- | ------ |");
    println!("{}", bare.row("bare parse (serde_yaml → openapiv3)", None));
    println!(
        "{}",
        load.row("load (parse, 3.1 normalise, check)", Some(whole))
    );
    println!("{}", lower.row("lower (intermediate model)", Some(whole)));
    println!("{}", emit.row("emit + format (all cores)", Some(whole)));
    println!("{}", parse.row("  syn parse of its tokens, 1 thread", None));
    println!("{}", copy.row("  copy of its syn trees, 1 thread", None));
    println!("{}", print.row("  prettyplease print, 1 thread", None));
    println!("{}", unchanged.row("write (nothing changed)", Some(whole)));
    println!("{}", fresh.row("write (fresh folder)", None));
    println!("{}", generate.row("generate() in process (no write)", None));
    println!("{}", process.row("`xtask generate` process, all in", None));
    println!(
        "{}",
        fresh_process.row("`xtask generate` process, fresh folder", None)
    );
    println!("{}", startup.row("`xtask --help` process", None));
    let in_process = load.median + lower.median + emit.median;
    println!(
        "\nshare: of load + lower + emit + write (nothing changed), a regeneration.\n\
         load + lower + emit + format = {:.2} ms = {:.2}× the bare parse (target ≤ 3×); \
         whole process {:.1} ms (target < 100 ms)\n",
        ms(in_process),
        in_process.as_secs_f64() / bare.median.as_secs_f64(),
        ms(process.median)
    );
    let parse_only = startup.median + bare.median;
    println!(
        "parse-only process (start-up + bare parse) {:.1} ms; regeneration process {:.2}×, \
         fresh generation process {:.2}× it (target ≤ 4× each)\n",
        ms(parse_only),
        process.median.as_secs_f64() / parse_only.as_secs_f64(),
        fresh_process.median.as_secs_f64() / parse_only.as_secs_f64(),
    );
    // The least a prettyplease-formatted emission could take on two cores,
    // with its trees built directly and nothing else done: a floor that
    // says whether the ratio above is reachable with this formatter at all.
    let floor = load.median + lower.median + (copy.median + print.median) / 2;
    println!(
        "floor with prettyplease: load + lower + (copy + print) / 2 cores = {:.2} ms = {:.2}× \
         the bare parse; the syn parse alone is {:.2}× the parse on one core\n",
        ms(floor),
        floor.as_secs_f64() / bare.median.as_secs_f64(),
        parse.median.as_secs_f64() / bare.median.as_secs_f64()
    );
    Ok(())
}

/// The fastest, slowest and median of a row of divan's table, e.g.
/// `├─ load  19.8 ms │ 25.5 ms │ 21.7 ms │ 22.6 ms │ 15 │ 15`.
fn divan_row(table: &str, name: &str) -> Option<Stats> {
    let line = table.lines().find(|line| {
        line.trim_start_matches(|c: char| !c.is_alphanumeric())
            .split_whitespace()
            .next()
            == Some(name)
    })?;
    let cells: Vec<&str> = line.split('│').collect();
    let first = cells.first()?.split_whitespace().collect::<Vec<_>>();
    let duration = |value: &str, unit: &str| -> Option<Duration> {
        let value: f64 = value.parse().ok()?;
        let seconds = match unit {
            "ns" => value / 1e9,
            "µs" | "us" => value / 1e6,
            "ms" => value / 1e3,
            "s" => value,
            _ => return None,
        };
        Some(Duration::from_secs_f64(seconds))
    };
    let cell = |index: usize| -> Option<Duration> {
        let parts: Vec<&str> = cells.get(index)?.split_whitespace().collect();
        duration(parts.first()?, parts.get(1)?)
    };
    let n = first.len();
    Some(Stats {
        min: duration(first.get(n.checked_sub(2)?)?, first.get(n - 1)?)?,
        max: cell(1)?,
        median: cell(2)?,
    })
}

/// Target 2: the generated crate's own build, dependencies already built.
fn compile_time(root: &Path, builds: usize) -> Result<(), Box<dyn Error>> {
    let scratch = root.join("target/bench/compile");
    let crate_dir = scratch.join("clerk-full");
    let generated = generator::generate(
        &root.join(SPEC),
        &Options {
            crate_name: "clerk-full".into(),
            client_name: None,
            spec_label: SPEC.into(),
            package: Default::default(),
            modules: Vec::new(),
            grouping: Default::default(),
            webhook_signing: None,
        },
    )?;
    generator::write::write(&crate_dir, &generated)?;
    write_consumer(&scratch, &crate_dir)?;
    fs::write(
        scratch.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"clerk-full\", \"consumer\"]\n",
    )?;
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = scratch.join("target");
    let sdk_root = crate_dir.join("src/lib.rs");
    let consumer_root = scratch.join("consumer/src/main.rs");
    let run = |subcommand: &str,
               package: &str,
               root_file: &Path|
     -> Result<(Duration, u64), Box<dyn Error>> {
        // Touching the crate root makes Cargo rebuild the crate and only it.
        fs::write(root_file, fs::read(root_file)?)?;
        let report = scratch.join("time.txt");
        let start = Instant::now();
        let status = Command::new("/usr/bin/time")
            .args(["-f", "%M", "-o"])
            .arg(&report)
            .arg(&cargo)
            .args([subcommand, "--offline", "--quiet", "-p", package])
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(&scratch)
            .status()?;
        let elapsed = start.elapsed();
        if !status.success() {
            return Err(format!("cargo {subcommand} of the generated crate failed").into());
        }
        let peak_kib: u64 = fs::read_to_string(&report)?
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
            .unwrap_or(0);
        Ok((elapsed, peak_kib))
    };
    println!("## 2. Compile time of the generated crate (whole Clerk spec)\n");
    println!("| command          |   median |  min–max (s)  | peak memory |");
    println!("| ---------------- | -------- | ------------- | ----------- |");
    for (subcommand, package, root_file, label) in [
        ("build", "clerk-full", &sdk_root, "cargo build"),
        ("check", "clerk-full", &sdk_root, "cargo check"),
        ("build", "consumer", &consumer_root, "one-call program"),
    ] {
        run(subcommand, package, root_file)?; // dependencies, once
        let mut times = Vec::new();
        let mut peak = 0;
        for _ in 0..builds.max(1) {
            let (elapsed, kib) = run(subcommand, package, root_file)?;
            times.push(elapsed);
            peak = peak.max(kib);
        }
        let stats = Stats::of(times);
        println!(
            "| {label:<16} | {:>6.2} s | {:>5.2}–{:<5.2}   | {:>7} MiB |",
            stats.median.as_secs_f64(),
            stats.min.as_secs_f64(),
            stats.max.as_secs_f64(),
            peak / 1024
        );
    }
    println!(
        "\n(target: build ≤ 4.4 s and ≤ 500 MiB; the one-call program is the crate README's first \
         example, built with the SDK already built)\n"
    );
    Ok(())
}

/// A program that sends one request with the SDK: the first example of the
/// generated README. Operations are compiled where they are used (see the
/// runtime's `Operation`), so this is what a user's own crate pays per call.
fn write_consumer(scratch: &Path, crate_dir: &Path) -> Result<(), Box<dyn Error>> {
    let readme = fs::read_to_string(crate_dir.join("README.md"))?;
    let example: String = readme
        .split("## Authentication and a first call")
        .nth(1)
        .and_then(|section| section.split("```rust").nth(1))
        .and_then(|block| block.split_once('\n'))
        .and_then(|(_, code)| code.split("```").next())
        .ok_or("the generated README has no first-call example")?
        .into();
    let dir = scratch.join("consumer");
    fs::create_dir_all(dir.join("src"))?;
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nclerk-full = { path = \"../clerk-full\" }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
    )?;
    fs::write(dir.join("src/main.rs"), example)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divan_rows_are_read_in_any_unit() {
        let table = "stages   fastest │ slowest │ median │ mean │ samples │ iters\n\
                     ├─ load  19.88 ms │ 1.5 s   │ 950 µs │ 22 ms │ 15 │ 15\n\
                     ╰─ lower 16 ns    │ 23 ms   │ 18 ms  │ 19 ms │ 15 │ 15\n";
        let load = divan_row(table, "load").unwrap();
        assert_eq!(load.min, Duration::from_micros(19_880));
        assert_eq!(load.max, Duration::from_millis(1_500));
        assert_eq!(load.median, Duration::from_micros(950));
        assert_eq!(
            divan_row(table, "lower").unwrap().min,
            Duration::from_nanos(16)
        );
        assert!(divan_row(table, "emit").is_none());
    }
}
