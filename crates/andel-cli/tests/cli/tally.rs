//! `andel tally`: ballot files counted and explained.

use super::*;

/// A ballot file of the shared real elections, or `None` (after saying so once, past
/// the test harness's capture) when `../shared/fixtures` is not beside this repository,
/// as in a fresh clone. `ANDEL_REQUIRE_ALL=1` (set by `.ci/run`) or an `ANDEL_FIXTURES`
/// naming a missing folder makes that a failure instead.
fn elections(name: &str) -> Option<String> {
    let given = std::env::var("ANDEL_FIXTURES").ok();
    let root = given
        .clone()
        .unwrap_or_else(|| format!("{}/../../../shared/fixtures", env!("CARGO_MANIFEST_DIR")));
    let path = format!("{root}/elections/{name}");
    if Path::new(&path).exists() {
        return Some(path);
    }
    let required = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
    assert!(
        given.is_none() && !required,
        "the shared fixture {path} is missing (ANDEL_FIXTURES or ANDEL_REQUIRE_ALL asks for it)"
    );
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the CLI tests on real elections: the shared fixtures are not at {root} (set ANDEL_FIXTURES to their folder)"
        );
    });
    None
}

#[test]
fn tally_prints_the_documented_json() {
    let (Some(linn), Some(burlington)) = (elections("linn07.blt"), elections("burlington2009.toi"))
    else {
        return;
    };
    let out = ok(&["tally", "--method", "stv-scottish", "--json", &linn]);
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

    let irv = ok(&["tally", "--method", "irv", "--json", &burlington]);
    let irv: serde_json::Value = serde_json::from_str(&irv).unwrap();
    assert_eq!(irv["elected"], serde_json::json!(["Bob Kiss"]));
    assert!(irv["ranking"].is_null());
    let schulze = ok(&["tally", "--method", "schulze", &burlington]);
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
    let ward = write(
        "ward.blt",
        "3 2\n1 1 2 0\n1 2 3 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"Ward\"\n",
    );
    fails(
        &["tally", "--method", "irv", "--seats", "2", &ward],
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

#[test]
fn tally_reports_blank_papers_as_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let blt = dir.path().join("blank.blt");
    // Six papers, one blank (`1 0`), two seats: 5 valid votes, quota 2.
    std::fs::write(
        &blt,
        "3 2\n2 1 0\n2 2 0\n1 3 0\n1 0\n0\n\"Ada\"\n\"Bo\"\n\"Cy\"\n",
    )
    .unwrap();
    let blt = blt.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["tally", "--method", "stv-scottish", "--json", blt])).unwrap();
    assert_eq!(json["valid_votes"], "5");
    assert_eq!(json["rejected"], "1");
    assert_eq!(json["quota"], "2.00000");
    assert_eq!(json["elected"], serde_json::json!(["Ada", "Bo"]));
    let text = ok(&["tally", "--method", "stv-meek", blt]);
    assert!(
        text.contains("5 valid votes · 1 rejected (blank)"),
        "{text}"
    );
}
