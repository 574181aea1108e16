//! Generation stage by stage on Clerk's whole 2025-04-10 spec (390 KB, 161
//! operations), against the bare parse (serde_yaml into openapiv3) as the
//! baseline. `cargo xtask bench` runs this and reads its table; run it alone
//! with `cargo bench -p openapi-rust-generator --bench stages`.
//!
//! Each stage gets the previous stage's output, computed once outside the
//! timed region, so that every row is that stage alone.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use generator::{Generated, Options};

// The same allocator as the `cargo xtask generate` binary, so the stages
// are measured as the tool runs them (the bare parse baseline included).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Every stage's input is made before any timing, so that no sample
    // pays for another stage.
    LazyLock::force(&GENERATED);
    divan::main();
}

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec/upstream/clerk-bapi-2025-04-10.yml"
);

/// Few samples of one run each: a stage takes milliseconds, and the
/// medians, not nanosecond resolution, are what the table reports.
const SAMPLES: u32 = 15;

fn spec() -> &'static Path {
    Path::new(SPEC)
}

fn options() -> Options {
    Options {
        crate_name: "clerk-full".into(),
        client_name: None,
        spec_label: "spec/upstream/clerk-bapi-2025-04-10.yml".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    }
}

// A bench cannot do anything useful without its input, so failing to read
// or process the spec ends it with the reason.
static TEXT: LazyLock<String> =
    LazyLock::new(|| std::fs::read_to_string(SPEC).expect("the Clerk spec is readable"));
static DOCUMENT: LazyLock<generator::load::Document> =
    LazyLock::new(|| generator::load::load_str(&TEXT, spec()).expect("the Clerk spec loads"));
static LOWERED: LazyLock<generator::lower::Lowered> = LazyLock::new(|| {
    generator::lower::lower(&DOCUMENT, spec(), generator::Grouping::Auto)
        .expect("the Clerk spec lowers")
});
static GENERATED: LazyLock<Generated> = LazyLock::new(|| {
    generator::emit::emit_crate(&LOWERED.model, &options(), Vec::new())
        .expect("the Clerk spec emits")
});

#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn bare_parse() -> openapiv3::OpenAPI {
    serde_yaml::from_str(&TEXT).expect("the Clerk spec parses")
}

#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn load() -> generator::load::Document {
    generator::load::load_str(divan::black_box(&TEXT), spec()).expect("the Clerk spec loads")
}

#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn lower() -> generator::lower::Lowered {
    generator::lower::lower(
        divan::black_box(&DOCUMENT),
        spec(),
        generator::Grouping::Auto,
    )
    .expect("the Clerk spec lowers")
}

/// Building and formatting every file, on all cores.
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn emit() -> Generated {
    generator::emit::emit_crate(divan::black_box(&LOWERED.model), &options(), Vec::new())
        .expect("the Clerk spec emits")
}

/// The emitted Rust files (not the runtime's) as the formatter sees them:
/// each run of doc lines is one short line, as emission defers docs (see
/// `emit::doc`), and the preformatted `struct_serde!` invocations are left
/// out, as emission splices them in as text. Made per sample, untimed:
/// syntax trees cannot be shared between threads.
fn trees() -> Vec<syn::File> {
    GENERATED
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs") && !path.starts_with("src/runtime/"))
        .map(|(_, text)| {
            let mut file = syn::parse_file(&one_line_docs(text)).expect("the emitted code parses");
            file.items.retain(|item| {
                !matches!(item, syn::Item::Macro(m)
                    if m.mac.path.segments.last().is_some_and(|s| s.ident == "struct_serde"))
            });
            file
        })
        .collect()
}

/// `text` with each run of `///` or `//!` lines made one marker line, the
/// shape of a deferred doc block.
fn one_line_docs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_docs = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let doc = ["///", "//!"].into_iter().find(|m| trimmed.starts_with(m));
        match doc {
            Some(_) if in_docs => continue,
            Some(marker) => {
                out.push_str(&line[..line.len() - trimmed.len()]);
                out.push_str(marker);
                out.push_str(" \u{1}0\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
        in_docs = doc.is_some();
    }
    out
}

/// What emission pays now to get those trees for prettyplease: `syn`
/// parsing their tokens, one thread.
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn parse_tokens_one_thread(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| {
            trees()
                .iter()
                .map(quote::ToTokens::to_token_stream)
                .collect::<Vec<_>>()
        })
        .bench_local_values(|files| {
            files
                .into_iter()
                .map(|tokens| syn::parse2::<syn::File>(tokens).expect("the tokens parse"))
                .collect::<Vec<_>>()
        });
}

/// The least any emitter could pay for the same trees built directly
/// (without `quote!` and a parse): copying them, one thread. Every node
/// allocated and filled, nothing decided.
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn copy_trees_one_thread(bencher: divan::Bencher) {
    bencher
        .with_inputs(trees)
        .bench_local_refs(|files| files.clone());
}

/// prettyplease printing the trees, one thread: what any emission that
/// formats with prettyplease pays, however it builds them.
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn print_one_thread(bencher: divan::Bencher) {
    bencher.with_inputs(trees).bench_local_refs(|files| {
        files
            .iter()
            .map(|file| prettyplease::unparse(file).len())
            .sum::<usize>()
    });
}

/// The whole in-memory pipeline, `generator::generate` with no write.
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn generate() -> Generated {
    generator::generate(spec(), &options()).expect("the Clerk spec generates")
}

/// Writing into a fresh folder (no `fsync`: see `write.rs`).
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn write_fresh(bencher: divan::Bencher) {
    let out = scratch("fresh");
    bencher
        .with_inputs(|| {
            let _ = std::fs::remove_dir_all(&out);
        })
        .bench_local_values(|()| generator::write::write(&out, &GENERATED).expect("written"));
}

/// Writing over the same crate: every file compared, none rewritten.
#[divan::bench(sample_count = SAMPLES, sample_size = 1)]
fn write_unchanged(bencher: divan::Bencher) {
    let out = scratch("unchanged");
    generator::write::write(&out, &GENERATED).expect("written");
    bencher.bench(|| generator::write::write(&out, &GENERATED).expect("written"));
}

fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/bench/divan")
        .join(name)
}
