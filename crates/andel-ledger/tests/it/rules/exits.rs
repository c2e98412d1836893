//! Resignation, exit, repayment and closing.

use super::*;

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
    // A payment says the account is closed, not that it exceeds unpaid capital of 0.
    let paid = ledger
        .decide(pay("after-close", 1, "workers", "10"), d("2029-07-03"))
        .unwrap_err();
    assert_eq!(
        paid.to_string(),
        "member 1 is closed, so they cannot pay into accounts that are closed"
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

#[test]
fn notice_is_given_once_whatever_the_status_shows() {
    let mut ledger = given(two_members()).ledger;
    // Member 3 is admitted with capital unpaid: their status stays `admitted` after
    // notice, and a second notice is refused all the same.
    run(&mut ledger, apply("Cy", "workers"), "2026-05-01");
    let admit = Command::Admit {
        member: m(3),
        class: None,
    };
    run(&mut ledger, admit, "2026-05-02");
    run(&mut ledger, Command::Resign { member: m(3) }, "2026-06-01");
    assert_eq!(status(&ledger, 3), Status::Admitted);
    assert!(matches!(
        ledger.decide(Command::Resign { member: m(3) }, d("2026-07-01")),
        Err(DecideError::NoticeGiven { .. })
    ));
    // Member 2 is resigning: the answer names the first notice, not only the status.
    run(&mut ledger, Command::Resign { member: m(2) }, "2026-06-01");
    let again = ledger.decide(Command::Resign { member: m(2) }, d("2026-07-01"));
    assert_eq!(
        again,
        Err(DecideError::NoticeGiven {
            member: m(2),
            given: d("2026-06-01"),
            exit_on: d("2026-12-31")
        })
    );
    assert_eq!(
        again.unwrap_err().to_string(),
        "member 2 already gave notice on 2026-06-01; their exit takes effect on 2026-12-31"
    );
}
