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
