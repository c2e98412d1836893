//! Published ballot lists and receipts are hostile input: whatever the text, parsing
//! answers with a value or an error naming the line, never a panic; and what it accepts
//! is exactly what it would write, so one list has one text and one SHA-256.

use andel_decisions::{Ballot, BallotList, Receipt};
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
