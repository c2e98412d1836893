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
