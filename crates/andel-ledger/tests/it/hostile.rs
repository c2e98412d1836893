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
    let statutes = "#".repeat(andel_ledger::statutes::MAX_STATUTES_BYTES + 1);
    assert!(matches!(
        Statutes::from_toml(&statutes),
        Err(andel_ledger::statutes::StatutesError::TooLarge { .. })
    ));
}

/// Statutes with one class of `scale`, `nominal`, shares and dues as given.
fn class_statutes(scale: u32, nominal: &str, min: u32, max: u32, dues: &str, grace: u32) -> String {
    format!(
        r#"
name = "Extremes"
currency = {{ code = "SEK", scale = {scale} }}

[[classes]]
id = "users"
name = "Users"
nominal = "{nominal}"
min_shares = {min}
max_shares = {max}
admission = "automatic"
dues = {{ amount = "{dues}", period = "yearly", grace_days = {grace} }}
"#
    )
}

/// Runs commands on a ledger under `statutes`, keeping the events of those accepted,
/// then replays every event into a fresh ledger: whatever `decide` accepted must apply
/// and replay, never panic.
fn accepted_commands_replay(statutes: Statutes, commands: Vec<(andel_ledger::Command, &str)>) {
    use andel_ledger::Command;
    let mut ledger = Ledger::new();
    let mut events = Vec::new();
    let adopt = (
        Command::AdoptStatutes {
            statutes: Box::new(statutes),
        },
        "2026-01-01",
    );
    for (command, on) in std::iter::once(adopt).chain(commands) {
        let Ok(new) = ledger.decide(command, crate::support::d(on)) else {
            continue;
        };
        for event in &new {
            ledger.apply(event).unwrap();
        }
        events.extend(new);
    }
    let mut replayed = Ledger::new();
    for event in &events {
        replayed.apply(event).unwrap();
    }
    let _ = replayed.register(chrono::NaiveDate::MAX);
}

fn extreme_commands(
    amount: rust_decimal::Decimal,
    shares: u32,
) -> Vec<(andel_ledger::Command, &'static str)> {
    use crate::support::{apply, m};
    use andel_ledger::{Command, event::Purpose};
    vec![
        (apply("Ada", "users"), "2026-01-10"),
        (
            Command::Subscribe {
                member: m(1),
                class: "users".parse().unwrap(),
                shares,
            },
            "2026-01-11",
        ),
        (
            Command::RecordPayment {
                key: "p1".parse().unwrap(),
                member: m(1),
                purpose: Purpose::Capital {
                    class: "users".parse().unwrap(),
                },
                amount,
                currency: "SEK".to_owned(),
            },
            "2026-01-12",
        ),
        (
            Command::RecordPayment {
                key: "p2".parse().unwrap(),
                member: m(1),
                purpose: Purpose::Dues,
                amount,
                currency: "SEK".to_owned(),
            },
            "2026-01-13",
        ),
        (apply("Bo", "users"), "2026-01-14"),
        (
            Command::ChargeDues {
                period_start: crate::support::d("2027-01-01"),
            },
            "2027-01-01",
        ),
    ]
}

#[test]
fn grace_days_of_u32_max_are_refused_where_they_are_read() {
    let text = class_statutes(2, "100.00", 1, 10, "10.00", u32::MAX);
    let err = Statutes::from_toml(&text).unwrap_err();
    assert!(
        err.to_string().contains("grace_days") && err.to_string().contains("4294967295"),
        "{err}"
    );
}

#[test]
fn a_nominal_of_1e28_at_scale_0_is_refused_where_it_is_read() {
    let text = class_statutes(0, "10000000000000000000000000000", 1, 10, "10", 30);
    let err = Statutes::from_toml(&text).unwrap_err();
    assert!(
        err.to_string().contains("10000000000000000000000000000"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Statutes and amounts at the edges: what `from_toml` and `decide` accept always
    /// applies and replays.
    #[test]
    fn whatever_decide_accepts_replays(
        scale in 0u32..=6,
        nominal in prop_oneof![Just("1".to_owned()), "[1-9][0-9]{0,28}", "[1-9][0-9]{0,14}\\.[0-9]{1,6}"],
        min in prop_oneof![Just(1u32), 1u32..=u32::MAX],
        extra in prop_oneof![Just(0u32), 0u32..=u32::MAX],
        dues in prop_oneof![Just("1".to_owned()), "[1-9][0-9]{0,28}"],
        grace in prop_oneof![Just(30u32), any::<u32>()],
        // Up to 28 digits: every such amount is a Decimal (29 may not be).
        amount in prop_oneof![Just("100".to_owned()), "[1-9][0-9]{0,27}"],
        shares in any::<u32>(),
    ) {
        let text = class_statutes(scale, &nominal, min, min.saturating_add(extra), &dues, grace);
        if let Ok(statutes) = Statutes::from_toml(&text) {
            accepted_commands_replay(statutes, extreme_commands(amount.parse().unwrap(), shares));
        }
    }
}
