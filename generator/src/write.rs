//! Puts a [`Generated`] crate on disk, or compares it with what is there.
//!
//! The generator owns only the files it generated. It records them in a
//! manifest, [`MANIFEST`], at the crate root: sorted relative paths, one per
//! line, the manifest itself included. Anything the manifest does not list
//! (hand-written tests, `target/`, editor files) is never read, written or
//! removed, so a generated crate can carry hand-written code beside it.
//!
//! Writing is planned in memory first: every path is validated and every
//! existing file compared before the first byte is written, so a bad input
//! never leaves half a crate. Files whose contents are unchanged are not
//! rewritten, which keeps their modification times and spares Cargo a
//! rebuild. Each changed file goes through a temporary file renamed over the
//! target in the same folder, so a run that stops half-way (an error, a
//! kill) never leaves a truncated file.
//!
//! Files are not synced to the disk (`fsync`): one sync per file made a
//! fresh generation two to three times slower, and what it guards against,
//! a power loss right after a run, can at worst leave a generated file
//! empty. That is harmless: the output is a pure function of the spec, and
//! the next run compares contents, sees the difference and rewrites it.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::diagnostics::Error;
use crate::Generated;

/// The manifest's path relative to the crate root.
pub const MANIFEST: &str = ".generated-files";

/// What [`write`] did, counting the manifest like any other file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files created or rewritten because their contents changed.
    pub written: usize,
    /// Files left alone because they already held the expected contents.
    pub unchanged: usize,
    /// Stale files removed: listed by the previous manifest, no longer generated.
    pub removed: usize,
}

/// One way the files on disk differ from a fresh generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    /// The file's path relative to the crate root, `/`-separated.
    pub path: String,
    /// How it differs.
    pub kind: DriftKind,
}

/// How a file on disk differs from what generation produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DriftKind {
    /// Generation produces the file but it is not on disk.
    Missing,
    /// The file on disk has other contents.
    Changed {
        /// The contents on disk (invalid UTF-8 replaced by U+FFFD).
        on_disk: String,
        /// The contents generation produces.
        expected: String,
    },
    /// The on-disk manifest lists the file and it exists, but generation no
    /// longer produces it; [`write`] would remove it.
    Stale,
}

/// Writes `generated` into `out_dir`, creating the folder if needed.
///
/// Only files whose contents changed are written; files that the previous
/// manifest lists but `generated` no longer holds are removed, and so are
/// the folders this leaves empty (never `out_dir` itself). Nothing else in
/// `out_dir` is touched.
pub fn write(out_dir: &Path, generated: &Generated) -> Result<Summary, Error> {
    let expected = expected_files(generated)?;
    let previous = read_manifest(out_dir)?;

    // Plan everything before touching the disk.
    let stale: Vec<&String> = previous
        .iter()
        .filter(|path| !expected.contains_key(*path))
        .collect();
    let mut changed = Vec::new();
    let mut summary = Summary::default();
    for (path, contents) in &expected {
        let target = out_dir.join(path);
        // The common case of a regeneration: the file is there, unchanged.
        // Reading it proves it is a file below folders, so the checks below
        // could not object; one read replaces four file-system calls.
        if fs::read(&target).is_ok_and(|on_disk| on_disk == contents.as_bytes()) {
            summary.unchanged += 1;
            continue;
        }
        if target.is_dir() {
            // Removing stale files may empty the folder; anything else in
            // it is not ours to remove.
            let inside = format!("{path}/");
            if !stale.iter().any(|old| old.starts_with(&inside)) {
                return Err(Error::Write {
                    path: target,
                    source: io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "a folder the generator does not own is in the way of a generated file",
                    ),
                });
            }
        }
        let mut ancestors = path.match_indices('/').map(|(end, _)| &path[..end]);
        if let Some(file) = ancestors
            .find(|folder| out_dir.join(folder).is_file() && !stale.iter().any(|old| old == folder))
        {
            return Err(Error::Write {
                path: out_dir.join(file),
                source: io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("a file the generator does not own is where `{path}` needs a folder"),
                ),
            });
        }
        match read_if_exists(&target)? {
            Some(on_disk) if on_disk == contents.as_bytes() => summary.unchanged += 1,
            _ => changed.push((path.as_str(), contents.as_ref())),
        }
    }

    // A file written but not yet listed would be orphaned by a crash: no
    // later run would know it may remove it. So when new files appear, list
    // the old and new ones together before writing any of them.
    let newly_owned = expected.keys().any(|path| !previous.contains(path));
    if newly_owned && !previous.is_empty() {
        let union: BTreeSet<&str> = previous
            .iter()
            .map(String::as_str)
            .chain(expected.keys().map(String::as_str))
            .collect();
        write_atomically(out_dir, MANIFEST, manifest_text(union).as_bytes())?;
    }

    // Stale files go first: a new file may take the place of an old folder
    // (`src/a` replacing the folder `src/a/`), or the other way round.
    for path in stale {
        if remove_stale(out_dir, path)? {
            summary.removed += 1;
        }
    }

    // The manifest goes last so that, until then, it still lists every file
    // a rerun may have to remove.
    changed.sort_by_key(|(path, _)| *path == MANIFEST);
    for (path, contents) in &changed {
        write_atomically(out_dir, path, contents.as_bytes())?;
    }
    summary.written = changed.len();
    Ok(summary)
}

/// Compares `generated` with the files in `out_dir`, without writing.
///
/// Returns one [`Drift`] per differing file, sorted by path; an empty list
/// means [`write`] would change nothing. The manifest is compared like any
/// other file.
pub fn compare(out_dir: &Path, generated: &Generated) -> Result<Vec<Drift>, Error> {
    let expected = expected_files(generated)?;
    let previous = read_manifest(out_dir)?;

    let mut drifts = Vec::new();
    for (path, contents) in &expected {
        let kind = match read_if_exists(&out_dir.join(path))? {
            None => DriftKind::Missing,
            Some(on_disk) if on_disk == contents.as_bytes() => continue,
            Some(on_disk) => DriftKind::Changed {
                on_disk: String::from_utf8_lossy(&on_disk).into_owned(),
                expected: contents.clone().into_owned(),
            },
        };
        drifts.push(Drift {
            path: path.clone(),
            kind,
        });
    }
    for path in previous {
        // A listed file already gone needs no removal; the manifest's own
        // drift reports the outdated listing.
        if !expected.contains_key(&path) && out_dir.join(&path).is_file() {
            drifts.push(Drift {
                path,
                kind: DriftKind::Stale,
            });
        }
    }
    drifts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(drifts)
}

/// The files the generator owns for `generated`: its files plus the manifest.
fn expected_files(generated: &Generated) -> Result<BTreeMap<String, Cow<'_, str>>, Error> {
    let mut files = BTreeMap::new();
    for (path, contents) in &generated.files {
        if let Err(reason) = check_relative(path) {
            return Err(invalid_path(path, reason));
        }
        if path == MANIFEST {
            return Err(invalid_path(
                path,
                "the name is reserved for the generator's manifest",
            ));
        }
        files.insert(path.clone(), Cow::Borrowed(contents.as_str()));
    }
    let listed = files
        .keys()
        .map(String::as_str)
        .chain([MANIFEST])
        .collect::<BTreeSet<_>>();
    files.insert(MANIFEST.to_owned(), Cow::Owned(manifest_text(listed)));
    Ok(files)
}

fn manifest_text<'a>(paths: impl IntoIterator<Item = &'a str>) -> String {
    paths.into_iter().map(|path| format!("{path}\n")).collect()
}

fn invalid_path(path: &str, reason: &str) -> Error {
    Error::Write {
        path: PathBuf::from(path),
        source: io::Error::new(io::ErrorKind::InvalidInput, reason.to_owned()),
    }
}

/// Accepts only `/`-separated relative paths that stay inside the crate, so
/// neither a generator bug nor a tampered manifest can reach outside it.
fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.contains(['\\', '\0', ':']) {
        return Err(
            "the path holds `\\`, `:` or NUL; only `/`-separated relative paths are allowed",
        );
    }
    if path.starts_with('/') {
        return Err("the path is absolute");
    }
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("the path has an empty, `.` or `..` component");
    }
    Ok(())
}

/// The paths the manifest in `out_dir` lists; none when there is no manifest.
fn read_manifest(out_dir: &Path) -> Result<BTreeSet<String>, Error> {
    let file = out_dir.join(MANIFEST);
    let Some(bytes) = read_if_exists(&file)? else {
        return Ok(BTreeSet::new());
    };
    let text = String::from_utf8(bytes).map_err(|err| Error::Read {
        file: file.clone(),
        source: io::Error::new(io::ErrorKind::InvalidData, err),
    })?;
    let mut paths = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if let Err(reason) = check_relative(line) {
            return Err(Error::Read {
                file,
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("line {}: `{line}`: {reason}", index + 1),
                ),
            });
        }
        paths.insert(line.to_owned());
    }
    Ok(paths)
}

/// The file's contents; `None` when there is no file (a folder counts as none).
fn read_if_exists(file: &Path) -> Result<Option<Vec<u8>>, Error> {
    if file.is_dir() {
        return Ok(None);
    }
    match fs::read(file) {
        Ok(bytes) => Ok(Some(bytes)),
        // NotADirectory: a parent is a file, so this file cannot exist.
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(source) => Err(Error::Read {
            file: file.to_owned(),
            source,
        }),
    }
}

/// Writes `contents` to `out_dir/relative` through a temporary sibling file.
fn write_atomically(out_dir: &Path, relative: &str, contents: &[u8]) -> Result<(), Error> {
    let target = out_dir.join(relative);
    let folder = target.parent().unwrap_or(out_dir);
    let name = relative.rsplit('/').next().unwrap_or(relative);
    // The process id keeps two concurrent runs from sharing a temporary file;
    // the leading dot hides it from most tools meanwhile.
    let temporary = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        fs::create_dir_all(folder)?;
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents)?;
        // Not synced: see the module docs.
        drop(file);
        fs::rename(&temporary, &target)
    })();
    result.map_err(|source| {
        // Best effort: the temporary file may not exist, and the original
        // error is the one worth reporting.
        let _ = fs::remove_file(&temporary);
        Error::Write {
            path: target,
            source,
        }
    })
}

/// Removes a stale file and then the folders that leaves empty, up to but
/// excluding `out_dir`. Returns whether the file existed.
fn remove_stale(out_dir: &Path, relative: &str) -> Result<bool, Error> {
    let file = out_dir.join(relative);
    match fs::remove_file(&file) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(source) => return Err(Error::Write { path: file, source }),
    }
    let mut folder = file.parent();
    while let Some(dir) = folder {
        if dir == out_dir || !dir.starts_with(out_dir) {
            break;
        }
        let is_empty = match fs::read_dir(dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(source) => {
                return Err(Error::Read {
                    file: dir.to_owned(),
                    source,
                })
            }
        };
        if !is_empty {
            break;
        }
        fs::remove_dir(dir).map_err(|source| Error::Write {
            path: dir.to_owned(),
            source,
        })?;
        folder = dir.parent();
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
