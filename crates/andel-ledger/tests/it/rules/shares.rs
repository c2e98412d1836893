//! Subscriptions, transfers and conversions between classes.

use super::*;

#[test]
fn shares_and_classes() {
    // Worker shares: 1 to 10.
    given(two_members())
        .when(
            Command::Subscribe {
                member: m(1),
                class: "workers".parse().unwrap(),
                shares: 10,
            },
            "2026-02-02",
        )
        .then_err_matches(|e| matches!(e, DecideError::ShareLimit { shares: 11, .. }));
    // Workers may not also be users.
    given(two_members())
        .when(
            Command::Admit {
                member: m(1),
                class: Some("users".parse().unwrap()),
            },
            "2026-02-02",
        )
        .then_err_matches(|e| matches!(e, DecideError::NotCombinable { .. }));
    // Users may also be supporters.
    let (ledger, _) = given(two_members())
        .when(
            Command::Admit {
                member: m(2),
                class: Some("supporters".parse().unwrap()),
            },
            "2026-02-02",
        )
        .then_ok();
    assert_eq!(
        ledger.member(m(2)).unwrap().unpaid_capital(),
        dec("1000.00")
    );
}

#[test]
fn transfers_move_paid_up_shares() {
    let mut commands = two_members();
    commands.push((apply("Cy", "users"), "2026-02-02"));
    commands.push((
        Command::Subscribe {
            member: m(2),
            class: "users".parse().unwrap(),
            shares: 2,
        },
        "2026-02-02",
    ));
    let transfer = |shares| Command::Transfer {
        from: m(2),
        to: m(3),
        class: "users".parse().unwrap(),
        shares,
    };
    given(commands.clone())
        .when(transfer(2), "2026-02-03")
        .then_err_matches(|e| matches!(e, DecideError::NotFullyPaid { .. }));
    given(commands.clone())
        .when(transfer(3), "2026-02-03")
        .then_err_matches(|e| matches!(e, DecideError::ShareLimit { .. }));
    commands.push((pay("k3", 2, "users", "200"), "2026-02-03"));
    let (ledger, _) = given(commands).when(transfer(2), "2026-02-04").then_ok();
    assert_eq!(ledger.member(m(2)).unwrap().paid_capital(), dec("100.00"));
    let cy = ledger.member(m(3)).unwrap();
    assert_eq!(
        (cy.holdings[0].shares, cy.paid_capital()),
        (3, dec("200.00"))
    );
    assert_eq!(
        status(&ledger, 3),
        Status::Member,
        "the transfer paid Cy's minimum"
    );
}

#[test]
fn conversion_keeps_the_value() {
    let mut commands = two_members();
    commands.push((
        Command::Subscribe {
            member: m(2),
            class: "users".parse().unwrap(),
            shares: 3,
        },
        "2026-02-02",
    ));
    let convert = Command::Convert {
        member: m(2),
        from: "users".parse().unwrap(),
        to: "workers".parse().unwrap(),
    };
    given(commands.clone())
        .when(convert.clone(), "2026-02-03")
        .then_err_matches(|e| matches!(e, DecideError::NotFullyPaid { .. }));
    commands.push((pay("k", 2, "users", "300"), "2026-02-03"));
    given(commands.clone())
        .when(convert.clone(), "2026-02-04")
        .then_err_matches(|e| matches!(e, DecideError::ConversionNotExact { .. }));
    commands.push((
        Command::Subscribe {
            member: m(2),
            class: "users".parse().unwrap(),
            shares: 1,
        },
        "2026-02-04",
    ));
    commands.push((pay("k2", 2, "users", "100"), "2026-02-04"));
    let (ledger, _) = given(commands).when(convert, "2026-02-05").then_ok();
    let bo = ledger.member(m(2)).unwrap();
    assert_eq!(bo.holdings.len(), 1);
    assert_eq!(
        (
            bo.holdings[0].class.as_str(),
            bo.holdings[0].shares,
            bo.paid_capital()
        ),
        ("workers", 1, dec("500.00"))
    );
}
