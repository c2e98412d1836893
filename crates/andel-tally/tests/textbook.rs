//! Textbook elections with known results, as data: the Tennessee capital example and the
//! example of Schulze's method (45 voters, 5 candidates).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use andel_tally::{Candidates, Method, Options, Profile, Ranking, TieKind, count};
use rust_decimal::Decimal;

/// A profile from `(weight, "ABC")` lines, candidates named by letters.
fn profile(names: &[&str], ballots: &[(u32, &str)]) -> Profile {
    let candidates = Candidates::new(names.iter().copied()).unwrap();
    let mut profile = Profile::builder(candidates.clone());
    for (weight, order) in ballots {
        let order = order.split_whitespace().map(|n| {
            candidates
                .find(n)
                .unwrap_or_else(|| panic!("no candidate {n}"))
        });
        profile
            .add(
                Ranking::strict(order, &candidates).unwrap(),
                Decimal::from(*weight),
            )
            .unwrap();
    }
    profile.build()
}

fn winner(profile: &Profile, method: Method) -> String {
    let outcome = count(profile, method, Options::default()).unwrap();
    assert!(outcome.complete, "{method}: {:?}", outcome.ties);
    profile.candidates().name(outcome.elected[0]).to_owned()
}

fn tennessee() -> Profile {
    profile(
        &["Memphis", "Nashville", "Chattanooga", "Knoxville"],
        &[
            (42, "Memphis Nashville Chattanooga Knoxville"),
            (26, "Nashville Chattanooga Knoxville Memphis"),
            (15, "Chattanooga Knoxville Nashville Memphis"),
            (17, "Knoxville Chattanooga Nashville Memphis"),
        ],
    )
}

#[test]
fn tennessee_capital() {
    let p = tennessee();
    let expected = [
        (Method::Plurality, "Memphis"),
        (Method::Irv, "Knoxville"),
        (Method::Borda, "Nashville"),
        (Method::Schulze, "Nashville"),
        (Method::RankedPairs, "Nashville"),
        (Method::Copeland, "Nashville"),
        (Method::Minimax, "Nashville"),
    ];
    for (method, city) in expected {
        assert_eq!(winner(&p, method), city, "{method}");
    }
    let borda = count(&p, Method::Borda, Options::default()).unwrap();
    let scores: Vec<String> = borda
        .scores
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(scores, ["126", "194", "173", "107"]);
    let ranking = count(&p, Method::Schulze, Options::default())
        .unwrap()
        .ranking
        .unwrap();
    let names: Vec<&str> = ranking.iter().map(|g| p.candidates().name(g[0])).collect();
    assert_eq!(names, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]);
}

/// Every ballot ranks every city, so approval (a ranking approves all it ranks) ties all
/// four: the tie is reported and, without a lot, the count does not pick anyone.
#[test]
fn an_unsettled_tie_is_reported_not_broken() {
    let outcome = count(&tennessee(), Method::Approval, Options::default()).unwrap();
    assert!(!outcome.complete);
    assert!(outcome.elected.is_empty());
    assert_eq!(outcome.ties.len(), 1);
    assert_eq!(outcome.ties[0].kind, TieKind::Winner);
    assert_eq!(outcome.ties[0].between.len(), 4);
}

#[test]
fn schulze_paper_example() {
    let p = profile(
        &["A", "B", "C", "D", "E"],
        &[
            (5, "A C B E D"),
            (5, "A D E C B"),
            (8, "B E D A C"),
            (3, "C A B E D"),
            (7, "C A E B D"),
            (2, "C B A D E"),
            (7, "D C E B A"),
            (8, "E B A D C"),
        ],
    );
    let outcome = count(&p, Method::Schulze, Options::default()).unwrap();
    let name = |c: &andel_tally::CandidateId| p.candidates().name(*c).to_owned();
    assert_eq!(outcome.elected.iter().map(name).collect::<Vec<_>>(), ["E"]);
    let ranking: Vec<String> = outcome
        .ranking
        .unwrap()
        .iter()
        .map(|g| name(&g[0]))
        .collect();
    assert_eq!(ranking, ["E", "A", "C", "B", "D"]);
    let pairwise = outcome.pairwise.unwrap();
    let as_ints = |m: &Vec<Vec<Decimal>>| -> Vec<Vec<i64>> {
        m.iter()
            .map(|row| row.iter().map(|d| i64::try_from(*d).unwrap()).collect())
            .collect()
    };
    assert_eq!(
        as_ints(&pairwise.wins),
        [
            [0, 20, 26, 30, 22],
            [25, 0, 16, 33, 18],
            [19, 29, 0, 17, 24],
            [15, 12, 28, 0, 14],
            [23, 27, 21, 31, 0]
        ]
    );
    assert_eq!(
        as_ints(pairwise.strongest_paths.as_ref().unwrap()),
        [
            [0, 28, 28, 30, 24],
            [25, 0, 28, 33, 24],
            [25, 29, 0, 29, 24],
            [25, 28, 28, 0, 24],
            [25, 28, 28, 31, 0]
        ]
    );
    assert_eq!(pairwise.condorcet_winner, None);
}

/// A cycle A > B > C > A with D last on every ballot: the Smith set is the cycle, and
/// nobody wins by Copeland without a lot.
#[test]
fn smith_set_of_a_cycle() {
    let p = profile(
        &["A", "B", "C", "D"],
        &[(1, "A B C D"), (1, "B C A D"), (1, "C A B D")],
    );
    let outcome = count(&p, Method::Copeland, Options::default()).unwrap();
    let pairwise = outcome.pairwise.as_ref().unwrap();
    let smith: Vec<&str> = pairwise
        .smith_set
        .iter()
        .map(|c| p.candidates().name(*c))
        .collect();
    assert_eq!(smith, ["A", "B", "C"]);
    assert!(!outcome.complete);
    assert_eq!(outcome.ties[0].between.len(), 3);
    let lot = count(
        &p,
        Method::Copeland,
        Options {
            seats: 1,
            tie_break: andel_tally::TieBreak::Lot { seed: 9 },
        },
    )
    .unwrap();
    assert!(lot.complete);
    assert_ne!(p.candidates().name(lot.elected[0]), "D");
}

/// Six papers, one blank, two seats. The Scottish order rejects a paper without a first
/// preference: 5 valid votes, quota 5 ÷ 3 + 1 = 2, and A and B reach it at once. (Counted
/// as a valid vote, the blank paper made the quota 3.) IRV and Meek reject it too.
#[test]
fn a_blank_paper_is_rejected_by_stv_and_irv() {
    let p = profile(
        &["A", "B", "C"],
        &[(1, "A"), (1, "A"), (1, "B"), (1, "B"), (1, "C"), (1, "")],
    );
    let two = Options {
        seats: 2,
        ..Options::default()
    };
    let scottish = count(&p, Method::StvScottish, two).unwrap();
    assert_eq!(scottish.valid_votes.to_string(), "5");
    assert_eq!(scottish.rejected.to_string(), "1");
    assert_eq!(scottish.quota.unwrap().to_string(), "2.00000");
    assert!(scottish.complete);
    assert_eq!(scottish.rounds.len(), 1);
    let elected: Vec<&str> = scottish
        .elected
        .iter()
        .map(|c| p.candidates().name(*c))
        .collect();
    assert_eq!(elected, ["A", "B"]);
    for (method, options) in [
        (Method::StvScottish, two),
        (Method::StvMeek, two),
        (Method::Irv, Options::default()),
    ] {
        let outcome = count(&p, method, options).unwrap();
        assert_eq!(outcome.valid_votes, Decimal::from(5), "{method}");
        assert_eq!(outcome.rejected, Decimal::ONE, "{method}");
        assert!(outcome.rounds[0].non_transferable.is_zero(), "{method}");
    }
    // Plurality has no rule on blank papers: a valid vote for nobody.
    let plurality = count(&p, Method::Plurality, Options::default()).unwrap();
    assert_eq!(
        (plurality.valid_votes, plurality.rejected),
        (Decimal::from(6), Decimal::ZERO)
    );
}
