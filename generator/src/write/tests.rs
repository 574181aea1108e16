//! Tests of writing and comparing generated crates, each in its own
//! temporary folder.

use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "generator-write-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // A leftover from a crashed earlier run with the same pid would
        // make the tests see foreign files.
        let _ = fs::remove_dir_all(&path);
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn generated(files: &[(&str, &str)]) -> Generated {
    Generated {
        files: files
            .iter()
            .map(|(path, contents)| ((*path).to_owned(), (*contents).to_owned()))
            .collect(),
        warnings: Vec::new(),
        stats: Default::default(),
    }
}

fn read(dir: &Path, path: &str) -> String {
    fs::read_to_string(dir.join(path)).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn sample() -> Generated {
    generated(&[
        ("Cargo.toml", "[package]\n"),
        ("src/lib.rs", "pub mod models;\n"),
        ("src/models/mod.rs", "pub struct A;\n"),
    ])
}

#[test]
fn writes_files_and_a_sorted_manifest_listing_itself() {
    let dir = TempDir::new();
    let summary = write(&dir.0, &sample()).unwrap();
    assert_eq!(
        summary,
        Summary {
            written: 4,
            unchanged: 0,
            removed: 0
        }
    );
    assert_eq!(read(&dir.0, "src/models/mod.rs"), "pub struct A;\n");
    assert_eq!(
        read(&dir.0, MANIFEST),
        ".generated-files\nCargo.toml\nsrc/lib.rs\nsrc/models/mod.rs\n"
    );
    assert_eq!(compare(&dir.0, &sample()).unwrap(), Vec::new());
}

#[test]
fn rewriting_the_same_files_writes_nothing() {
    let dir = TempDir::new();
    write(&dir.0, &sample()).unwrap();
    let modified = fs::metadata(dir.0.join("src/lib.rs"))
        .and_then(|meta| meta.modified())
        .unwrap();
    let summary = write(&dir.0, &sample()).unwrap();
    assert_eq!(
        summary,
        Summary {
            written: 0,
            unchanged: 4,
            removed: 0
        }
    );
    let again = fs::metadata(dir.0.join("src/lib.rs"))
        .and_then(|meta| meta.modified())
        .unwrap();
    assert_eq!(modified, again);
}

#[test]
fn only_changed_files_are_written() {
    let dir = TempDir::new();
    write(&dir.0, &sample()).unwrap();
    let mut next = sample();
    next.files
        .insert("src/lib.rs".to_owned(), "pub mod other;\n".to_owned());
    let summary = write(&dir.0, &next).unwrap();
    assert_eq!(
        summary,
        Summary {
            written: 1,
            unchanged: 3,
            removed: 0
        }
    );
    assert_eq!(read(&dir.0, "src/lib.rs"), "pub mod other;\n");
}

#[test]
fn compare_detects_hand_edits_and_deletions() {
    let dir = TempDir::new();
    write(&dir.0, &sample()).unwrap();
    fs::write(dir.0.join("src/lib.rs"), "// edited by hand\n").unwrap();
    fs::remove_file(dir.0.join("src/models/mod.rs")).unwrap();

    let drifts = compare(&dir.0, &sample()).unwrap();
    assert_eq!(
        drifts,
        vec![
            Drift {
                path: "src/lib.rs".to_owned(),
                kind: DriftKind::Changed {
                    on_disk: "// edited by hand\n".to_owned(),
                    expected: "pub mod models;\n".to_owned(),
                },
            },
            Drift {
                path: "src/models/mod.rs".to_owned(),
                kind: DriftKind::Missing,
            },
        ]
    );

    write(&dir.0, &sample()).unwrap();
    assert_eq!(compare(&dir.0, &sample()).unwrap(), Vec::new());
}

#[test]
fn compare_of_an_empty_folder_reports_everything_missing() {
    let dir = TempDir::new();
    let drifts = compare(&dir.0, &sample()).unwrap();
    assert_eq!(drifts.len(), 4);
    assert!(drifts.iter().all(|drift| drift.kind == DriftKind::Missing));
    assert!(!dir.0.exists(), "compare must not create the folder");
}

#[test]
fn stale_files_and_their_empty_folders_are_removed_and_nothing_else() {
    let dir = TempDir::new();
    let mut first = sample();
    first
        .files
        .insert("src/old/deep/gone.rs".to_owned(), "old\n".to_owned());
    first
        .files
        .insert("tests/generated.rs".to_owned(), "old\n".to_owned());
    write(&dir.0, &first).unwrap();
    // Hand-written files beside generated ones, in a shared folder.
    fs::write(dir.0.join("tests/hand_written.rs"), "mine\n").unwrap();
    fs::write(dir.0.join("notes.txt"), "mine\n").unwrap();

    let drifts = compare(&dir.0, &sample()).unwrap();
    let stale: Vec<&str> = drifts
        .iter()
        .filter(|drift| drift.kind == DriftKind::Stale)
        .map(|drift| drift.path.as_str())
        .collect();
    assert_eq!(stale, ["src/old/deep/gone.rs", "tests/generated.rs"]);

    let summary = write(&dir.0, &sample()).unwrap();
    assert_eq!(
        summary,
        Summary {
            written: 1,
            unchanged: 3,
            removed: 2
        }
    );
    assert!(!dir.0.join("src/old").exists());
    assert!(dir.0.join("src/models/mod.rs").exists());
    assert!(!dir.0.join("tests/generated.rs").exists());
    assert_eq!(read(&dir.0, "tests/hand_written.rs"), "mine\n");
    assert_eq!(read(&dir.0, "notes.txt"), "mine\n");
    assert_eq!(compare(&dir.0, &sample()).unwrap(), Vec::new());
}

#[test]
fn a_generated_file_may_replace_a_formerly_generated_folder() {
    let dir = TempDir::new();
    write(&dir.0, &generated(&[("src/a/b.rs", "b\n")])).unwrap();
    write(&dir.0, &generated(&[("src/a", "a\n")])).unwrap();
    assert_eq!(read(&dir.0, "src/a"), "a\n");
    write(&dir.0, &generated(&[("src/a/b.rs", "b\n")])).unwrap();
    assert_eq!(read(&dir.0, "src/a/b.rs"), "b\n");

    // A hand-written folder in the way stops the write before it starts.
    fs::create_dir_all(dir.0.join("tests/it")).unwrap();
    fs::write(dir.0.join("tests/it/mine.rs"), "mine\n").unwrap();
    let err = write(&dir.0, &generated(&[("tests/it", "x\n")])).unwrap_err();
    assert!(matches!(err, Error::Write { .. }), "{err}");
    assert_eq!(read(&dir.0, "src/a/b.rs"), "b\n");
    assert_eq!(read(&dir.0, "tests/it/mine.rs"), "mine\n");
    let err = write(&dir.0, &generated(&[("tests/it/mine.rs/x", "x\n")])).unwrap_err();
    assert!(matches!(err, Error::Write { .. }), "{err}");
    assert_eq!(read(&dir.0, "src/a/b.rs"), "b\n");
}

#[test]
fn unsafe_paths_are_rejected_before_anything_is_written() {
    for bad in [
        "../escape.rs",
        "/abs.rs",
        "src//x.rs",
        "src/./x.rs",
        "a\\b",
        "",
    ] {
        let dir = TempDir::new();
        let mut files = sample();
        files.files.insert(bad.to_owned(), String::new());
        let err = write(&dir.0, &files).unwrap_err();
        assert!(matches!(err, Error::Write { .. }), "{bad:?}: {err}");
        assert!(!dir.0.exists(), "{bad:?}: nothing may be written");
    }
}

#[test]
fn the_manifest_name_is_reserved() {
    let dir = TempDir::new();
    let mut files = sample();
    files.files.insert(MANIFEST.to_owned(), String::new());
    assert!(write(&dir.0, &files).is_err());
    assert!(!dir.0.exists());
}

#[test]
fn a_tampered_manifest_cannot_remove_files_outside_the_crate() {
    let dir = TempDir::new();
    write(&dir.0, &sample()).unwrap();
    let outside = dir.0.with_extension("outside");
    fs::write(&outside, "keep\n").unwrap();
    let name = outside.file_name().unwrap().to_str().unwrap().to_owned();
    fs::write(dir.0.join(MANIFEST), format!("Cargo.toml\n../{name}\n")).unwrap();

    let err = write(&dir.0, &sample()).unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
    assert_eq!(fs::read_to_string(&outside).unwrap(), "keep\n");
    fs::remove_file(outside).unwrap();
}

#[test]
fn no_temporary_files_are_left_behind() {
    let dir = TempDir::new();
    write(&dir.0, &sample()).unwrap();
    let mut next = sample();
    next.files
        .insert("src/new.rs".to_owned(), "new\n".to_owned());
    write(&dir.0, &next).unwrap();
    for folder in [dir.0.clone(), dir.0.join("src"), dir.0.join("src/models")] {
        for entry in fs::read_dir(&folder).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(!name.ends_with(".tmp"), "{name} left in {folder:?}");
        }
    }
    assert_eq!(
        read(&dir.0, MANIFEST),
        ".generated-files\nCargo.toml\nsrc/lib.rs\nsrc/models/mod.rs\nsrc/new.rs\n"
    );
}
