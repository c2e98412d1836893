//! The voting roll: colleges, caps, representatives.

use andel_ledger::{Command, event::Person, query::ROLL_SCALE};
use rust_decimal::Decimal;

use crate::support::{apply, d, dec, given, m, pay, run, two_members};

#[test]
fn college_weights_are_shared_exactly() {
    let mut commands = two_members();
    commands.push((apply("Cy", "workers"), "2026-02-02"));
    commands.push((
        Command::Admit {
            member: m(3),
            class: None,
        },
        "2026-02-02",
    ));
    commands.push((pay("k3", 3, "workers", "500"), "2026-02-02"));
    commands.push((apply("Di", "workers"), "2026-02-02"));
    commands.push((
        Command::Admit {
            member: m(4),
            class: None,
        },
        "2026-02-02",
    ));
    commands.push((pay("k4", 4, "workers", "500"), "2026-02-02"));
    let mut ledger = given(commands).ledger;
    // Workers and users present, supporters empty: the supporters' 20 goes 10/10,
    // each college stays under its cap of 50.
    let roll = ledger.roll(d("2026-06-01")).unwrap();
    assert_eq!(roll.rule, "colleges");
    assert_eq!(roll.total_weight, Decimal::ONE_HUNDRED);
    let weights: Vec<_> = roll
        .voters
        .iter()
        .map(|v| (v.member.get(), v.weight))
        .collect();
    let third = dec("16.666666666667"); // 50 / 3 at 12 decimals, largest remainder first
    assert_eq!(weights[0], (1, third));
    assert_eq!(weights[1], (2, dec("50")));
    assert_eq!(weights[2].1 + weights[3].1, dec("33.333333333333"));
    assert_eq!(
        roll.voters.iter().map(|v| v.weight).sum::<Decimal>(),
        Decimal::ONE_HUNDRED
    );
    assert!(roll.voters.iter().all(|v| v.weight.scale() <= ROLL_SCALE));

    let before = roll.clone();
    // A legal person joins the supporters through its representative.
    let legal = Person::Legal {
        representative: "Eva Berg".into(),
    };
    run(
        &mut ledger,
        Command::ApplyForMembership {
            name: "Acme AB".into(),
            person: legal,
            class: "supporters".parse().unwrap(),
        },
        "2026-06-02",
    );
    run(
        &mut ledger,
        Command::Admit {
            member: m(5),
            class: None,
        },
        "2026-06-02",
    );
    run(
        &mut ledger,
        pay("k5", 5, "supporters", "1000"),
        "2026-06-02",
    );
    let roll = ledger.roll(d("2026-08-01")).unwrap();
    let acme = roll.voters.iter().find(|v| v.member == m(5)).unwrap();
    assert_eq!(
        (acme.weight, acme.representative.as_deref()),
        (dec("20"), Some("Eva Berg"))
    );
    let workers: Decimal = roll
        .voters
        .iter()
        .filter(|v| v.college.as_ref().map(|c| c.as_str()) == Some("workers"))
        .map(|v| v.weight)
        .sum();
    assert_eq!(workers, dec("40"));
    // The earlier roll is unchanged.
    assert_eq!(ledger.roll(d("2026-06-01")).unwrap(), before);
}

#[test]
fn a_lone_college_is_held_to_its_cap() {
    // Only users: their 40 would grow to 100, but the cap holds it at 50.
    let ledger = given([
        (apply("Bo", "users"), "2026-01-20"),
        (pay("p", 1, "users", "100"), "2026-01-21"),
    ])
    .ledger;
    let roll = ledger.roll(d("2026-06-01")).unwrap();
    assert_eq!(roll.total_weight, dec("50"));
    assert_eq!(roll.voters[0].weight, dec("50"));
}

#[test]
fn one_member_one_vote_by_default() {
    let text = crate::support::STATUTES;
    let (head, rest) = text.split_once("[voting]").unwrap();
    let classes = &rest[rest.find("[[classes]]").unwrap()..];
    let text = format!("{head}[voting]\nrule = \"one-member-one-vote\"\n\n{classes}");
    let statutes = andel_ledger::Statutes::from_toml(&text).unwrap();
    let mut ledger = andel_ledger::Ledger::new();
    run(
        &mut ledger,
        Command::AdoptStatutes {
            statutes: Box::new(statutes),
        },
        "2026-01-01",
    );
    for (command, on) in two_members() {
        run(&mut ledger, command, on);
    }
    let roll = ledger.roll(d("2026-06-01")).unwrap();
    assert_eq!(roll.rule, "one-member-one-vote");
    assert_eq!(roll.total_weight, dec("2"));
    assert!(
        roll.voters
            .iter()
            .all(|v| v.weight == Decimal::ONE && v.college.is_none())
    );
}
