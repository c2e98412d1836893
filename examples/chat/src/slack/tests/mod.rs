//! Tests of the Slack reader: small exports written here read from folders and zips,
//! what is refused, the real exports of the shared fixtures, timestamps, and
//! properties over generated input.

mod export;
mod plan;
mod props;
mod reading;
mod real;
mod refusals;
mod ts;

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::{Export, ReadReport, SlackError, read_folder, read_zip};

/// A small export: each file's path inside it and its text.
type Files<'a> = &'a [(&'a str, &'a str)];

/// Writes `files` into a new temporary folder.
fn folder(files: Files<'_>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

/// How a zip is written.
#[derive(Debug, Clone, Copy, Default)]
struct Shape<'a> {
    /// A folder every entry is inside.
    wrap: Option<&'a str>,
    /// Whether folders have their own entries, as Slack writes them.
    folder_entries: bool,
}

/// A zip of `files`, deflated.
fn zip_with(files: &[(String, Vec<u8>)], shape: Shape<'_>) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let prefix = shape
        .wrap
        .map(|wrap| format!("{wrap}/"))
        .unwrap_or_default();
    let mut folders = std::collections::BTreeSet::new();
    if shape.folder_entries && !prefix.is_empty() {
        zip.add_directory(prefix.as_str(), options).unwrap();
    }
    for (path, bytes) in files {
        if shape.folder_entries
            && let Some((dir, _)) = path.rsplit_once('/')
            && folders.insert(dir.to_owned())
        {
            zip.add_directory(format!("{prefix}{dir}/"), options)
                .unwrap();
        }
        zip.start_file(format!("{prefix}{path}"), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn owned(files: Files<'_>) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec()))
        .collect()
}

fn zip_of(files: Files<'_>) -> Vec<u8> {
    zip_with(&owned(files), Shape::default())
}

/// Reads `files` from a folder and from zips of every shape, checks they all read
/// the same, and gives what they read.
#[track_caller]
fn read_all(files: Files<'_>) -> Result<(Export, ReadReport), SlackError> {
    let dir = folder(files);
    let from_folder = read_folder(dir.path());
    for shape in [
        Shape::default(),
        Shape {
            wrap: None,
            folder_entries: true,
        },
        Shape {
            wrap: Some("slack-export"),
            folder_entries: true,
        },
        Shape {
            wrap: Some("slack-export"),
            folder_entries: false,
        },
    ] {
        // Wrapped without any list at the root of the wrapping folder, an export is
        // taken as it is: not the same reading.
        if shape.wrap.is_some() && !files.iter().any(|(path, _)| is_list(path)) {
            continue;
        }
        let from_zip = read_zip(&zip_with(&owned(files), shape));
        assert_eq!(from_zip, from_folder, "{shape:?}");
    }
    from_folder
}

fn is_list(path: &str) -> bool {
    super::format::LIST_FILES.contains(&path)
}

#[track_caller]
fn read_ok(files: Files<'_>) -> (Export, ReadReport) {
    read_all(files).unwrap()
}

/// The shared fixtures folder, `slack/<name>` in it, or `None` (after saying so once,
/// past the test harness's capture) when they are not beside this repository.
/// `ANDEL_REQUIRE_ALL=1`, or an `ANDEL_FIXTURES` naming a folder without it, makes
/// its absence a failure.
fn real_export(name: &str) -> Option<PathBuf> {
    let given = std::env::var_os("ANDEL_FIXTURES");
    let root = given.clone().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    );
    let path = root.join("slack").join(name);
    if path.join("users.json").is_file() {
        return Some(path);
    }
    let required = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
    assert!(
        given.is_none() && !required,
        "the real Slack export is not found at {} (ANDEL_FIXTURES or ANDEL_REQUIRE_ALL asks for it)",
        path.display()
    );
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the Slack reader tests on real exports: {} not found (set ANDEL_FIXTURES to the fixtures folder)",
            path.display()
        );
    });
    None
}

/// Every file under `root`, by its path inside it, sorted.
fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                stack.push((entry.path(), path));
            } else {
                files.push((path, std::fs::read(entry.path()).unwrap()));
            }
        }
    }
    files.sort();
    files
}
