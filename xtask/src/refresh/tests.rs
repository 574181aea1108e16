//! The maintainer's loop on a small API in a scratch folder: a first
//! refresh that breaks users, a second with the same file that changes
//! nothing, and a document with nothing left to ship.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// A scratch copy of a maintainer's folder: `sdk.toml`, `upstream.yaml`
/// and the slice `api.yaml` of two of its operations.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-refresh-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("a scratch folder");
        let upstream = fs::read_to_string(
            crate::generate::workspace_root().join("generator/tests/diff/base.yaml"),
        )
        .expect("the diff fixtures' base document");
        fs::write(dir.join("upstream.yaml"), &upstream).expect("writable");
        let operations = vec!["CreateWidget".to_owned(), "GetWidget".to_owned()];
        let slice = slice::render(&upstream, &operations, "test", None).expect("the base slices");
        fs::write(dir.join("api.yaml"), slice).expect("writable");
        fs::write(
            dir.join("sdk.toml"),
            "# The test SDK.\n[sdk]\nspec = \"api.yaml\"\nout = \"sdk\"\nclient = \"Shop\"\n\n\
             [upstream]\nfile = \"upstream.yaml\"\noperations = [\"CreateWidget\", \"GetWidget\"]\n\n\
             [package]\nname = \"shop-sdk\"\n# Bumped by refresh.\nversion = \"0.3.1\"\nlicense = \"MIT\"\n",
        )
        .expect("writable");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// A new upstream document: the base with `edit` applied, as JSON.
    fn upstream(&self, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
        let mut document: serde_json::Value =
            serde_yaml::from_str(&self.read("upstream.yaml")).expect("YAML");
        edit(&mut document);
        let path = self.path(name);
        fs::write(
            &path,
            serde_json::to_string_pretty(&document).expect("JSON"),
        )
        .expect("writable");
        path
    }

    fn refresh(&self, upstream: &Path) -> Result<ExitCode, Box<dyn Error>> {
        run(&RefreshArgs {
            upstream: upstream.to_owned(),
            webhooks: None,
            config: Some(self.path("sdk.toml")),
            strict: true,
            date: Some("2026-01-02".into()),
            dry_run: false,
        })
    }

    /// Every file under the scratch folder, by path, with its bytes.
    fn tree(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        let mut todo = vec![self.0.clone()];
        while let Some(dir) = todo.pop() {
            for entry in fs::read_dir(&dir).expect("a readable folder") {
                let path = entry.expect("a folder entry").path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    let bytes = fs::read(&path).expect("a readable file");
                    files.push((path, bytes));
                }
            }
        }
        files.sort();
        files
    }

    /// Every file the loop may write.
    fn snapshot(&self) -> Vec<String> {
        [
            "sdk.toml",
            "api.yaml",
            "upstream.yaml",
            "sdk/CHANGELOG.md",
            "sdk/Cargo.toml",
        ]
        .iter()
        .map(|name| self.read(name))
        .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_breaking_upstream_bumps_the_version_and_writes_the_changelog_once() {
    let scratch = Scratch::new("breaking");
    // GetWidget vanished upstream, and Widget gained an optional field.
    let upstream = scratch.upstream("new.json", |doc| {
        doc["paths"]["/widgets/{widget_id}"]
            .as_object_mut()
            .expect("a path item")
            .remove("get");
        doc["components"]["schemas"]["Widget"]["properties"]["weight"] =
            serde_json::json!({"type": "number"});
    });
    scratch.refresh(&upstream).expect("the refresh succeeds");

    let config = scratch.read("sdk.toml");
    assert!(
        config.contains("# Bumped by refresh.\nversion = \"0.4.0\"\n"),
        "{config}"
    );
    assert_eq!(
        scratch.read("upstream.yaml"),
        fs::read_to_string(&upstream).expect("readable")
    );
    let spec = scratch.read("api.yaml");
    assert!(
        spec.contains("CreateWidget") && !spec.contains("GetWidget"),
        "{spec}"
    );
    assert!(scratch
        .read("sdk/Cargo.toml")
        .contains("version = \"0.4.0\""));
    let changelog = scratch.read("sdk/CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(changelog.contains("## [0.4.0] - 2026-01-02"), "{changelog}");
    assert!(
        changelog.contains("`Shop::widgets().get_widget`: removed"),
        "{changelog}"
    );
    assert!(
        changelog.contains("`models::Widget::weight`: a new optional field"),
        "{changelog}"
    );

    // The same document again: nothing to do, nothing written.
    let before = scratch.snapshot();
    scratch
        .refresh(&upstream)
        .expect("the second refresh succeeds");
    assert_eq!(scratch.snapshot(), before);
    assert_eq!(scratch.read("sdk/CHANGELOG.md").matches("## [").count(), 1);
}

#[test]
fn a_dry_run_previews_the_release_and_writes_nothing() {
    let scratch = Scratch::new("dry-run");
    // Generate the crate once, so that the dry run has a tree to leave alone.
    let first = scratch.upstream("first.json", |doc| {
        doc["info"]["version"] = serde_json::json!("2025-02-01");
    });
    scratch.refresh(&first).expect("the first refresh succeeds");
    let upstream = scratch.upstream("new.json", |doc| {
        doc["paths"]["/widgets/{widget_id}"]
            .as_object_mut()
            .expect("a path item")
            .remove("get");
        doc["components"]["schemas"]["Widget"]["properties"]["weight"] =
            serde_json::json!({"type": "number"});
    });
    let before = scratch.tree();
    let args = RefreshArgs {
        upstream: upstream.clone(),
        webhooks: None,
        config: Some(scratch.path("sdk.toml")),
        strict: true,
        date: Some("2026-01-03".into()),
        dry_run: true,
    };
    let preview = plan(&args).expect("the plan succeeds").preview();
    // The release: the report of the slice the SDK ships, and its version.
    assert!(
        preview.starts_with("## [0.4.0] - 2026-01-03\n"),
        "{preview}"
    );
    assert!(
        preview.contains("`Shop::widgets().get_widget`: removed"),
        "{preview}"
    );
    assert!(preview.contains("shop-sdk 0.3.2 → 0.4.0"), "{preview}");
    assert!(
        preview.contains("A refresh would publish shop-sdk 0.4.0 and write"),
        "{preview}"
    );
    assert!(preview.contains("Nothing was written."), "{preview}");
    // Only the two shipped operations are compared, not the whole documents.
    assert!(!preview.contains("ListWidgets"), "{preview}");
    run(&args).expect("the dry run succeeds");
    assert_eq!(scratch.tree(), before, "a dry run wrote to the tree");
}

#[test]
fn a_compatible_upstream_bumps_the_patch_number_of_a_0_x_crate() {
    let scratch = Scratch::new("compatible");
    let upstream = scratch.upstream("new.json", |doc| {
        doc["components"]["schemas"]["Widget"]["properties"]["weight"] =
            serde_json::json!({"type": "number"});
    });
    scratch.refresh(&upstream).expect("the refresh succeeds");
    assert!(scratch.read("sdk.toml").contains("version = \"0.3.2\""));
    let changelog = scratch.read("sdk/CHANGELOG.md");
    assert!(
        changelog.contains("## [0.3.2] - 2026-01-02") && changelog.contains("### Added"),
        "{changelog}"
    );
    assert!(!changelog.contains("### Breaking"), "{changelog}");
}

#[test]
fn an_upstream_without_any_shipped_operation_changes_nothing() {
    let scratch = Scratch::new("empty");
    let upstream = scratch.upstream("new.json", |doc| {
        doc["paths"] = serde_json::json!({});
    });
    let before = scratch.snapshot();
    let error = scratch
        .refresh(&upstream)
        .expect_err("nothing is left to ship");
    assert!(
        error
            .to_string()
            .contains("none of the operations the SDK ships"),
        "{error}"
    );
    assert_eq!(scratch.snapshot(), before);
}

#[test]
fn civil_dates_match_known_days() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(20_422), (2025, 11, 30));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
}

#[test]
fn check_names_a_declared_module_that_is_missing() {
    let scratch = Scratch::new("modules");
    let mut config = scratch.read("sdk.toml");
    config.push_str("\n[[modules]]\nname = \"extra\"\nexports = [\"helper\"]\n");
    fs::write(scratch.path("sdk.toml"), config).expect("writable");
    let target = Target::from_config(&scratch.path("sdk.toml")).expect("a valid config");
    let missing = crate::check::missing_modules(&target);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].ends_with("sdk/src/custom/extra.rs"),
        "{missing:?}"
    );
    fs::create_dir_all(scratch.path("sdk/src/custom")).expect("writable");
    fs::write(
        scratch.path("sdk/src/custom/extra.rs"),
        "pub fn helper() {}\n",
    )
    .expect("writable");
    assert!(crate::check::missing_modules(&target).is_empty());
    // The generated crate root declares it and re-exports what it lists.
    let lib = &target.generate().expect("generates").files["src/lib.rs"];
    assert!(
        lib.contains("#[path = \"custom/extra.rs\"]\nmod extra;"),
        "{lib}"
    );
    assert!(lib.contains("pub use extra::helper;"), "{lib}");
}

#[test]
fn the_report_names_the_groups_the_config_gives_the_crate() {
    let scratch = Scratch::new("grouping");
    // The tags say `stock`; the config groups by path, so the crate has
    // `widgets()`, and the report must name that accessor.
    let config = scratch.read("sdk.toml").replace(
        "client = \"Shop\"\n",
        "client = \"Shop\"\ngrouping = \"path\"\n",
    );
    fs::write(scratch.path("sdk.toml"), config).expect("writable");
    let retagged = scratch.upstream("retagged.json", |doc| {
        for item in doc["paths"].as_object_mut().expect("paths").values_mut() {
            for operation in item.as_object_mut().expect("a path item").values_mut() {
                if let Some(operation) = operation.as_object_mut() {
                    operation.insert("tags".into(), serde_json::json!(["stock"]));
                }
            }
        }
    });
    scratch
        .refresh(&retagged)
        .expect("the first refresh succeeds");
    let upstream = scratch.upstream("new.json", |doc| {
        doc["paths"]["/widgets/{widget_id}"]
            .as_object_mut()
            .expect("a path item")
            .remove("get");
    });
    scratch
        .refresh(&upstream)
        .expect("the second refresh succeeds");
    let changelog = scratch.read("sdk/CHANGELOG.md");
    assert!(
        changelog.contains("`Shop::widgets().get_widget`: removed"),
        "{changelog}"
    );
    assert!(!changelog.contains("stock()"), "{changelog}");
}

/// A webhooks document of `events`, each a `{type: string}` payload.
fn hooks(events: &[&str]) -> String {
    let mut text =
        String::from("openapi: 3.0.3\ninfo: {title: Hooks, version: '1'}\nx-webhooks:\n");
    for event in events {
        text.push_str(&format!(
            "  {event}:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {{type: object, properties: {{type: {{type: string}}}}}}\n"
        ));
    }
    text
}

#[test]
fn a_new_webhooks_document_is_released_with_its_events_in_the_report() {
    let scratch = Scratch::new("webhooks");
    fs::write(scratch.path("hooks.yaml"), hooks(&["widget.created"])).expect("writable");
    let config = scratch.read("sdk.toml").replace(
        "operations = [\"CreateWidget\", \"GetWidget\"]\n",
        "operations = [\"CreateWidget\", \"GetWidget\"]\nwebhooks = \"hooks.yaml\"\n",
    );
    fs::write(scratch.path("sdk.toml"), config).expect("writable");
    let loaded = Config::read(&scratch.path("sdk.toml")).expect("the config reads");
    let (command, slice) = loaded.slice(true).expect("the slice with its events");
    assert!(command.contains("--webhooks"), "{command}");
    assert!(slice.contains("widget.created"), "{slice}");
    fs::write(scratch.path("api.yaml"), slice).expect("writable");

    fs::write(
        scratch.path("new-hooks.yaml"),
        hooks(&["widget.created", "widget.deleted"]),
    )
    .expect("writable");
    let args = RefreshArgs {
        upstream: scratch.path("upstream.yaml"),
        webhooks: Some(scratch.path("new-hooks.yaml")),
        config: Some(scratch.path("sdk.toml")),
        strict: true,
        date: Some("2026-01-04".into()),
        dry_run: true,
    };
    let plan = plan(&args).expect("the plan succeeds");
    let added: Vec<&str> = plan
        .report
        .changes
        .iter()
        .filter(|c| c.rule.id == "webhook-event-added")
        .map(|c| c.rust.as_str())
        .collect();
    assert_eq!(added, ["webhooks::WebhookEvent::WidgetDeleted"]);
    assert_eq!(plan.report.level, Level::Minor);
    let preview = plan.preview();
    assert!(preview.contains("hooks.yaml"), "{preview}");
    let before = scratch.tree();
    run(&args).expect("the dry run succeeds");
    assert_eq!(scratch.tree(), before, "a dry run wrote to the tree");
}
