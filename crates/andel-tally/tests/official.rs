//! Real elections, counted as their returning officers counted them: the official stage
//! reports of Scottish council elections, to five decimals at every stage, and the
//! Burlington 2009 mayoral election.
//!
//! The ballot files and official results live in `../shared/fixtures/elections` (see its
//! SOURCES.md), read at test time and never copied here. `ANDEL_FIXTURES` may point
//! elsewhere. Without them (a fresh clone) these tests skip and say so on stderr;
//! `.ci/run` sets `ANDEL_REQUIRE_ALL=1`, which makes a missing folder a failure.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use andel_tally::report::Report;
use andel_tally::{Method, Options, count, formats};

/// The shared elections folder, or `None` (after saying so once, past the test
/// harness's capture) when it is not beside this repository: a fresh clone has no
/// `../shared`. With `ANDEL_REQUIRE_ALL=1` (as `.ci/run` sets) or an `ANDEL_FIXTURES`
/// that names a missing folder, a missing folder fails instead of skipping.
fn elections() -> Option<PathBuf> {
    let given = std::env::var_os("ANDEL_FIXTURES");
    let root = given.clone().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    );
    let dir = root.join("elections");
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("ANDEL_REQUIRE_ALL").is_ok_and(|v| v == "1");
    assert!(
        given.is_none() && !required,
        "the shared election fixtures are missing at {} (ANDEL_FIXTURES or ANDEL_REQUIRE_ALL asks for them)",
        dir.display()
    );
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: skipping the official-count tests of andel-tally: the shared fixtures are not at {} (set ANDEL_FIXTURES to their folder)",
            dir.display()
        );
    });
    None
}

/// The fixture `name`, if the shared fixtures are here.
fn read(name: &str) -> Option<Vec<u8>> {
    let path = elections()?.join(name);
    Some(std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display())))
}

/// Counts `ward` with Scottish STV and compares every stage with the official report.
fn matches_official_stages(ward: &str) {
    let (Some(ballots), Some(stages)) = (
        read(&format!("{ward}.blt")),
        read(&format!("{ward}_stages.json")),
    ) else {
        return;
    };
    let election = formats::blt::parse(&ballots[..]).unwrap();
    let official: serde_json::Value = serde_json::from_slice(&stages).unwrap();
    let seats = election.seats.unwrap();
    assert_eq!(official["seats"].as_u64().unwrap() as usize, seats);
    let outcome = count(
        election.profile().unwrap(),
        Method::StvScottish,
        Options {
            seats,
            ..Options::default()
        },
    )
    .unwrap();
    let report = Report::new(&outcome, election.profile().unwrap().candidates());
    assert!(report.complete, "{ward}: the count did not complete");
    assert_eq!(
        report.valid_votes.to_string(),
        official["valid_votes"].to_string(),
        "{ward}: valid votes"
    );
    let official_quota: rust_decimal::Decimal =
        official["quota"].as_str().unwrap().parse().unwrap();
    assert_eq!(report.quota.unwrap(), official_quota, "{ward}: quota");
    let stages = official["stages"].as_array().unwrap();
    assert_eq!(
        report.rounds.len(),
        stages.len(),
        "{ward}: number of stages\n{}",
        report.to_text()
    );
    for (i, (ours, theirs)) in report.rounds.iter().zip(stages).enumerate() {
        let stage = i + 1;
        for (name, votes) in &ours.votes.0 {
            match theirs["votes"][name].as_str() {
                Some(expected) => assert_eq!(
                    format!("{votes:.5}"),
                    expected,
                    "{ward} stage {stage}: votes of {name}\n{}",
                    report.to_text()
                ),
                // Official reports drop candidates once they are excluded.
                None => assert!(
                    votes.is_zero(),
                    "{ward} stage {stage}: {name} is not in the official report but has {votes}"
                ),
            }
        }
        assert!(theirs["votes"].as_object().unwrap().len() <= ours.votes.0.len());
        let set = |v: &serde_json::Value| -> BTreeSet<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            ours.elected.iter().cloned().collect::<BTreeSet<_>>(),
            set(&theirs["elected"]),
            "{ward} stage {stage}: elected"
        );
        assert_eq!(
            ours.excluded.iter().cloned().collect::<BTreeSet<_>>(),
            set(&theirs["excluded"]),
            "{ward} stage {stage}: excluded"
        );
        assert_eq!(
            ours.surplus.as_deref(),
            theirs["surplus"].as_str(),
            "{ward} stage {stage}: surplus"
        );
        assert_eq!(
            format!("{:.5}", ours.non_transferable),
            theirs["non_transferable"].as_str().unwrap(),
            "{ward} stage {stage}: non-transferable"
        );
    }
}

#[test]
fn glasgow_2007_linn_matches_the_official_count() {
    matches_official_stages("linn07");
}

#[test]
fn dundee_2022_west_end_matches_the_official_count() {
    matches_official_stages("dundee22_west_end");
}

#[test]
fn dundee_2022_maryfield_matches_the_official_count() {
    matches_official_stages("dundee22_maryfield");
}

/// Burlington 2009: IRV elected Kiss, though Montroll beat every other candidate head to
/// head (the Condorcet winner), and Schulze elects Montroll.
#[test]
fn burlington_2009_irv_elects_kiss_and_schulze_montroll() {
    let Some(ballots) = read("burlington2009.toi") else {
        return;
    };
    let election = formats::preflib::parse(&ballots[..]).unwrap();
    let candidates = election.profile().unwrap().candidates();
    assert_eq!(
        election.profile().unwrap().total_weight(),
        rust_decimal::Decimal::from(8980)
    );
    let winner = |method| {
        let outcome = count(election.profile().unwrap(), method, Options::default()).unwrap();
        assert!(outcome.complete);
        candidates.name(outcome.elected[0]).to_owned()
    };
    assert_eq!(winner(Method::Irv), "Bob Kiss");
    for method in [
        Method::Schulze,
        Method::RankedPairs,
        Method::Copeland,
        Method::Minimax,
    ] {
        assert_eq!(winner(method), "Andy Montroll", "{method}");
    }
    let outcome = count(
        election.profile().unwrap(),
        Method::Schulze,
        Options::default(),
    )
    .unwrap();
    let pairwise = outcome.pairwise.unwrap();
    assert_eq!(
        pairwise.condorcet_winner.map(|c| candidates.name(c)),
        Some("Andy Montroll")
    );
    assert_eq!(
        pairwise
            .smith_set
            .iter()
            .map(|c| candidates.name(*c))
            .collect::<Vec<_>>(),
        ["Andy Montroll"]
    );
}

/// The ERS97 model election by Meek's method, against the Hill–Wichmann–Woodall
/// reference count (totals to two decimals). The reference numbers an exclusion and the
/// redistribution after it as two stages; here they are one, so its stages 1, 2, 4, 6,
/// 9 and 11 are our stages 1, 2, 4, 5, 7 and 9.
#[test]
fn ers97_matches_the_meek_reference() {
    use rust_decimal::Decimal;
    let (Some(ballots), Some(reference)) = (read("ers97.blt"), read("ers97_meek_reference.csv"))
    else {
        return;
    };
    let election = formats::blt::parse(&ballots[..]).unwrap();
    let seats = election.seats.unwrap();
    let outcome = count(
        election.profile().unwrap(),
        Method::StvMeek,
        Options {
            seats,
            ..Options::default()
        },
    )
    .unwrap();
    let report = Report::new(&outcome, election.profile().unwrap().candidates());
    let text = String::from_utf8(reference).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let ours_for_column = [(1, 1), (3, 2), (5, 4), (7, 5), (9, 7), (11, 9)];
    let two = |d: Decimal| d.round_dp(2);
    for (column, stage) in ours_for_column {
        let round = &report.rounds[stage - 1];
        let elected_by_now: Vec<&String> = report.rounds[..stage]
            .iter()
            .flat_map(|r| &r.elected)
            .collect();
        for row in &rows[2..] {
            let (label, value, state) = (row[0], row[column], row[column + 1]);
            let expected: Decimal = value.parse().unwrap();
            match label {
                "Quota" => assert_eq!(
                    two(round.quota.unwrap()),
                    expected,
                    "quota at reference stage {}",
                    rows[0][column]
                ),
                "Exhausted" => assert!(
                    (round.non_transferable - expected).abs() <= Decimal::new(2, 2),
                    "exhausted at reference stage {}: {} vs {expected}",
                    rows[0][column],
                    round.non_transferable
                ),
                name => {
                    let votes = round.votes.0.iter().find(|(n, _)| n == name).unwrap().1;
                    if state != "EX" {
                        assert_eq!(
                            two(votes),
                            expected,
                            "{name} at reference stage {}\n{}",
                            rows[0][column],
                            report.to_text()
                        );
                    }
                    assert_eq!(
                        state == "EL",
                        elected_by_now.iter().any(|n| n.as_str() == name)
                            || (state == "EL" && round.elected.iter().any(|n| n == name)),
                        "{name} elected at reference stage {}",
                        rows[0][column]
                    );
                }
            }
        }
    }
    let mut elected = report.elected.clone();
    elected.sort();
    assert_eq!(
        elected,
        ["Carpenter", "Duke", "Freeman", "Prince", "Smith", "Vicar"]
    );
}

/// Every strict prefix of a real ballot file, cut at any byte, is refused or counts as
/// the whole file does: the Burlington file declares its voters and unique orders, so
/// none is accepted now (383 of 401 line cuts were, one electing someone else).
#[test]
fn no_truncation_of_the_burlington_file_is_accepted() {
    let Some(dir) = elections() else { return };
    let bytes = std::fs::read(dir.join("burlington2009.toi")).unwrap();
    let whole = formats::preflib::parse(&bytes[..]).unwrap();
    let profile = whole.profile().unwrap();
    let winner = count(profile, Method::Irv, Options::default())
        .unwrap()
        .elected;
    let mut accepted = 0;
    for cut in 0..bytes.len() {
        let Ok(election) = formats::preflib::parse(&bytes[..cut]) else {
            continue;
        };
        accepted += 1;
        let elected = election
            .profile()
            .and_then(|p| count(p, Method::Irv, Options::default()).ok())
            .map(|o| o.elected);
        assert_eq!(elected.as_ref(), Some(&winner), "cut at byte {cut}");
    }
    assert_eq!(accepted, 0, "of {} cuts", bytes.len());
    // The error names the line that declared the count, and both numbers.
    let nineteen: usize = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(18)
        .map(|(i, _)| i + 1)
        .unwrap();
    let err = formats::preflib::parse(&bytes[..nineteen]).unwrap_err();
    assert!(
        err.to_string()
            .contains("line 11 declares 8980 voters, but the orders count 840"),
        "{err}"
    );
}
