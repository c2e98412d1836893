//! Allocating a year's surplus.

use super::*;

#[test]
fn surplus_allocation_sums_to_the_cent() {
    let mut commands = two_members();
    commands.push((
        Command::RecordPatronage {
            member: m(2),
            amount: dec("3"),
        },
        "2026-03-01",
    ));
    commands.push((
        Command::RecordPatronage {
            member: m(1),
            amount: dec("7"),
        },
        "2026-04-01",
    ));
    let mut ledger = given(commands).ledger;
    assert!(matches!(
        ledger.decide(
            Command::RecordSurplus {
                year: d("2026-05-01"),
                amount: dec("1000")
            },
            d("2026-12-31")
        ),
        Err(DecideError::Year { .. })
    ));
    run(
        &mut ledger,
        Command::RecordSurplus {
            year: d("2026-05-01"),
            amount: dec("1000.01"),
        },
        "2027-03-01",
    );
    let allocate = |reserve: &str, rate: &str| Command::AllocateSurplus {
        year: d("2026-01-01"),
        reserve_share: dec(reserve),
        interest_rate: dec(rate),
    };
    assert!(matches!(
        ledger.decide(allocate("0.29", "0.05"), d("2027-03-02")),
        Err(DecideError::Rate {
            what: "reserve share",
            ..
        })
    ));
    assert!(matches!(
        ledger.decide(allocate("0.3", "0.051"), d("2027-03-02")),
        Err(DecideError::Rate {
            what: "interest rate",
            ..
        })
    ));
    let events = run(&mut ledger, allocate("0.3", "0.05"), "2027-03-02");
    let Event::SurplusAllocated {
        reserve,
        interest,
        refunds,
        ..
    } = &events[0]
    else {
        panic!()
    };
    // 334 days held from 2026-02-01: 500 × 0.05 × 334/365 = 22.876… and 4.575…; the
    // total 27.452… rounds down to 27.45; 22.87 + 4.57 leaves a cent, which goes to
    // the larger remainder (Ada's .0067 against Bo's .0053).
    assert_eq!(*reserve, dec("300.00"));
    let amounts = |shares: &[andel_ledger::event::MemberAmount]| {
        shares
            .iter()
            .map(|s| (s.member.get(), s.amount))
            .collect::<Vec<_>>()
    };
    assert_eq!(amounts(interest), [(1, dec("22.88")), (2, dec("4.57"))]);
    // Refunds: 1000.01 − 300.00 − 27.45 = 672.56, by patronage 7 : 3 = 470.792 and
    // 201.768; the cent left over goes to Bo's larger remainder.
    assert_eq!(amounts(refunds), [(1, dec("470.79")), (2, dec("201.77"))]);
    let total: rust_decimal::Decimal = *reserve
        + interest
            .iter()
            .chain(refunds)
            .map(|s| s.amount)
            .sum::<rust_decimal::Decimal>();
    assert_eq!(total, dec("1000.01"));
    assert_eq!(ledger.books().balance(Account::Surplus, None), dec("0"));
    // The allocated surplus reads as zero, never `-0.00`, in the report and its JSON.
    let balances = ledger.balances(d("2027-12-31"));
    assert_eq!(balances.accounts[&Account::Surplus].to_string(), "0.00");
    assert_eq!(
        serde_json::to_value(&balances).unwrap()["accounts"]["surplus"],
        "0.00"
    );
    assert!(matches!(
        ledger.decide(allocate("0.3", "0.05"), d("2027-03-03")),
        Err(DecideError::Year { .. })
    ));
    run(
        &mut ledger,
        Command::PayAllocation {
            member: m(1),
            what: Payout::Refund,
            amount: dec("470.79"),
        },
        "2027-03-04",
    );
    assert!(matches!(
        ledger.decide(
            Command::PayAllocation {
                member: m(1),
                what: Payout::Refund,
                amount: dec("0.01")
            },
            d("2027-03-05")
        ),
        Err(DecideError::Overpayment { .. })
    ));
}
