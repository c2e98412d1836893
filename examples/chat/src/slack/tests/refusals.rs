//! What is refused, and how it is named: zips with names reaching outside the export,
//! links, duplicates, bombs and floods; folders past their limits; files that are not
//! JSON or not lists. And what a folder passes over instead: links, never followed.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use super::{folder, read_all, zip_of};
use crate::slack::bounds::Limits;
use crate::slack::{
    MAX_FILES, SlackError, read_folder, read_folder_within, read_zip, read_zip_within,
};

/// A zip of entries named as given, each holding `[]`.
fn zip_named(names: &[&str]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for name in names {
        zip.start_file(*name, SimpleFileOptions::default()).unwrap();
        zip.write_all(b"[]").unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut limits = Limits::default();
    change(&mut limits);
    limits
}

#[test]
fn names_reaching_outside_the_export_refuse_the_zip() {
    for (name, problem) in [
        ("../users.json", "has a `.` or `..` part"),
        ("general/../../users.json", "has a `.` or `..` part"),
        ("./users.json", "has a `.` or `..` part"),
        ("/etc/passwd", "is absolute"),
        ("general\\..\\..\\x.json", "holds a backslash"),
        (
            "C:/Windows/x.json",
            "holds a colon (a drive or a stream on Windows)",
        ),
        ("general/a\u{0}.json", "holds a control character"),
        (
            "general//2025-01-10.json",
            "has an empty part (`//` or a trailing `/`)",
        ),
    ] {
        let bytes = zip_named(&["users.json", name]);
        let error = read_zip(&bytes).unwrap_err();
        match &error {
            SlackError::UnsafePath { problem: found, .. } => {
                assert_eq!(*found, problem, "{name:?}")
            }
            other => panic!("{name:?}: {other:?}"),
        }
    }
    let error = read_zip(&zip_named(&["../users.json"])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the zip's entry `../users.json`: the name has a `.` or `..` part"
    );
    let long = "a".repeat(600);
    assert!(matches!(
        read_zip(&zip_named(&[&long])),
        Err(SlackError::UnsafePath {
            problem: "is longer than 255 bytes",
            ..
        })
    ));
}

#[test]
fn links_and_duplicates_refuse_the_zip() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("users.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"[]").unwrap();
    zip.add_symlink("channels.json", "/etc/passwd", SimpleFileOptions::default())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let error = read_zip(&bytes).unwrap_err();
    assert_eq!(
        error,
        SlackError::NotAFile {
            path: "channels.json".into(),
            what: "a symbolic link"
        }
    );
    assert_eq!(
        error.to_string(),
        "`channels.json` is a symbolic link; an export holds plain files and folders only"
    );

    // A folder and a file of one name.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.add_directory("general/", SimpleFileOptions::default())
        .unwrap();
    zip.start_file("general", SimpleFileOptions::default())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(
        read_zip(&bytes).unwrap_err(),
        SlackError::Duplicate {
            path: "general".into()
        }
    );

    // Two entries of one name in the zip's directory, written by renaming one.
    let bytes = zip_named(&["users.json", "userz.json"]);
    let renamed = replace_all(&bytes, b"userz.json", b"users.json");
    assert_eq!(read_zip(&renamed).unwrap_err(), SlackError::DuplicateNames);
}

fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut at = 0;
    while let Some(found) = out
        .get(at..)
        .and_then(|rest| rest.windows(from.len()).position(|w| w == from))
    {
        let start = at + found;
        out[start..start + from.len()].copy_from_slice(to);
        at = start + from.len();
    }
    out
}

#[test]
fn folder_entries_are_taken_and_a_wrapping_folder_too() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    zip.add_directory("export/", options).unwrap();
    zip.add_directory("export/general/", options).unwrap();
    zip.add_directory("export/empty/", options).unwrap();
    zip.start_file("export/channels.json", options).unwrap();
    zip.write_all(br#"[{"id": "C1", "name": "general"}]"#)
        .unwrap();
    zip.start_file("export/general/2025-01-10.json", options)
        .unwrap();
    zip.write_all(br#"[{"ts": "1.0", "text": "hi"}]"#).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let (export, report) = read_zip(&bytes).unwrap();
    assert_eq!(export.conversations[0].messages[0].text, "hi");
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);

    // Two top-level folders: nothing is unwrapped, and nothing is at the root.
    let bytes = zip_named(&["a/channels.json", "b/channels.json"]);
    let (export, report) = read_zip(&bytes).unwrap();
    assert!(export.conversations.is_empty());
    assert_eq!(report.files_skipped, 2);
}

#[test]
fn too_many_entries_refuse_the_export() {
    let names: Vec<String> = (0..5).map(|n| format!("general/{n}.txt")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let bytes = zip_named(&names);
    let few = limits(|l| l.files = 4);
    assert_eq!(
        read_zip_within(Cursor::new(&bytes), few).unwrap_err(),
        SlackError::TooManyFiles { max: 4 }
    );
    assert!(read_zip_within(Cursor::new(&bytes), limits(|l| l.files = 5)).is_ok());

    // In a folder, folders count too: `general` and its 5 files.
    let files: Vec<(String, &str)> = names.iter().map(|n| ((*n).to_owned(), "")).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let dir = folder(&files);
    assert_eq!(
        read_folder_within(dir.path(), limits(|l| l.files = 5)).unwrap_err(),
        SlackError::TooManyFiles { max: 5 }
    );
    assert!(read_folder_within(dir.path(), limits(|l| l.files = 6)).is_ok());
    assert_eq!(MAX_FILES, 200_000);
}

#[test]
fn files_too_large_are_refused_before_they_are_read() {
    let big = format!("[{}]", " ".repeat(100));
    let files = [("users.json", big.as_str())];
    let small = limits(|l| l.file_bytes = 50);
    let error = read_zip_within(Cursor::new(zip_of(&files)), small).unwrap_err();
    assert_eq!(
        error,
        SlackError::TooLarge {
            path: "users.json".into(),
            size: 102,
            max: 50
        }
    );
    assert_eq!(
        error.to_string(),
        "`users.json` is 102 bytes or more; at most 50 bytes are read from one file"
    );
    let dir = folder(&files);
    assert_eq!(read_folder_within(dir.path(), small).unwrap_err(), error);

    let two = [
        ("users.json", big.as_str()),
        ("channels.json", big.as_str()),
    ];
    let total = limits(|l| l.export_bytes = 150);
    let expect = SlackError::TotalTooLarge {
        path: "users.json".into(),
        max: 150,
    };
    // The zip lists in its own order, the folder in the system's: either file may be
    // the one past the limit.
    for error in [
        read_zip_within(Cursor::new(zip_of(&two)), total).unwrap_err(),
        read_folder_within(folder(&two).path(), total).unwrap_err(),
    ] {
        assert!(
            matches!(error, SlackError::TotalTooLarge { max: 150, .. }),
            "{error:?}"
        );
    }
    assert!(
        expect
            .to_string()
            .starts_with("with `users.json` the export holds more than 150 bytes")
    );
}

#[test]
fn a_zip_bomb_with_a_lying_header_is_read_no_further_than_its_limit() {
    // 4 MiB of zeros deflate to a few KiB; then both headers are made to say 2 bytes.
    let zeros = vec![b'0'; 4 << 20];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("users.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&zeros).unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 100_000);
    let size = (4_u32 << 20).to_le_bytes();
    let mut patched = 0;
    for (signature, offset) in [(*b"PK\x03\x04", 22), (*b"PK\x01\x02", 24)] {
        let at = bytes.windows(4).position(|w| w == signature).unwrap();
        let field = &mut bytes[at + offset..at + offset + 4];
        assert_eq!(field, size);
        field.copy_from_slice(&2_u32.to_le_bytes());
        patched += 1;
    }
    assert_eq!(patched, 2);
    let limits = limits(|l| l.file_bytes = 1 << 20);
    match read_zip_within(Cursor::new(&bytes), limits) {
        Err(SlackError::TooLarge { path, size, max }) => {
            assert_eq!(
                (path.as_str(), size, max),
                ("users.json", (1 << 20) + 1, 1 << 20)
            );
        }
        // The zip reader notices the lie first (as it does today): as good.
        Err(SlackError::Zip { path, message }) => {
            assert_eq!(path, "users.json");
            assert!(message.contains("larger than its declared"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // An honest header is refused before anything is inflated.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("users.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&zeros).unwrap();
    let honest = zip.finish().unwrap().into_inner();
    assert!(matches!(
        read_zip_within(Cursor::new(&honest), limits),
        Err(SlackError::TooLarge {
            size: 4_194_304,
            ..
        })
    ));
}

#[test]
fn a_file_is_read_no_further_than_its_limit_whatever_its_header_says() {
    use crate::slack::source::{Source, list_folder, list_zip};
    let files = [("users.json", "[                    ]")];
    let (mut zip, listing) = list_zip(Cursor::new(zip_of(&files)), Limits::default()).unwrap();
    let file = &listing.files[0];
    assert_eq!(zip.read(file, 22).unwrap().len(), 22);
    assert_eq!(
        zip.read(file, 10).unwrap_err(),
        SlackError::TooLarge {
            path: "users.json".into(),
            size: 11,
            max: 10
        }
    );
    let dir = folder(&files);
    let listing = list_folder(dir.path(), Limits::default()).unwrap();
    let mut source = crate::slack::source::Folder;
    assert_eq!(
        source.read(&listing.files[0], 10).unwrap_err(),
        SlackError::TooLarge {
            path: "users.json".into(),
            size: 11,
            max: 10
        }
    );
}

#[test]
fn a_flood_of_entries_is_refused_once_counted() {
    let day = format!("[{}{{\"ts\": \"1.0\"}}]", "{\"ts\": \"1.0\"},".repeat(20));
    let files = [
        (
            "channels.json",
            r#"[{"id": "C1", "name": "general", "members": ["U1", "U2"]}]"#,
        ),
        ("general/2025-01-10.json", day.as_str()),
    ];
    let dir = folder(&files);
    // The conversation and its 2 members, then one message at a time.
    assert_eq!(
        read_folder_within(dir.path(), limits(|l| l.items = 10)).unwrap_err(),
        SlackError::TooMany {
            path: "general/2025-01-10.json".into(),
            max: 10
        }
    );
    assert!(read_folder_within(dir.path(), limits(|l| l.items = 24)).is_ok());
}

#[test]
fn what_is_not_json_is_refused_naming_the_file_and_place() {
    let error = read_all(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        (
            "general/2025-01-10.json",
            "[\n  {\"ts\": \"1.0\"},\n  {\"ts\": }\n]",
        ),
    ])
    .unwrap_err();
    assert_eq!(
        error,
        SlackError::Json {
            path: "general/2025-01-10.json".into(),
            message: "expected value".into(),
            line: 3,
            column: 10
        }
    );
    assert_eq!(
        error.to_string(),
        "`general/2025-01-10.json` cannot be read as JSON: expected value (line 3, column 10)"
    );
    for text in ["", "[", "[1,]", "\u{feff}[]", "[] []", "nul"] {
        let error = read_all(&[("users.json", text)]).unwrap_err();
        assert!(
            matches!(error, SlackError::Json { .. }),
            "{text:?}: {error:?}"
        );
    }
}

#[test]
fn json_that_is_not_a_list_is_refused() {
    let error = read_all(&[("users.json", "{\"users\": []}")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`users.json` is not as a Slack export has it: invalid type: map, expected a list of users (line 1, column 1)"
    );
    for text in ["null", "42", "\"[]\"", "true"] {
        let error = read_all(&[("channels.json", text)]).unwrap_err();
        assert!(
            matches!(error, SlackError::Shape { .. }),
            "{text}: {error:?}"
        );
    }
}

#[test]
fn deep_nesting_is_passed_over_never_a_panic() {
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    // Where nothing is read, it is passed over.
    let ignored = format!(r#"[{{"ts": "1.0", "blocks": {deep}}}]"#);
    // Where a value is read, it is not one.
    let read = format!(r#"[{{"ts": "2.0", "reactions": [{{"name": "x", "users": [{deep}]}}]}}]"#);
    let (export, report) = read_all(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("general/2025-01-10.json", &ignored),
        ("general/2025-01-11.json", &read),
    ])
    .unwrap();
    assert_eq!(export.conversations[0].messages.len(), 2);
    assert_eq!(
        report.skipped,
        [
            "`general/2025-01-11.json` message 1 (ts 2.000000) reaction `x`: 1 of its `users` are not ids; left out"
        ]
    );
    // As a whole file, it is a list of lists.
    let (_, report) = read_all(&[("users.json", &deep)]).unwrap();
    assert_eq!(
        report.skipped,
        ["`users.json` user 1 skipped: it is not an object"]
    );
}

#[test]
fn an_entry_json_cannot_decode_is_skipped() {
    let (export, report) = read_all(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        (
            "general/2025-01-10.json",
            r#"[{"ts": "1.0", "text": "\ud800"}, {"ts": "2.0"}]"#,
        ),
    ])
    .unwrap();
    assert_eq!(export.conversations[0].messages.len(), 1);
    assert_eq!(report.skipped.len(), 1);
    assert!(
        report.skipped[0]
            .starts_with("`general/2025-01-10.json` message 1 skipped: it cannot be read: "),
        "{:?}",
        report.skipped
    );
}

#[test]
fn not_a_zip_is_refused() {
    for bytes in [&b""[..], b"PK", b"not a zip at all", b"PK\x05\x06"] {
        assert!(
            matches!(read_zip(bytes), Err(SlackError::NotAZip { .. })),
            "{bytes:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_folder_passes_over_links_never_following_them() {
    let outside = folder(&[("secret.json", r#"[{"id": "U9", "name": "secret"}]"#)]);
    let dir = folder(&[
        ("channels.json", r#"[{"id": "C1", "name": "general"}]"#),
        ("general/2025-01-10.json", r#"[{"ts": "1.0"}]"#),
    ]);
    let link = |target: &std::path::Path, name: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(name)).unwrap();
    };
    link(&outside.path().join("secret.json"), "users.json");
    link(outside.path(), "random");
    link(
        &outside.path().join("secret.json"),
        "general/2025-01-11.json",
    );
    let (export, report) = read_folder(dir.path()).unwrap();
    assert!(export.users.is_empty());
    assert_eq!(export.conversations[0].messages.len(), 1);
    let mut lines = report.skipped.clone();
    lines.sort();
    assert_eq!(
        lines,
        [
            "`general/2025-01-11.json` skipped: a symbolic link, which is not followed",
            "`random` skipped: a symbolic link, which is not followed",
            "`users.json` skipped: a symbolic link, which is not followed",
        ]
    );
    assert_eq!(report.files_skipped, 3);

    let missing = read_folder(&dir.path().join("nowhere")).unwrap_err();
    assert!(
        matches!(missing, SlackError::Io { ref path, kind: std::io::ErrorKind::NotFound, .. } if path == "."),
        "{missing:?}"
    );
}
