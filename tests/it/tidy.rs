//! Tidy checks: the habits the project keeps, checked on every test run.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The crate map, lowest first: a crate may depend only on crates of a lower rank.
/// Crates of one rank stand side by side and never depend on each other.
const CRATE_MAP: &[(&str, u32)] = &[
    ("andel-journal", 0),
    ("andel-tally", 0),
    ("andel-ledger", 1),
    ("andel-decisions", 1),
    ("andel-consent", 2),
    ("andel-export", 3),
    ("andel-store", 3),
    ("andel-testkit", 4),
    ("andel-service", 5),
    ("andel-http", 6),
    ("andel", 7),
    ("andel-cli", 8),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits in the workspace root")
        .to_path_buf()
}

fn files_under(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name.starts_with('.')
                || name == "target"
                || (name == "book" && dir.ends_with("book"))
            {
                continue;
            }
            files_under(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    files_under(&root(), "rs", &mut files);
    assert!(files.len() > 10, "found only {} .rs files", files.len());
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !fs::read_to_string(f).unwrap().starts_with("//!"))
        .map(|f| relative(f))
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not open with `//!`: {missing:?}"
    );
}

#[test]
fn changelog_has_an_unreleased_section() {
    let changelog = fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.lines().any(|l| l == "## [Unreleased]"),
        "CHANGELOG.md has no `## [Unreleased]` heading"
    );
}

#[test]
fn every_book_page_is_in_the_summary() {
    let src = root().join("book/src");
    let summary = fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    let mut pages = Vec::new();
    files_under(&src, "md", &mut pages);
    let unlisted: Vec<String> = pages
        .iter()
        .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
        .filter(|p| p != "SUMMARY.md" && !summary.contains(&format!("]({p})")))
        .collect();
    assert!(
        unlisted.is_empty(),
        "book pages missing from SUMMARY.md: {unlisted:?}"
    );
}

#[test]
fn every_book_page_with_rust_code_is_doctested() {
    let src = root().join("book/src");
    let doctests = fs::read_to_string(root().join("tests/src/lib.rs")).unwrap();
    let mut pages = Vec::new();
    files_under(&src, "md", &mut pages);
    let untested: Vec<String> = pages
        .iter()
        .filter(|p| fs::read_to_string(p).unwrap().contains("```rust"))
        .map(|p| p.strip_prefix(&src).unwrap().display().to_string())
        .filter(|p| !doctests.contains(&format!("../../book/src/{p}\")")))
        .collect();
    assert!(
        untested.is_empty(),
        "book pages with rust blocks not included in tests/src/lib.rs: {untested:?}"
    );
}

#[test]
fn internal_crates_depend_only_downward() {
    let rank: BTreeMap<&str, u32> = CRATE_MAP.iter().copied().collect();
    let mut manifests = Vec::new();
    for entry in fs::read_dir(root().join("crates")).unwrap().flatten() {
        manifests.push(entry.path().join("Cargo.toml"));
    }
    assert!(!manifests.is_empty());
    let mut wrong = Vec::new();
    for manifest in manifests {
        let text = fs::read_to_string(&manifest).unwrap();
        let doc: toml::Table = text.parse().unwrap();
        let name = doc["package"]["name"].as_str().unwrap().to_owned();
        let folder = manifest
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        assert_eq!(name, folder, "crate folders are named like their package");
        let Some(&own) = rank.get(name.as_str()) else {
            panic!("`{name}` is not in the crate map of tests/it/tidy.rs: add it with its rank");
        };
        let deps = doc.get("dependencies").and_then(|d| d.as_table());
        for dep in deps.into_iter().flat_map(|d| d.keys()) {
            if let Some(&theirs) = rank.get(dep.as_str())
                && theirs >= own
            {
                wrong.push(format!(
                    "{name} (rank {own}) depends on {dep} (rank {theirs})"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies that point up or sideways: {wrong:?}"
    );
}
