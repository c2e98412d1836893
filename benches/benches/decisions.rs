//! Decisions at scale: a 100k-member electorate, 30 % delegating in chains up to 10 long;
//! resolving delegation, and closing (resolve + count) a motion and an STV election; and
//! the same motion and election as secret ballots from 70k ballots in a box: closing
//! (box checks + count + the list's SHA-256), and reading a published list.
//!
//! `cargo bench -p andel-benches --bench decisions`.

// A bench stops on a refusal: that is a bug in the fixture, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

use andel::decisions::{
    Choice, Electorate, Kind, Mark, Proposal, ProposalCommand, Reasons, Secrecy, Spec, Voter,
    VoterId,
    delegation::resolve,
    rules::{Basis, Fraction, Quorum, Threshold},
    secret::{Ballot, BallotList, Receipt},
};
use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

const MEMBERS: usize = 100_000;

/// SplitMix64, for a reproducible electorate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn id(i: usize) -> VoterId {
    VoterId::new(&format!("m{i}")).expect("an id")
}

/// Members 0..70k vote; 70k..100k delegate in chains of 1 to 10, each chain ending at a
/// voter.
fn electorate_and_delegations() -> (Electorate, BTreeMap<VoterId, VoterId>, Vec<VoterId>) {
    let mut rng = Rng(0xDEC1DE);
    let electorate = Electorate::new((0..MEMBERS).map(|i| Voter {
        id: id(i),
        weight: 1.into(),
        college: None,
    }))
    .expect("an electorate");
    let voters = MEMBERS * 7 / 10;
    let mut delegations = BTreeMap::new();
    let mut next = voters;
    while next < MEMBERS {
        let len = (1 + rng.below(10)).min(MEMBERS - next);
        let end = id(rng.below(voters));
        for k in 0..len {
            let to = if k + 1 == len {
                end.clone()
            } else {
                id(next + k + 1)
            };
            delegations.insert(id(next + k), to);
        }
        next += len;
    }
    (electorate, delegations, (0..voters).map(id).collect())
}

fn t(day: u32) -> DateTime<Utc> {
    format!("2027-05-{day:02}T09:00:00Z")
        .parse()
        .expect("a time")
}

fn open(kind: Kind, electorate: Electorate) -> Proposal {
    open_as(kind, electorate, Secrecy::Open)
}

fn open_as(kind: Kind, electorate: Electorate, secrecy: Secrecy) -> Proposal {
    let spec = Spec {
        title: "Bench".into(),
        body: String::new(),
        author: id(0),
        kind,
        opens_at: t(10),
        closes_at: t(17),
        quorum: Some(Quorum {
            share: Fraction::HALF,
            basis: Basis::People,
            per_college: false,
        }),
        vote_changes: false,
        reasons: Reasons::Optional,
        tags: BTreeSet::new(),
        proxies_per_holder: 0,
        visibility: andel::decisions::Visibility::AfterClose,
        secrecy,
        enacts: None,
    };
    let mut proposal = Proposal::default();
    for (command, day) in [
        (
            ProposalCommand::Draft {
                spec: Box::new(spec),
            },
            1,
        ),
        (ProposalCommand::Schedule, 2),
        (ProposalCommand::Open { electorate }, 10),
    ] {
        for event in proposal.decide(command, t(day)).expect("opens") {
            proposal.apply(&event).expect("applies");
        }
    }
    proposal
}

fn cast(proposal: &mut Proposal, command: ProposalCommand) {
    for event in proposal.decide(command, t(11)).expect("a vote") {
        proposal.apply(&event).expect("applies");
    }
}

fn benches(c: &mut Criterion) {
    let (electorate, delegations, voters) = electorate_and_delegations();
    let voted: BTreeSet<VoterId> = voters.iter().cloned().collect();
    let mut rng = Rng(7);

    let mut motion = open(
        Kind::Motion {
            threshold: Threshold::at_least(Fraction::TWO_THIRDS),
        },
        electorate.clone(),
    );
    for voter in &voters {
        let choice = [Choice::Yes, Choice::Yes, Choice::No, Choice::Abstain][rng.below(4)];
        cast(
            &mut motion,
            ProposalCommand::Vote {
                voter: voter.clone(),
                choice,
                reason: None,
            },
        );
    }
    let candidates: Vec<String> = (0..10).map(|i| format!("Candidate {i}")).collect();
    let mut election = open(
        Kind::Election {
            method: "stv-meek".parse().expect("a method"),
            candidates,
            seats: 3,
            tie_break: Default::default(),
        },
        electorate.clone(),
    );
    for voter in &voters {
        let mut ranking: Vec<u16> = Vec::new();
        for _ in 0..1 + rng.below(5) {
            let c = (rng.below(10) * rng.below(10) / 10) as u16;
            if !ranking.contains(&c) {
                ranking.push(c);
            }
        }
        cast(
            &mut election,
            ProposalCommand::Rank {
                voter: voter.clone(),
                ranking,
            },
        );
    }
    let close = || ProposalCommand::Close {
        delegations: delegations.clone(),
    };
    let resolution = resolve(&electorate, &delegations, &voted);
    eprintln!(
        "decisions bench: {MEMBERS} members, {} delegating, {} counted through delegation",
        delegations.len(),
        resolution
            .routes
            .values()
            .filter(|r| matches!(r, andel::decisions::delegation::Route::Delegated { .. }))
            .count()
    );

    let mut group = c.benchmark_group("decisions_100k_members");
    group.sample_size(10);
    group.bench_function("resolve delegation (30 % in chains up to 10)", |b| {
        b.iter(|| resolve(&electorate, &delegations, &voted))
    });
    group.bench_function("close a motion (resolve + count)", |b| {
        b.iter(|| motion.decide(close(), t(17)).expect("closes"))
    });
    group.bench_function("close an STV election, Meek, 10 candidates, 3 seats", |b| {
        b.iter(|| election.decide(close(), t(17)).expect("closes"))
    });
    group.finish();
    secret_benches(c, &electorate, &voters);
}

/// 70k of the 100k members cast a secret ballot, each under a receipt from the seeded
/// generator (random receipts would make each run's list differ).
fn secret_benches(c: &mut Criterion, electorate: &Electorate, voters: &[VoterId]) {
    let mut rng = Rng(11);
    let mut receipt = || {
        let mut bytes = [0u8; 15];
        for chunk in bytes.chunks_mut(8) {
            let word = rng.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Receipt::from_bytes(bytes)
    };
    let motion_kind = Kind::Motion {
        threshold: Threshold::at_least(Fraction::TWO_THIRDS),
    };
    let election_kind = Kind::Election {
        method: "stv-meek".parse().expect("a method"),
        candidates: (0..10).map(|i| format!("Candidate {i}")).collect(),
        seats: 3,
        tie_break: Default::default(),
    };
    let mut marks = Rng(5);
    let mut motion = open_as(motion_kind, electorate.clone(), Secrecy::Secret);
    let mut election = open_as(election_kind, electorate.clone(), Secrecy::Secret);
    let (mut motion_ballots, mut election_ballots) = (Vec::new(), Vec::new());
    for voter in voters {
        let choice = [Choice::Yes, Choice::Yes, Choice::No, Choice::Abstain][marks.below(4)];
        let mut ranking: Vec<u16> = Vec::new();
        for _ in 0..1 + marks.below(5) {
            let c = (marks.below(10) * marks.below(10) / 10) as u16;
            if !ranking.contains(&c) {
                ranking.push(c);
            }
        }
        for (proposal, ballots, mark) in [
            (&mut motion, &mut motion_ballots, Mark::Choice(choice)),
            (&mut election, &mut election_ballots, Mark::Ranking(ranking)),
        ] {
            cast(
                proposal,
                ProposalCommand::CastSecret {
                    voter: voter.clone(),
                    by: None,
                    mark: mark.clone(),
                },
            );
            ballots.push((receipt(), Ballot::new(1.into(), mark)));
        }
    }
    let motion_list = BallotList::new(motion_ballots).expect("a list");
    let election_list = BallotList::new(election_ballots).expect("a list");
    let text = election_list.to_text();
    eprintln!(
        "decisions bench: secret ballots, {} in each box; the election's list is {} bytes",
        motion_list.len(),
        text.len()
    );
    let mut group = c.benchmark_group("secret_ballots_70k");
    group.sample_size(10);
    group.bench_function(
        "close a secret motion (box checks + count + SHA-256)",
        |b| {
            b.iter(|| {
                let ballots = Box::new(motion_list.clone());
                motion
                    .decide(ProposalCommand::CloseSecret { ballots }, t(17))
                    .expect("closes")
            })
        },
    );
    group.bench_function(
        "close a secret STV election, Meek, 10 candidates, 3 seats",
        |b| {
            b.iter(|| {
                let ballots = Box::new(election_list.clone());
                election
                    .decide(ProposalCommand::CloseSecret { ballots }, t(17))
                    .expect("closes")
            })
        },
    );
    group.bench_function("read a published list (parse, every check)", |b| {
        b.iter(|| BallotList::parse(&text).expect("parses"))
    });
    group.finish();
}

criterion_group!(decisions, benches);
criterion_main!(decisions);
