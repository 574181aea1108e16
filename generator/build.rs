//! Compiles the static files of `templates/runtime/` into the generator, so
//! the generator binary stands alone and the folder is the only list of them.

use std::fmt::Write;
use std::path::Path;
use std::{env, fs};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let runtime = Path::new(&manifest).join("../templates/runtime");
    println!("cargo:rerun-if-changed={}", runtime.display());
    let mut names: Vec<String> = fs::read_dir(&runtime)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".rs"))
                .collect()
        })
        .unwrap_or_default();
    // Sorted, so the generated list (and the output) never depends on the
    // order the file system lists the folder in.
    names.sort();
    let mut list = String::from("&[\n");
    for name in &names {
        let path = runtime.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            list,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    list.push(']');
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("runtime_files.rs");
    fs::write(out, list).expect("OUT_DIR is writable");
}
