//! `cargo xtask breadth`: generates a crate from every real and every shape
//! spec the repository holds, into one scratch workspace under `target/`,
//! and has Cargo check them all with warnings as errors, compile every
//! example of their docs, and run the wire tests of `breadth-tests/` on the
//! Clerk crates. Dependencies are compiled once for all of them.

use std::error::Error;
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use generator::Options;

use crate::generate::workspace_root;

/// Wire tests for the crates of Clerk's whole specs (see the file).
const CLERK_WIRE_TESTS: &str = include_str!("../breadth-tests/clerk_wire.rs");

/// Wire tests of streamed responses, by crate (see the files).
const STREAM_WIRE_TESTS: &[(&str, &str)] = &[
    (
        "shape-streaming",
        include_str!("../breadth-tests/streaming_wire.rs"),
    ),
    ("mistral", include_str!("../breadth-tests/mistral_wire.rs")),
];

/// The options of `cargo xtask breadth`.
#[derive(Debug, clap::Args)]
pub struct BreadthArgs {
    /// Also the largest specs (Elasticsearch), which take most of the time;
    /// CI runs the quick set.
    #[arg(long)]
    pub all: bool,
    /// Only the crates whose name contains one of these words (say
    /// `--only mistral --only shape-paging`), for a quick check of one
    /// capability; CI runs them all.
    #[arg(long, value_name = "WORD")]
    pub only: Vec<String>,
}

/// Specs only `--all` takes: each generates thousands of files, and
/// checking them takes longer than all the others together.
const FULL_ONLY: &[(&str, &str)] = &[(
    "spec/third-party/elastic/elastic-elasticsearch-serverless-openapi.json",
    "elastic-serverless",
)];

/// Overlays applied to a spec before its crate is generated, by crate name:
/// declarations its document lacks (see each file's header).
const OVERLAYS: &[(&str, &str)] = &[(
    "clerk-2026-05-12",
    "spec/overlays/clerk-2026-05-12-pagination.yaml",
)];

/// Generates the crate `name` from `spec`, through its [`OVERLAYS`] if it
/// has one (an action that no longer applies is an error).
fn generate(
    root: &Path,
    spec: &Path,
    name: &str,
    options: &Options,
) -> Result<generator::Generated, Box<dyn Error>> {
    let Some((_, overlay)) = OVERLAYS.iter().find(|(crate_name, _)| *crate_name == name) else {
        return Ok(generator::generate(spec, options)?);
    };
    let source = fs::read_to_string(spec)
        .map_err(|err| format!("{}: cannot read: {err}", spec.display()))?;
    let overlays = crate::overlay::read_all(&[root.join(overlay)])?;
    let text = crate::overlay::apply_all(&source, spec, &overlays, true)?;
    Ok(generator::generate_from_str(&text, spec, options)?)
}

/// The specs and the crate each becomes.
fn specs(root: &Path, all: bool) -> Result<Vec<(PathBuf, String)>, Box<dyn Error>> {
    let full_only = if all { FULL_ONLY } else { &[] };
    let mut specs: Vec<(PathBuf, String)> = [
        (
            "spec/upstream/clerk-bapi-2025-04-10.yml",
            "clerk-2025-04-10",
        ),
        (
            "spec/upstream/clerk-bapi-2026-05-12.yml",
            "clerk-2026-05-12",
        ),
        ("spec/third-party/petstore/openapi.yaml", "petstore"),
        (
            "spec/third-party/twilio/twilio_messaging_v1.yaml",
            "twilio-messaging",
        ),
        (
            "spec/third-party/sendgrid/tsg_mail_v3.json",
            "sendgrid-mail",
        ),
        ("spec/third-party/qdrant/qdrant-openapi.json", "qdrant"),
        ("spec/third-party/ory/ory-kratos-api.json", "ory-kratos"),
        ("spec/third-party/svix/svix-lib-openapi.json", "svix"),
        (
            "spec/third-party/redocly/redocly-museum-openapi.yaml",
            "redocly-museum",
        ),
        (
            "spec/third-party/readmeio/readmeio-callbacks.json",
            "readmeio-callbacks",
        ),
        (
            "spec/third-party/readmeio/readmeio-parameters-style.json",
            "readmeio-parameters-style",
        ),
        (
            "spec/third-party/readmeio/readmeio-polymorphism.json",
            "readmeio-polymorphism",
        ),
        (
            "spec/third-party/readmeio/readmeio-schema-circular.json",
            "readmeio-schema-circular",
        ),
        ("spec/third-party/lob/lob-lob-api-bundled.yml", "lob"),
        ("spec/third-party/mistral/mistral-openapi.yaml", "mistral"),
        // Clerk's webhook events: a document of `x-webhooks` and no paths.
        (
            "spec/upstream/clerk-webhooks-2025-04-15.yml",
            "clerk-webhooks",
        ),
    ]
    .into_iter()
    .chain(full_only.iter().copied())
    .map(|(spec, name)| (root.join(spec), name.to_owned()))
    .collect();
    // The bad specs the generator accepts (with warnings and fallbacks)
    // must give compiling code as well; the ones it rejects are skipped.
    for (folder, prefix) in [("shapes", "shape"), ("bad_specs", "bad")] {
        let mut found: Vec<PathBuf> = fs::read_dir(root.join("generator/tests").join(folder))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        found.sort();
        for spec in found {
            let stem = spec
                .file_stem()
                .map(|s| s.to_string_lossy().replace('_', "-"))
                .unwrap_or_default();
            specs.push((spec, format!("{prefix}-{stem}")));
        }
    }
    Ok(specs)
}

/// Generates every crate, then runs `cargo clippy` over them.
pub fn run(args: &BreadthArgs) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let root = workspace_root();
    let scratch = root.join("target/breadth");
    let mut members = String::new();
    let mut names = Vec::new();
    let chosen = specs(root, args.all)?.into_iter().filter(|(_, name)| {
        args.only.is_empty() || args.only.iter().any(|word| name.contains(word.as_str()))
    });
    for (spec, name) in chosen {
        let options = Options {
            crate_name: name.clone(),
            client_name: None,
            spec_label: spec
                .strip_prefix(root)
                .unwrap_or(&spec)
                .display()
                .to_string(),
            package: Default::default(),
            modules: Vec::new(),
            grouping: Default::default(),
            webhook_signing: Some(generator::WebhookSigning::StandardWebhooks),
        };
        let generation = Instant::now();
        let generated = match generate(root, &spec, &name, &options) {
            Ok(generated) => generated,
            Err(error) if name.starts_with("bad-") => {
                println!("{name}: rejected as expected ({error})");
                continue;
            }
            Err(error) => return Err(error),
        };
        let generation = generation.elapsed();
        crate::generate::print_warnings(&options.spec_label, &generated.warnings);
        let summary = generator::write::write(&scratch.join(&name), &generated)?;
        println!(
            "{name}: {} files ({} written), {} warning(s), generated in {} ms; {}",
            generated.files.len(),
            summary.written,
            generated.warnings.len(),
            generation.as_millis(),
            crate::generate::summary_of(&generated.stats),
        );
        if name.starts_with("clerk-20") {
            // Hand-written wire tests beside the generated files, which the
            // generator leaves alone.
            let tests = scratch.join(&name).join("tests");
            fs::create_dir_all(&tests)?;
            let lib = name.replace('-', "_");
            fs::write(
                tests.join("wire.rs"),
                format!(
                    "use {lib} as clerk_sdk;\n\n/// The crate under test.\nconst CRATE: &str = {name:?};\n\n{CLERK_WIRE_TESTS}"
                ),
            )?;
        }
        if let Some((_, tests)) = STREAM_WIRE_TESTS
            .iter()
            .find(|(crate_name, _)| *crate_name == name)
        {
            let folder = scratch.join(&name).join("tests");
            fs::create_dir_all(&folder)?;
            fs::write(folder.join("wire.rs"), tests)?;
        }
        let _ = writeln!(members, "    {name:?},");
        names.push(name);
    }
    // Its own workspace, so the main one's members are left alone; the main
    // lock file pins the same dependency versions.
    fs::write(
        scratch.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\n{members}]\n"),
    )?;
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))?;
    let cargo = |args: &[&str]| -> Result<bool, Box<dyn Error>> {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&scratch)
            .args(args)
            .env("CARGO_TARGET_DIR", root.join("target/breadth-target"))
            .status()?;
        Ok(status.success())
    };
    let clippy = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--offline",
        "--keep-going",
        "--",
        "-D",
        "warnings",
    ];
    if !cargo(&clippy)? {
        return Err("the generated crates do not all pass `cargo clippy -D warnings`".into());
    }
    println!(
        "every generated crate passes `cargo clippy --all-targets --all-features -D warnings`"
    );
    crate::combos::run(&scratch, &names, &root.join("target/breadth-target"))?;
    // Every example of every README and docs page is a doctest (merged into
    // one binary per crate by edition 2024, so this stays affordable).
    if !cargo(&[
        "test",
        "--doc",
        "--workspace",
        "--all-features",
        "--offline",
    ])? {
        return Err("the examples in the generated docs do not all compile".into());
    }
    println!("every example in the generated docs compiles");
    let streaming: Vec<&str> = STREAM_WIRE_TESTS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| names.iter().any(|n| n == name))
        .collect();
    if !streaming.is_empty() {
        // `--lib` runs the stream runtime's own unit tests (framing, limits).
        let mut wire = vec![
            "test",
            "--offline",
            "--all-features",
            "--lib",
            "--test",
            "wire",
        ];
        for name in &streaming {
            wire.extend(["-p", name]);
        }
        if !cargo(&wire)? {
            return Err("the streaming wire tests fail".into());
        }
        println!(
            "streamed responses decode as they arrive ({})",
            streaming.join(", ")
        );
    }
    let clerk_crates = ["clerk-2025-04-10", "clerk-2026-05-12"];
    if !clerk_crates.iter().all(|c| names.iter().any(|n| n == c)) {
        println!("skipping the Clerk wire tests: `--only` left out a Clerk crate");
        return Ok(());
    }
    let wire = [
        "test",
        "--offline",
        "-p",
        "clerk-2025-04-10",
        "-p",
        "clerk-2026-05-12",
        "--test",
        "wire",
    ];
    if !cargo(&wire)? {
        return Err("the wire tests of the Clerk crates fail".into());
    }
    println!("the Clerk crates send colliding parameters and file uploads correctly");
    println!(
        "breadth ({}) took {} s",
        if args.all { "--all" } else { "quick set" },
        started.elapsed().as_secs()
    );
    Ok(())
}
