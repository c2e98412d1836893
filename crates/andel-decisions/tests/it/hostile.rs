//! Published ballot lists and receipts are hostile input: whatever the text, parsing
//! answers with a value or an error naming the line, never a panic; and what it accepts
//! is exactly what it would write, so one list has one text and one SHA-256.

use andel_decisions::secret::{Ballot, BallotList, Receipt};
use proptest::prelude::*;

/// Lines that look like ballot-list lines, to get past the first checks more often than
/// random text does.
fn plausible() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("andel-ballots 1".to_owned()),
        "[0-9A-Z]{4}(-[0-9A-Z]{4}){5}\t[0-9]{1,2}(\\.[0-9]{1,3})?\t(yes|no|abstain|block|rank:[0-9,]{0,8}|approve:[0-9,]{0,8})",
        "[0-9a-zA-Z\\-]{0,30}\t[ -~]{0,8}\t[ -~]{0,12}",
        "[ -~\t]{0,40}",
    ];
    proptest::collection::vec(line, 0..12).prop_map(|lines| {
        let mut text = lines.join("\n");
        text.push('\n');
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = BallotList::parse(&text);
        let _ = text.parse::<Receipt>();
        let _ = text.parse::<Ballot>();
    }

    #[test]
    fn an_accepted_list_is_written_back_byte_for_byte(text in plausible()) {
        if let Ok(list) = BallotList::parse(&text) {
            prop_assert_eq!(list.to_text(), text);
        }
    }

    #[test]
    fn receipts_round_trip(bytes in any::<[u8; 15]>()) {
        let receipt = Receipt::from_bytes(bytes);
        prop_assert_eq!(receipt.to_string().parse::<Receipt>().unwrap(), receipt);
        prop_assert_eq!(receipt.to_string().len(), 29);
    }
}

/// A roll as the ledger writes it, with `fields` spliced into its head.
fn roll(head: &str) -> String {
    format!(
        r#"{{{head}"voters":[{{"member":1,"name":"Ada","weight":"1"}},{{"member":2,"name":"Bo","weight":"2","college":"users"}}]}}"#
    )
}

#[track_caller]
fn refused(text: &str, says: &str) {
    let err = andel_decisions::Electorate::from_roll_json(text).unwrap_err();
    assert!(err.to_string().contains(says), "{err} (wanted `{says}`)");
}

#[test]
fn a_roll_as_the_ledger_writes_it_reads() {
    let electorate = andel_decisions::Electorate::from_roll_json(&roll(
        r#""as_of":"2027-04-30","rule":"one-member-one-vote","total_weight":"3","#,
    ))
    .unwrap();
    assert_eq!(electorate.total_weight(), rust_decimal::Decimal::from(3));
    // The older spelling of the rule, and a roll of voters only, read too.
    andel_decisions::Electorate::from_roll_json(&roll(r#""rule":"one_member_one_vote","#)).unwrap();
    andel_decisions::Electorate::from_roll_json(&roll(r#""rule":"colleges","#)).unwrap();
    andel_decisions::Electorate::from_roll_json(&roll("")).unwrap();
}

#[test]
fn a_roll_whose_head_disagrees_or_is_unknown_is_refused() {
    refused(&roll(r#""total_weight":"0","#), "total_weight `0`");
    refused(&roll(r#""total_weight":"-5","#), "total_weight `-5`");
    refused(
        &roll(r#""total_weight":"4","#),
        "the sum of the voters' weights, 3",
    );
    refused(&roll(r#""as_of":"9999-99-99","#), "9999-99-99");
    refused(&roll(r#""rule":"plutocracy","#), "plutocracy");
    refused(&roll(r#""shoe_size":44,"#), "shoe_size");
    refused(
        r#"{"voters":[{"member":1,"weight":"1","shoe_size":44}]}"#,
        "shoe_size",
    );
    refused(r#"{"voters":[]}"#, "no voters");
}

fn big_roll(voters: usize) -> String {
    use std::fmt::Write;
    let mut text = String::from(r#"{"rule":"one-member-one-vote","voters":["#);
    for member in 1..voters {
        let _ = write!(
            text,
            r#"{{"member":{member},"name":"Member {member}","weight":"1.5","college":"a\"b"}},"#
        );
    }
    text.push_str(r#"{"member":0,"weight":"1"}]}"#);
    text
}

#[test]
fn a_roll_too_large_to_record_is_refused_while_it_is_read() {
    let err = andel_decisions::Electorate::from_roll_json(&big_roll(200_000)).unwrap_err();
    let andel_decisions::ElectorateError::TooLarge { voters, max } = err else {
        panic!("{err}");
    };
    assert_eq!(max, andel_decisions::MAX_ELECTORATE_BYTES);
    assert!((50_000..200_000).contains(&voters), "{voters}");
    // One voter fewer is read, and its electorate records within the limit, nearly
    // filling it: the size checked is the size recorded.
    let electorate = andel_decisions::Electorate::from_roll_json(&big_roll(voters - 1)).unwrap();
    let recorded = serde_json::to_string(&electorate).unwrap().len();
    assert!(
        recorded <= max && recorded > max / 100 * 99,
        "{recorded} of {max}"
    );
}
