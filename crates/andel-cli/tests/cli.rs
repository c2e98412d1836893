//! The `andel` command, run as a user runs it: exit codes, messages, and files that are
//! never left half-written.

// A failed unwrap in a test is a failed assertion, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn andel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_andel"))
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[track_caller]
fn ok(args: &[&str]) -> String {
    let out = andel(args);
    assert!(
        out.status.success(),
        "andel {args:?} failed: {}",
        text(&out)
    );
    text(&out)
}

#[track_caller]
fn fails(args: &[&str], code: i32, needle: &str) -> String {
    let out = andel(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "andel {args:?}: {}",
        text(&out)
    );
    assert!(
        text(&out).contains(needle),
        "andel {args:?} does not say `{needle}`: {}",
        text(&out)
    );
    text(&out)
}

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
            .contains("ok: `members` seq 0 is entry 0 of the 3 entries")
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

    // Another tenant of the same database sees nothing.
    let other = ok(&["journal", "verify", "--store", store, "--tenant", "coop-8"]);
    assert!(other.contains("0 entries"), "{other}");

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
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the PostgreSQL CLI test: set ANDEL_TEST_POSTGRES to run it"
        );
        return;
    };
    // A fresh schema, through libpq's `options` parameter, dropped afterwards.
    let schema = format!("andel_cli_test_{}", std::process::id());
    let separator = if url.contains('?') { '&' } else { '?' };
    let store = format!("{url}{separator}options=-csearch_path%3D{schema}");
    let psql = |sql: &str| {
        let status = Command::new("psql")
            .env("PGOPTIONS", "--client-min-messages=warning")
            .args([url.as_str(), "-qc", sql])
            .status()
            .unwrap();
        assert!(status.success(), "psql {sql}");
    };
    psql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ));
    let dir = tempfile::tempdir().unwrap();
    store_commands_on(&store, dir.path());
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
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

fn elections(name: &str) -> String {
    let root = std::env::var("ANDEL_FIXTURES")
        .unwrap_or_else(|_| format!("{}/../../../shared/fixtures", env!("CARGO_MANIFEST_DIR")));
    format!("{root}/elections/{name}")
}

#[test]
fn tally_prints_the_documented_json() {
    let out = ok(&[
        "tally",
        "--method",
        "stv-scottish",
        "--json",
        &elections("linn07.blt"),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["elected"],
        // In order of election; two elected at one stage, by votes (2174.9 before 2008.8).
        serde_json::json!([
            "David Ritchie",
            "Sadie Docherty",
            "John McKenzie",
            "Margot Clark"
        ])
    );
    assert_eq!(json["quota"], "1914.00000");
    assert_eq!(json["ties"], serde_json::json!([]));
    let rounds = json["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 10);
    assert_eq!(rounds[1]["surplus"], "David Ritchie");
    assert_eq!(rounds[1]["votes"]["Esme H Clark"], "905.13482");
    assert_eq!(rounds[2]["excluded"], serde_json::json!(["Gordon Thomson"]));
    assert_eq!(rounds[1]["non_transferable"], "36.18420");

    let irv = ok(&[
        "tally",
        "--method",
        "irv",
        "--json",
        &elections("burlington2009.toi"),
    ]);
    let irv: serde_json::Value = serde_json::from_str(&irv).unwrap();
    assert_eq!(irv["elected"], serde_json::json!(["Bob Kiss"]));
    assert!(irv["ranking"].is_null());
    let schulze = ok(&[
        "tally",
        "--method",
        "schulze",
        &elections("burlington2009.toi"),
    ]);
    assert!(schulze.contains("elected: Andy Montroll"), "{schulze}");
    assert!(
        schulze.contains("Condorcet winner: Andy Montroll"),
        "{schulze}"
    );
}

#[test]
fn tally_refuses_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    fails(
        &["tally", "--method", "condorcet", "x.blt"],
        2,
        "known methods: plurality",
    );
    fails(
        &["tally", "--method", "irv", "--tie-break", "coin", "x.blt"],
        2,
        "not a tie-break policy",
    );
    let bad = write("bad.blt", "3 1\n1 1 4 0\n0\n\"A\"\n\"B\"\n\"C\"\n");
    fails(
        &["tally", "--method", "irv", &bad],
        1,
        "line 2: candidate 4 is out of range",
    );
    let odd = write("ballots.txt", "3 1\n");
    fails(&["tally", "--method", "irv", &odd], 1, "give --format");
    fails(
        &[
            "tally",
            "--method",
            "irv",
            "--seats",
            "2",
            &elections("linn07.blt"),
        ],
        1,
        "irv elects one candidate",
    );
    // Two candidates, one vote each: a tie that only a lot can settle.
    let tied = write("tied.blt", "2 1\n1 1 0\n1 2 0\n0\n\"A\"\n\"B\"\n");
    let out = fails(
        &["tally", "--method", "irv", "--tie-break", "report", &tied],
        1,
        "stopped at a tie",
    );
    assert!(out.contains("INCOMPLETE"), "{out}");
    let drawn = ok(&[
        "tally",
        "--method",
        "irv",
        "--tie-break",
        "lot:42",
        "--json",
        &tied,
    ]);
    let drawn: serde_json::Value = serde_json::from_str(&drawn).unwrap();
    assert_eq!(drawn["ties"][0]["settled_by"], "lot");
    assert_eq!(drawn["ties"][0]["seed"], 42);
    assert_eq!(drawn["elected"].as_array().unwrap().len(), 1);
}

#[test]
fn tally_counts_approvals_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let approvals = dir.path().join("board.csv");
    std::fs::write(
        &approvals,
        "approvals,Ada,Bo,Cy,Di\n6,Ada,Bo\n4,Cy,Di\n1,Bo\n1,Di\n",
    )
    .unwrap();
    let a = approvals.to_str().unwrap();
    for method in ["pav", "phragmen"] {
        let out = ok(&["tally", "--method", method, "--seats", "2", "--json", a]);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        // Proportional: the group of 4 gets one of the two seats.
        let elected: Vec<&str> = json["elected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(elected.contains(&"Bo"), "{method}: {elected:?}");
        assert!(
            elected.contains(&"Cy") || elected.contains(&"Di"),
            "{method}: {elected:?}"
        );
    }
    let scores = dir.path().join("logo.csv");
    std::fs::write(&scores, "scores,Ada,Bo,Cy\n4,5,4,0\n5,0,3,5\n").unwrap();
    let s = scores.to_str().unwrap();
    let star = ok(&["tally", "--method", "star", s]);
    assert!(star.contains("elected: Cy"), "{star}");
    fails(
        &["tally", "--method", "irv", s],
        1,
        "irv cannot count score ballots",
    );
}

#[test]
fn tally_spends_a_participatory_budget() {
    let dir = tempfile::tempdir().unwrap();
    let pb = dir.path().join("park.pb");
    let mut votes = String::from(
        "META\nkey;value\nbudget;110\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;50;X1\n2;50;X2\n3;50;Y\nVOTES\nvoter_id;vote\n",
    );
    for v in 0..6 {
        votes.push_str(&format!("a{v};1,2\n"));
    }
    votes.push_str("b;2\n");
    for v in 0..4 {
        votes.push_str(&format!("c{v};3\n"));
    }
    std::fs::write(&pb, votes).unwrap();
    let pb = pb.to_str().unwrap();
    let shares: serde_json::Value =
        serde_json::from_str(&ok(&["tally", "--method", "equal-shares", "--json", pb])).unwrap();
    assert_eq!(shares["elected"], serde_json::json!(["X2 (2)", "Y (3)"]));
    assert_eq!(shares["budget"]["spent"], "100");
    let greedy: serde_json::Value =
        serde_json::from_str(&ok(&["tally", "--method", "greedy-budget", "--json", pb])).unwrap();
    assert_eq!(greedy["elected"], serde_json::json!(["X2 (2)", "X1 (1)"]));
}

const STATUTES: &str = r#"
name = "Fyrklövern"
currency = { code = "SEK", scale = 2 }
[capital]
interest_cap = "0.05"
min_reserve = "0.30"
[voting]
rule = "colleges"
colleges = [{ class = "workers", weight = "60" }, { class = "users", weight = "40" }]
[[classes]]
id = "workers"
name = "Worker members"
nominal = "500.00"
min_shares = 1
[[classes]]
id = "users"
name = "User members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

/// The ledger from statutes to exit, import, roll and correction, on one database.
fn ledger_commands_on(store: &str, scratch: &Path) {
    let statutes = scratch.join("statutes.toml");
    std::fs::write(&statutes, STATUTES).unwrap();
    let run = |args: &[&str], on: &str| -> String {
        let mut all = vec!["ledger"];
        all.extend_from_slice(args);
        all.extend_from_slice(&[
            "--store",
            store,
            "--tenant",
            "coop",
            "--on",
            on,
            "--by",
            "secretary",
        ]);
        ok(&all)
    };
    let refused = |args: &[&str], on: &str, needle: &str| {
        let mut all = vec!["ledger"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--store", store, "--tenant", "coop", "--on", on]);
        fails(&all, 1, needle);
    };
    assert!(
        run(
            &["init", "--statutes", statutes.to_str().unwrap()],
            "2026-01-01"
        )
        .contains("statutes of `Fyrklövern` adopted")
    );
    assert!(
        run(
            &["apply", "--name", "Ada", "--class", "workers"],
            "2026-01-05"
        )
        .contains("as member 1")
    );
    run(&["admit", "1"], "2026-01-06");
    let pay = [
        "pay",
        "1",
        "--amount",
        "500",
        "--currency",
        "SEK",
        "--key",
        "bank-1",
        "--capital",
        "workers",
    ];
    assert!(run(&pay, "2026-01-07").contains("T2 payment of 500.00"));
    assert!(
        run(&pay, "2026-01-07").contains("nothing to record"),
        "a retried payment posts nothing"
    );
    refused(
        &[
            "pay",
            "1",
            "--amount",
            "1",
            "--currency",
            "EUR",
            "--key",
            "k",
            "--dues",
        ],
        "2026-01-08",
        "the ledger keeps its books in SEK",
    );
    refused(
        &["apply", "--name", "Old", "--class", "users"],
        "2025-12-31",
        "the register is kept in date order",
    );

    let members = scratch.join("members.csv");
    std::fs::write(
        &members,
        "name,class,admitted_on,paid\nBo,users,2026-01-10,100\n\"Cy, Jr\",users,2026-01-11,\n",
    )
    .unwrap();
    let dry = run(
        &["import-members", members.to_str().unwrap(), "--dry-run"],
        "2026-01-12",
    );
    assert!(dry.contains("dry run: would import 2 members"), "{dry}");
    assert!(
        run(&["register", "--csv"], "2026-01-12").lines().count() == 2,
        "a dry run changes nothing"
    );
    assert!(
        run(&["import-members", members.to_str().unwrap()], "2026-01-12")
            .contains("imported 2 members")
    );
    assert!(
        run(&["import-members", members.to_str().unwrap()], "2026-01-12")
            .contains("imported 0 members, skipped 2")
    );
    let bad = scratch.join("bad.csv");
    std::fs::write(&bad, "name,class,admitted_on\nDi,nobody,2026-02-01\n").unwrap();
    refused(
        &["import-members", bad.to_str().unwrap()],
        "2026-02-01",
        "line 2: the statutes have no class `nobody`",
    );

    let csv = run(
        &["register", "--csv", "--as-of", "2026-02-01"],
        "2026-02-01",
    );
    assert!(
        csv.contains("3,\"Cy, Jr\",admitted,users,1,0.00,100.00,0.00,2026-01-11,"),
        "{csv}"
    );
    let roll: serde_json::Value = serde_json::from_str(&run(
        &["roll", "--as-of", "2026-02-01", "--json"],
        "2026-02-01",
    ))
    .unwrap();
    assert_eq!(roll["voters"].as_array().unwrap().len(), 2);
    assert_eq!(roll["total_weight"], "100");
    assert_eq!(roll["voters"][0]["weight"], "60.000000000000");

    // A partial refund, then one too large.
    assert!(
        run(
            &[
                "reverse",
                "T4",
                "--reason",
                "refund",
                "--note",
                "paid twice",
                "--amount",
                "40"
            ],
            "2026-02-02"
        )
        .contains("reversed 40.00 of T4")
    );
    refused(
        &[
            "reverse", "T4", "--reason", "refund", "--note", "again", "--amount", "60.01",
        ],
        "2026-02-02",
        "is more than the 60.00 left of payment T4",
    );
    let statement: serde_json::Value =
        serde_json::from_str(&run(&["statement", "2", "--json"], "2026-02-02")).unwrap();
    assert_eq!(statement["lines"].as_array().unwrap().len(), 3);

    run(&["resign", "1"], "2026-03-01");
    refused(&["exit", "1"], "2026-06-01", "takes effect on 2026-12-31");
    assert!(run(&["exit", "1", "--equity", "100000"], "2026-12-31").contains("500.00 to repay"));
    let redeemed = run(&["redeem", "1", "--instalments", "3"], "2027-01-02");
    assert!(
        redeemed.contains("166.67 on 2027-06-30, 166.67 on 2028-06-30, 166.66 on 2029-06-30"),
        "{redeemed}"
    );
    let balances = run(&["balances", "--as-of", "2027-01-02"], "2027-01-02");
    assert!(
        balances.contains("redemptions_payable") && balances.contains("debits minus credits: 0"),
        "{balances}"
    );
    assert!(run(&["verify"], "2027-01-02").contains("the books balance; 3 members"));
}

#[test]
fn ledger_commands_work_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    ledger_commands_on(&store, dir.path());
    fails(&["ledger", "register"], 1, "needs --store");
    let missing = format!("sqlite:{}", dir.path().join("typo.db").display());
    fails(
        &["ledger", "roll", "--store", &missing],
        1,
        "there is no database at",
    );
}

#[test]
fn ledger_commands_work_on_postgres() {
    let Ok(url) = std::env::var("ANDEL_TEST_POSTGRES") else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the PostgreSQL ledger CLI test: set ANDEL_TEST_POSTGRES to run it"
        );
        return;
    };
    let schema = format!("andel_cli_ledger_{}", std::process::id());
    let separator = if url.contains('?') { '&' } else { '?' };
    let store = format!("{url}{separator}options=-csearch_path%3D{schema}");
    let psql = |sql: &str| {
        let status = Command::new("psql")
            .env("PGOPTIONS", "--client-min-messages=warning")
            .args([url.as_str(), "-qc", sql])
            .status()
            .unwrap();
        assert!(status.success(), "psql {sql}");
    };
    psql(&format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
    ));
    let dir = tempfile::tempdir().unwrap();
    ledger_commands_on(&store, dir.path());
    psql(&format!("DROP SCHEMA {schema} CASCADE"));
}
