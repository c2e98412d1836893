//! One given/when/then test per rule, including the sign errors other ledgers shipped.

use andel_ledger::{
    Account, ApplyError, Command, Correction, DecideError, Event, Ledger, MoneyError, Payout,
    Person, PostingError, Purpose, Status, Statutes, StatutesError, TxnId,
};

use crate::support::{apply, d, dec, given, m, pay, run, statutes, two_members};

/// Member `n`'s status on the ledger's latest date.
fn status(ledger: &Ledger, n: u32) -> Status {
    ledger
        .member(m(n))
        .unwrap()
        .status_on(ledger.latest_date().unwrap())
}

fn t(n: u64) -> TxnId {
    TxnId::new(n).unwrap()
}

#[test]
fn statutes_are_checked() {
    let check = |from: &str, to: &str| {
        Statutes::from_toml(&crate::support::STATUTES.replacen(from, to, 1)).unwrap_err()
    };
    assert!(matches!(
        check("weight = \"20\"", "weight = \"25\""),
        StatutesError::WeightsSum { .. }
    ));
    assert!(matches!(
        check("nominal = \"500.00\"", "nominal = 500.0"),
        StatutesError::Syntax { .. }
    ));
    assert!(matches!(
        check("nominal = \"500.00\"", "nominal = \"500.001\""),
        StatutesError::Nominal { .. }
    ));
    assert!(matches!(
        check("min_shares = 1", "min_shares = 0"),
        StatutesError::MinShares { .. }
    ));
    assert!(matches!(
        check("max_shares = 10", "max_shares = 0"),
        StatutesError::MaxBelowMin { .. }
    ));
    assert!(matches!(
        check("interest_cap = \"0.05\"", "interest_cap = \"5\""),
        StatutesError::Fraction { .. }
    ));
    assert!(matches!(
        check("class = \"users\", weight", "class = \"staff\", weight"),
        StatutesError::UnknownClass { .. }
    ));
    assert!(matches!(
        check("cap = \"50\"", "cap = \"30\""),
        StatutesError::CollegeCap { .. }
    ));
    assert!(matches!(
        check("id = \"users\"", "id = \"workers\""),
        StatutesError::DuplicateClass { .. }
    ));
    let float = check("nominal = \"500.00\"", "nominal = 500.0").to_string();
    assert!(
        float.contains("floating point cannot hold amounts exactly"),
        "{float}"
    );
    let typo = check("grace_days = 30", "grace_dayz = 30");
    assert!(typo.to_string().contains("grace_dayz"), "{typo}");
}

#[test]
fn nothing_before_the_statutes() {
    let ledger = Ledger::new();
    assert_eq!(
        ledger.decide(apply("Ada", "users"), d("2026-01-01")),
        Err(DecideError::NoStatutes)
    );
    let mut ledger = given([]).ledger;
    let again = Command::AdoptStatutes {
        statutes: Box::new(statutes()),
    };
    assert_eq!(
        ledger.decide(again, d("2026-01-02")),
        Err(DecideError::StatutesAgain)
    );
    let event = Event::Reinstated {
        on: d("2026-01-02"),
        member: m(1),
    };
    assert!(matches!(
        Ledger::new().apply(&event),
        Err(ApplyError::NoStatutes)
    ));
    assert!(matches!(
        ledger.apply(&event),
        Err(ApplyError::Member { .. })
    ));
}

#[test]
fn the_register_is_kept_in_date_order() {
    given(two_members())
        .when(apply("Cy", "users"), "2026-01-31")
        .then_err(DecideError::BackDated {
            on: d("2026-01-31"),
            latest: d("2026-02-01"),
        });
}

#[test]
fn membership_is_effective_when_the_class_minimum_is_paid() {
    let mut ledger = given([(apply("Bo", "users"), "2026-01-20")]).ledger;
    assert_eq!(status(&ledger, 1), Status::Admitted);
    run(&mut ledger, pay("k1", 1, "users", "60"), "2026-01-25");
    assert_eq!(status(&ledger, 1), Status::Admitted);
    run(&mut ledger, pay("k2", 1, "users", "40"), "2026-02-03");
    let bo = ledger.member(m(1)).unwrap();
    assert_eq!(status(&ledger, 1), Status::Member);
    assert_eq!(bo.effective_since, Some(d("2026-02-03")));
    // The register answers for any date.
    assert_eq!(
        ledger.register(d("2026-02-02")).rows[0].status,
        Status::Admitted
    );
    assert_eq!(
        ledger.register(d("2026-02-03")).rows[0].paid_in,
        dec("100.00")
    );
    assert!(ledger.register(d("2026-01-19")).rows.is_empty());
}

#[test]
fn the_board_admits_or_refuses() {
    let (ledger, _) = given([(apply("Ada", "workers"), "2026-01-10")])
        .when(
            Command::Refuse {
                member: m(1),
                reason: "not employed here".into(),
            },
            "2026-01-12",
        )
        .then_ok();
    assert_eq!(status(&ledger, 1), Status::Refused);
    let events = ledger.decide(
        Command::Admit {
            member: m(1),
            class: None,
        },
        d("2026-01-13"),
    );
    assert!(matches!(
        events,
        Err(DecideError::Status {
            status: "refused",
            ..
        })
    ));
    // Member numbers are never reused: the next applicant is number 2.
    assert_eq!(ledger.next_member(), m(2));
}

#[test]
fn a_class_for_people_refuses_organisations() {
    let legal = Person::Legal {
        representative: "Eva".into(),
    };
    given([])
        .when(
            Command::Apply {
                name: "Acme AB".into(),
                person: legal,
                class: "workers".parse().unwrap(),
            },
            "2026-01-10",
        )
        .then_err_matches(|e| matches!(e, DecideError::Person { .. }));
}

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
        && p.side == andel_ledger::Side::Credit
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

#[test]
fn resignation_takes_effect_at_a_year_end() {
    let s = statutes();
    assert_eq!(
        andel_ledger::exit_date(&s, d("2026-11-30")),
        d("2026-12-31")
    );
    assert_eq!(
        andel_ledger::exit_date(&s, d("2026-12-01")),
        d("2027-12-31")
    );
    let mut ledger = given(two_members()).ledger;
    run(&mut ledger, Command::Resign { member: m(2) }, "2026-06-01");
    assert_eq!(
        status(&ledger, 2),
        Status::Resigning {
            exit_on: d("2026-12-31")
        }
    );
    assert_eq!(
        ledger.decide(
            Command::Exit {
                member: m(2),
                equity: Some(dec("1000"))
            },
            d("2026-12-30")
        ),
        Err(DecideError::ExitNotDue {
            member: m(2),
            exit_on: d("2026-12-31")
        })
    );
    assert_eq!(
        ledger.decide(
            Command::Exit {
                member: m(2),
                equity: None
            },
            d("2026-12-31")
        ),
        Err(DecideError::EquityRequired)
    );
}

#[test]
fn repayment_is_capped_by_the_members_share_of_equity() {
    let mut ledger = given(two_members()).ledger;
    run(&mut ledger, Command::Resign { member: m(1) }, "2026-06-01");
    // Equity 540 against paid-in capital 600: Ada's share is 500 × 540 / 600 = 450.
    let events = run(
        &mut ledger,
        Command::Exit {
            member: m(1),
            equity: Some(dec("540")),
        },
        "2026-12-31",
    );
    let Event::Exited {
        repayable,
        forfeited,
        cancelled,
        ..
    } = &events[0]
    else {
        panic!()
    };
    assert_eq!(
        (*repayable, *forfeited, *cancelled),
        (dec("450.00"), dec("50.00"), dec("0"))
    );
    assert_eq!(ledger.books().balance(Account::Reserve, None), dec("50.00"));
    // A member through the exit date, gone the day after.
    assert_eq!(
        status(&ledger, 1),
        Status::Resigning {
            exit_on: d("2026-12-31")
        }
    );
    assert_eq!(
        ledger.register(d("2027-01-01")).rows[0].status,
        Status::Exited {
            on: d("2026-12-31")
        }
    );
    assert_eq!(
        ledger.register(d("2026-12-30")).rows[0].status,
        Status::Resigning {
            exit_on: d("2026-12-31")
        }
    );

    // Instalments: never before exit + 6 months; they sum to the cent.
    let schedule = |first| Command::ScheduleRedemption {
        member: m(1),
        instalments: 3,
        every_months: 12,
        first_due: Some(d(first)),
    };
    assert_eq!(
        ledger.decide(schedule("2027-06-29"), d("2027-01-02")),
        Err(DecideError::RedemptionTooEarly {
            earliest: d("2027-06-30")
        })
    );
    let events = run(&mut ledger, schedule("2027-06-30"), "2027-01-02");
    let Event::RedemptionScheduled { instalments, .. } = &events[0] else {
        panic!()
    };
    let amounts: Vec<_> = instalments.iter().map(|i| i.amount).collect();
    assert_eq!(amounts, [dec("150.00"); 3]);
    let pay_back = |amount: &str| Command::PayRedemption {
        member: m(1),
        amount: dec(amount),
    };
    assert!(matches!(
        ledger.decide(pay_back("1"), d("2027-06-29")),
        Err(DecideError::Overpayment { .. })
    ));
    run(&mut ledger, pay_back("150"), "2027-06-30");
    assert!(matches!(
        ledger.decide(pay_back("0.01"), d("2027-07-01")),
        Err(DecideError::Overpayment { .. })
    ));
    run(&mut ledger, pay_back("300"), "2029-07-01");
    assert!(ledger.books().member_settled(m(1)));
    run(
        &mut ledger,
        Command::CloseAccounts { member: m(1) },
        "2029-07-02",
    );
    // Nothing more may be posted to a closed account, not even a correction.
    let late = ledger.decide(
        Command::Reverse {
            txn: t(7),
            reason: Correction::Error,
            note: "bounced".into(),
            amount: None,
        },
        d("2029-07-03"),
    );
    assert!(
        matches!(late, Err(DecideError::Books(PostingError::Closed { .. }))),
        "{late:?}"
    );
}

#[test]
fn closing_needs_settled_accounts() {
    let mut ledger = given(two_members()).ledger;
    run(
        &mut ledger,
        Command::Expel {
            member: m(2),
            reason: "fraud".into(),
            equity: Some(dec("10000")),
        },
        "2026-03-01",
    );
    assert_eq!(
        ledger.member_balance(m(2), Account::RedemptionsPayable),
        dec("100.00")
    );
    assert!(matches!(
        ledger.decide(Command::CloseAccounts { member: m(2) }, d("2026-03-02")),
        Err(DecideError::Redemption { .. })
    ));
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
fn suspension_and_membership_age_keep_members_off_the_roll() {
    let mut ledger = given(two_members()).ledger;
    let voters = |ledger: &Ledger, date| ledger.roll(d(date)).unwrap().voters.len();
    assert_eq!(voters(&ledger, "2026-03-02"), 0, "29 days after 2026-02-01");
    assert_eq!(voters(&ledger, "2026-03-03"), 2);
    run(
        &mut ledger,
        Command::Suspend {
            member: m(2),
            reason: "unpaid invoices".into(),
        },
        "2026-04-01",
    );
    assert_eq!(voters(&ledger, "2026-04-01"), 1);
    run(
        &mut ledger,
        Command::Reinstate { member: m(2) },
        "2026-05-01",
    );
    assert_eq!(voters(&ledger, "2026-05-01"), 2);
}

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
    let amounts = |shares: &[andel_ledger::MemberAmount]| {
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

#[test]
fn an_exit_takes_effect_on_its_date_even_when_recorded_later() {
    let mut commands = two_members();
    commands.push((Command::Resign { member: m(1) }, "2026-06-01"));
    commands.push((
        Command::RecordPatronage {
            member: m(2),
            amount: dec("1"),
        },
        "2026-06-02",
    ));
    let mut ledger = given(commands).ledger;
    // Ada is a member through 31 December and gone from 1 January, before anyone
    // records the exit: the register and the roll follow the date.
    let ada = |ledger: &Ledger, date: &str| ledger.register(d(date)).rows[0].status.clone();
    assert_eq!(
        ada(&ledger, "2026-12-31"),
        Status::Resigning {
            exit_on: d("2026-12-31")
        }
    );
    assert_eq!(
        ada(&ledger, "2027-01-01"),
        Status::Exited {
            on: d("2026-12-31")
        }
    );
    assert!(
        ledger
            .roll(d("2027-01-01"))
            .unwrap()
            .voters
            .iter()
            .all(|v| v.member != m(1))
    );
    // The surplus of 2026 gives Ada interest through 31 December: 500 × 0.05 × 334/365.
    run(
        &mut ledger,
        Command::RecordSurplus {
            year: d("2026-01-01"),
            amount: dec("100"),
        },
        "2027-04-01",
    );
    let events = run(
        &mut ledger,
        Command::AllocateSurplus {
            year: d("2026-01-01"),
            reserve_share: dec("0.3"),
            interest_rate: dec("0.05"),
        },
        "2027-04-02",
    );
    let Event::SurplusAllocated { interest, .. } = &events[0] else {
        panic!()
    };
    assert_eq!(
        (interest[0].member, interest[0].amount),
        (m(1), dec("22.88"))
    );
    // A newcomer pays in before the exit is recorded; the cap still uses all members'
    // capital on the exit date: 600, so Ada's share of an equity of 300 is 250.
    run(&mut ledger, apply("Cy", "users"), "2027-05-01");
    run(&mut ledger, pay("p3", 3, "users", "100"), "2027-05-01");
    // The exit is settled in May, once the accounts give the equity; repayment may
    // start six months after the exit date, not after the recording.
    let events = run(
        &mut ledger,
        Command::Exit {
            member: m(1),
            equity: Some(dec("300")),
        },
        "2027-05-20",
    );
    let Event::Exited {
        effective,
        repayable,
        forfeited,
        ..
    } = &events[0]
    else {
        panic!()
    };
    assert_eq!((*repayable, *forfeited), (dec("250.00"), dec("250.00")));
    assert_eq!(*effective, d("2026-12-31"));
    assert_eq!(
        ada(&ledger, "2027-05-20"),
        Status::Exited {
            on: d("2026-12-31")
        }
    );
    let schedule = Command::ScheduleRedemption {
        member: m(1),
        instalments: 1,
        every_months: 12,
        first_due: None,
    };
    let events = run(&mut ledger, schedule, "2027-05-21");
    let Event::RedemptionScheduled { instalments, .. } = &events[0] else {
        panic!()
    };
    assert_eq!(instalments[0].due_on, d("2027-06-30"));
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
fn accounts_do_not_close_before_a_surplus_is_allocated() {
    let mut ledger = given(two_members()).ledger;
    run(
        &mut ledger,
        Command::Expel {
            member: m(2),
            reason: "fraud".into(),
            equity: Some(dec("10000")),
        },
        "2026-03-01",
    );
    let schedule = Command::ScheduleRedemption {
        member: m(2),
        instalments: 1,
        every_months: 12,
        first_due: None,
    };
    run(&mut ledger, schedule, "2026-03-01");
    run(
        &mut ledger,
        Command::PayRedemption {
            member: m(2),
            amount: dec("100"),
        },
        "2026-09-01",
    );
    run(
        &mut ledger,
        Command::RecordSurplus {
            year: d("2026-01-01"),
            amount: dec("10"),
        },
        "2027-03-01",
    );
    assert!(matches!(
        ledger.decide(Command::CloseAccounts { member: m(2) }, d("2027-03-02")),
        Err(DecideError::Year { .. })
    ));
    run(
        &mut ledger,
        Command::AllocateSurplus {
            year: d("2026-01-01"),
            reserve_share: dec("1"),
            interest_rate: dec("0"),
        },
        "2027-03-02",
    );
    run(
        &mut ledger,
        Command::CloseAccounts { member: m(2) },
        "2027-03-02",
    );
}
