//! Outside files are hostile input: random bytes and near-valid lines give errors that
//! name the line, never a panic, and nothing is half-imported.

use andel_ledger::{Ledger, Statutes, import};
use proptest::prelude::*;

use crate::support::{given, two_members};

fn ledger() -> Ledger {
    given(two_members()).ledger
}

const HEADER: &str = "name,class,admitted_on,shares,paid,person,representative";

fn near_valid_row() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just(String::new()),
        "[A-Za-zåäö ,\"]{0,12}",
        Just("users".to_owned()),
        Just("workers".to_owned()),
        Just("2026-03-01".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("legal".to_owned()),
        "-?[0-9]{0,6}(\\.[0-9]{0,4})?",
        "\\PC{0,8}",
    ];
    proptest::collection::vec(field, 0..9).prop_map(|fields| fields.join(","))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_bytes_never_panic_the_importer(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = import::plan(&ledger(), &text);
        let _ = import::plan(&ledger(), &format!("{HEADER}\n{text}"));
        let _ = Statutes::from_toml(&text);
    }

    #[test]
    fn near_valid_files_are_planned_whole_or_refused_by_line(rows in proptest::collection::vec(near_valid_row(), 0..12)) {
        let ledger = ledger();
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        match import::plan(&ledger, &text) {
            Ok(plan) => {
                // Everything planned applies on a copy, in one go.
                let mut copy = ledger.clone();
                for (command, on) in &plan.commands {
                    for event in copy.decide(command.clone(), *on).unwrap() {
                        copy.apply(&event).unwrap();
                    }
                }
                prop_assert_eq!(copy.register(chrono::NaiveDate::MAX).rows.len(), 2 + plan.members.len());
            }
            Err(err) => {
                let lines = rows.len() + 1;
                for problem in &err.problems {
                    prop_assert!(problem.line <= lines + 1, "{}", err);
                    prop_assert!(!problem.problem.is_empty());
                }
            }
        }
    }
}

#[test]
fn oversized_input_is_refused_before_it_is_read() {
    let big = "x".repeat(import::MAX_BYTES + 1);
    let err = import::plan(&ledger(), &big).unwrap_err();
    assert!(err.to_string().contains("more than the"), "{err}");
    let statutes = "#".repeat(andel_ledger::MAX_STATUTES_BYTES + 1);
    assert!(matches!(
        Statutes::from_toml(&statutes),
        Err(andel_ledger::StatutesError::TooLarge { .. })
    ));
}
