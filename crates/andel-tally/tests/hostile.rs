//! Ballot files are hostile input: whatever the bytes, the parsers answer with an
//! election or a line-numbered error, never a panic, and counting what they accept
//! never panics either.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use andel_tally::formats::{blt, csv, pabulib, preflib};
use andel_tally::{Method, Options, TallyError, TieBreak, count_ballots};
use proptest::prelude::*;

/// Lines that look like ballot-file lines, to get past the first check more often than
/// random bytes do.
fn plausible() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        "[0-9]{1,2} [0-9]{1,2}",
        "[0-9]{1,3}( [0-9=\\-]{1,4}){0,6}( 0)?",
        "0",
        "\"[a-zA-Z ]{0,10}\"( \"[a-z]{0,5}\")?",
        "# [A-Z ]{1,20}: [a-z0-9 ]{0,10}",
        "# (DATA TYPE: (soc|soi|toc|toi)|NUMBER ALTERNATIVES: [0-9]{1,2}|ALTERNATIVE NAME [0-9]: [a-z]{1,5})",
        "[0-9]{1,3}: [0-9{}, ]{0,12}",
        "(candidates|[0-9]{1,2})(,[a-c=\"]{0,4}){0,5}",
        "(META|PROJECTS|VOTES|key;value|budget;[0-9]{1,3}|project_id;cost;name|voter_id;vote|[0-9];[0-9]{1,3};[a-z]{0,4}|[a-z][0-9];[0-9,]{0,5})",
        "[ -~]{0,30}",
    ];
    proptest::collection::vec(line, 0..14).prop_map(|lines| lines.join("\n"))
}

fn count_everything(election: &andel_tally::formats::Election) {
    let standing = election.ballots.candidates().standing().count();
    for &method in Method::ALL {
        let seats = if method.is_multi_winner() {
            election.seats.unwrap_or(1)
        } else {
            1
        };
        let options = Options {
            seats,
            tie_break: TieBreak::Lot { seed: 3 },
        };
        match count_ballots(&election.ballots, method, options) {
            Ok(outcome) => assert!(outcome.complete, "{method}: {:?}", outcome.ties),
            Err(TallyError::WrongBallots { .. } | TallyError::TooManyCommittees { .. }) => {}
            Err(TallyError::SingleWinner { .. }) => assert!(seats > 1),
            Err(err) => assert!(standing == 0 || seats > standing, "{method}: {err}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = blt::parse(&bytes[..]);
        let _ = preflib::parse(&bytes[..]);
        let _ = csv::parse(&bytes[..]);
        let _ = pabulib::parse(&bytes[..]);
    }

    #[test]
    fn plausible_files_parse_or_name_a_line(text in plausible()) {
        for parsed in [blt::parse(text.as_bytes()), preflib::parse(text.as_bytes()), csv::parse(text.as_bytes()), pabulib::parse(text.as_bytes())] {
            match parsed {
                Ok(election) => count_everything(&election),
                Err(err) => prop_assert!(err.line <= text.lines().count() + 1, "{}", err),
            }
        }
    }
}

#[test]
fn a_line_longer_than_the_limit_is_refused() {
    let mut text = b"3 1\n1 ".to_vec();
    text.extend(std::iter::repeat_n(
        b'1',
        andel_tally::formats::MAX_LINE_BYTES + 10,
    ));
    let err = blt::parse(&text[..]).unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.problem.contains("longer than"), "{err}");
}

/// Weights from the smallest positive decimal to `Decimal::MAX`, the extremes most often.
fn extreme_weight() -> impl Strategy<Value = rust_decimal::Decimal> {
    use rust_decimal::Decimal;
    prop_oneof![
        Just(Decimal::MAX),
        Just(Decimal::MAX / Decimal::from(3)),
        Just(Decimal::new(3, 0) * Decimal::from(10u64.pow(19)) * Decimal::TEN), // 3e20
        Just(Decimal::from_i128_with_scale(3 * 10i128.pow(28), 0)),             // 3e28
        Just(Decimal::new(1, 28)),
        Just(Decimal::ONE),
        (1u64..=u64::MAX, 0u32..=28)
            .prop_map(|(m, s)| Decimal::from_i128_with_scale(i128::from(m), s)),
        (1i128..=(1i128 << 95), 0u32..=28).prop_map(|(m, s)| Decimal::from_i128_with_scale(m, s)),
    ]
}

/// A few ballots over `n` candidates: rankings (the first ranks two candidates equal
/// when it can), with extreme weights.
fn extreme_election()
-> impl Strategy<Value = (usize, Vec<(Vec<u16>, rust_decimal::Decimal)>, usize)> {
    (2usize..6).prop_flat_map(|n| {
        let ballot = (
            Just((0..n as u16).collect::<Vec<u16>>()).prop_shuffle(),
            0..=n,
            extreme_weight(),
        )
            .prop_map(|(order, k, w)| (order[..k].to_vec(), w));
        (Just(n), proptest::collection::vec(ballot, 1..6), 1..=n)
    })
}

/// Whether an error is one a count may answer with (the input was too much, or the
/// method does not count such ballots), rather than a sign of a bug.
fn clear_refusal(err: &TallyError) -> bool {
    matches!(
        err,
        TallyError::WrongBallots { .. }
            | TallyError::TooManyCommittees { .. }
            | TallyError::SingleWinner { .. }
            | TallyError::TooHeavy { .. }
            | TallyError::TooManySeats { .. }
            | TallyError::TooMuchMoney { .. }
            | TallyError::Arithmetic { .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Extreme weights (up to `Decimal::MAX`, down to 10⁻²⁸) never panic any method:
    /// each counts, or says which input is too large.
    #[test]
    fn extreme_weights_count_or_are_refused_clearly((n, ballots, seats) in extreme_election()) {
        use andel_tally::{Approvals, Ballots, Budget, CandidateId, Candidates, Profile, Scores};
        use rust_decimal::Decimal;
        let candidates = Candidates::new((0..n).map(|i| format!("c{i}"))).unwrap();
        let mut profile = Profile::builder(candidates.clone());
        let mut approvals = Approvals::builder(candidates.clone());
        let mut scores = Scores::builder(candidates.clone());
        for (order, weight) in &ballots {
            let ids: Vec<CandidateId> = order.iter().map(|c| CandidateId(*c)).collect();
            if profile.add_order(&ids, *weight).is_err() {
                return Ok(()); // the total passes a decimal: refused as it is read
            }
            approvals.add(ids.iter().copied(), *weight).unwrap();
            let sheet = (0..n).map(|c| if order.contains(&(c as u16)) { andel_tally::MAX_SCORE } else { 0 }).collect();
            scores.add(sheet, *weight).unwrap();
        }
        let approvals = approvals.build();
        let budget = Budget { limit: andel_tally::MAX_BUDGET_AMOUNT, costs: vec![andel_tally::MAX_BUDGET_AMOUNT / Decimal::from(7); n] };
        let all = [
            Ballots::Ranked(profile.build()),
            Ballots::Approval(approvals.clone()),
            Ballots::Score(scores.build()),
            Ballots::Budget { approvals, budget },
        ];
        for ballots in &all {
            for &method in Method::ALL {
                for seats in [1, seats] {
                    let options = Options { seats, tie_break: TieBreak::Lot { seed: 1 } };
                    if let Err(err) = count_ballots(ballots, method, options) {
                        prop_assert!(clear_refusal(&err), "{method} ({}): {err}", ballots.kind());
                    }
                }
            }
        }
    }
}

fn one_heavy_ballot(
    method: Method,
    weight: rust_decimal::Decimal,
) -> Result<andel_tally::Outcome, TallyError> {
    use andel_tally::{Candidates, Profile, Ranking};
    let candidates = Candidates::new(["Ada", "Bo", "Cy"]).unwrap();
    let mut profile = Profile::builder(candidates.clone());
    let ids: Vec<_> = candidates.ids().collect();
    profile
        .add(Ranking::strict(ids.clone(), &candidates).unwrap(), weight)
        .unwrap();
    profile
        .add(
            Ranking::strict(ids.into_iter().rev(), &candidates).unwrap(),
            rust_decimal::Decimal::ONE,
        )
        .unwrap();
    let seats = if method.is_multi_winner() { 2 } else { 1 };
    count_ballots(
        &andel_tally::Ballots::Ranked(profile.build()),
        method,
        Options {
            seats,
            ..Options::default()
        },
    )
}

#[test]
fn meek_with_a_ballot_of_weight_3e20_is_refused_not_a_panic() {
    let err =
        one_heavy_ballot(Method::StvMeek, "300000000000000000000".parse().unwrap()).unwrap_err();
    assert!(matches!(err, TallyError::TooHeavy { .. }), "{err}");
    let said = err.to_string();
    assert!(
        said.contains("stv-meek") && said.contains("300000000000000000001"),
        "{said}"
    );
    // Just below the bound it counts.
    one_heavy_ballot(Method::StvMeek, "1000000000000000000".parse().unwrap()).unwrap();
}

#[test]
fn borda_and_pav_with_weights_of_3e28_are_refused_not_a_panic() {
    for method in [Method::Borda, Method::Pav] {
        let err =
            one_heavy_ballot(method, "30000000000000000000000000000".parse().unwrap()).unwrap_err();
        assert!(
            matches!(err, TallyError::TooHeavy { .. }),
            "{method}: {err}"
        );
        assert!(err.to_string().contains(method.name()), "{err}");
    }
}

/// A PrefLib file and a Pabulib file that declare their counts.
const TOI: &str = "# DATA TYPE: toi\n# NUMBER ALTERNATIVES: 3\n# NUMBER VOTERS: 20\n# NUMBER UNIQUE ORDERS: 4\n12: 1,2,3\n3: 2,{1,3}\n4: 3\n1: 3,1\n";
const PB: &str = "META\nkey;value\nbudget;110\nnum_projects;3\nnum_votes;4\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;50;Park\n2;50;Bikes\n3;50;Library\nVOTES\nvoter_id;vote\nv1;1,2\nv2;3\nv3;1,3\nv4;2\n";

proptest! {
    /// Every strict prefix of a file that declares its counts, cut at any byte, is
    /// refused.
    #[test]
    fn every_truncation_of_a_file_that_declares_its_counts_is_refused(cut in 0usize..1000) {
        prop_assert!(preflib::parse(TOI.as_bytes()).is_ok());
        prop_assert!(pabulib::parse(PB.as_bytes()).is_ok());
        let toi = &TOI.as_bytes()[..cut % TOI.len()];
        prop_assert!(preflib::parse(toi).is_err(), "toi cut at {}", cut % TOI.len());
        let pb = &PB.as_bytes()[..cut % PB.len()];
        prop_assert!(pabulib::parse(pb).is_err(), "pabulib cut at {}", cut % PB.len());
    }
}

#[test]
fn a_file_cut_short_is_refused_naming_the_line_and_both_numbers() {
    let cut = &TOI[..TOI.find("4: 3").unwrap()];
    let err = preflib::parse(cut.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 6: line 3 declares 20 voters, but the orders count 15"
    );
    let cut = &PB[..PB.find("VOTES").unwrap()];
    let err = pabulib::parse(cut.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("no VOTES section"), "{err}");
}
