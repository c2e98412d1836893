//! Many writers at once on one journal file or database, killed writers, and links:
//! nothing lost, nothing doubled, no copy left of an erased payload.

use super::*;

/// Runs `writers` threads that each run `andel` with the arguments `args(writer, i)` for
/// `i` in `0..each`, all at once, and returns every output.
fn at_once(
    writers: usize,
    each: usize,
    args: impl Fn(usize, usize) -> Vec<String> + Sync,
) -> Vec<Output> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let args = &args;
                scope.spawn(move || {
                    (0..each)
                        .map(|i| {
                            let args = args(w, i);
                            andel(&args.iter().map(String::as_str).collect::<Vec<_>>())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

fn append_args(journal: &[&str], writer: usize, i: usize) -> Vec<String> {
    let mut args: Vec<String> = ["journal", "append"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(journal.iter().map(|s| s.to_string()));
    args.extend(
        [
            "--stream",
            "members",
            "--kind",
            "member.admitted",
            "--payload",
            &format!(r#"{{"writer":{writer},"i":{i}}}"#),
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    args
}

/// Eight writers appending to one file at once: every append acknowledged is in the
/// file, each under its own seq, and the file verifies. Before writers took the file's
/// lock, 240 acknowledged appends left 85 entries.
#[test]
fn concurrent_appends_to_one_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coop.ndjson");
    let path = file.to_str().unwrap();
    let outputs = at_once(8, 10, |w, i| append_args(&[path], w, i));
    let mut seqs: Vec<u64> = outputs
        .iter()
        .map(|out| {
            assert!(out.status.success(), "{}", text(out));
            let line = String::from_utf8_lossy(&out.stdout).to_string();
            let seq = line
                .split(" seq ")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap();
            seq.parse().unwrap()
        })
        .collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (0..80).collect::<Vec<u64>>(),
        "each acknowledged once"
    );
    assert!(ok(&["journal", "verify", path]).contains("80 entries"));
}

/// A redaction racing appends is never undone: after both, the payload is gone from the
/// file and from every file beside it, and the file verifies.
#[test]
fn a_redaction_racing_appends_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coop.ndjson");
    let path = file.to_str().unwrap();
    ok(&[
        "journal",
        "append",
        path,
        "--stream",
        "members",
        "--kind",
        "member.admitted",
        "--payload",
        r#"{"name":"Secret Person"}"#,
    ]);
    let outputs = at_once(4, 6, |w, i| {
        if w == 0 && i == 2 {
            [
                "journal",
                "redact",
                path,
                "--stream",
                "members",
                "--seq",
                "0",
                "--reason",
                "erasure request",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        } else {
            append_args(&[path], w, i)
        }
    });
    assert!(outputs.iter().all(|o| o.status.success()));
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Secret Person"),
            "the erased payload survives"
        );
    }
    assert!(ok(&["journal", "verify", path]).contains("25 entries"));
}

/// Appends killed at every point of their run leave no temporary copy behind once the
/// next command has run, and a redaction reaches whatever a killed one had copied.
#[test]
fn killed_appends_leave_no_copies_and_erasure_reaches_them() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coop.ndjson");
    let path = file.to_str().unwrap();
    ok(&[
        "journal",
        "append",
        path,
        "--stream",
        "members",
        "--kind",
        "member.admitted",
        "--payload",
        r#"{"name":"Secret Person"}"#,
    ]);
    // How long an append takes, to spread the kills over it.
    let started = std::time::Instant::now();
    ok(&append_args(&[path], 0, 0)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let span = started.elapsed().as_micros().max(1) as u64;
    for k in 0..30u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_andel"))
            .args(append_args(&[path], 1, k as usize))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(
            span * ((k * 37) % 100) / 100,
        ));
        let _ = child.kill();
        child.wait().unwrap();
    }
    ok(&[
        "journal",
        "redact",
        path,
        "--stream",
        "members",
        "--seq",
        "0",
        "--reason",
        "erasure request",
    ]);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["coop.ndjson"], "stale copies beside the journal");
    let bytes = std::fs::read(&file).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("Secret Person"));
    ok(&["journal", "verify", path]);
}

/// Appending through a symbolic link changes the file it names and keeps the link.
#[cfg(unix)]
#[test]
fn appending_through_a_link_writes_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.ndjson");
    let link = dir.path().join("link.ndjson");
    ok(&append_args(&[target.to_str().unwrap()], 0, 0)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    std::os::unix::fs::symlink(&target, &link).unwrap();
    ok(&append_args(&[link.to_str().unwrap()], 0, 1)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(ok(&["journal", "verify", target.to_str().unwrap()]).contains("2 entries"));
}

/// Eight writers appending to one stream of a database at once: none is refused for
/// having lost a race, and every append is there.
#[test]
fn concurrent_appends_to_a_database_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    ok(&append_args(&["--store", &store], 9, 0)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    let outputs = at_once(8, 10, |w, i| append_args(&["--store", &store], w, i));
    let failed: Vec<String> = outputs
        .iter()
        .filter(|o| !o.status.success())
        .map(text)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 80 failed: {:?}",
        failed.len(),
        failed.first()
    );
    assert!(ok(&["journal", "verify", "--store", &store]).contains("81 entries"));
}
