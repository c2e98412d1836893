//! Elections, participatory budgets and proxies: drafted and checked, ranked and
//! approved, counted with delegated weight, seen only as the spec allows.

use super::*;

fn election(method: &str, candidates: &[&str], seats: usize) -> Kind {
    Kind::Election {
        method: method.parse().unwrap(),
        candidates: candidates.iter().map(|c| c.to_string()).collect(),
        seats,
        tie_break: Default::default(),
    }
}

fn rank(voter: &str, ranking: &[u16]) -> ProposalCommand {
    ProposalCommand::Rank {
        voter: id(voter),
        ranking: ranking.to_vec(),
    }
}

#[test]
fn an_election_is_checked_when_drafted_and_ranked() {
    let draft = |kind| {
        Proposal::default().decide(
            ProposalCommand::Draft {
                spec: Box::new(spec(kind)),
            },
            t(1),
        )
    };
    assert!(matches!(
        draft(election("score", &["a", "b"], 1)),
        Err(ProposalError::Spec { .. })
    ));
    assert!(matches!(
        draft(election("irv", &["a"], 1)),
        Err(ProposalError::Spec { .. })
    ));
    assert!(matches!(
        draft(election("irv", &["a", "a"], 1)),
        Err(ProposalError::Spec { .. })
    ));
    assert!(matches!(
        draft(election("stv-meek", &["a", "b"], 3)),
        Err(ProposalError::Spec { .. })
    ));
    let open = given(election("irv", &["Ada", "Bo", "Cy"], 1), vec![]);
    let problem = |e: ProposalError| e.to_string();
    assert_eq!(
        problem(refused(&open, rank("ada", &[3]), 11)),
        "there is no candidate 3: the candidates are 0 to 2"
    );
    assert_eq!(
        problem(refused(&open, rank("ada", &[1, 1]), 11)),
        "candidate 1 (`Bo`) is listed twice"
    );
    assert!(matches!(
        refused(&open, vote("ada", Choice::Yes, None), 11),
        ProposalError::Ballot { .. }
    ));
    let motion_open = given(motion(), vec![]);
    assert!(matches!(
        refused(&motion_open, rank("ada", &[0]), 11),
        ProposalError::Ballot { .. }
    ));
}

#[test]
fn delegated_weight_decides_an_election() {
    // Ada ranks Ada; Bo and Cy rank Bo; Di delegates to Ada.
    let ballots = || {
        vec![
            (rank("ada", &[0]), 11),
            (rank("bo", &[1]), 11),
            (rank("cy", &[1, 0]), 11),
        ]
    };
    let mut with = ballots();
    with.push((
        ProposalCommand::Close {
            delegations: BTreeMap::from([(id("di"), id("ada"))]),
        },
        17,
    ));
    let mut without = ballots();
    without.push((close(), 17));
    let kind = || election("plurality", &["Ada", "Bo"], 1);
    let elected = |p: &Proposal| {
        p.outcome()
            .unwrap()
            .election
            .as_ref()
            .unwrap()
            .count
            .as_ref()
            .unwrap()
            .elected[0]
            .0
    };
    let tied = given(kind(), with);
    // 2 against 2: a tie that earlier stages (plurality has none) cannot settle; the
    // outcome says so, with nobody elected, rather than guess.
    let outcome = tied.outcome().unwrap();
    assert_eq!(outcome.verdict, Verdict::Tie);
    let count = outcome.election.as_ref().unwrap().count.as_ref().unwrap();
    assert!(count.elected.is_empty() && !count.complete && !count.ties.is_empty());
    let plain = given(kind(), without);
    assert_eq!(plain.outcome().unwrap().verdict, Verdict::Elected);
    assert_eq!(elected(&plain), 1, "Bo, 2 to 1");
    // Eve is not in the electorate; in a 5-member electorate Di and Eve both delegate to Ada.
    let mut proposal = Proposal::default();
    let five = electorate(&["ada", "bo", "cy", "di", "eve"]);
    for (command, day) in [
        (
            ProposalCommand::Draft {
                spec: Box::new(spec(kind())),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (ProposalCommand::Open { electorate: five }, 10),
        (rank("ada", &[0]), 11),
        (rank("bo", &[1]), 11),
        (rank("cy", &[1]), 11),
        (
            ProposalCommand::Close {
                delegations: BTreeMap::from([(id("di"), id("ada")), (id("eve"), id("di"))]),
            },
            17,
        ),
    ] {
        for e in proposal.decide(command, t(day)).unwrap() {
            proposal.apply(&e).unwrap();
        }
    }
    assert_eq!(proposal.outcome().unwrap().verdict, Verdict::Elected);
    assert_eq!(elected(&proposal), 0, "Ada carries 3 against Bo's 2");
    assert_eq!(proposal.outcome().unwrap().delegated, 2);
}

#[test]
fn proxies_follow_the_bylaws_cap_and_vote_as_the_member() {
    let refused_here = |p: &Proposal, c: ProposalCommand| p.decide(c, t(11)).expect_err("accepted");
    let authorise = |member: &str, proxy: &str| ProposalCommand::AuthoriseProxy {
        member: id(member),
        proxy: id(proxy),
    };
    // Proxies are off unless the proposal allows them.
    let off = given(motion(), vec![]);
    assert!(matches!(
        refused_here(&off, authorise("ada", "bo")),
        ProposalError::Proxy { .. }
    ));

    let mut capped = spec(motion());
    capped.proxies_per_holder = 1;
    let mut proposal = Proposal::default();
    let mut events = Vec::new();
    for (command, day) in [
        (
            ProposalCommand::Draft {
                spec: Box::new(capped),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (
            ProposalCommand::Open {
                electorate: electorate(&["ada", "bo", "cy", "di"]),
            },
            10,
        ),
        (authorise("ada", "bo"), 11),
        (
            ProposalCommand::VoteByProxy {
                proxy: id("bo"),
                member: id("ada"),
                choice: Choice::Yes,
                reason: None,
            },
            11,
        ),
        (vote("bo", Choice::Yes, None), 11),
    ] {
        for e in proposal.decide(command, t(day)).unwrap() {
            proposal.apply(&e).unwrap();
            events.push(e);
        }
    }
    assert!(
        events.iter().any(|e| matches!(e, ProposalEvent::Voted { voter, by: Some(by), .. } if *voter == id("ada") && *by == id("bo"))),
        "the ballot is Ada's, cast by Bo"
    );
    // Bo holds one proxy already: the cap is reached.
    assert!(
        refused_here(&proposal, authorise("cy", "bo"))
            .to_string()
            .contains("already holds 1 proxy, the most the rules allow")
    );
    // Nobody votes for a member without their proxy, and a proxy vote is a vote.
    let unauthorised = ProposalCommand::VoteByProxy {
        proxy: id("cy"),
        member: id("di"),
        choice: Choice::No,
        reason: Some("x".into()),
    };
    assert!(matches!(
        refused_here(&proposal, unauthorised),
        ProposalError::Proxy { .. }
    ));
    assert_eq!(
        refused_here(&proposal, vote("ada", Choice::No, Some("changed"))),
        ProposalError::AlreadyVoted { voter: id("ada") }
    );
    // A member who has voted cannot give a proxy; nor can one give it to themselves.
    assert!(matches!(
        refused_here(&proposal, authorise("ada", "cy")),
        ProposalError::Proxy { .. }
    ));
    assert!(matches!(
        refused_here(&proposal, authorise("cy", "cy")),
        ProposalError::Proxy { .. }
    ));
    // The proxy vote counts as Ada's: 2 yes.
    for e in proposal.decide(close(), t(17)).unwrap() {
        proposal.apply(&e).unwrap();
    }
    let count = proposal.outcome().unwrap().motion.as_ref().unwrap().yes;
    assert_eq!(count.people, 2);
}

#[test]
fn the_count_is_seen_only_as_the_spec_allows() {
    use andel_decisions::Visibility;
    let open_with = |visibility| {
        let mut s = spec(motion());
        s.visibility = visibility;
        let mut proposal = Proposal::default();
        for (command, day) in [
            (ProposalCommand::Draft { spec: Box::new(s) }, 1),
            (ProposalCommand::Schedule, 2),
            (
                ProposalCommand::Open {
                    electorate: electorate(&["ada", "bo", "cy"]),
                },
                10,
            ),
            (vote("ada", Choice::Yes, None), 11),
        ] {
            for e in proposal.decide(command, t(day)).unwrap() {
                proposal.apply(&e).unwrap();
            }
        }
        proposal
    };
    let hidden = open_with(Visibility::AfterClose);
    assert_eq!(hidden.interim(Some(&id("ada"))), None);
    let after_voting = open_with(Visibility::AfterVoting);
    assert_eq!(
        after_voting.interim(Some(&id("bo"))),
        None,
        "Bo has not voted"
    );
    assert_eq!(after_voting.interim(None), None);
    let seen = after_voting.interim(Some(&id("ada"))).unwrap();
    assert_eq!(seen.choices[&Choice::Yes].people, 1);
    assert!(open_with(Visibility::Live).interim(None).is_some());
    // Once closed, everyone sees it.
    let mut closed = open_with(Visibility::AfterClose);
    for e in closed.decide(close(), t(17)).unwrap() {
        closed.apply(&e).unwrap();
    }
    assert!(closed.interim(None).is_some());
}

#[test]
fn a_quorum_per_class_needs_every_class() {
    let classed = Electorate::new(
        [
            ("w1", "workers"),
            ("w2", "workers"),
            ("u1", "users"),
            ("u2", "users"),
            ("u3", "users"),
        ]
        .map(|(v, c)| Voter {
            id: id(v),
            weight: Decimal::ONE,
            college: Some(c.to_owned()),
        }),
    )
    .unwrap();
    let decide = |voters: &[&str]| {
        let mut s = spec(Kind::Motion {
            threshold: Threshold::SIMPLE_MAJORITY,
        });
        s.quorum = Some(Quorum {
            share: Fraction::HALF,
            basis: Basis::People,
            per_college: true,
        });
        let mut proposal = Proposal::default();
        let mut commands = vec![
            (ProposalCommand::Draft { spec: Box::new(s) }, 1),
            (ProposalCommand::Schedule, 2),
            (
                ProposalCommand::Open {
                    electorate: classed.clone(),
                },
                10,
            ),
        ];
        commands.extend(voters.iter().map(|v| (vote(v, Choice::Yes, None), 11)));
        commands.push((close(), 17));
        for (command, day) in commands {
            for e in proposal.decide(command, t(day)).unwrap() {
                proposal.apply(&e).unwrap();
            }
        }
        proposal.outcome().unwrap().clone()
    };
    // 3 of 5 overall, but only 1 of 3 users.
    let short = decide(&["w1", "w2", "u1"]);
    assert_eq!(short.verdict, Verdict::NoQuorum);
    let check = short.motion.unwrap().quorum.unwrap();
    assert_eq!(
        check.rule,
        "at least 1/2 of each class takes part (users 1 of 3, workers 2 of 2)"
    );
    assert_eq!(decide(&["w1", "u1", "u2"]).verdict, Verdict::Passed);
}

#[test]
fn a_participatory_budget_funds_what_its_approvals_can_pay() {
    use andel_decisions::Project;
    let budget = |method: &str, costs: &[&str], limit: &str| Kind::Budget {
        method: method.parse().unwrap(),
        projects: costs
            .iter()
            .enumerate()
            .map(|(i, c)| Project {
                name: format!("Project {i}"),
                cost: c.parse().unwrap(),
            })
            .collect(),
        limit: limit.parse().unwrap(),
    };
    let draft = |kind| {
        Proposal::default().decide(
            ProposalCommand::Draft {
                spec: Box::new(spec(kind)),
            },
            t(1),
        )
    };
    assert!(matches!(
        draft(budget("irv", &["50"], "80")),
        Err(ProposalError::Spec { .. })
    ));
    assert!(matches!(
        draft(budget("greedy-budget", &["0"], "80")),
        Err(ProposalError::Spec { .. })
    ));
    let approve = |voter: &str, projects: &[u16]| ProposalCommand::Approve {
        voter: id(voter),
        projects: projects.to_vec(),
    };
    let open = given(budget("greedy-budget", &["50", "40", "30"], "80"), vec![]);
    assert_eq!(
        refused(&open, approve("ada", &[0, 0]), 11).to_string(),
        "project 0 (`Project 0`) is listed twice"
    );
    assert!(matches!(
        refused(&open, rank("ada", &[0]), 11),
        ProposalError::Ballot { .. }
    ));
    assert!(matches!(
        refused(&given(motion(), vec![]), approve("ada", &[0]), 11),
        ProposalError::Ballot { .. }
    ));
    // Approvals 3, 1 and 2: greedy funds project 0 (50) then project 2 (30), which
    // exhausts the 80; project 1 (40) no longer fits.
    let decided = given(
        budget("greedy-budget", &["50", "40", "30"], "80"),
        vec![
            (approve("ada", &[0, 1]), 11),
            (approve("bo", &[0]), 11),
            (approve("cy", &[0, 2]), 11),
            (approve("di", &[2]), 11),
            (close(), 12),
        ],
    );
    let outcome = decided.outcome().unwrap();
    assert_eq!(outcome.verdict, Verdict::Elected);
    let count = outcome.election.as_ref().unwrap().count.as_ref().unwrap();
    let mut funded: Vec<usize> = count.elected.iter().map(|c| c.index()).collect();
    funded.sort();
    assert_eq!(funded, [0, 2]);
}

/// A proposal of `kind` that allows one proxy per holder, open, with Ada's proxy held by
/// Bo.
fn with_proxy(kind: Kind) -> Proposal {
    let mut allowing = spec(kind);
    allowing.proxies_per_holder = 1;
    let mut proposal = Proposal::default();
    for (command, day) in [
        (
            ProposalCommand::Draft {
                spec: Box::new(allowing),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (
            ProposalCommand::Open {
                electorate: electorate(&["ada", "bo", "cy", "di"]),
            },
            10,
        ),
        (
            ProposalCommand::AuthoriseProxy {
                member: id("ada"),
                proxy: id("bo"),
            },
            11,
        ),
    ] {
        for event in proposal.decide(command, t(day)).unwrap() {
            proposal.apply(&event).unwrap();
        }
    }
    proposal
}

#[test]
fn a_proxy_ranks_and_approves_as_the_member() {
    let mut election = with_proxy(election("irv", &["a", "b", "c"], 1));
    let by_proxy = |proxy: &str, ranking: &[u16]| ProposalCommand::RankByProxy {
        proxy: id(proxy),
        member: id("ada"),
        ranking: ranking.to_vec(),
    };
    assert!(matches!(
        refused(&election, by_proxy("cy", &[2]), 11),
        ProposalError::Proxy { .. }
    ));
    let events = election.decide(by_proxy("bo", &[2, 0]), t(11)).unwrap();
    assert!(
        matches!(&events[..], [ProposalEvent::Ranked { voter, by: Some(by), ranking, .. }]
            if *voter == id("ada") && *by == id("bo") && *ranking == [2, 0]),
        "{events:?}"
    );
    election.apply(&events[0]).unwrap();
    // The ballot is Ada's: she cannot rank again, and the proxy ranks for nobody else.
    assert_eq!(
        refused(&election, rank("ada", &[1]), 12),
        ProposalError::AlreadyVoted { voter: id("ada") }
    );

    let budget = with_proxy(Kind::Budget {
        method: "greedy-budget".parse().unwrap(),
        projects: vec![andel_decisions::Project {
            name: "Bikes".into(),
            cost: "50".parse().unwrap(),
        }],
        limit: "80".parse().unwrap(),
    });
    let events = budget
        .decide(
            ProposalCommand::ApproveByProxy {
                proxy: id("bo"),
                member: id("ada"),
                projects: vec![0],
            },
            t(11),
        )
        .unwrap();
    assert!(
        matches!(&events[..], [ProposalEvent::Approved { voter, by: Some(by), .. }]
            if *voter == id("ada") && *by == id("bo")),
        "{events:?}"
    );
    // Through JSON and back, the proxy is kept; an event without it still reads.
    let json = serde_json::to_string(&events[0]).unwrap();
    assert_eq!(
        serde_json::from_str::<ProposalEvent>(&json).unwrap(),
        events[0]
    );
    let old: ProposalEvent = serde_json::from_str(
        r#"{"type":"ranked","at":"2027-05-11T00:00:00Z","voter":"ada","ranking":[0]}"#,
    )
    .unwrap();
    assert!(matches!(old, ProposalEvent::Ranked { by: None, .. }));
}

#[test]
fn a_spec_with_an_unknown_key_is_refused_with_the_known_ones() {
    let mut json = serde_json::to_value(spec(motion())).unwrap();
    json["qorum"] = serde_json::json!({"share": "1/2", "basis": "people"});
    let err = serde_json::from_value::<Spec>(json)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `qorum`"), "{err}");
    assert!(
        err.contains("`quorum`") && err.contains("`closes_at`"),
        "{err}"
    );
    // Inside a nested part too: a misspelt threshold key is no silent default.
    let mut json = serde_json::to_value(spec(motion())).unwrap();
    json["kind"]["treshold"] = json["kind"]["threshold"].clone();
    let err = serde_json::from_value::<Spec>(json)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `treshold`"), "{err}");
}

#[test]
fn closing_a_meek_election_too_heavy_to_count_records_why_and_closes() {
    // Ada's vote weighs 3 × 10²⁰: Meek's integer count cannot hold it (it panicked).
    let mut proposal = Proposal::default();
    let heavy = Electorate::new(
        [("ada", "300000000000000000000"), ("bo", "1"), ("cy", "1")].map(|(n, w)| Voter {
            id: id(n),
            weight: w.parse().unwrap(),
            college: None,
        }),
    )
    .unwrap();
    let commands = vec![
        (
            ProposalCommand::Draft {
                spec: Box::new(spec(election("stv-meek", &["Ada", "Bo", "Cy"], 2))),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (ProposalCommand::Open { electorate: heavy }, 10),
        (rank("ada", &[0, 1]), 11),
        (rank("bo", &[1]), 11),
        (close(), 17),
    ];
    for (command, day) in commands {
        for event in proposal.decide(command, t(day)).unwrap() {
            proposal.apply(&event).unwrap();
        }
    }
    let outcome = proposal.outcome().expect("closed with an outcome");
    let said = format!("{outcome:?}");
    assert!(
        said.contains("Failed") && said.contains("stv-meek"),
        "{said}"
    );
}

#[test]
fn electorates_and_quorums_written_with_the_old_words_still_read() {
    // Recorded before `college` was the one word: `class` and `per_class`.
    let voter: andel_decisions::Voter =
        serde_json::from_str(r#"{"id":"ada","weight":"1","class":"workers"}"#).unwrap();
    assert_eq!(voter.college.as_deref(), Some("workers"));
    let quorum: Quorum =
        serde_json::from_str(r#"{"share":"1/2","basis":"people","per_class":true}"#).unwrap();
    assert!(quorum.per_college);
    // Written now with the new word, and read back.
    let json = serde_json::to_string(&voter).unwrap();
    assert!(json.contains(r#""college":"workers""#), "{json}");
    assert_eq!(
        serde_json::from_str::<andel_decisions::Voter>(&json).unwrap(),
        voter
    );
}
