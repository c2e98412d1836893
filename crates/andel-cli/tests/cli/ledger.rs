//! `andel ledger`: the membership ledger from a shell, on SQLite and PostgreSQL.

use super::*;

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
    on_postgres("ledger", ledger_commands_on);
}

/// Statutes with a users' class that owes yearly dues, for the treasurer's checks.
const WITH_DUES: &str = r#"
name = "Fyrklövern"
currency = { code = "SEK", scale = 2 }
[capital]
interest_cap = "0.05"
min_reserve = "0.30"
[exit]
notice_months = 0
payout_delay_months = 0
[[classes]]
id = "users"
name = "User members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
[classes.dues]
amount = "60.00"
period = "yearly"
grace_days = 30
"#;

/// What a secretary and a treasurer hit in their first year: each is a sentence that
/// says what was wrong, with nothing left behind by a refused command.
#[test]
fn the_treasurer_gets_clear_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("coop.db");
    let store = format!("sqlite:{}", db.display());
    let store = store.as_str();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let ledger = |args: &[&str], on: &str| {
        let mut all = vec!["ledger"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--store", store, "--on", on]);
        all.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: &[&str], on: &str| {
        let all = ledger(args, on);
        ok(&all.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let refused = |args: &[&str], on: &str, code: i32, needle: &str| {
        let all = ledger(args, on);
        fails(
            &all.iter().map(String::as_str).collect::<Vec<_>>(),
            code,
            needle,
        )
    };

    // Bad statutes are refused before anything is created.
    let bad = write("bad.toml", "name = \"x\"\nbogus = 1\n");
    refused(
        &["init", "--statutes", &bad],
        "2026-01-01",
        1,
        "unknown field `bogus`",
    );
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| {
            !e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("coop.db")
        }),
        "a refused init left a database behind"
    );

    let statutes = write("statutes.toml", WITH_DUES);
    run(&["init", "--statutes", &statutes], "2026-01-01");
    // Nobody holds a class with dues yet: not "already done".
    refused(
        &["charge-dues", "--period-start", "2026-01-01"],
        "2026-01-05",
        1,
        "nobody to charge dues for the period starting 2026-01-01",
    );
    run(
        &["apply", "--name", "Alva", "--class", "users"],
        "2026-01-10",
    );
    // A negative amount reaches the ledger's own check; it is no unknown flag.
    refused(
        &[
            "pay",
            "1",
            "--amount",
            "-100",
            "--currency",
            "SEK",
            "--key",
            "k0",
            "--capital",
            "users",
        ],
        "2026-01-31",
        1,
        "the amount `-100` is not positive",
    );
    refused(
        &[
            "pay",
            "1",
            "--amount",
            "100",
            "--currency",
            "SEK",
            "--key",
            "k0",
            "--capital",
            "users",
        ],
        "31/01/2026",
        2,
        "`31/01/2026` is not a date: write YYYY-MM-DD",
    );
    run(
        &[
            "pay",
            "1",
            "--amount",
            "100",
            "--currency",
            "SEK",
            "--key",
            "k1",
            "--capital",
            "users",
        ],
        "2026-01-31",
    );
    assert!(
        run(
            &[
                "pay",
                "1",
                "--amount",
                "100",
                "--currency",
                "SEK",
                "--key",
                "k1",
                "--capital",
                "users"
            ],
            "2026-02-01",
        )
        .contains("nothing to record: the payment with key `k1` is already recorded")
    );
    run(
        &["charge-dues", "--period-start", "2026-01-01"],
        "2026-02-01",
    );
    assert!(
        run(
            &["charge-dues", "--period-start", "2026-01-01"],
            "2026-02-02"
        )
        .contains("every member liable is already charged dues")
    );
    run(
        &[
            "pay",
            "1",
            "--amount",
            "60",
            "--currency",
            "SEK",
            "--key",
            "k2",
            "--dues",
        ],
        "2026-02-03",
    );
    run(&["patronage", "1", "--amount", "500"], "2026-12-31");
    // Events read as sentences, not as their journal kinds.
    let recorded = run(
        &["record-surplus", "--year", "2026-12-31", "--amount", "1000"],
        "2027-05-06",
    );
    assert!(
        recorded.contains("surplus of 1000.00 recorded for the financial year from 2026-01-01"),
        "{recorded}"
    );
    assert!(!recorded.contains("ledger."), "{recorded}");
    run(
        &[
            "allocate-surplus",
            "--year",
            "2026-12-31",
            "--reserve-share",
            "0.3",
        ],
        "2027-05-06",
    );
    // Zero is never negative in a treasurer's report.
    let balances = run(&["balances", "--as-of", "2027-12-31"], "2027-12-31");
    assert!(!balances.contains("-0.00"), "{balances}");
    let json = run(
        &["balances", "--as-of", "2027-12-31", "--json"],
        "2027-12-31",
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["accounts"]["surplus"], "0.00");

    // A statement as of a date, its transactions named as in the text.
    let early = run(
        &["statement", "1", "--as-of", "2026-01-31", "--json"],
        "2026-01-31",
    );
    let early: serde_json::Value = serde_json::from_str(&early).unwrap();
    assert_eq!(early["as_of"], "2026-01-31");
    assert_eq!(early["lines"].as_array().unwrap().len(), 2);
    assert_eq!(early["lines"][0]["txn"], "T1");
    let text = run(&["statement", "1", "--as-of", "2026-01-31"], "2026-01-31");
    assert!(
        text.contains("as of 2026-01-31") && text.contains("T1"),
        "{text}"
    );

    // A mistyped tenant is an error that lists the tenants, never an empty ledger.
    for read in [&["verify"][..], &["roll"], &["register"], &["balances"]] {
        let mut args = read.to_vec();
        args.extend_from_slice(&["--tenant", "defualt"]);
        refused(&args, "2027-12-31", 1, "there is no tenant `defualt`");
    }
    refused(
        &["verify", "--tenant", "defualt"],
        "2027-12-31",
        1,
        "its tenants are `default`",
    );
}

/// Eight treasurers recording payments and eight members voting at once: no command is
/// refused for having lost a race to another writer of the same stream.
#[test]
fn concurrent_payments_and_votes_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let statutes = dir.path().join("statutes.toml");
    std::fs::write(&statutes, WITH_DUES).unwrap();
    let s = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--store", &store]);
        all.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: &[&str]| ok(&s(args).iter().map(String::as_str).collect::<Vec<_>>());
    run(&[
        "ledger",
        "init",
        "--statutes",
        statutes.to_str().unwrap(),
        "--on",
        "2026-01-01",
    ]);
    for n in 1..=8 {
        run(&[
            "ledger",
            "apply",
            "--name",
            &format!("M{n}"),
            "--class",
            "users",
            "--on",
            "2026-01-10",
        ]);
    }
    let at_once = |commands: Vec<Vec<String>>| {
        std::thread::scope(|scope| {
            let handles: Vec<_> = commands
                .iter()
                .map(|args| {
                    scope.spawn(move || andel(&args.iter().map(String::as_str).collect::<Vec<_>>()))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect::<Vec<_>>()
        })
    };
    let pays = (1..=8)
        .map(|n| {
            let (member, key) = (n.to_string(), format!("k{n}"));
            s(&[
                "ledger",
                "pay",
                &member,
                "--amount",
                "100",
                "--currency",
                "SEK",
                "--key",
                &key,
                "--capital",
                "users",
                "--on",
                "2026-01-31",
            ])
        })
        .collect();
    for out in at_once(pays) {
        assert!(out.status.success(), "{}", text(&out));
    }
    let spec = dir.path().join("spec.toml");
    std::fs::write(
        &spec,
        "title = \"t\"\nbody = \"b\"\nauthor = \"1\"\nopens_at = \"2026-05-06T09:00:00Z\"\n\
         closes_at = \"2026-05-06T17:00:00Z\"\n[kind]\nkind = \"motion\"\n\
         threshold = { share = \"1/2\", inclusive = false }\n",
    )
    .unwrap();
    let at = ["--at", "2026-05-06T10:00:00Z"];
    run(&[
        "decide",
        "create",
        "m",
        "--spec",
        spec.to_str().unwrap(),
        at[0],
        at[1],
    ]);
    run(&["decide", "schedule", "m", at[0], at[1]]);
    run(&[
        "decide",
        "open",
        "m",
        "--from-ledger",
        "--as-of",
        "2026-04-30",
        at[0],
        at[1],
    ]);
    let votes = (1..=8)
        .map(|n| s(&["decide", "vote", "m", &n.to_string(), "yes", at[0], at[1]]))
        .collect();
    for out in at_once(votes) {
        assert!(out.status.success(), "{}", text(&out));
    }
    let closed = run(&["decide", "close", "m", "--at", "2026-05-06T18:00:00Z"]);
    assert!(closed.contains("yes 8 (8 people)"), "{closed}");
}

/// `ledger verify` holds the ledger's saved snapshot against a full replay: a snapshot
/// changed in the database is reported as invalid, and the journal said to be intact.
#[test]
fn verify_reports_a_changed_snapshot() {
    use andel::journal::{
        JournalStore, ProjectionId, SnapshotStore, StateSnapshot, StreamHead, StreamId, TenantId,
    };

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coop.db");
    let store = format!("sqlite:{}", path.display());
    let statutes = dir.path().join("statutes.toml");
    std::fs::write(&statutes, STATUTES).unwrap();
    let statutes = statutes.to_str().unwrap();
    let ledger = |args: &[&str]| -> Vec<String> {
        let tail = ["--store", &store, "--tenant", "coop", "--on", "2026-01-10"];
        let all = std::iter::once("ledger")
            .chain(args.iter().copied())
            .chain(tail);
        all.map(str::to_owned).collect()
    };
    let ok = |args: &[String]| ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let fails = |args: &[String], code, needle| {
        fails(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            code,
            needle,
        )
    };
    ok(&ledger(&["init", "--statutes", statutes]));
    ok(&ledger(&["apply", "--name", "Ada", "--class", "users"]));
    assert!(ok(&ledger(&["verify"])).starts_with("ok: "));

    // Someone with the database saves bytes that are not the ledger's state, at the
    // ledger's head.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let db = andel::store::SqliteDatabase::open(&path).await.unwrap();
        let tenant = db.store(TenantId::new("coop").unwrap());
        let stream = StreamId::new("ledger").unwrap();
        let head: StreamHead = tenant.head(&stream).await.unwrap();
        let format = ProjectionId::new("ledger.state.v1").unwrap();
        let forged = StateSnapshot::new(&head, b"not a ledger".to_vec());
        tenant.save_state(&format, &forged).await.unwrap();
        db.close().await;
    });
    let said = fails(
        &ledger(&["verify"]),
        1,
        "does not decode as `ledger.state.v1`",
    );
    assert!(said.contains("the journal is intact"), "{said}");
}

/// `ledger password` reads the password from standard input, keeps only its hash, and
/// refuses a short one or an unknown member with the reason.
#[test]
fn a_members_password_is_set_from_standard_input() {
    use std::io::Write as _;

    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let statutes = dir.path().join("statutes.toml");
    std::fs::write(&statutes, STATUTES).unwrap();
    let common = [
        "--store",
        store.as_str(),
        "--tenant",
        "coop",
        "--on",
        "2026-01-10",
    ];
    let ledger = |args: &[&str]| -> Vec<String> {
        let all = std::iter::once("ledger")
            .chain(args.iter().copied())
            .chain(common);
        all.map(str::to_owned).collect()
    };
    let run = |args: &[String]| ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    run(&ledger(&["init", "--statutes", statutes.to_str().unwrap()]));
    run(&ledger(&["apply", "--name", "Ada", "--class", "users"]));
    let with_stdin = |args: &[String], input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_andel"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), text(&out))
    };
    let (code, said) = with_stdin(
        &ledger(&["password", "1"]),
        "correct horse battery staple\n",
    );
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        said,
        "password set for member 1; only its argon2id hash is kept\n"
    );
    let (code, said) = with_stdin(&ledger(&["password", "1"]), "hunter2\n");
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("at least 15 characters; this one has 7"),
        "{said}"
    );
    let (code, said) = with_stdin(
        &ledger(&["password", "9"]),
        "correct horse battery staple\n",
    );
    assert_ne!(code, Some(0));
    assert!(
        said.contains("there is no member 9 in the ledger"),
        "{said}"
    );
    let (code, said) = with_stdin(&ledger(&["password", "1"]), "");
    assert_ne!(code, Some(0));
    assert!(said.contains("no password on standard input"), "{said}");
}
