//! The ledger's voting roll is the decisions crate's electorate, through plain JSON: the
//! two crates share no types.

use andel::decisions::{
    Choice, Electorate, Kind, Proposal, ProposalCommand, Reasons, Spec,
    rules::{Basis, Fraction, Quorum, Threshold, Verdict},
};
use andel::ledger::{
    Command as LedgerCommand, Ledger, MemberNumber, Statutes,
    event::{Person, Purpose},
};

const STATUTES: &str = r#"
name = "Fyrklövern"
currency = { code = "SEK", scale = 2 }
[voting]
rule = "colleges"
colleges = [{ class = "workers", weight = "60" }, { class = "users", weight = "40" }]
[[classes]]
id = "workers"
name = "Workers"
nominal = "500.00"
min_shares = 1
admission = "automatic"
[[classes]]
id = "users"
name = "Users"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

#[test]
fn the_ledgers_roll_is_a_weighted_electorate() {
    let mut ledger = Ledger::new();
    let run = |ledger: &mut Ledger, command, on: &str| {
        for event in ledger.decide(command, on.parse().unwrap()).unwrap() {
            ledger.apply(&event).unwrap();
        }
    };
    run(
        &mut ledger,
        LedgerCommand::AdoptStatutes {
            statutes: Box::new(Statutes::from_toml(STATUTES).unwrap()),
        },
        "2027-01-01",
    );
    for (name, class, amount) in [
        ("Ada", "workers", "500"),
        ("Bo", "users", "100"),
        ("Cy", "users", "100"),
    ] {
        let member: MemberNumber = ledger.next_member();
        run(
            &mut ledger,
            LedgerCommand::ApplyForMembership {
                name: name.into(),
                person: Person::Natural,
                class: class.parse().unwrap(),
            },
            "2027-01-10",
        );
        run(
            &mut ledger,
            LedgerCommand::RecordPayment {
                key: format!("pay-{name}").parse().unwrap(),
                member,
                purpose: Purpose::Capital {
                    class: class.parse().unwrap(),
                },
                amount: amount.parse().unwrap(),
                currency: "SEK".into(),
            },
            "2027-01-10",
        );
    }
    let roll = serde_json::to_string(&ledger.roll("2027-05-01".parse().unwrap()).unwrap()).unwrap();
    let electorate = Electorate::from_roll_json(&roll).unwrap();
    assert_eq!(electorate.len(), 3);
    assert_eq!(electorate.total_weight(), "100".parse().unwrap());
    assert_eq!(
        electorate.weight_of(&"1".parse().unwrap()),
        Some("60".parse().unwrap())
    );

    // Weighted by college, Ada alone (60 %) carries a simple majority against Bo and Cy.
    let t = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
    let spec = Spec {
        title: "Open a second shop".into(),
        body: String::new(),
        author: "1".parse().unwrap(),
        kind: Kind::Motion {
            threshold: Threshold::SIMPLE_MAJORITY,
        },
        opens_at: t("2027-05-01T09:00:00Z"),
        closes_at: t("2027-05-08T09:00:00Z"),
        quorum: Some(Quorum {
            share: Fraction::HALF,
            basis: Basis::Weight,
            per_college: false,
        }),
        vote_changes: false,
        reasons: Reasons::Optional,
        tags: Default::default(),
        proxies_per_holder: 0,
        visibility: andel::decisions::Visibility::AfterClose,
        secrecy: andel::decisions::Secrecy::Open,
        enacts: None,
    };
    let mut proposal = Proposal::default();
    let commands = vec![
        (
            ProposalCommand::Draft {
                spec: Box::new(spec),
            },
            "2027-04-20T09:00:00Z",
        ),
        (ProposalCommand::Schedule, "2027-04-21T09:00:00Z"),
        (ProposalCommand::Open { electorate }, "2027-05-01T09:00:00Z"),
        (
            ProposalCommand::Vote {
                voter: "1".parse().unwrap(),
                choice: Choice::Yes,
                reason: None,
            },
            "2027-05-02T09:00:00Z",
        ),
        (
            ProposalCommand::Vote {
                voter: "2".parse().unwrap(),
                choice: Choice::No,
                reason: None,
            },
            "2027-05-02T09:00:00Z",
        ),
        (
            ProposalCommand::Vote {
                voter: "3".parse().unwrap(),
                choice: Choice::No,
                reason: None,
            },
            "2027-05-02T09:00:00Z",
        ),
        (
            ProposalCommand::Close {
                delegations: Default::default(),
            },
            "2027-05-02T10:00:00Z",
        ),
    ];
    for (command, at) in commands {
        for event in proposal.decide(command, t(at)).unwrap() {
            proposal.apply(&event).unwrap();
        }
    }
    assert_eq!(proposal.outcome().unwrap().verdict, Verdict::Passed);
}
