//! Payments, dues and corrections, including the sign errors other ledgers shipped.

use super::*;

#[test]
fn a_payment_in_the_wrong_currency_is_refused() {
    let mut wrong = pay("k", 2, "users", "100");
    if let Command::RecordPayment { currency, .. } = &mut wrong {
        *currency = "EUR".into();
    }
    given(two_members())
        .when(wrong, "2026-02-02")
        .then_err(DecideError::WrongCurrency {
            given: "EUR".into(),
            expected: "SEK".into(),
        });
}

#[test]
fn an_amount_with_more_decimals_than_the_currency_is_refused() {
    given([(apply("Bo", "users"), "2026-01-20")])
        .when(pay("k", 1, "users", "10.005"), "2026-01-21")
        .then_err_matches(|e| {
            matches!(
                e,
                DecideError::Amount {
                    source: MoneyError::TooPrecise { .. },
                    ..
                }
            )
        });
    given([(apply("Bo", "users"), "2026-01-20")])
        .when(pay("k", 1, "users", "-10"), "2026-01-21")
        .then_err_matches(|e| {
            matches!(
                e,
                DecideError::Amount {
                    source: MoneyError::NotPositive { .. },
                    ..
                }
            )
        });
}

#[test]
fn a_payment_larger_than_what_is_owed_is_refused() {
    given([(apply("Bo", "users"), "2026-01-20")])
        .when(pay("k", 1, "users", "100.01"), "2026-01-21")
        .then_err(DecideError::Overpayment {
            member: m(1),
            what: "unpaid capital",
            amount: dec("100.01"),
            limit: dec("100.00"),
        });
}

#[test]
fn a_retried_payment_posts_nothing() {
    let mut ledger = given([(apply("Bo", "users"), "2026-01-20")]).ledger;
    assert_eq!(
        run(&mut ledger, pay("bank-1", 1, "users", "50"), "2026-01-21").len(),
        1
    );
    assert!(run(&mut ledger, pay("bank-1", 1, "users", "50"), "2026-01-22").is_empty());
    run(&mut ledger, apply("Cy", "users"), "2026-01-25");
    // Retried with its original date after later entries: still nothing, not a refusal.
    assert!(run(&mut ledger, pay("bank-1", 1, "users", "50"), "2026-01-21").is_empty());
    assert_eq!(ledger.member(m(1)).unwrap().paid_capital(), dec("50.00"));
    let reused = ledger.decide(pay("bank-1", 1, "users", "40"), d("2026-01-22"));
    assert!(matches!(reused, Err(DecideError::PaymentKeyReused { .. })));
}

#[test]
fn a_refund_larger_than_the_payment_is_refused() {
    // Txn 1: subscription; txn 2: the payment of 100.
    let refund = |amount: &str| Command::Reverse {
        txn: t(2),
        reason: Correction::Refund,
        note: "paid twice by the bank".into(),
        amount: Some(dec(amount)),
    };
    let base = || {
        [
            (apply("Bo", "users"), "2026-01-20"),
            (pay("k", 1, "users", "100"), "2026-01-21"),
        ]
    };
    given(base()).when(refund("100.01"), "2026-01-22").then_err(
        DecideError::RefundExceedsPayment {
            txn: t(2),
            amount: dec("100.01"),
            refundable: dec("100.00"),
        },
    );
    let (mut ledger, events) = given(base()).when(refund("30"), "2026-01-22").then_ok();
    let Event::Reversed { postings, .. } = &events[0] else {
        panic!("{events:?}")
    };
    // The refund takes money out of cash and puts the capital back as owed.
    assert!(postings.iter().any(|p| p.account == Account::Cash
        && p.side == andel_ledger::books::Side::Credit
        && p.amount == dec("30.00")));
    assert_eq!(ledger.member(m(1)).unwrap().paid_capital(), dec("70.00"));
    assert_eq!(
        status(&ledger, 1),
        Status::Admitted,
        "below the minimum again"
    );
    assert!(matches!(
        ledger.decide(refund("70.01"), d("2026-01-23")),
        Err(DecideError::RefundExceedsPayment { .. })
    ));
    run(
        &mut ledger,
        Command::Reverse {
            txn: t(2),
            reason: Correction::Refund,
            note: "rest".into(),
            amount: None,
        },
        "2026-01-23",
    );
    assert_eq!(ledger.member(m(1)).unwrap().paid_capital(), dec("0.00"));
    assert_eq!(
        ledger.decide(refund("1"), d("2026-01-24")),
        Err(DecideError::AlreadyReversed { txn: t(2) })
    );
    assert_eq!(ledger.books().imbalance(), dec("0"));
}

#[test]
fn a_reversal_cannot_be_reversed() {
    given([
        (apply("Bo", "users"), "2026-01-20"),
        (pay("k", 1, "users", "100"), "2026-01-21"),
        (
            Command::Reverse {
                txn: t(2),
                reason: Correction::Duplicate,
                note: "twice".into(),
                amount: None,
            },
            "2026-01-22",
        ),
    ])
    .when(
        Command::Reverse {
            txn: t(3),
            reason: Correction::Error,
            note: "undo".into(),
            amount: None,
        },
        "2026-01-23",
    )
    .then_err(DecideError::ReversalOfReversal { txn: t(3) });
}

#[test]
fn only_payments_are_refunded_or_reversed_in_part() {
    let base = || [(apply("Bo", "users"), "2026-01-20")];
    given(base())
        .when(
            Command::Reverse {
                txn: t(1),
                reason: Correction::Refund,
                note: "x".into(),
                amount: None,
            },
            "2026-01-21",
        )
        .then_err_matches(|e| {
            matches!(
                e,
                DecideError::NotReversible {
                    kind: "share subscription",
                    ..
                }
            )
        });
    given(base())
        .when(
            Command::Reverse {
                txn: t(1),
                reason: Correction::Error,
                note: "x".into(),
                amount: Some(dec("1")),
            },
            "2026-01-21",
        )
        .then_err_matches(|e| matches!(e, DecideError::NotReversible { .. }));
    // A paid subscription cannot be cancelled before its payment is refunded.
    given([
        (apply("Bo", "users"), "2026-01-20"),
        (pay("k", 1, "users", "100"), "2026-01-21"),
    ])
    .when(
        Command::Reverse {
            txn: t(1),
            reason: Correction::Error,
            note: "x".into(),
            amount: None,
        },
        "2026-01-22",
    )
    .then_err_matches(|e| matches!(e, DecideError::Redemption { .. }));
    given([])
        .when(
            Command::Reverse {
                txn: t(9),
                reason: Correction::Error,
                note: "x".into(),
                amount: None,
            },
            "2026-01-22",
        )
        .then_err(DecideError::UnknownTxn { txn: t(9) });
}

#[test]
fn postings_that_do_not_balance_are_refused_on_apply() {
    let mut ledger = given([(apply("Bo", "users"), "2026-01-20")]).ledger;
    let mut events = ledger
        .decide(pay("k", 1, "users", "100"), d("2026-01-21"))
        .unwrap();
    if let Event::PaymentRecorded { postings, .. } = &mut events[0] {
        postings[0].amount = dec("90.00");
    }
    assert!(matches!(
        ledger.apply(&events[0]),
        Err(ApplyError::Postings {
            source: PostingError::Unbalanced { .. },
            ..
        })
    ));
}

#[test]
fn dues_cost_good_standing_after_the_grace_days() {
    let mut ledger = given(two_members()).ledger;
    let charged = run(
        &mut ledger,
        Command::ChargeDues {
            period_start: d("2026-01-01"),
        },
        "2026-03-01",
    );
    assert_eq!(charged.len(), 1, "only workers pay dues");
    assert!(
        run(
            &mut ledger,
            Command::ChargeDues {
                period_start: d("2026-01-01")
            },
            "2026-03-02"
        )
        .is_empty()
    );
    let on_roll = |ledger: &Ledger, date| {
        ledger
            .roll(d(date))
            .unwrap()
            .voters
            .iter()
            .any(|v| v.member == m(1))
    };
    assert!(on_roll(&ledger, "2026-03-31"), "within grace");
    assert!(!on_roll(&ledger, "2026-04-01"), "overdue");
    let dues = Command::RecordPayment {
        key: "d1".parse().unwrap(),
        member: m(1),
        purpose: Purpose::Dues,
        amount: dec("100"),
        currency: "SEK".into(),
    };
    run(&mut ledger, dues, "2026-04-02");
    assert!(on_roll(&ledger, "2026-04-02"));
    assert!(!on_roll(&ledger, "2026-04-01"), "the past does not change");
}

#[test]
fn charging_dues_with_nobody_to_charge_says_so() {
    // Workers pay yearly dues; before anyone is admitted, nobody holds a class with dues.
    let ledger = given([(apply("Ada", "workers"), "2026-01-10")]).ledger;
    assert_eq!(
        ledger.decide(
            Command::ChargeDues {
                period_start: d("2026-01-01")
            },
            d("2026-01-11")
        ),
        Err(DecideError::NobodyOwesDues {
            period_start: d("2026-01-01"),
            on: d("2026-01-11"),
        })
    );
    // Once charged, charging again is a no-op, not an error.
    let mut ledger = given(two_members()).ledger;
    let charge = || Command::ChargeDues {
        period_start: d("2026-01-01"),
    };
    assert_eq!(run(&mut ledger, charge(), "2026-03-01").len(), 1);
    assert!(run(&mut ledger, charge(), "2026-03-02").is_empty());
}

#[test]
fn dues_are_charged_at_the_start_of_their_period() {
    let mut ledger = given(two_members()).ledger;
    // Worker dues are yearly, and the financial year starts on 1 January.
    assert_eq!(
        ledger.decide(
            Command::ChargeDues {
                period_start: d("2026-03-01")
            },
            d("2026-03-01")
        ),
        Err(DecideError::NotAPeriodStart {
            date: d("2026-03-01")
        })
    );
    let events = run(
        &mut ledger,
        Command::ChargeDues {
            period_start: d("2026-01-01"),
        },
        "2026-03-01",
    );
    let Event::DuesCharged {
        due_on,
        grace_until,
        ..
    } = &events[0]
    else {
        panic!()
    };
    // Charged late: due on the day charged, with the grace days after it.
    assert_eq!((*due_on, *grace_until), (d("2026-03-01"), d("2026-03-31")));
}

#[test]
fn a_statement_runs_to_its_date_and_names_transactions_as_the_text_does() {
    let mut ledger = given(two_members()).ledger;
    run(
        &mut ledger,
        Command::ChargeDues {
            period_start: d("2026-01-01"),
        },
        "2026-03-01",
    );
    let early = ledger.statement(m(1), d("2026-01-31")).unwrap();
    assert_eq!(early.as_of, d("2026-01-31"));
    assert_eq!(early.lines.len(), 1, "the subscription only: {early:?}");
    assert_eq!(
        early.balances[&Account::SubscriptionsReceivable],
        dec("500")
    );
    let later = ledger.statement(m(1), d("2026-12-31")).unwrap();
    assert_eq!(later.lines.len(), 3, "subscription, payment, dues");
    assert!(
        !later
            .balances
            .contains_key(&Account::SubscriptionsReceivable)
    );
    let json = serde_json::to_value(&later).unwrap();
    assert_eq!(json["lines"][0]["txn"], "T1");
    assert_eq!(
        serde_json::from_value::<andel_ledger::query::Statement>(json).unwrap(),
        later
    );
    assert!(ledger.statement(m(9), d("2026-12-31")).is_none());
}
