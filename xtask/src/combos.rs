//! Feature combinations of generated crates, for `cargo xtask breadth`: the
//! all-features build is checked there already; here the crates with the
//! most models, and the shape crates with groups, are also checked with no
//! features at all (so with no TLS backend either: `http` only), and with
//! each operation group alone (a spread sample for the big ones), with
//! warnings as errors, so a gate that is missing (an error) or too wide (an
//! unused import, dead code) fails the run.

use std::error::Error;
use std::fs;
use std::path::Path;
use std::process::Command;

/// How many of the biggest crates are checked feature by feature.
const BIGGEST: usize = 2;
/// At most this many single-group builds per crate.
const SAMPLE: usize = 6;

/// Checks the combinations of the biggest of the `members` of `scratch` (the
/// breadth workspace), building into `target`.
pub fn run(scratch: &Path, members: &[String], target: &Path) -> Result<(), Box<dyn Error>> {
    let mut crates = Vec::new();
    for member in members {
        let dir = scratch.join(member);
        let Ok(manifest) = fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let groups = group_features(&manifest);
        // The webhooks module's gate, and its payloads' gates, are checked
        // whatever the number of groups.
        let webhooks = manifest.contains("\nwebhooks = [");
        if groups.len() < 2 && !webhooks {
            continue;
        }
        let models = fs::read_dir(dir.join("src/models")).map_or(0, |d| d.count());
        crates.push((models, member.clone(), (groups, webhooks)));
    }
    crates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    // The biggest crates, sampled, and the small shape crates, every group.
    let chosen = crates
        .iter()
        .enumerate()
        .filter(|(rank, (_, name, (_, webhooks)))| {
            *rank < BIGGEST || name.starts_with("shape-") || *webhooks
        });
    for (rank, (models, name, (groups, webhooks))) in chosen {
        let limit = if rank < BIGGEST { SAMPLE } else { usize::MAX };
        let mut combinations = vec![String::new()];
        if groups.len() >= 2 {
            combinations.extend(sample(groups, limit).into_iter().cloned());
            // The blocking client alone and with one group, for its own gates.
            combinations.push("blocking".to_owned());
            combinations.push(format!("{},blocking", groups[0]));
        }
        if *webhooks {
            combinations.push("webhooks".to_owned());
            if groups.len() >= 2 {
                // Every group without webhooks: the default build.
                combinations.push("default".to_owned());
            }
        }
        println!(
            "{name} ({models} model files, {} groups): checking {} feature combinations",
            groups.len(),
            combinations.len()
        );
        for features in &combinations {
            let mut args = vec!["clippy", "--offline", "-p", &name, "--no-default-features"];
            if !features.is_empty() {
                args.extend(["--features", features]);
            }
            args.extend(["--", "-D", "warnings"]);
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(scratch)
                .args(&args)
                .env("CARGO_TARGET_DIR", target)
                .status()?;
            if !status.success() {
                return Err(format!(
                    "{name} does not pass clippy -D warnings with features [{features}]"
                )
                .into());
            }
        }
    }
    println!("the biggest, the shape and the webhook crates compile without warnings with no groups, with single groups and with webhooks alone");
    Ok(())
}

/// The group features of a generated manifest: the entries of `default`
/// but the runtime's own (the TLS backend).
pub fn group_features(manifest: &str) -> Vec<String> {
    let Some(line) = manifest.lines().find(|l| l.starts_with("default = [")) else {
        return Vec::new();
    };
    line.trim_start_matches("default = [")
        .trim_end_matches(']')
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_owned())
        .filter(|f| {
            !f.is_empty() && !generator::features::DEFAULT_RUNTIME_FEATURES.contains(&f.as_str())
        })
        .collect()
}

/// At most `n` items spread evenly over `items`, first and last included.
fn sample<T>(items: &[T], n: usize) -> Vec<&T> {
    if items.len() <= n {
        return items.iter().collect();
    }
    (0..n)
        .map(|i| &items[i * (items.len() - 1) / (n - 1)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_group_features_of_a_manifest() {
        let manifest =
            "[features]\ndefault = [\"rustls\", \"a\", \"b_c\"]\nblocking = [\"tokio/rt\"]\na = []\n";
        assert_eq!(group_features(manifest), ["a", "b_c"]);
        assert!(group_features("[features]\ndefault = [\"rustls\"]\nblocking = []\n").is_empty());
    }

    #[test]
    fn samples_spread_over_the_list() {
        let items: Vec<u32> = (0..10).collect();
        assert_eq!(sample(&items, 4), [&0, &3, &6, &9]);
        assert_eq!(sample(&items[..3], 4), [&0, &1, &2]);
    }
}
