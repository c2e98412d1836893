//! Statutes, applications, admission, and membership in force.

use super::*;

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
            Command::ApplyForMembership {
                name: "Acme AB".into(),
                person: legal,
                class: "workers".parse().unwrap(),
            },
            "2026-01-10",
        )
        .then_err_matches(|e| matches!(e, DecideError::Person { .. }));
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
