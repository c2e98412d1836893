//! `chat import-slack` as an operator runs it: the book's example export imported from
//! its folder, printing what the book shows; again, and from its zip, adding nothing;
//! and mistakes named.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `chat` on the database `db` with `args`: its status and what it printed.
fn chat(db: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_chat"))
        .current_dir(workspace())
        .arg("--database")
        .arg(format!("sqlite:{}", db.display()))
        .args(args)
        .output()
        .unwrap();
    let printed =
        String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    (output.status.success(), printed)
}

/// The `text` block after the import command in the book's chat chapter.
fn book_output() -> String {
    let chapter = std::fs::read_to_string(workspace().join("book/src/guides/chat.md")).unwrap();
    let after = chapter
        .split("import-slack examples/data/slack-export")
        .nth(1)
        .unwrap();
    let block = after.split("```text\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_owned()
}

fn zip_of(folder: &Path, to: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(folder)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned();
                zip.start_file(name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
            }
        }
    }
    zip.finish().unwrap();
}

#[test]
fn an_operator_imports_a_slack_export_once_whatever_its_form() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chat.db");
    let import = [
        "import-slack",
        "examples/data/slack-export",
        "--members",
        "examples/data/slack-members.toml",
        "--by",
        "1",
    ];
    let (ok, printed) = chat(&db, &import);
    assert!(ok, "{printed}");
    assert_eq!(
        printed,
        book_output(),
        "the book shows what the command prints"
    );
    let (ok, again) = chat(&db, &import);
    assert!(ok, "{again}");
    assert!(
        again.contains("; nothing new: all of it was here already."),
        "{again}"
    );
    let zip = dir.path().join("export.zip");
    zip_of(&workspace().join("examples/data/slack-export"), &zip);
    let mut from_zip = import.map(str::to_owned).to_vec();
    from_zip[1] = zip.display().to_string();
    let from_zip: Vec<&str> = from_zip.iter().map(String::as_str).collect();
    let (ok, printed) = chat(&db, &from_zip);
    assert!(ok, "{printed}");
    assert!(printed.contains("nothing new"), "{printed}");
}

#[test]
fn mistakes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chat.db");
    let members = ["--members", "examples/data/slack-members.toml"];
    let (ok, printed) = chat(
        &db,
        &[
            &["import-slack", "examples/data/nowhere.zip"][..],
            &members,
            &["--by", "1"],
        ]
        .concat(),
    );
    assert!(!ok);
    assert!(
        printed.contains("cannot open examples/data/nowhere.zip"),
        "{printed}"
    );
    let (ok, printed) = chat(
        &db,
        &[
            &["import-slack", "examples/data/slack-export"][..],
            &members,
            &["--by", "77"],
        ]
        .concat(),
    );
    assert!(!ok);
    assert!(
        printed.contains("there is no admitted member 77 in this co-op"),
        "{printed}"
    );
    let (ok, printed) = chat(
        &db,
        &[
            "import-slack",
            "examples/data/slack-export",
            "--members",
            "examples/data/README.md",
            "--by",
            "1",
        ],
    );
    assert!(!ok);
    assert!(
        printed.contains("examples/data/README.md: the member map is not a [members] table"),
        "{printed}"
    );
    let (ok, printed) = chat(
        &db,
        &[
            "import-slack",
            "examples/data/slack-members.toml",
            "--members",
            "examples/data/slack-members.toml",
            "--by",
            "1",
        ],
    );
    assert!(!ok);
    assert!(
        printed.contains("examples/data/slack-members.toml:"),
        "{printed}"
    );
}

#[test]
fn an_exported_workspace_imports_into_another_co_op_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first.db"), dir.path().join("second.db"));
    let import = [
        "import-slack",
        "examples/data/slack-export",
        "--members",
        "examples/data/slack-members.toml",
        "--by",
        "1",
    ];
    assert!(chat(&first, &import).0);
    let out = dir.path().join("moved");
    let (ok, printed) = chat(&first, &["export-slack", out.to_str().unwrap()]);
    assert!(ok, "{printed}");
    assert!(
        printed.contains("Wrote 3 channels as a Slack workspace export"),
        "{printed}"
    );
    let (ok, printed) = chat(&first, &["export-slack", out.to_str().unwrap()]);
    assert!(!ok && printed.contains("exists already"), "{printed}");
    // Into another co-op, its members by the same numbers; then out again: the same.
    let identity = dir.path().join("identity.toml");
    std::fs::write(&identity, "[members]\n1 = \"1\"\n2 = \"2\"\n3 = \"3\"\n").unwrap();
    let (ok, printed) = chat(
        &second,
        &[
            "import-slack",
            out.to_str().unwrap(),
            "--members",
            identity.to_str().unwrap(),
            "--by",
            "1",
        ],
    );
    assert!(ok, "{printed}");
    let again = dir.path().join("again");
    assert!(chat(&second, &["export-slack", again.to_str().unwrap()]).0);
    // Every day of every channel comes out again byte for byte (the second co-op has its
    // own demo channel besides).
    let days = |root: &Path| -> Vec<String> {
        let mut days = Vec::new();
        for folder in std::fs::read_dir(root).unwrap() {
            let folder = folder.unwrap().path();
            if folder.is_dir() {
                for day in std::fs::read_dir(folder).unwrap() {
                    days.push(std::fs::read_to_string(day.unwrap().path()).unwrap());
                }
            }
        }
        days
    };
    let (was, is) = (days(&out), days(&again));
    assert_eq!(was.len(), 3, "the first demo's channel, the two imported");
    for day in &was {
        assert!(is.contains(day), "{day} did not come out again");
    }
    let cake = |root: &Path| {
        std::fs::read_dir(root)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|f| f.is_dir())
            .flat_map(|f| std::fs::read_dir(f).unwrap().map(|d| d.unwrap().path()))
            .find(|d| {
                std::fs::read_to_string(d)
                    .unwrap()
                    .contains("Who brings cake")
            })
            .unwrap()
    };
    let general = std::fs::read_to_string(cake(&out)).unwrap();
    for kept in [
        "\"thread_ts\"",
        "\"subtype\": \"thread_broadcast\"",
        "\"name\": \"cake\"",
        "poster.pdf",
    ] {
        assert!(general.contains(kept), "{kept} in {general}");
    }
    let garden = std::fs::read_to_string(out.join("garden/2025-01-11.json")).unwrap();
    assert!(
        cake(&out).to_str().unwrap().contains("general"),
        "a general, numbered or not"
    );
    assert!(garden.contains("\"subtype\": \"tombstone\""), "{garden}");
}
