//! `andel journal` and `andel demo`: files and databases.

use super::*;

mod concurrency;
mod proofs;

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
