//! `cargo xtask refresh --upstream FILE`: the maintainer's whole loop. Takes
//! a new upstream document, re-slices the operations the SDK ships,
//! regenerates the crate, bumps its version by the change report's level
//! and adds the report to `CHANGELOG.md`.
//!
//! Everything is computed before anything is written, so a run that fails
//! (or finds nothing left to ship) leaves the tree as it was, and a second
//! run with the same file finds nothing to do. `--dry-run` stops there and
//! prints the release it would make.

mod unreleased;

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::diff::{self, Level};

use crate::config::{self, Config};
use crate::diff::{Crate, Side};
use crate::generate::{label, Target};
use crate::slice;

/// Arguments of `cargo xtask refresh`.
#[derive(Debug, clap::Args)]
pub struct RefreshArgs {
    /// The new upstream document; it replaces the config's `upstream.file`.
    #[arg(long, value_name = "FILE")]
    pub upstream: PathBuf,
    /// The new webhooks document; it replaces the config's
    /// `upstream.webhooks` [default: that file, unchanged].
    #[arg(long, value_name = "FILE")]
    pub webhooks: Option<PathBuf>,
    /// The maintainer's config file [default: spec/sdk.toml of the workspace].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fail when an overlay action's target matches nothing.
    #[arg(long)]
    pub strict: bool,
    /// The release date in the changelog [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Print the release this document would make (the change report of the
    /// slice the SDK ships, overlays applied, and the version it would
    /// publish) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Everything a refresh would write, computed before anything is.
struct Plan {
    config: Config,
    /// The new upstream document's text, and where its copy goes.
    source: String,
    upstream_path: PathBuf,
    /// The new webhooks document's text and where its copy goes, when
    /// `--webhooks` gave one.
    webhooks: Option<(PathBuf, String)>,
    /// The new slice, and where it goes.
    sliced: String,
    spec_path: PathBuf,
    krate: Crate,
    report: diff::Report,
    /// The version to publish (the current one when nothing changed).
    next: String,
    /// The changelog entry, when the report has a change.
    entry: Option<String>,
    /// Whether the tree is already generated from this document.
    up_to_date: bool,
}

/// Runs the command.
pub fn run(args: &RefreshArgs) -> Result<ExitCode, Box<dyn Error>> {
    let plan = plan(args)?;
    if plan.up_to_date {
        println!(
            "{} is already generated from this document: nothing to do.",
            plan.krate.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        print!("{}", plan.preview());
        return Ok(ExitCode::SUCCESS);
    }
    apply(&plan)
}

/// Reads the config, the new document and the current slice, and works out
/// the new slice, its report, the next version and the changelog entry.
fn plan(args: &RefreshArgs) -> Result<Plan, Box<dyn Error>> {
    let config = match &args.config {
        Some(path) => Config::read(path)?,
        None => Config::workspace()?.ok_or("no spec/sdk.toml: pass --config FILE")?,
    };
    let upstream = config.upstream()?;
    let source = fs::read_to_string(&args.upstream)
        .map_err(|err| format!("{}: cannot read: {err}", args.upstream.display()))?;
    let upstream_path = config.resolve(&upstream.file);
    let spec_path = config.resolve(&config.sdk.spec);

    // What the new document, with the overlays, still has of what the SDK ships.
    let overlaid = config.overlaid(&source, args.strict)?;
    let present = slice::operation_ids(&overlaid)
        .map_err(|err| format!("{}: {err}", args.upstream.display()))?;
    let (kept, vanished): (Vec<String>, Vec<String>) = upstream
        .operations
        .iter()
        .cloned()
        .partition(|id| present.contains(id));
    for id in &vanished {
        eprintln!(
            "warning: {}: operation `{id}` is no longer in the document; it is reported as removed",
            args.upstream.display()
        );
    }
    if kept.is_empty() {
        return Err(format!(
            "{}: none of the operations the SDK ships ({}) is in this document; nothing was changed",
            args.upstream.display(),
            upstream.operations.join(", ")
        )
        .into());
    }
    let webhooks = match (&args.webhooks, &upstream.webhooks) {
        (Some(new), Some(copy)) => {
            let text = fs::read_to_string(new)
                .map_err(|err| format!("{}: cannot read: {err}", new.display()))?;
            Some((config.resolve(copy), text))
        }
        (Some(_), None) => {
            return Err(format!(
                "{}: --webhooks needs `upstream.webhooks`, the file its copy replaces",
                config.path.display()
            )
            .into())
        }
        (None, _) => None,
    };
    let webhooks_text = match &webhooks {
        Some((_, text)) => Some(config.webhooks_overlaid(text, args.strict)?),
        None => config.webhooks_text(args.strict)?,
    };
    let (_, sliced) = config.slice_overlaid(&overlaid, &kept, webhooks_text.as_deref())?;

    // Grouped as the crate is, so the report names the crate's accessors.
    let grouping = config.sdk.grouping();
    let old = Side::read(&spec_path, grouping)?;
    let new = Side::from_text(label(&spec_path), sliced.clone(), grouping)?;
    let krate = Crate::of(Some(&config));
    let report = diff::compare(&old.model, &new.model, &krate.client);
    // Changes of the generator and its runtime, which no document shows,
    // wait in the changelog's `[Unreleased]` section for the next release.
    let changelog = config.resolve(&config.sdk.out).join("CHANGELOG.md");
    let unreleased = fs::read_to_string(&changelog)
        .ok()
        .and_then(|text| unreleased::section(&text));
    let level = report
        .level
        .max(unreleased.as_ref().map_or(Level::None, |u| u.level));
    let next = diff::next_version(&krate.version, level)?;
    let upstream_same = fs::read_to_string(&upstream_path).is_ok_and(|text| text == source);
    let webhooks_same = webhooks
        .as_ref()
        .is_none_or(|(path, text)| fs::read_to_string(path).is_ok_and(|old| old == *text));
    let up_to_date = old.text == sliced && upstream_same && webhooks_same && unreleased.is_none();
    let entry = (level != Level::None).then(|| {
        let date = args.date.clone().unwrap_or_else(today);
        let mut entry = diff::markdown(&report, &format!("[{next}] - {date}"));
        if let Some(unreleased) = &unreleased {
            entry = unreleased.fold_into(&entry, level);
        }
        let source_line = format!(
            "\nGenerated from `{}` (API version {}), operations {}.\n",
            label(&upstream_path),
            new.model.version,
            kept.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        entry.replacen('\n', &format!("\n{source_line}"), 1)
    });
    Ok(Plan {
        config,
        source,
        upstream_path,
        webhooks,
        sliced,
        spec_path,
        krate,
        report,
        next,
        entry,
        up_to_date,
    })
}

impl Plan {
    /// What `--dry-run` prints: the changelog entry the release would get
    /// (or that users see no change), the version it would publish, and
    /// the files a real run would write.
    fn preview(&self) -> String {
        let krate = &self.krate;
        let mut out = match &self.entry {
            Some(entry) => entry.clone(),
            None => crate::diff::markdown(&self.report, krate, &self.next),
        };
        let mut files = vec![label(&self.upstream_path)];
        files.extend(self.webhooks.iter().map(|(path, _)| label(path)));
        files.push(label(&self.spec_path));
        if self.next != krate.version {
            files.push(label(&self.config.path));
        }
        let generated = self.config.resolve(&self.config.sdk.out);
        files.push(format!("{}/", label(&generated)));
        let version = if self.next == krate.version {
            format!("keep {} {}", krate.name, krate.version)
        } else {
            format!("publish {} {}", krate.name, self.next)
        };
        out.push_str(&format!(
            "\nDry run: {}.\nA refresh would {version} and write {}{}. Nothing was written.\n",
            crate::diff::summary(&self.report, krate, &self.next),
            files.join(", "),
            if self.entry.is_some() {
                " (its CHANGELOG.md headed by the entry above)"
            } else {
                ""
            }
        ));
        out
    }
}

/// Writes the plan: the upstream copy, the slice, the version, the crate,
/// the changelog.
fn apply(plan: &Plan) -> Result<ExitCode, Box<dyn Error>> {
    let (krate, next) = (&plan.krate, &plan.next);
    fs::write(&plan.upstream_path, &plan.source)
        .map_err(|err| format!("{}: cannot write: {err}", plan.upstream_path.display()))?;
    if let Some((path, text)) = &plan.webhooks {
        fs::write(path, text).map_err(|err| format!("{}: cannot write: {err}", path.display()))?;
    }
    fs::write(&plan.spec_path, &plan.sliced)
        .map_err(|err| format!("{}: cannot write: {err}", plan.spec_path.display()))?;
    if *next != krate.version {
        config::set_version(&plan.config.path, next)?;
    }
    let target = Target::from_config(&plan.config.path)?;
    let generated = target.generate()?;
    let written = generator::write::write(&target.out(), &generated)?;
    if let Some(entry) = &plan.entry {
        prepend_changelog(&target.out().join("CHANGELOG.md"), entry)?;
    }
    match &plan.entry {
        // The release as CHANGELOG.md has it, unreleased changes included.
        Some(entry) => println!("{entry}"),
        None => println!("{}", crate::diff::markdown(&plan.report, krate, next)),
    }
    let summary = if plan.report.level == Level::None && *next != krate.version {
        format!(
            "no change of the API description; unreleased SDK changes make {} {} → {next}",
            krate.name, krate.version
        )
    } else {
        crate::diff::summary(&plan.report, krate, next)
    };
    println!(
        "{}; {} file(s) of {} rewritten.",
        summary,
        written.written + written.removed,
        label(&target.out())
    );
    Ok(ExitCode::SUCCESS)
}

/// The changelog's title and preamble, for a new file.
const CHANGELOG_HEAD: &str = "# Changelog\n\n\
All notable changes to this crate are listed here, newest first. The format follows\n\
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and versions follow\n\
[Cargo's semver rules](https://doc.rust-lang.org/cargo/reference/semver.html).\n\
Entries are written by `cargo xtask refresh` from the change report.\n";

/// Puts `entry` above the newest release of the changelog at `path`.
fn prepend_changelog(path: &Path, entry: &str) -> Result<(), Box<dyn Error>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => CHANGELOG_HEAD.to_owned(),
        Err(err) => return Err(format!("{}: cannot read: {err}", path.display()).into()),
    };
    let text = unreleased::without_section(&text);
    let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
    let (head, releases) = text.split_at(at);
    let head = head.trim_end();
    let updated = format!("{head}\n\n{}\n{releases}", entry.trim_end());
    fs::write(path, updated.trim_end().to_owned() + "\n")
        .map_err(|err| format!("{}: cannot write: {err}", path.display()))?;
    Ok(())
}

/// Today's date, UTC, as `YYYY-MM-DD`.
fn today() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests;
