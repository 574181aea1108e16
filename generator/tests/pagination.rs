//! `x-speakeasy-pagination`: which operations page, and what a crate
//! without paging is spared.

use std::path::Path;

use generator::ir::{Api, PageInputRole, PaginationKind, PathStep};
use generator::Options;

fn spec(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn model(relative: &str) -> Api {
    let path = spec(relative);
    let document = generator::load::load_file(&path).expect("the spec loads");
    generator::lower::lower(&document, &path, generator::Grouping::Auto)
        .expect("the spec lowers")
        .model
}

fn generated(relative: &str) -> generator::Generated {
    let options = Options {
        crate_name: "paging-test".into(),
        client_name: None,
        spec_label: relative.into(),
        package: Default::default(),
        modules: Vec::new(),
        grouping: Default::default(),
        webhook_signing: None,
    };
    generator::generate(&spec(relative), &options).expect("the spec generates")
}

fn paged_ids(api: &Api) -> Vec<&str> {
    api.groups
        .iter()
        .flat_map(|g| &g.operations)
        .filter(|op| op.pagination.is_some())
        .map(|op| op.id.as_str())
        .collect()
}

#[test]
fn an_unusable_declaration_leaves_its_operation_without_paging() {
    let api = model("tests/bad_specs/pagination.yaml");
    assert_eq!(paged_ids(&api), ["Valid"]);
}

#[test]
fn every_kind_of_declaration_is_read() {
    let api = model("tests/shapes/pagination.yaml");
    let mut paged = paged_ids(&api);
    paged.sort();
    assert_eq!(
        paged,
        [
            "ListByPage",
            "ListEvents",
            "ListLinks",
            "ListWidgets",
            "SearchWidgets"
        ]
    );
    let find = |id: &str| {
        api.groups
            .iter()
            .flat_map(|g| &g.operations)
            .find(|op| op.id == id)
            .and_then(|op| op.pagination.clone())
            .expect("paged")
    };
    let events = find("ListEvents");
    assert_eq!(events.kind, PaginationKind::Cursor);
    let cursor = events.next_cursor.expect("a next cursor");
    assert!(matches!(
        cursor.steps.as_slice(),
        [PathStep::Field { .. }, PathStep::Index { index: -1, .. }, PathStep::Field { rust_name, .. }]
            if rust_name == "id"
    ));
    let pages = find("ListByPage");
    assert_eq!(pages.inputs[0].role, PageInputRole::Page);
    assert!(pages.num_pages.is_some());
    let search = find("SearchWidgets");
    assert!(search.inputs.iter().all(|input| input.in_body));
    assert_eq!(find("ListLinks").kind, PaginationKind::Url);
}

#[test]
fn only_crates_that_page_get_the_paging_module_and_its_dependency() {
    let paging = generated("tests/shapes/pagination.yaml");
    assert!(paging.files.contains_key("src/runtime/paginate.rs"));
    assert!(paging.files["Cargo.toml"].contains("futures-util"));
    assert!(paging.files["src/runtime/mod.rs"].contains("mod paginate;"));
    assert!(paging.files["README.md"].contains("## Pagination"));
    let plain = generated("tests/shapes/errors.yaml");
    assert!(!plain.files.contains_key("src/runtime/paginate.rs"));
    assert!(!plain.files.contains_key("src/runtime/paginate_tests.rs"));
    assert!(!plain.files["Cargo.toml"].contains("futures"));
    assert!(!plain.files["src/runtime/mod.rs"].contains("paginate"));
    assert!(!plain.files["README.md"].contains("## Pagination"));
}
