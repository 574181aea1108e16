//! `cargo xtask fuzz`: mutates the repository's real and test specs at
//! random and runs the whole generator on each mutant. The generator may
//! reject a mutant with an error; it must never panic, and every Rust file
//! it emits must parse (`syn::parse_file`).
//!
//! Each input is written to `target/fuzz/current.json` before it runs, so an
//! abort (a stack overflow cannot be caught) leaves its culprit behind;
//! panicking inputs are kept as `target/fuzz/panic-<n>.json`.

use std::error::Error;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use generator::Options;
use serde_json::{json, Value};

use crate::generate::workspace_root;

/// Options of `cargo xtask fuzz`.
#[derive(Debug, Args)]
pub struct FuzzArgs {
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Seed of the random generator, to replay a run.
    #[arg(long)]
    seed: Option<u64>,
}

/// How long one mutant may take before it counts as a hang (the largest
/// seed generates in well under a second, even in a debug build).
const HANG: Duration = Duration::from_secs(20);

/// The specs mutants are made from, parsed once.
fn corpus(root: &Path) -> Result<Vec<(PathBuf, Value)>, Box<dyn Error>> {
    let mut files: Vec<PathBuf> = vec![
        root.join("spec/machine-tokens.yaml"),
        root.join("spec/third-party/petstore/openapi.yaml"),
        root.join("spec/third-party/twilio/twilio_messaging_v1.yaml"),
        root.join("spec/third-party/sendgrid/tsg_mail_v3.json"),
    ];
    for folder in ["shapes", "bad_specs"] {
        for entry in fs::read_dir(root.join("generator/tests").join(folder))? {
            files.push(entry?.path());
        }
    }
    files.sort();
    let mut corpus = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file)?;
        // Seeds that do not parse (the bad-syntax specs) cannot be mutated.
        if let Ok(value) = serde_yaml::from_str::<Value>(&text) {
            corpus.push((file, value));
        }
    }
    Ok(corpus)
}

/// Values a mutation writes: the edges real specs get wrong.
fn odd_value(rng: &mut fastrand::Rng, pointers: &[String]) -> Value {
    let reference = pointers
        .get(rng.usize(..pointers.len().max(1)))
        .cloned()
        .unwrap_or_default();
    match rng.u8(..16) {
        0 => Value::Null,
        1 => json!(""),
        2 => json!(-1),
        3 => json!(1e300),
        4 => json!(u64::MAX),
        5 => json!({ "$ref": reference }),
        6 => json!({ "$ref": "#/components/schemas/Missing" }),
        7 => json!([]),
        8 => json!({}),
        9 => json!(["a", 1, true, null]),
        10 => {
            json!({ "type": ["string", "null"], "enum": ["self", "Self", "type", "2fa", "a-b", "A_B"] })
        }
        11 => {
            json!({ "oneOf": [{ "$ref": reference }, { "type": "integer" }], "discriminator": { "propertyName": "kind" } })
        }
        12 => {
            json!({ "allOf": [{ "$ref": reference }, { "type": "object", "properties": { "type": { "type": "string" } } }] })
        }
        13 => json!("{id}"),
        14 => {
            json!({ "type": "object", "additionalProperties": { "$ref": reference }, "required": ["x"] })
        }
        _ => json!(true),
    }
}

/// Keys a rename picks: keywords, digits first, symbols, case collisions.
const ODD_KEYS: &[&str] = &[
    "type",
    "self",
    "Self",
    "match",
    "ref",
    "123abc",
    "***",
    "",
    "a b",
    "FooBar",
    "foo_bar",
    "foo-bar",
    "default",
    "4XX",
    "x-ext",
    "$ref",
    "in",
    "required",
    "additionalProperties",
];

/// The JSON pointers of every node of `value`, for picking one at random.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Applies one random mutation to `document`.
fn mutate(rng: &mut fastrand::Rng, document: &mut Value) {
    let mut all = Vec::new();
    pointers(document, String::new(), &mut all);
    let refs: Vec<String> = all
        .iter()
        .filter(|p| p.starts_with("/components/"))
        .map(|p| format!("#{p}"))
        .collect();
    let target = all[rng.usize(..all.len())].clone();
    let (parent_pointer, last) = match target.rfind('/') {
        Some(split) => (target[..split].to_owned(), target[split + 1..].to_owned()),
        None => return,
    };
    let replacement = match rng.u8(..4) {
        // Copy another subtree here (deep nesting, unexpected shapes).
        0 => all
            .get(rng.usize(..all.len()))
            .and_then(|p| document.pointer(p))
            .cloned()
            .unwrap_or(Value::Null),
        _ => odd_value(rng, &refs),
    };
    let Some(parent) = document.pointer_mut(&parent_pointer) else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match parent {
        Value::Object(map) => match rng.u8(..4) {
            0 => {
                map.remove(&key);
            }
            1 => {
                if let Some(value) = map.remove(&key) {
                    map.insert(ODD_KEYS[rng.usize(..ODD_KEYS.len())].to_owned(), value);
                }
            }
            _ => {
                map.insert(key, replacement);
            }
        },
        Value::Array(items) => {
            if let Ok(index) = key.parse::<usize>() {
                if index < items.len() {
                    if rng.bool() {
                        items.remove(index);
                    } else {
                        items[index] = replacement;
                    }
                }
            }
        }
        _ => {}
    }
}

/// How a batch of mutants went.
#[derive(Debug, Default)]
struct Tally {
    runs: u64,
    accepted: u64,
    /// Inputs that made the generator panic or emit code that does not
    /// parse, as (seed spec, mutant text).
    bugs: Vec<(PathBuf, String)>,
}

/// Makes one input from a random seed spec: mostly structural mutations of
/// its JSON tree, sometimes damaged text (cut short, bytes flipped), so the
/// loader's own error paths are fuzzed too.
fn mutant(rng: &mut fastrand::Rng, corpus: &[(PathBuf, Value)]) -> (PathBuf, String) {
    let (file, seed_doc) = &corpus[rng.usize(..corpus.len())];
    let mut document = seed_doc.clone();
    for _ in 0..rng.usize(1..=3) {
        mutate(rng, &mut document);
    }
    // `Value` always serialises; an empty text is a fine input too.
    let mut text = serde_json::to_string(&document).unwrap_or_default();
    match rng.u8(..10) {
        0 => {
            let mut cut = rng.usize(..=text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        1 if !text.is_empty() => {
            let mut bytes = text.into_bytes();
            for _ in 0..rng.usize(1..=8) {
                let at = rng.usize(..bytes.len());
                bytes[at] = rng.u8(..);
            }
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        _ => {}
    }
    (file.clone(), text)
}

/// Runs mutants while `go_on(runs so far)` says so. Each input is written to
/// `scratch/current.json` first, so an abort leaves its culprit behind.
fn run_mutants(
    rng: &mut fastrand::Rng,
    corpus: &[(PathBuf, Value)],
    scratch: &Path,
    mut go_on: impl FnMut(u64) -> bool,
) -> Result<Tally, Box<dyn Error>> {
    let options = Options {
        crate_name: "fuzz".into(),
        client_name: None,
        spec_label: "fuzz.json".into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    // Each seed's model, so that every mutant that lowers is also compared
    // with its seed, both ways, by the change report.
    let seeds: std::collections::HashMap<PathBuf, std::sync::Arc<generator::ir::Api>> = corpus
        .iter()
        .filter_map(|(file, document)| {
            let text = serde_json::to_string(document).ok()?;
            let model = generator::model_from_str(&text, file).ok()?.model;
            Some((file.clone(), std::sync::Arc::new(model)))
        })
        .collect();
    let mut tally = Tally::default();
    while go_on(tally.runs) {
        let (file, text) = mutant(rng, corpus);
        let seed = seeds.get(&file).cloned();
        fs::write(scratch.join("current.json"), &text)?;
        // On its own thread, so that a mutant that never finishes is caught.
        let (sender, receiver) = std::sync::mpsc::channel();
        let (input, thread_options) = (text.clone(), options.clone());
        std::thread::spawn(move || {
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                let generated =
                    generator::generate_from_str(&input, Path::new("fuzz.json"), &thread_options);
                if let (Some(seed), Ok(lowered)) = (
                    seed,
                    generator::model_from_str(&input, Path::new("fuzz.json")),
                ) {
                    generator::diff::compare(&seed, &lowered.model, "Fuzz");
                    generator::diff::compare(&lowered.model, &seed, "Fuzz");
                }
                generated
            }));
            let _ = sender.send(outcome);
        });
        let Ok(outcome) = receiver.recv_timeout(HANG) else {
            let saved = scratch.join("hang.json");
            fs::write(&saved, &text)?;
            return Err(format!(
                "a mutant of {} ran for more than {HANG:?}; saved as {}",
                file.display(),
                saved.display()
            )
            .into());
        };
        tally.runs += 1;
        match outcome {
            // The emitter parses its tokens, but doc blocks and
            // preformatted items are spliced in after that: the final
            // text of every Rust file must parse as well.
            Ok(Ok(generated))
                if generated.files.iter().all(|(path, text)| {
                    !path.ends_with(".rs") || syn::parse_file(text).is_ok()
                }) =>
            {
                tally.accepted += 1
            }
            Ok(Ok(_)) => tally.bugs.push((file, text)),
            // Emission errors are the generator's own bugs: code that does
            // not parse, or a panic on one of its formatting threads.
            Ok(Err(generator::Error::Emit { .. })) | Err(_) => tally.bugs.push((file, text)),
            Ok(Err(_)) => {}
        }
    }
    Ok(tally)
}

/// Runs mutants until the time is up; fails when any panicked.
pub fn run(args: &FuzzArgs) -> Result<(), Box<dyn Error>> {
    let root = workspace_root();
    let out = root.join("target/fuzz");
    fs::create_dir_all(&out)?;
    let corpus = corpus(root)?;
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    let mut rng = fastrand::Rng::with_seed(seed);
    println!(
        "fuzzing {} seed specs for {} s (seed {seed})",
        corpus.len(),
        args.seconds
    );
    // Panics are counted and saved; the default hook's report is enough.
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let tally = run_mutants(&mut rng, &corpus, &out, |_| Instant::now() < deadline)?;
    for (index, (file, text)) in tally.bugs.iter().enumerate() {
        let saved = out.join(format!("panic-{}.json", index + 1));
        fs::write(&saved, text)?;
        eprintln!(
            "generator bug on a mutant of {}: saved as {}",
            file.display(),
            saved.display()
        );
    }
    let bugs = tally.bugs.len() as u64;
    println!(
        "{} mutants: {} generated, {} rejected with an error, {bugs} panicked or emitted broken code",
        tally.runs,
        tally.accepted,
        tally.runs - tally.accepted - bugs
    );
    if bugs > 0 {
        return Err(format!(
            "{bugs} mutant(s) made the generator panic; see {}",
            out.display()
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short, seeded run in every `cargo test`: the long random runs are
    /// `cargo xtask fuzz`; this one keeps the harness and the regressions
    /// it found honest on every change.
    #[test]
    fn seeded_mutants_never_panic_or_emit_broken_code() {
        let root = workspace_root();
        let corpus = corpus(root).expect("the seed specs are in the repository");
        let scratch = root.join("target/fuzz-test");
        fs::create_dir_all(&scratch).expect("target/ is writable");
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let tally =
            run_mutants(&mut rng, &corpus, &scratch, |runs| runs < 150).expect("no mutant hangs");
        assert_eq!(tally.runs, 150);
        assert!(tally.bugs.is_empty(), "generator bugs on: {:?}", tally.bugs);
        // The mutants must reach emission, not only the loader's errors.
        assert!(
            tally.accepted >= 15,
            "only {} of 150 mutants generated a crate",
            tally.accepted
        );
    }

    #[test]
    fn damaged_text_mutants_are_made() {
        let corpus = vec![(
            PathBuf::from("x.json"),
            json!({ "openapi": "3.0.3", "info": {} }),
        )];
        let mut rng = fastrand::Rng::with_seed(1);
        let whole = serde_json::to_string(&corpus[0].1).expect("serialises");
        let damaged = (0..200)
            .map(|_| mutant(&mut rng, &corpus).1)
            .filter(|text| serde_json::from_str::<Value>(text).is_err())
            .count();
        assert!(damaged > 0, "no mutant of {whole} was damaged text");
    }
}
