//! `andel journal` and `andel demo`: files and databases.

use super::*;

fn append(file: &str, stream: &str, payload: &str) -> String {
    ok(&[
        "journal",
        "append",
        file,
        "--stream",
        stream,
        "--kind",
        "member.admitted",
        "--payload",
        payload,
        "--author",
        "board",
        "--at",
        "2026-03-01T09:00:00Z",
    ])
}

#[test]
fn append_verify_redact_root_prove_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coop.ndjson");
    let f = file.to_str().unwrap();
    assert!(
        append(f, "members", r#"{"member":1,"name":"Ada"}"#).contains("appended `members` seq 0")
    );
    append(f, "members", r#"{"member":2,"name":"Bo"}"#);
    append(f, "capital", r#"{"amount":"500.00"}"#);
    assert!(ok(&["journal", "verify", f]).contains("3 entries in 2 streams (0 redacted)"));

    let out = ok(&[
        "journal",
        "redact",
        f,
        "--stream",
        "members",
        "--seq",
        "1",
        "--reason",
        "erasure request",
    ]);
    assert!(out.contains("recorded as seq 2"), "{out}");
    assert!(!std::fs::read_to_string(&file).unwrap().contains("Bo"));
    assert!(ok(&["journal", "verify", f]).contains("4 entries in 2 streams (1 redacted)"));
    let summary: serde_json::Value =
        serde_json::from_str(&ok(&["journal", "verify", f, "--json"])).unwrap();
    assert_eq!(summary["streams"][1]["stream"], "members");

    fails(
        &["journal", "root", f],
        1,
        "choose one with --stream: `capital`, `members`",
    );
    let root = ok(&["journal", "root", f, "--stream", "members"]);
    assert!(root.starts_with("stream members\nsize 3\nroot "), "{root}");
    let root_hex = root
        .lines()
        .nth(2)
        .unwrap()
        .strip_prefix("root ")
        .unwrap()
        .to_owned();
    let small = ok(&["journal", "root", f, "--stream", "members", "--size", "1"]);
    assert!(small.contains("size 1\n"));
    fails(
        &["journal", "root", f, "--stream", "members", "--size", "9"],
        1,
        "has 3 entries; cannot take the root of 9",
    );

    let proof = andel(&["journal", "prove", f, "--stream", "members", "--seq", "0"]);
    assert!(proof.status.success(), "{}", text(&proof));
    let proof_file = dir.path().join("proof.json");
    std::fs::write(&proof_file, &proof.stdout).unwrap();
    let p = proof_file.to_str().unwrap();
    assert!(
        ok(&["journal", "check-proof", p, "--root", &root_hex])
            .contains("the proof claims it is entry 0 of 3 entries (give --size to check that)")
    );
    ok(&[
        "journal",
        "check-proof",
        p,
        "--root",
        &root_hex,
        "--size",
        "3",
    ]);
    fails(
        &[
            "journal",
            "check-proof",
            p,
            "--root",
            &root_hex,
            "--size",
            "4",
        ],
        1,
        "the proof is for a tree of 3 entries, the root for one of 4",
    );
    let other_root = small.lines().nth(2).unwrap().strip_prefix("root ").unwrap();
    fails(
        &["journal", "check-proof", p, "--root", other_root],
        1,
        "proof does not hold",
    );
    let forged = String::from_utf8(proof.stdout.clone())
        .unwrap()
        .replace("\"seq\": 0", "\"seq\": 1");
    std::fs::write(&proof_file, forged).unwrap();
    fails(
        &["journal", "check-proof", p, "--root", &root_hex],
        1,
        "names seq 1",
    );
    std::fs::write(&proof_file, "{ not json").unwrap();
    fails(
        &["journal", "check-proof", p, "--root", &root_hex],
        1,
        "is not a proof file",
    );
    fails(
        &["journal", "check-proof", p, "--root", "XYZ"],
        2,
        "invalid value 'XYZ' for '--root <ROOT>'",
    );

    let consistency = andel(&[
        "journal",
        "consistency",
        f,
        "--stream",
        "members",
        "--old-size",
        "1",
    ]);
    assert!(consistency.status.success(), "{}", text(&consistency));
    let c_file = dir.path().join("consistency.json");
    std::fs::write(&c_file, &consistency.stdout).unwrap();
    let c = c_file.to_str().unwrap();
    ok(&[
        "journal",
        "check-consistency",
        c,
        "--old-root",
        other_root,
        "--new-root",
        &root_hex,
    ]);
    fails(
        &[
            "journal",
            "check-consistency",
            c,
            "--old-root",
            &root_hex,
            "--new-root",
            &root_hex,
        ],
        1,
        "proof does not hold",
    );
}

#[test]
fn verify_names_the_first_bad_entry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("j.ndjson");
    let f = file.to_str().unwrap();
    for n in 0..3 {
        append(f, "members", &format!(r#"{{"member":{n}}}"#));
    }
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace(r#"{"member":1}"#, r#"{"member":7}"#)).unwrap();
    fails(
        &["journal", "verify", f],
        1,
        "line 2: `members` seq 1: payload altered",
    );
    let lines: Vec<&str> = good.lines().collect();
    std::fs::write(&file, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
    fails(
        &["journal", "verify", f],
        1,
        "line 2: `members` seq 2: gap: seq 1 is missing",
    );
    std::fs::write(&file, format!("{}\n{}\n{}\n", lines[0], lines[2], lines[1])).unwrap();
    fails(
        &["journal", "verify", f],
        1,
        "reordering: seq 1 comes later",
    );
    // Commands that change a file report its damage exactly as verify does.
    fails(
        &[
            "journal", "redact", f, "--stream", "members", "--seq", "0", "--reason", "r",
        ],
        1,
        "reordering: seq 1 comes later",
    );
    std::fs::write(&file, format!("{good}{}\n", lines[2])).unwrap();
    fails(
        &["journal", "verify", f],
        1,
        "line 4: `members` seq 2: duplicate",
    );
    std::fs::write(&file, &good[..good.len() - 10]).unwrap();
    fails(&["journal", "verify", f], 1, "line 3: line is truncated");
    fails(
        &["journal", "verify", "/nonexistent/j.ndjson"],
        1,
        "cannot open `/nonexistent/j.ndjson`",
    );
}

#[test]
fn bad_input_never_changes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("j.ndjson");
    let f = file.to_str().unwrap();
    append(f, "members", r#"{"member":1}"#);
    let before = std::fs::read(&file).unwrap();

    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "members",
            "--kind",
            "k",
            "--payload",
            "{bad",
        ],
        1,
        "invalid --payload",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "members",
            "--kind",
            "andel.redaction",
            "--payload",
            "1",
        ],
        1,
        "reserved",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "bad id",
            "--kind",
            "k",
            "--payload",
            "1",
        ],
        2,
        "stream id `bad id`",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "s",
            "--kind",
            "k",
            "--payload",
            "1",
            "--at",
            "yesterday",
        ],
        2,
        "RFC 3339",
    );
    fails(
        &[
            "journal", "redact", f, "--stream", "members", "--seq", "5", "--reason", "r",
        ],
        1,
        "has no entry with seq 5",
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // A journal that does not verify is never appended to or redacted.
    let broken = String::from_utf8(before.clone())
        .unwrap()
        .replace(r#"{"member":1}"#, r#"{"member":2}"#);
    std::fs::write(&file, &broken).unwrap();
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "members",
            "--kind",
            "k",
            "--payload",
            "1",
        ],
        1,
        "does not verify, so it was left unchanged",
    );
    fails(
        &[
            "journal", "redact", f, "--stream", "members", "--seq", "0", "--reason", "r",
        ],
        1,
        "does not verify",
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "temporary files were left behind: {leftovers:?}"
    );
}

#[test]
fn demo_runs_start_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["demo", "--dir", dir.path().to_str().unwrap()]);
    for needle in [
        "tenant `solrosen` in sqlite:",
        "`members` root unchanged",
        "`capital` seq 1: payload altered",
        "gap: seq 1 is missing",
        "\"Bashir Khan\" still in the database: false",
        "ok: 6 entries in 2 streams (1 redacted)",
        "it holds",
        "imported 6 entries of 2 streams",
        "(the same)",
    ] {
        assert!(out.contains(needle), "demo output lacks `{needle}`:\n{out}");
    }
    assert!(Path::new(&dir.path().join("coop.journal.ndjson")).exists());
    assert!(Path::new(&dir.path().join("coop.db")).exists());
}

/// Every journal subcommand on a database: SQLite always, PostgreSQL when
/// `ANDEL_TEST_POSTGRES` names a server (in a schema of its own, dropped afterwards).
fn store_commands_on(store: &str, scratch: &Path) {
    let s = ["--store", store, "--tenant", "coop-7"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter().chain(s.iter()).map(|a| a.to_string()).collect()
    };
    let run_ok = |args: Vec<String>| ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    for (stream, payload) in [
        ("members", r#"{"member":1,"name":"Ada"}"#),
        ("members", r#"{"member":2,"name":"Bo"}"#),
        ("capital", r#"{"amount":"500.00"}"#),
    ] {
        let out = run_ok(with(&[
            "journal",
            "append",
            "--stream",
            stream,
            "--kind",
            "member.admitted",
            "--payload",
            payload,
            "--at",
            "2026-03-01T09:00:00Z",
        ]));
        assert!(out.contains("tenant `coop-7` in"), "{out}");
    }
    assert!(run_ok(with(&["journal", "verify"])).contains("ok:"));
    run_ok(with(&[
        "journal",
        "redact",
        "--stream",
        "members",
        "--seq",
        "1",
        "--reason",
        "erasure",
        "--at",
        "2026-03-02T09:00:00Z",
    ]));
    let verified = run_ok(with(&["journal", "verify"]));
    assert!(
        verified.contains("4 entries in 2 streams (1 redacted)"),
        "{verified}"
    );
    let root = run_ok(with(&["journal", "root", "--stream", "members"]));
    assert!(root.contains("size 3"), "{root}");
    let proof = scratch.join("proof.json");
    let out = andel(
        &with(&["journal", "prove", "--stream", "members", "--seq", "0"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(&proof, &out.stdout).unwrap();
    let root_hex = root.lines().find_map(|l| l.strip_prefix("root ")).unwrap();
    ok(&[
        "journal",
        "check-proof",
        proof.to_str().unwrap(),
        "--root",
        root_hex,
    ]);
    run_ok(with(&[
        "journal",
        "consistency",
        "--stream",
        "members",
        "--old-size",
        "1",
    ]));

    // A tenant nobody wrote to is not an empty journal that verifies: it is an error
    // that names it and the tenants there are.
    fails(
        &["journal", "verify", "--store", store, "--tenant", "coop-8"],
        1,
        "there is no tenant `coop-8` in ",
    );
    fails(
        &[
            "journal", "root", "--stream", "members", "--store", store, "--tenant", "coop-8",
        ],
        1,
        "its tenants are `coop-7`",
    );

    // export | import | export round-trips byte for byte.
    let exported = andel(
        &with(&["journal", "export"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(exported.status.success(), "{}", text(&exported));
    let file = scratch.join("export.ndjson");
    std::fs::write(&file, &exported.stdout).unwrap();
    ok(&["journal", "verify", file.to_str().unwrap()]);
    let moved = ["--store", store, "--tenant", "moved"];
    let import: Vec<&str> = ["journal", "import", file.to_str().unwrap()]
        .into_iter()
        .chain(moved)
        .collect();
    assert!(ok(&import).contains("imported 4 entries of 2 streams"));
    assert!(
        ok(&import).contains("imported 0 entries of 2 streams"),
        "importing twice adds nothing"
    );
    let again = andel(&["journal", "export", "--store", store, "--tenant", "moved"]);
    assert_eq!(
        again.stdout, exported.stdout,
        "export after import must be byte-identical"
    );

    // A file that disagrees with what the database holds is refused whole.
    let other_file = scratch.join("other.ndjson");
    append(other_file.to_str().unwrap(), "members", r#"{"member":9}"#);
    fails(
        &[
            "journal",
            "import",
            other_file.to_str().unwrap(),
            "--store",
            store,
            "--tenant",
            "moved",
        ],
        1,
        "nothing was imported",
    );
}

#[test]
fn journal_commands_work_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    store_commands_on(&store, dir.path());
}

#[test]
fn journal_commands_work_on_postgres() {
    on_postgres("journal", store_commands_on);
}

#[test]
fn store_arguments_are_checked() {
    fails(&["journal", "verify"], 2, "--store");
    fails(
        &["journal", "verify", "x.ndjson", "--store", "sqlite:x.db"],
        2,
        "cannot be used with",
    );
    fails(
        &["journal", "verify", "x.ndjson", "--tenant", "t"],
        2,
        "--store",
    );
    fails(
        &["journal", "verify", "--store", "mysql://h/db"],
        2,
        "is not `sqlite:PATH`",
    );
    let dir = tempfile::tempdir().unwrap();
    let typo = format!("sqlite:{}", dir.path().join("typo.db").display());
    fails(
        &["journal", "verify", "--store", &typo],
        1,
        "there is no database at",
    );
    assert!(
        !dir.path().join("typo.db").exists(),
        "verify must not create a database"
    );
    fails(
        &[
            "journal",
            "append",
            "--store",
            "sqlite:/nonexistent-dir/x.db",
            "--stream",
            "s",
            "--kind",
            "k",
            "--payload",
            "1",
        ],
        1,
        "cannot open sqlite:/nonexistent-dir/x.db",
    );
}

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

/// The text of the block marked `<!-- golden: name -->` in the "Journal file" chapter.
fn golden_on_the_page(name: &str) -> String {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/formats/journal-file.md");
    let page = std::fs::read_to_string(page).unwrap();
    let marker = format!("<!-- golden: {name} -->\n");
    let at = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no `{marker}` on the page"));
    let block = &page[at + marker.len()..];
    let body = &block[block.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_pages_golden_proofs_are_what_andel_writes_and_they_hold() {
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../andel-journal/tests/golden/journal.ndjson");
    let g = golden.to_str().unwrap();
    let stdout = |args: &[&str]| {
        let out = andel(args);
        assert!(out.status.success(), "andel {args:?}: {}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let inclusion = stdout(&["journal", "prove", g, "--stream", "members", "--seq", "2"]);
    assert_eq!(golden_on_the_page("inclusion"), inclusion);
    let consistency = |old: &str| {
        stdout(&[
            "journal",
            "consistency",
            g,
            "--stream",
            "members",
            "--old-size",
            old,
        ])
    };
    assert_eq!(golden_on_the_page("consistency"), consistency("3"));
    assert_eq!(
        golden_on_the_page("consistency-empty"),
        consistency("0") + &consistency("4")
    );
    let roots: Vec<String> = (0..=4)
        .map(|n| {
            let out = stdout(&[
                "journal",
                "root",
                g,
                "--stream",
                "members",
                "--size",
                &n.to_string(),
            ]);
            let root = out
                .lines()
                .nth(2)
                .unwrap()
                .strip_prefix("root ")
                .unwrap()
                .to_owned();
            format!("root members {n} {root}\n")
        })
        .collect();
    assert_eq!(golden_on_the_page("roots"), roots.concat());

    // The page's proofs hold for the page's roots, as a reader with only the page checks.
    let root = |n: usize| roots[n].rsplit(' ').next().unwrap().trim().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let p = file("inclusion.json", &inclusion);
    ok(&[
        "journal",
        "check-proof",
        &p,
        "--root",
        &root(4),
        "--size",
        "4",
    ]);
    let c = file("consistency.json", &consistency("3"));
    ok(&[
        "journal",
        "check-consistency",
        &c,
        "--old-root",
        &root(3),
        "--new-root",
        &root(4),
    ]);
    let c = file("from-zero.json", &consistency("0"));
    ok(&[
        "journal",
        "check-consistency",
        &c,
        "--old-root",
        &root(0),
        "--new-root",
        &root(4),
    ]);
    fails(
        &[
            "journal",
            "check-consistency",
            &c,
            "--old-root",
            &root(1),
            "--new-root",
            &root(4),
        ],
        1,
        "proof does not hold",
    );
    let c = file("same.json", &consistency("4"));
    ok(&[
        "journal",
        "check-consistency",
        &c,
        "--old-root",
        &root(4),
        "--new-root",
        &root(4),
    ]);
    fails(
        &[
            "journal",
            "check-consistency",
            &c,
            "--old-root",
            &root(3),
            "--new-root",
            &root(4),
        ],
        1,
        "proof does not hold",
    );
}

#[test]
fn proof_documents_are_refused_when_not_as_the_page_says() {
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../andel-journal/tests/golden/journal.ndjson");
    let inclusion = golden_on_the_page("inclusion");
    let root = "54a33cca4a2b3c9a6e1df9606aa47fd7eab0a32f6b2d77af6d7e733bb80a839c";
    let dir = tempfile::tempdir().unwrap();
    let check = |text: &str| {
        let path = dir.path().join("proof.json");
        std::fs::write(&path, text).unwrap();
        andel(&[
            "journal",
            "check-proof",
            path.to_str().unwrap(),
            "--root",
            root,
        ])
    };
    // Any JSON spelling of the same members holds.
    let compact: serde_json::Value = serde_json::from_str(&inclusion).unwrap();
    assert!(check(&compact.to_string()).status.success());
    for (edit, needle) in [
        (
            inclusion.replace("\"seq\": 2,", "\"seq\": 2, \"note\": 1,"),
            "unknown field `note`",
        ),
        (
            inclusion.replace("  \"tree_size\": 4,\n", ""),
            "missing field `tree_size`",
        ),
        (
            inclusion.replace("fb19c39a", "FB19C39A"),
            "not a lowercase hex digit",
        ),
        (
            inclusion.replace("\"leaf_index\": 2", "\"leaf_index\": 1"),
            "names seq 2",
        ),
        (
            inclusion.replace("inclusion-proof.v1", "inclusion-proof.v2"),
            "expected `andel.inclusion-proof.v1`",
        ),
    ] {
        let out = check(&edit);
        assert_eq!(out.status.code(), Some(1), "{edit}: {}", text(&out));
        assert!(
            text(&out).contains(needle),
            "{edit}: {} does not say `{needle}`",
            text(&out)
        );
    }
    // A file that does not verify has no root, and nothing is said to be left unchanged.
    let broken = dir.path().join("broken.ndjson");
    let mut journal = std::fs::read_to_string(golden).unwrap();
    journal.push_str("not json\n");
    std::fs::write(&broken, journal).unwrap();
    let b = broken.to_str().unwrap();
    let out = fails(
        &["journal", "root", b, "--stream", "members"],
        1,
        "does not verify, so it has no root: line 6",
    );
    assert!(!out.contains("unchanged"), "{out}");
    fails(
        &["journal", "prove", b, "--stream", "members", "--seq", "0"],
        1,
        "so it has no proof",
    );
    fails(
        &[
            "journal",
            "consistency",
            b,
            "--stream",
            "members",
            "--old-size",
            "1",
        ],
        1,
        "so it has no proof",
    );
}

#[test]
fn a_time_past_nanoseconds_is_refused_not_cut() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("j.ndjson");
    let f = file.to_str().unwrap();
    let at = "2026-03-01T09:00:00.1234567891Z";
    let args = [
        "journal",
        "append",
        f,
        "--stream",
        "s",
        "--kind",
        "k",
        "--payload",
        "1",
        "--at",
        at,
    ];
    fails(
        &args,
        2,
        "`2026-03-01T09:00:00.1234567891Z` has 10 fraction digits; at most 9",
    );
    assert!(!file.exists());
    append(f, "s", "1");
    fails(
        &[
            "journal", "redact", f, "--stream", "s", "--seq", "0", "--reason", "r", "--at", at,
        ],
        2,
        "has 10 fraction digits",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "s",
            "--kind",
            "k",
            "--payload",
            "1",
            "--at",
            "2016-12-31T23:59:60Z",
        ],
        2,
        "leap second",
    );
    fails(
        &[
            "journal",
            "append",
            f,
            "--stream",
            "s",
            "--kind",
            "andel.note",
            "--payload",
            "1",
        ],
        1,
        "reserved",
    );
}
