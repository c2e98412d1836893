//! Invariants under random command sequences: the books balance, no holding goes below
//! zero, replay equals the incremental state, the register at a date equals the state
//! built from the events up to it, allocations sum exactly, and the roll holds each
//! eligible member once.

use andel_journal::Snapshotted;
use andel_ledger::{
    Command, Event, Ledger, MemberNumber, TxnId,
    books::Account,
    event::{Correction, Payout, Person, Purpose},
};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::support::{d, dec, statutes};

const CLASSES: [&str; 3] = ["workers", "users", "supporters"];
const AMOUNTS: [&str; 7] = ["0.01", "33.33", "50", "100", "500", "1000", "2500.5"];

#[derive(Debug, Clone)]
enum Op {
    Apply(usize, bool),
    Admit(u32, Option<usize>),
    Refuse(u32),
    Subscribe(u32, usize, u32),
    Pay(u32, Option<usize>, usize, u8),
    Transfer(u32, u32, usize, u32),
    Convert(u32, usize, usize),
    Suspend(u32),
    Reinstate(u32),
    Resign(u32),
    Exit(u32, usize),
    Expel(u32, usize),
    Schedule(u32, u32),
    PayRedemption(u32, usize),
    ChargeDues,
    Patronage(u32, usize),
    RecordSurplus(usize),
    Allocate(u8, u8),
    PayAllocation(u32, bool, usize),
    Reverse(u64, u8, Option<usize>),
    Close(u32),
}

fn op() -> impl Strategy<Value = Op> {
    let member = 1..7u32;
    let class = 0..3usize;
    let amount = 0..AMOUNTS.len();
    prop_oneof![
        4 => (class.clone(), any::<bool>()).prop_map(|(c, l)| Op::Apply(c, l)),
        3 => (member.clone(), proptest::option::of(class.clone())).prop_map(|(m, c)| Op::Admit(m, c)),
        1 => member.clone().prop_map(Op::Refuse),
        2 => (member.clone(), class.clone(), 1..3u32).prop_map(|(m, c, s)| Op::Subscribe(m, c, s)),
        10 => (member.clone(), proptest::option::of(class.clone()), 0..AMOUNTS.len() + 2, 0..200u8).prop_map(|(m, c, a, k)| Op::Pay(m, c, a, k)),
        1 => (member.clone(), member.clone(), class.clone(), 1..3u32).prop_map(|(a, b, c, s)| Op::Transfer(a, b, c, s)),
        1 => (member.clone(), class.clone(), class.clone()).prop_map(|(m, a, b)| Op::Convert(m, a, b)),
        1 => member.clone().prop_map(Op::Suspend),
        1 => member.clone().prop_map(Op::Reinstate),
        2 => member.clone().prop_map(Op::Resign),
        2 => (member.clone(), amount.clone()).prop_map(|(m, a)| Op::Exit(m, a)),
        1 => (member.clone(), amount.clone()).prop_map(|(m, a)| Op::Expel(m, a)),
        2 => (member.clone(), 1..4u32).prop_map(|(m, n)| Op::Schedule(m, n)),
        3 => (member.clone(), 0..AMOUNTS.len() + 2).prop_map(|(m, a)| Op::PayRedemption(m, a)),
        1 => Just(Op::ChargeDues),
        2 => (member.clone(), amount.clone()).prop_map(|(m, a)| Op::Patronage(m, a)),
        1 => amount.clone().prop_map(Op::RecordSurplus),
        1 => (30..101u8, 0..6u8).prop_map(|(r, i)| Op::Allocate(r, i)),
        2 => (member.clone(), any::<bool>(), 0..AMOUNTS.len() + 2).prop_map(|(m, i, a)| Op::PayAllocation(m, i, a)),
        2 => (1..30u64, 0..3u8, proptest::option::of(amount)).prop_map(|(t, r, a)| Op::Reverse(t, r, a)),
        1 => member.prop_map(Op::Close),
    ]
}

fn n(member: u32) -> MemberNumber {
    MemberNumber::new(member).unwrap()
}

fn class(i: usize) -> andel_ledger::ClassId {
    CLASSES[i].parse().unwrap()
}

/// Amount `a`: one of `AMOUNTS`, or (the two indexes past them) all or half of what is
/// owed, so that payments often succeed.
fn pick(a: usize, owed: Decimal) -> Decimal {
    match a.checked_sub(AMOUNTS.len()) {
        None => dec(AMOUNTS[a]),
        Some(0) if owed > Decimal::ZERO => owed,
        Some(_) if owed >= dec("0.02") => (owed / Decimal::TWO).trunc_with_scale(2),
        Some(_) => dec("0.01"),
    }
}

fn command(op: &Op, on: NaiveDate, ledger: &Ledger) -> Command {
    let amount = |a: usize| pick(a.min(AMOUNTS.len() - 1), Decimal::ZERO);
    let view = |m: u32| ledger.member(n(m)).cloned();
    match op.clone() {
        Op::Apply(c, legal) => Command::ApplyForMembership {
            name: format!("Member {c}"),
            person: if legal {
                Person::Legal {
                    representative: "Rep".into(),
                }
            } else {
                Person::Natural
            },
            class: class(c),
        },
        Op::Admit(m, c) => Command::Admit {
            member: n(m),
            class: c.map(class),
        },
        Op::Refuse(m) => Command::Refuse {
            member: n(m),
            reason: "no".into(),
        },
        Op::Subscribe(m, c, s) => Command::Subscribe {
            member: n(m),
            class: class(c),
            shares: s,
        },
        Op::Pay(m, c, a, k) => {
            // Pay into a class the member holds, when they hold one, so payments land.
            let held = view(m).and_then(|v| {
                let classes: Vec<_> = v.holdings.iter().map(|h| h.class.clone()).collect();
                c.map(|c| {
                    classes
                        .get(c % classes.len().max(1))
                        .cloned()
                        .unwrap_or_else(|| class(c))
                })
                .map(|class| (v, Some(class)))
                .or(Some((ledger.member(n(m))?.clone(), None)))
            });
            let (owed, purpose) = match held {
                Some((v, Some(class))) => (
                    v.holding(&class)
                        .map_or(Decimal::ZERO, |h| h.subscribed - h.paid),
                    Purpose::Capital { class },
                ),
                Some((v, None)) => (v.dues_outstanding, Purpose::Dues),
                None => (
                    Decimal::ZERO,
                    c.map_or(Purpose::Dues, |c| Purpose::Capital { class: class(c) }),
                ),
            };
            Command::RecordPayment {
                key: format!("key-{k}").parse().unwrap(),
                member: n(m),
                purpose,
                amount: pick(a, owed),
                currency: "SEK".into(),
            }
        }
        Op::Transfer(a, b, c, s) => Command::Transfer {
            from: n(a),
            to: n(b),
            class: class(c),
            shares: s,
        },
        Op::Convert(m, a, b) => Command::Convert {
            member: n(m),
            from: class(a),
            to: class(b),
        },
        Op::Suspend(m) => Command::Suspend {
            member: n(m),
            reason: "late".into(),
        },
        Op::Reinstate(m) => Command::Reinstate { member: n(m) },
        Op::Resign(m) => Command::Resign { member: n(m) },
        Op::Exit(m, a) => Command::Exit {
            member: n(m),
            equity: Some(amount(a)),
        },
        Op::Expel(m, a) => Command::Expel {
            member: n(m),
            reason: "rules".into(),
            equity: Some(amount(a)),
        },
        Op::Schedule(m, k) => Command::ScheduleRedemption {
            member: n(m),
            instalments: k,
            every_months: 6,
            first_due: None,
        },
        Op::PayRedemption(m, a) => Command::PayRedemption {
            member: n(m),
            amount: pick(a, view(m).map_or(Decimal::ZERO, |v| v.repayable)),
        },
        Op::ChargeDues => Command::ChargeDues {
            period_start: NaiveDate::from_ymd_opt(chrono::Datelike::year(&on), 1, 1).unwrap(),
        },
        Op::Patronage(m, a) => Command::RecordPatronage {
            member: n(m),
            amount: amount(a),
        },
        Op::RecordSurplus(a) => Command::RecordSurplus {
            year: on - Days::new(366),
            amount: amount(a),
        },
        Op::Allocate(r, i) => Command::AllocateSurplus {
            year: on - Days::new(366),
            reserve_share: Decimal::new(i64::from(r), 2),
            interest_rate: Decimal::new(i64::from(i), 2),
        },
        Op::PayAllocation(m, interest, a) => Command::PayAllocation {
            member: n(m),
            what: if interest {
                Payout::Interest
            } else {
                Payout::Refund
            },
            amount: pick(
                a,
                ledger.member_balance(
                    n(m),
                    if interest {
                        Account::InterestPayable
                    } else {
                        Account::RefundsPayable
                    },
                ),
            ),
        },
        Op::Reverse(t, r, a) => Command::Reverse {
            txn: TxnId::new(t).unwrap(),
            reason: [Correction::Refund, Correction::Duplicate, Correction::Error][usize::from(r)],
            note: "correction".into(),
            amount: a.map(amount),
        },
        Op::Close(m) => Command::CloseAccounts { member: n(m) },
    }
}

/// Runs the ops; every event decided must apply.
fn build(ops: &[(Op, u64)]) -> (Ledger, Vec<Event>) {
    let mut ledger = Ledger::new();
    let mut events = ledger
        .decide(
            Command::AdoptStatutes {
                statutes: Box::new(statutes()),
            },
            d("2026-01-01"),
        )
        .unwrap();
    ledger.apply(&events[0]).unwrap();
    let mut on = d("2026-01-01");
    for (op, days) in ops {
        on = on + Days::new(*days);
        if let Ok(decided) = ledger.decide(command(op, on, &ledger), on) {
            for event in decided {
                ledger
                    .apply(&event)
                    .unwrap_or_else(|e| panic!("{event:?} decided but refused: {e}"));
                events.push(event);
            }
        }
    }
    (ledger, events)
}

fn replay(events: &[Event]) -> Ledger {
    let mut ledger = Ledger::new();
    for event in events {
        ledger.apply(event).unwrap();
    }
    ledger
}

fn ops() -> impl Strategy<Value = Vec<(Op, u64)>> {
    proptest::collection::vec(
        (
            op(),
            prop_oneof![3 => Just(0u64), 2 => 1..40u64, 1 => 100..400u64],
        ),
        1..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn the_books_balance_and_nothing_goes_below_zero(ops in ops()) {
        let (ledger, _) = build(&ops);
        prop_assert_eq!(ledger.books().imbalance(), Decimal::ZERO);
        for (account, signed) in ledger.books().balances() {
            if account.account.per_member() || matches!(account.account, Account::Reserve | Account::Surplus) {
                let normal = if account.account.normal_side() == andel_ledger::books::Side::Debit { signed } else { -signed };
                prop_assert!(normal >= Decimal::ZERO, "{} is {}", account, normal);
            }
        }
        for row in ledger.register(d("2100-01-01")).rows {
            for holding in &row.holdings {
                prop_assert!(holding.paid >= Decimal::ZERO && holding.paid <= holding.subscribed, "{:?}", holding);
            }
            // The register's capital agrees with the books.
            let books = ledger.member_balance(row.member, Account::MemberCapital)
                - ledger.member_balance(row.member, Account::SubscriptionsReceivable);
            prop_assert_eq!(row.paid_in, books, "member {}", row.member);
        }
        // A treasurer's report never shows `-0.00`: zero is read as zero on either side.
        let balances = ledger.balances(d("2100-01-01"));
        for (account, amount) in balances.accounts.iter().chain([(&Account::Cash, &balances.imbalance)]) {
            prop_assert!(!amount.to_string().starts_with("-0"), "{:?} is {}", account, amount);
        }
        for account in Account::ALL {
            let total = ledger.books().total(account);
            prop_assert!(!(total.is_zero() && total.is_sign_negative()), "{:?} total is {}", account, total);
        }
    }

    #[test]
    fn replay_equals_the_incremental_state(ops in ops()) {
        let (ledger, events) = build(&ops);
        prop_assert_eq!(&replay(&events), &ledger);
        // Events survive their JSON form.
        for event in &events {
            let json = serde_json::to_string(event).unwrap();
            prop_assert_eq!(&serde_json::from_str::<Event>(&json).unwrap(), event);
            // Every event reads as a dated sentence, never as its raw kind.
            let line = event.to_string();
            prop_assert!(line.starts_with(&format!("{}: ", event.on())), "{}", line);
            prop_assert!(!line.contains(event.kind()), "{}", line);
        }
    }

    #[test]
    fn a_snapshot_decodes_to_the_state_it_encodes(ops in ops(), cut in any::<proptest::sample::Index>()) {
        let (ledger, events) = build(&ops);
        let bytes = ledger.encode_state();
        prop_assert_eq!(&Ledger::decode_state(&bytes).unwrap(), &ledger);
        // Halfway through the events too, and the ledger goes on from there as a replay does.
        let half = events.len() / 2;
        let mut resumed = Ledger::decode_state(&replay(&events[..half]).encode_state()).unwrap();
        for event in &events[half..] {
            resumed.apply(event).unwrap();
        }
        prop_assert_eq!(&resumed, &ledger);
        // Every byte is needed: any shorter prefix is refused.
        let short = cut.index(bytes.len());
        prop_assert!(Ledger::decode_state(&bytes[..short]).is_err());
    }

    #[test]
    fn a_damaged_snapshot_never_panics(ops in ops(), flips in proptest::collection::vec((any::<proptest::sample::Index>(), 1..=255u8), 1..4)) {
        let (ledger, _) = build(&ops);
        let mut bytes = ledger.encode_state();
        for (at, mask) in flips {
            let at = at.index(bytes.len());
            bytes[at] ^= mask;
        }
        // A damaged snapshot is refused or reads as some ledger; which one, a replay
        // tells (`Stored::check_snapshot`). It never panics.
        let _ = Ledger::decode_state(&bytes);
    }

    #[test]
    fn the_register_at_a_date_is_the_state_of_the_events_up_to_it(ops in ops()) {
        let (ledger, events) = build(&ops);
        let mut dates: Vec<NaiveDate> = events.iter().map(Event::on).collect();
        dates.dedup();
        for date in dates.iter().step_by(3).chain(dates.last()) {
            let upto: Vec<Event> = events.iter().filter(|e| e.on() <= *date).cloned().collect();
            let then = replay(&upto);
            for probe in [*date, *date + Days::new(45)] {
                let later = probe > *date && events.iter().any(|e| e.on() > *date && e.on() <= probe);
                if later {
                    continue;
                }
                prop_assert_eq!(ledger.register(probe), then.register(probe));
                prop_assert_eq!(ledger.roll(probe).unwrap(), then.roll(probe).unwrap());
                prop_assert_eq!(ledger.balances(probe), then.balances(probe));
            }
        }
    }

    #[test]
    fn allocations_sum_exactly_and_the_roll_holds_each_member_once(ops in ops()) {
        let (ledger, events) = build(&ops);
        for event in &events {
            match event {
                Event::SurplusAllocated { reserve, interest, refunds, postings, .. } => {
                    let debit = postings.iter().find(|p| p.account == Account::Surplus).unwrap().amount;
                    let parts: Decimal = *reserve + interest.iter().chain(refunds).map(|s| s.amount).sum::<Decimal>();
                    prop_assert_eq!(parts, debit);
                }
                Event::RedemptionScheduled { member, instalments, .. } => {
                    let exited = events.iter().find_map(|e| match e {
                        Event::Exited { member: m, repayable, .. } if m == member => Some(*repayable),
                        _ => None,
                    });
                    prop_assert_eq!(Some(instalments.iter().map(|i| i.amount).sum::<Decimal>()), exited);
                }
                _ => {}
            }
        }
        let mut date = d("2026-01-01");
        while date < ledger.latest_date().unwrap() + Days::new(60) {
            let roll = ledger.roll(date).unwrap();
            let mut members: Vec<_> = roll.voters.iter().map(|v| v.member).collect();
            members.dedup();
            prop_assert_eq!(members.len(), roll.voters.len());
            prop_assert_eq!(roll.voters.iter().map(|v| v.weight).sum::<Decimal>(), roll.total_weight);
            for voter in &roll.voters {
                let row = ledger.register(date).rows.into_iter().find(|r| r.member == voter.member).unwrap();
                let votes = matches!(row.status, andel_ledger::Status::Member | andel_ledger::Status::Resigning { .. });
                prop_assert!(votes, "member {} is {:?}", voter.member, row.status);
            }
            date = date + Days::new(45);
        }
    }

    /// A member's archive holds the events that name them (`Event::members`): every
    /// transaction on their statement comes from one of those, and every posting to a
    /// member's account names its member among the event's.
    #[test]
    fn the_events_naming_a_member_hold_their_whole_statement(ops in ops()) {
        let (ledger, events) = build(&ops);
        for event in &events {
            let members = event.members();
            prop_assert!(members.windows(2).all(|w| w[0] < w[1]), "{:?}", members);
            if let Some((_, postings)) = event.money() {
                for member in postings.iter().filter_map(|p| p.member) {
                    prop_assert!(members.contains(&member), "{} not among {:?} of {:?}", member, members, event);
                }
            }
        }
        let as_of = ledger.latest_date().unwrap_or(d("2026-01-01"));
        for row in ledger.register(as_of).rows {
            let theirs: Vec<TxnId> = events
                .iter()
                .filter(|e| e.members().contains(&row.member))
                .filter_map(|e| e.money().map(|(txn, _)| txn))
                .collect();
            let statement = ledger.statement(row.member, as_of).unwrap();
            for line in &statement.lines {
                prop_assert!(theirs.contains(&line.txn), "{} of member {}", line.txn, row.member);
            }
        }
    }
}
