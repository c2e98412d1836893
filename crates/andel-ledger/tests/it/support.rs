//! Test statutes and the given/when/then helper.

use andel_ledger::{Command, DecideError, Event, Ledger, MemberNumber, Statutes};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A multi-stakeholder co-op: workers (board admission, dues), users (automatic,
/// combinable), supporters (legal persons too, combinable); colleges 40/40/20.
pub(crate) const STATUTES: &str = r#"
name = "Fyrklövern"
currency = { code = "SEK", scale = 2 }

[exit]
notice_months = 1
payout_delay_months = 6
cap_to_equity_share = true

[eligibility]
min_membership_days = 30
good_standing = true

[capital]
interest_cap = "0.05"
min_reserve = "0.30"

[voting]
rule = "colleges"
colleges = [
  { class = "workers", weight = "40", cap = "50" },
  { class = "users", weight = "40", cap = "50" },
  { class = "supporters", weight = "20" },
]

[[classes]]
id = "workers"
name = "Worker members"
persons = "natural"
nominal = "500.00"
min_shares = 1
max_shares = 10
dues = { amount = "100.00", period = "yearly", grace_days = 30 }

[[classes]]
id = "users"
name = "User members"
nominal = "100.00"
min_shares = 1
admission = "automatic"
combinable = true

[[classes]]
id = "supporters"
name = "Supporting members"
persons = "any"
nominal = "1000.00"
min_shares = 1
combinable = true
"#;

pub(crate) fn statutes() -> Statutes {
    Statutes::from_toml(STATUTES).unwrap()
}

pub(crate) fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub(crate) fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

pub(crate) fn m(n: u32) -> MemberNumber {
    MemberNumber::new(n).unwrap()
}

/// A ledger built from commands that must all pass.
pub(crate) struct Given {
    pub(crate) ledger: Ledger,
}

#[track_caller]
pub(crate) fn given(commands: impl IntoIterator<Item = (Command, &'static str)>) -> Given {
    let mut ledger = Ledger::new();
    let adopt = Command::AdoptStatutes {
        statutes: Box::new(statutes()),
    };
    for (command, on) in std::iter::once((adopt, "2026-01-01")).chain(commands) {
        run(&mut ledger, command, on);
    }
    Given { ledger }
}

#[track_caller]
pub(crate) fn run(ledger: &mut Ledger, command: Command, on: &str) -> Vec<Event> {
    let shown = format!("{command:?}");
    let events = ledger
        .decide(command, d(on))
        .unwrap_or_else(|err| panic!("{shown} on {on} was refused: {err}"));
    for event in &events {
        ledger.apply(event).unwrap();
    }
    events
}

pub(crate) struct When {
    pub(crate) ledger: Ledger,
    pub(crate) result: Result<Vec<Event>, DecideError>,
}

impl Given {
    pub(crate) fn when(self, command: Command, on: &str) -> When {
        let result = self.ledger.decide(command, d(on));
        When {
            ledger: self.ledger,
            result,
        }
    }
}

impl When {
    #[track_caller]
    pub(crate) fn then_err(self, expected: DecideError) {
        assert_eq!(self.result, Err(expected));
    }

    #[track_caller]
    pub(crate) fn then_err_matches(self, check: impl FnOnce(&DecideError) -> bool) -> DecideError {
        let err = self.result.expect_err("the command was accepted");
        assert!(check(&err), "unexpected refusal: {err:?}");
        err
    }

    /// Applies the events and returns the ledger.
    #[track_caller]
    pub(crate) fn then_ok(self) -> (Ledger, Vec<Event>) {
        let events = self.result.unwrap();
        let mut ledger = self.ledger;
        for event in &events {
            ledger.apply(event).unwrap();
        }
        (ledger, events)
    }
}

/// Commands that make member 1 (a worker, paid up on 2026-02-01) and member 2 (a user,
/// paid up on 2026-02-01).
pub(crate) fn two_members() -> Vec<(Command, &'static str)> {
    vec![
        (apply("Ada", "workers"), "2026-01-10"),
        (
            Command::Admit {
                member: m(1),
                class: None,
            },
            "2026-01-15",
        ),
        (apply("Bo", "users"), "2026-01-20"),
        (pay("p1", 1, "workers", "500"), "2026-02-01"),
        (pay("p2", 2, "users", "100"), "2026-02-01"),
    ]
}

pub(crate) fn apply(name: &str, class: &str) -> Command {
    Command::ApplyForMembership {
        name: name.to_owned(),
        person: andel_ledger::event::Person::Natural,
        class: class.parse().unwrap(),
    }
}

pub(crate) fn pay(key: &str, member: u32, class: &str, amount: &str) -> Command {
    Command::RecordPayment {
        key: key.parse().unwrap(),
        member: m(member),
        purpose: andel_ledger::event::Purpose::Capital {
            class: class.parse().unwrap(),
        },
        amount: dec(amount),
        currency: "SEK".to_owned(),
    }
}
