//! `andel decide`: a motion from spec to verified outcome, with the electorate taken
//! from the ledger in the same database, on SQLite and PostgreSQL.

use super::*;

/// One member, one vote: weights of exactly 1.
const STATUTES: &str = r#"
name = "Fyrklövern"
currency = { code = "SEK", scale = 2 }
[[classes]]
id = "users"
name = "User members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

const SPEC: &str = r#"
title = "Open a second shop"
body = "The board proposes a second shop in Malmö."
author = "1"
opens_at = "2027-05-01T09:00:00Z"
closes_at = "2027-05-08T09:00:00Z"
reasons = "required_for_objections"
tags = ["shops"]

[kind]
kind = "motion"
threshold = { share = "2/3", inclusive = true }

[quorum]
share = "1/2"
basis = "people"
"#;

fn decide_commands_on(store: &str, scratch: &Path) {
    let statutes = scratch.join("statutes.toml");
    std::fs::write(&statutes, STATUTES).unwrap();
    let spec = scratch.join("spec.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(["--store", store, "--tenant", "coop"].iter())
            .map(|a| a.to_string())
            .collect()
    };
    let run_ok = |args: &[&str]| ok(&with(args).iter().map(String::as_str).collect::<Vec<_>>());
    // Three members, paid up in January.
    run_ok(&[
        "ledger",
        "init",
        "--statutes",
        statutes.to_str().unwrap(),
        "--on",
        "2027-01-01",
    ]);
    for (n, name) in [("1", "Ada"), ("2", "Bo"), ("3", "Cy")] {
        run_ok(&[
            "ledger",
            "apply",
            "--name",
            name,
            "--class",
            "users",
            "--on",
            "2027-01-05",
        ]);
        run_ok(&[
            "ledger",
            "pay",
            n,
            "--amount",
            "100",
            "--currency",
            "SEK",
            "--key",
            &format!("k{n}"),
            "--capital",
            "users",
            "--on",
            "2027-01-05",
        ]);
    }
    let at = |t: &str| format!("2027-05-{t}:00:00Z");
    run_ok(&[
        "decide",
        "create",
        "shop",
        "--spec",
        spec.to_str().unwrap(),
        "--at",
        &at("01T08"),
    ]);
    run_ok(&["decide", "schedule", "shop", "--at", &at("01T08")]);
    let opened = run_ok(&[
        "decide",
        "open",
        "shop",
        "--from-ledger",
        "--as-of",
        "2027-04-30",
        "--at",
        &at("01T09"),
    ]);
    assert!(opened.contains("shop: decision.opened"), "{opened}");
    run_ok(&[
        "decide",
        "delegate",
        "3",
        "1",
        "--topic",
        "shops",
        "--at",
        &at("01T10"),
    ]);
    run_ok(&["decide", "vote", "shop", "1", "yes", "--at", &at("02T09")]);
    let args = with(&["decide", "vote", "shop", "2", "no", "--at", &at("02T10")]);
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "an objection needs a reason",
    );
    run_ok(&[
        "decide",
        "vote",
        "shop",
        "2",
        "no",
        "--reason",
        "too far",
        "--at",
        &at("02T10"),
    ]);
    let args = with(&["decide", "vote", "shop", "9", "yes", "--at", &at("02T10")]);
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "`9` is not in this proposal's electorate",
    );
    let args = with(&["decide", "close", "shop", "--at", &at("03T09")]);
    fails(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        1,
        "once every voter has voted",
    );
    let closed = run_ok(&["decide", "close", "shop", "--at", &at("08T09")]);
    assert!(
        closed.contains("verdict: Passed (2 voted, 1 through delegation, 0 void)"),
        "{closed}"
    );
    assert!(
        closed.contains("threshold: at least 2/3 of 3 votes cast (got 2): met"),
        "{closed}"
    );
    assert!(
        run_ok(&["decide", "close", "shop", "--at", &at("09T09")]).contains("nothing to record")
    );
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(&["decide", "result", "shop", "--json"])).unwrap();
    assert_eq!(json["verdict"], "passed");
    assert!(
        run_ok(&["decide", "verify", "shop"])
            .contains("recounting the ballots gives the recorded outcome")
    );
    // The outcome can be cited, and the citation checked against the stream's root.
    let citation = scratch.join("citation.json");
    std::fs::write(&citation, run_ok(&["decide", "cite", "shop"])).unwrap();
    let file = citation.to_str().unwrap();
    assert!(ok(&["decide", "check-citation", file]).contains("records Passed"));
    let root = run_ok(&["journal", "root", "--stream", "decision.shop"]);
    let root = root
        .lines()
        .find_map(|l| l.strip_prefix("root "))
        .unwrap()
        .to_owned();
    ok(&["decide", "check-citation", file, "--root", &root]);
    fails(
        &["decide", "check-citation", file, "--root", &"0".repeat(64)],
        1,
        "not the one given",
    );
}

#[test]
fn decide_commands_work_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    decide_commands_on(&store, dir.path());
    fails(&["decide", "result", "x"], 1, "needs --store");
}

#[test]
fn decide_commands_work_on_postgres() {
    on_postgres("decide", decide_commands_on);
}

const SECRET_SPEC: &str = r#"
title = "Board election 2027"
body = "Two seats, counted by Meek STV."
author = "1"
opens_at = "2027-05-01T09:00:00Z"
closes_at = "2027-05-08T09:00:00Z"
secrecy = "secret"

[kind]
kind = "election"
method = "stv-meek"
candidates = ["Ada", "Bo, Jr.", "Cy"]
seats = 2
"#;

/// A secret election: each voter gets a receipt that finds their ballot, the published
/// list's SHA-256 is the outcome's, and `andel tally` recounts the exported list to the
/// same seats.
fn secret_election_on(store: &str, scratch: &Path) {
    let spec = scratch.join("secret.toml");
    std::fs::write(&spec, SECRET_SPEC).unwrap();
    let voters: Vec<String> = (1..=6)
        .map(|n| format!(r#"{{"member":{n},"name":"M{n}","weight":"1"}}"#))
        .collect();
    let roll = scratch.join("roll.json");
    std::fs::write(
        &roll,
        format!(
            r#"{{"as_of":"2027-04-30","rule":"one_member_one_vote","total_weight":"6","voters":[{}]}}"#,
            voters.join(",")
        ),
    )
    .unwrap();
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(["--store", store, "--tenant", "secret"].iter())
            .map(|a| a.to_string())
            .collect()
    };
    let run_ok = |args: &[&str]| ok(&with(args).iter().map(String::as_str).collect::<Vec<_>>());
    let run_fails = |args: &[&str], needle: &str| {
        fails(
            &with(args).iter().map(String::as_str).collect::<Vec<_>>(),
            1,
            needle,
        )
    };
    let at = |t: &str| format!("2027-05-{t}:00:00Z");
    run_ok(&[
        "decide",
        "create",
        "board",
        "--spec",
        spec.to_str().unwrap(),
        "--at",
        &at("01T08"),
    ]);
    run_ok(&["decide", "schedule", "board", "--at", &at("01T08")]);
    run_ok(&[
        "decide",
        "open",
        "board",
        "--roll",
        roll.to_str().unwrap(),
        "--at",
        &at("01T09"),
    ]);
    let rankings = ["0,1", "0,2", "1,0", "2", "0", "1,2"];
    let mut receipts = Vec::new();
    for (n, ranking) in (1..=6).zip(rankings) {
        let out = run_ok(&[
            "decide",
            "rank",
            "board",
            &n.to_string(),
            ranking,
            "--at",
            &at("02T09"),
        ]);
        let receipt = out
            .lines()
            .find_map(|l| l.strip_prefix("receipt: "))
            .unwrap_or_else(|| panic!("no receipt in {out}"))
            .to_owned();
        receipts.push(receipt);
        if n == 2 {
            run_fails(&["decide", "participation", "board"], "withheld");
        }
    }
    assert_eq!(
        run_ok(&["decide", "participation", "board"])
            .lines()
            .count(),
        6
    );
    run_fails(
        &["decide", "rank", "board", "1", "2", "--at", &at("02T10")],
        "has voted",
    );
    // Everyone has voted, so the close may come early.
    let closed = run_ok(&["decide", "close", "board", "--at", &at("03T09")]);
    assert!(closed.contains("6 ballots counted, 0 missing"), "{closed}");
    let outcome: serde_json::Value =
        serde_json::from_str(&run_ok(&["decide", "result", "board", "--json"])).unwrap();
    let list = run_ok(&["decide", "publish-ballots", "board"]);
    assert!(list.starts_with("andel-ballots 1\n"), "{list}");
    assert_eq!(
        outcome["ballots"]["sha256"],
        andel::journal::Digest::of(list.as_bytes()).to_string()
    );
    for receipt in &receipts {
        let found = run_ok(&["decide", "check-receipt", "board", &receipt.to_lowercase()]);
        assert!(found.contains("in the published list"), "{found}");
    }
    let checked = run_ok(&["decide", "check-receipt", "board", &receipts[1]]);
    assert!(checked.contains("ranked Ada, Cy"), "{checked}");
    run_fails(
        &[
            "decide",
            "check-receipt",
            "board",
            "0000-0000-0000-0000-0000-0000",
        ],
        "no ballot",
    );
    assert!(run_ok(&["decide", "verify", "board"]).contains("recounting the 6 published ballots"));
    let csv = scratch.join("board.csv");
    std::fs::write(
        &csv,
        run_ok(&["decide", "publish-ballots", "board", "--format", "csv"]),
    )
    .unwrap();
    let recount: serde_json::Value = serde_json::from_str(&ok(&[
        "tally",
        csv.to_str().unwrap(),
        "--method",
        "stv-meek",
        "--seats",
        "2",
        "--json",
    ]))
    .unwrap();
    let names = ["Ada", "Bo, Jr.", "Cy"];
    let elected: Vec<&str> = outcome["election"]["count"]["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| names[i.as_u64().unwrap() as usize])
        .collect();
    assert_eq!(elected, ["Ada", "Bo, Jr."]);
    assert_eq!(recount["elected"], serde_json::json!(elected));
}

#[test]
fn secret_election_works_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    secret_election_on(&store, dir.path());
}

#[test]
fn secret_election_works_on_postgres() {
    on_postgres("secret election", secret_election_on);
}

/// A secret motion with a proxy: the CSV of the published list counts, by plurality in
/// `andel tally`, to the outcome's yes, no and abstain.
#[test]
fn secret_motion_with_a_proxy_recounts_in_andel_tally() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let spec = dir.path().join("motion.toml");
    std::fs::write(
        &spec,
        r#"
title = "Adopt the data policy"
body = ""
author = "1"
opens_at = "2027-05-01T09:00:00Z"
closes_at = "2027-05-08T09:00:00Z"
secrecy = "secret"
proxies_per_holder = 1
reasons = "off"

[kind]
kind = "motion"
threshold = { share = "1/2", inclusive = false }
"#,
    )
    .unwrap();
    let roll = dir.path().join("roll.json");
    let voters: Vec<String> = (1..=4)
        .map(|n| format!(r#"{{"member":{n},"name":"M{n}","weight":"2.5"}}"#))
        .collect();
    std::fs::write(
        &roll,
        format!(
            r#"{{"as_of":"2027-04-30","rule":"one_member_one_vote","total_weight":"10","voters":[{}]}}"#,
            voters.join(",")
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--store", &store]);
        ok(&all)
    };
    run(&[
        "decide",
        "create",
        "policy",
        "--spec",
        spec.to_str().unwrap(),
        "--at",
        "2027-04-30T09:00:00Z",
    ]);
    run(&[
        "decide",
        "schedule",
        "policy",
        "--at",
        "2027-04-30T09:00:00Z",
    ]);
    run(&[
        "decide",
        "open",
        "policy",
        "--roll",
        roll.to_str().unwrap(),
        "--at",
        "2027-05-01T09:00:00Z",
    ]);
    let at = ["--at", "2027-05-02T09:00:00Z"];
    run(&[
        "decide", "proxy", "policy", "--member", "4", "--holder", "1", at[0], at[1],
    ]);
    run(&["decide", "vote", "policy", "1", "yes", at[0], at[1]]);
    run(&[
        "decide",
        "vote",
        "policy",
        "1",
        "yes",
        "--proxy-for",
        "4",
        at[0],
        at[1],
    ]);
    run(&["decide", "vote", "policy", "2", "no", at[0], at[1]]);
    let out = run(&["decide", "close", "policy", "--at", "2027-05-08T09:00:00Z"]);
    assert!(out.contains("verdict: Passed (3 voted"), "{out}");
    let csv = dir.path().join("policy.csv");
    std::fs::write(
        &csv,
        run(&["decide", "publish-ballots", "policy", "--format", "csv"]),
    )
    .unwrap();
    let recount: serde_json::Value = serde_json::from_str(&ok(&[
        "tally",
        csv.to_str().unwrap(),
        "--method",
        "plurality",
        "--json",
    ]))
    .unwrap();
    assert_eq!(recount["elected"], serde_json::json!(["yes"]));
    let scores = &recount["scores"];
    let score = |option: &str| scores[option].as_str().unwrap().parse::<f64>().unwrap();
    assert_eq!(
        [score("yes"), score("no"), score("abstain")],
        [5.0, 2.5, 0.0],
        "{recount}"
    );
}

/// A secret participatory budget: the Pabulib file of its published list funds, in
/// `andel tally`, the projects the outcome funded.
#[test]
fn secret_budget_recounts_as_pabulib() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let spec = dir.path().join("budget.toml");
    std::fs::write(
        &spec,
        r#"
title = "Spend the 2027 fund"
body = ""
author = "1"
opens_at = "2027-05-01T09:00:00Z"
closes_at = "2027-05-08T09:00:00Z"
secrecy = "secret"

[kind]
kind = "budget"
method = "equal-shares"
limit = "100"
projects = [
    { name = "Bike racks; covered", cost = "60" },
    { name = "Benches", cost = "30" },
    { name = "Library", cost = "50" },
]
"#,
    )
    .unwrap();
    let roll = dir.path().join("roll.json");
    let voters: Vec<String> = (1..=4)
        .map(|n| format!(r#"{{"member":{n},"name":"M{n}","weight":"1"}}"#))
        .collect();
    std::fs::write(
        &roll,
        format!(
            r#"{{"as_of":"2027-04-30","rule":"one_member_one_vote","total_weight":"4","voters":[{}]}}"#,
            voters.join(",")
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--store", &store, "--at", "2027-05-02T09:00:00Z"]);
        ok(&all)
    };
    run(&["decide", "create", "fund", "--spec", spec.to_str().unwrap()]);
    run(&["decide", "schedule", "fund"]);
    run(&["decide", "open", "fund", "--roll", roll.to_str().unwrap()]);
    for (member, approved) in [("1", "0"), ("2", "0,1"), ("3", "1,2"), ("4", "")] {
        let mut args = vec!["decide", "approve", "fund", member];
        if !approved.is_empty() {
            args.push(approved);
        }
        assert!(run(&args).contains("receipt: "));
    }
    let closed = run(&["decide", "close", "fund"]);
    assert!(closed.contains("4 ballots counted"), "{closed}");
    let outcome: serde_json::Value =
        serde_json::from_str(&run(&["decide", "result", "fund", "--json"])).unwrap();
    let pb = dir.path().join("fund.pb");
    std::fs::write(
        &pb,
        run(&["decide", "publish-ballots", "fund", "--format", "pabulib"]),
    )
    .unwrap();
    let recount: serde_json::Value = serde_json::from_str(&ok(&[
        "tally",
        pb.to_str().unwrap(),
        "--method",
        "equal-shares",
        "--json",
    ]))
    .unwrap();
    let funded: Vec<u64> = outcome["election"]["count"]["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap())
        .collect();
    let labels = ["Bike racks  covered (0)", "Benches (1)", "Library (2)"];
    let expected: Vec<&str> = funded.iter().map(|i| labels[*i as usize]).collect();
    assert!(!expected.is_empty());
    assert_eq!(recount["elected"], serde_json::json!(expected), "{recount}");
}

/// An AGM from the shell: misspelt spec keys and proposal ids are errors that list what
/// exists, a proxy ranks and approves, the count so far shows as the spec allows, times
/// without a zone are explained, and results name the candidates.
#[test]
fn an_agm_gets_clear_answers_and_proxies_rank() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("agm.db");
    let store = format!("sqlite:{}", db.display());
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(["--store", store.as_str()].iter())
            .map(|a| a.to_string())
            .collect()
    };
    let run = |args: &[&str]| ok(&with(args).iter().map(String::as_str).collect::<Vec<_>>());
    let refused = |args: &[&str], code: i32, needle: &str| {
        fails(
            &with(args).iter().map(String::as_str).collect::<Vec<_>>(),
            code,
            needle,
        )
    };
    let head = |extra: &str| {
        format!(
            "title = \"t\"\nbody = \"b\"\nauthor = \"1\"\nopens_at = \"2027-05-06T09:00:00Z\"\n\
             closes_at = \"2027-05-06T17:00:00Z\"\nproxies_per_holder = 1\n{extra}"
        )
    };
    let roll = write(
        "roll.json",
        r#"{"as_of":"2027-04-30","rule":"one_member_one_vote","total_weight":"4","voters":[
            {"member":1,"name":"Ada","weight":"1"},{"member":2,"name":"Bo","weight":"1"},
            {"member":3,"name":"Cy","weight":"1"},{"member":4,"name":"Di","weight":"1"}]}"#,
    );
    let at = "2027-05-06T10:00:00Z";
    let after = "2027-05-06T18:00:00Z";

    // A misspelt key is refused with the known ones, and nothing is created.
    let typo = write(
        "typo.toml",
        &head(
            "qorum = 1\n[kind]\nkind = \"motion\"\nthreshold = { share = \"1/2\", inclusive = true }\n",
        ),
    );
    refused(
        &["decide", "create", "paint", "--spec", &typo],
        1,
        "unknown field `qorum`, expected one of",
    );
    assert!(!db.exists(), "a refused create left a database behind");
    refused(
        &["decide", "vote", "paint", "1", "yes"],
        1,
        "there is no database at",
    );

    let live = write(
        "live.toml",
        &head(
            "visibility = \"live\"\n[kind]\nkind = \"motion\"\nthreshold = { share = \"1/2\", inclusive = false }\n",
        ),
    );
    let election = write(
        "board.toml",
        &head(
            "visibility = \"after_voting\"\n[kind]\nkind = \"election\"\nmethod = \"irv\"\ncandidates = [\"Alva\", \"Bertil\", \"Cecilia\"]\nseats = 1\n",
        ),
    );
    for (id, spec) in [("paint", &live), ("board", &election)] {
        run(&["decide", "create", id, "--spec", spec, "--at", at]);
        run(&["decide", "schedule", id, "--at", at]);
        run(&["decide", "open", id, "--roll", &roll, "--at", at]);
    }
    refused(
        &["decide", "vote", "pain", "1", "yes", "--at", at],
        1,
        "there is no proposal `pain`",
    );
    refused(
        &["decide", "vote", "pain", "1", "yes", "--at", at],
        1,
        "its proposals are `board`, `paint`",
    );
    refused(
        &["decide", "result", "board", "--tenant", "agm"],
        1,
        "there is no tenant `agm`",
    );
    refused(
        &[
            "decide",
            "vote",
            "paint",
            "1",
            "yes",
            "--at",
            "2027-05-06 10:00",
        ],
        2,
        "has no time zone: write YYYY-MM-DDTHH:MM:SSZ",
    );

    // Live: anyone sees the direct ballots so far.
    run(&["decide", "vote", "paint", "1", "yes", "--at", at]);
    run(&["decide", "vote", "paint", "2", "no", "--at", at]);
    let interim = run(&["decide", "result", "paint"]);
    assert!(
        interim.contains("`paint` is open") && interim.contains("yes 1 (1 person)"),
        "{interim}"
    );

    // A proxy ranks for the member who gave it; the ballot is the member's.
    run(&[
        "decide", "proxy", "board", "--member", "1", "--holder", "2", "--at", at,
    ]);
    refused(
        &[
            "decide",
            "rank",
            "board",
            "3",
            "2,0",
            "--proxy-for",
            "1",
            "--at",
            at,
        ],
        1,
        "`3` holds no proxy from `1`",
    );
    run(&[
        "decide",
        "rank",
        "board",
        "2",
        "2,0",
        "--proxy-for",
        "1",
        "--at",
        at,
    ]);
    refused(
        &["decide", "rank", "board", "1", "1", "--at", at],
        1,
        "`1` has voted",
    );
    // After voting: only a voter who has voted sees the count.
    refused(&["decide", "result", "board"], 1, "give --viewer MEMBER");
    refused(
        &["decide", "result", "board", "--viewer", "3"],
        1,
        "the viewer has not",
    );
    run(&["decide", "rank", "board", "2", "2", "--at", at]);
    run(&["decide", "rank", "board", "3", "0", "--at", at]);
    assert!(run(&["decide", "result", "board", "--viewer", "2"]).contains("3 ballots ranked"));

    // The result names who was elected.
    let closed = run(&["decide", "close", "board", "--at", after]);
    assert!(closed.contains("elected: Cecilia"), "{closed}");
    assert!(run(&["decide", "result", "board"]).contains("elected: Cecilia"));
}

/// A proxy ranks in a secret election: the member's participation is recorded with who
/// cast it, the ballot goes to the box under a receipt the holder is shown, and the
/// member cannot cast a second ballot.
#[test]
fn a_proxy_ranks_in_a_secret_election() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let spec = dir.path().join("secret.toml");
    std::fs::write(
        &spec,
        SECRET_SPEC.replace(
            "secrecy = \"secret\"",
            "secrecy = \"secret\"\nproxies_per_holder = 1",
        ),
    )
    .unwrap();
    let roll = dir.path().join("roll.json");
    let voters: Vec<String> = (1..=4)
        .map(|n| format!(r#"{{"member":{n},"name":"M{n}","weight":"1"}}"#))
        .collect();
    std::fs::write(
        &roll,
        format!(
            r#"{{"as_of":"2027-04-30","rule":"one_member_one_vote","total_weight":"4","voters":[{}]}}"#,
            voters.join(",")
        ),
    )
    .unwrap();
    let at = "2027-05-02T09:00:00Z";
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--store", &store, "--at", at]);
        ok(&all)
    };
    run(&[
        "decide",
        "create",
        "board",
        "--spec",
        spec.to_str().unwrap(),
    ]);
    run(&["decide", "schedule", "board"]);
    run(&["decide", "open", "board", "--roll", roll.to_str().unwrap()]);
    run(&["decide", "proxy", "board", "--member", "1", "--holder", "2"]);
    let cast = run(&["decide", "rank", "board", "2", "0,1", "--proxy-for", "1"]);
    assert!(cast.contains("receipt: "), "{cast}");
    fails(
        &[
            "decide", "rank", "board", "1", "2", "--store", &store, "--at", at,
        ],
        1,
        "has voted",
    );
    run(&["decide", "rank", "board", "2", "1"]);
    run(&["decide", "rank", "board", "3", "2"]);
    let took_part = run(&["decide", "participation", "board"]);
    assert_eq!(
        took_part.lines().collect::<Vec<_>>(),
        ["1", "2", "3"],
        "{took_part}"
    );
}

/// Voters killed (SIGKILL) while casting a secret ballot, at every point of the
/// command: whoever is recorded as having taken part has their ballot in the box. The
/// participation and the ballot are kept in one transaction, so the close finds none
/// missing; before, a kill between the two lost the ballot for good, and the retry was
/// refused as a second vote.
#[test]
fn a_secret_ballot_survives_voters_killed_mid_cast() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("coop.db").display());
    let spec = dir.path().join("secret.toml");
    std::fs::write(&spec, SECRET_SPEC).unwrap();
    const VOTERS: usize = 40;
    let voters: Vec<String> = (1..=VOTERS)
        .map(|n| format!(r#"{{"member":{n},"name":"M{n}","weight":"1"}}"#))
        .collect();
    let roll = dir.path().join("roll.json");
    std::fs::write(
        &roll,
        format!(
            r#"{{"as_of":"2027-04-30","rule":"one_member_one_vote","total_weight":"{VOTERS}","voters":[{}]}}"#,
            voters.join(",")
        ),
    )
    .unwrap();
    let at = "2027-05-02T09:00:00Z";
    let args = |extra: &[&str]| -> Vec<String> {
        extra
            .iter()
            .map(|s| s.to_string())
            .chain(["--store".into(), store.clone(), "--at".into(), at.into()])
            .collect()
    };
    let run = |extra: &[&str]| ok(&args(extra).iter().map(String::as_str).collect::<Vec<_>>());
    run(&[
        "decide",
        "create",
        "board",
        "--spec",
        spec.to_str().unwrap(),
    ]);
    run(&["decide", "schedule", "board"]);
    run(&["decide", "open", "board", "--roll", roll.to_str().unwrap()]);

    // How long one cast takes, to spread the kills over it.
    let cast = |voter: usize| {
        Command::new(env!("CARGO_BIN_EXE_andel"))
            .args(args(&[
                "decide",
                "rank",
                "board",
                &voter.to_string(),
                "0,1",
            ]))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    cast(1).wait_with_output().unwrap();
    let span = started.elapsed().as_micros().max(1) as u64;
    // A fixed sequence of kill times across the command's run (no clock-seeded
    // randomness: the same points every run).
    let mut killed = 0;
    for voter in 2..=VOTERS {
        let delay = Duration::from_micros(span * ((voter as u64 * 37) % 100) / 100);
        let mut child = cast(voter);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        // The voter tries again: either the first attempt left no trace and this one
        // casts, or it was recorded whole and this one is refused as a second vote.
        let again = andel(
            &args(&["decide", "rank", "board", &voter.to_string(), "0,1"])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        assert!(
            again.status.success() || text(&again).contains("has voted"),
            "voter {voter}: {}",
            text(&again)
        );
    }
    assert!(killed > 0, "no cast was killed mid-way ({span} µs a cast)");
    let closed = ok(&[
        "decide",
        "close",
        "board",
        "--store",
        &store,
        "--at",
        "2027-05-09T09:00:00Z",
    ]);
    assert!(
        closed.contains(&format!("{VOTERS} ballots counted, 0 missing")),
        "{killed} casts killed: {closed}"
    );
}
