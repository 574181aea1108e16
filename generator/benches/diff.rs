//! The change report on two whole Clerk documents: the pinned 2025-04-10
//! revision (390 KB) against the same API version edited in place a year
//! later (650 KB, 700 changes). `cargo xtask diff` does all of it: both
//! loads and lowerings, then the comparison. Run with
//! `cargo bench -p openapi-rust-generator --bench diff`.

use std::path::Path;
use std::sync::LazyLock;

use generator::ir::Api;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const OLD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec/upstream/clerk-bapi-2025-04-10.yml"
);
const NEW: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../spec/upstream/clerk-bapi-2025-04-10-latest.yml"
);

fn model(path: &str) -> Api {
    // A bench cannot run without its input: failing to read it ends it.
    generator::model(Path::new(path))
        .expect("a Clerk document lowers")
        .model
}

static MODELS: LazyLock<(Api, Api)> = LazyLock::new(|| (model(OLD), model(NEW)));

fn main() {
    LazyLock::force(&MODELS);
    divan::main();
}

/// Both documents loaded and lowered, then compared: the command's work.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn whole_documents() -> generator::diff::Report {
    let (old, new) = (model(OLD), model(NEW));
    generator::diff::compare(&old, &new, "Clerk")
}

/// The comparison alone, on models already built.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn compare_models() -> generator::diff::Report {
    let (old, new) = &*MODELS;
    generator::diff::compare(divan::black_box(old), divan::black_box(new), "Clerk")
}
