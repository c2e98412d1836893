//! Counting at the close: delegation resolved, ballots weighed, quorum and verdict.

use super::*;

/// One ballot as counted: what it says, and the people and weight it carries.
struct Counted<'a> {
    mark: Marked<'a>,
    people: u64,
    weight: Decimal,
}

/// What a counted ballot says.
enum Marked<'a> {
    /// A choice; a block names its voter and reason (open consent decisions only).
    Choice(Choice, Option<(&'a VoterId, &'a str)>),
    /// A ranking or approvals.
    List(&'a [u16]),
}

/// Counts open ballots, delegation followed, under the spec's rules.
pub(crate) fn count(
    spec: &Spec,
    electorate: &Electorate,
    ballots: &BTreeMap<VoterId, (Choice, Option<String>)>,
    rankings: &BTreeMap<VoterId, Vec<u16>>,
    delegations: &BTreeMap<VoterId, VoterId>,
) -> ProposalOutcome {
    let voted: BTreeSet<VoterId> = ballots.keys().chain(rankings.keys()).cloned().collect();
    let resolution = resolve(electorate, delegations, &voted);
    let carrying = |voter: &VoterId, mark| Counted {
        mark,
        people: resolution.carried_people.get(voter).copied().unwrap_or(0),
        weight: carried(&resolution, voter),
    };
    let mut counted = Vec::with_capacity(ballots.len() + rankings.len());
    for (voter, (choice, reason)) in ballots {
        let block = (*choice == Choice::Block).then(|| (voter, reason.as_deref().unwrap_or("")));
        counted.push(carrying(voter, Marked::Choice(*choice, block)));
    }
    for (voter, list) in rankings {
        counted.push(carrying(voter, Marked::List(list)));
    }
    count_marks(spec, electorate, &resolution, &counted)
}

/// Counts a secret ballot's list (whose SHA-256 the caller has: hashing a large list is
/// not free): each ballot one person at its own weight; the quorum from who took part.
/// No delegation.
pub(crate) fn count_secret(
    spec: &Spec,
    electorate: &Electorate,
    participants: &BTreeSet<VoterId>,
    list: &BallotList,
    sha256: Digest,
) -> ProposalOutcome {
    let resolution = resolve(electorate, &BTreeMap::new(), participants);
    let counted: Vec<Counted<'_>> = list
        .iter()
        .map(|(_, ballot)| Counted {
            mark: match ballot.mark() {
                Mark::Choice(choice) => Marked::Choice(*choice, None),
                Mark::Ranking(list) | Mark::Approvals(list) => Marked::List(list),
            },
            people: 1,
            weight: ballot.weight(),
        })
        .collect();
    let mut outcome = count_marks(spec, electorate, &resolution, &counted);
    outcome.ballots = Some(BallotSeal {
        counted: list.len() as u64,
        missing: (participants.len() as u64).saturating_sub(list.len() as u64),
        sha256,
    });
    outcome
}

fn count_marks(
    spec: &Spec,
    electorate: &Electorate,
    resolution: &Resolution,
    counted: &[Counted<'_>],
) -> ProposalOutcome {
    let (mut direct, mut delegated, mut void) = (0, 0, 0);
    for route in resolution.routes.values() {
        match route {
            Route::Direct => direct += 1,
            Route::Delegated { .. } => delegated += 1,
            Route::Cycle => void += 1,
            Route::NotVoting => {}
        }
    }
    let mut by_choice: BTreeMap<Choice, Count> = BTreeMap::new();
    let mut blocks = Vec::new();
    for ballot in counted {
        if let Marked::Choice(choice, block) = &ballot.mark {
            by_choice
                .entry(*choice)
                .or_default()
                .add(ballot.people, ballot.weight);
            if let Some((voter, reason)) = block {
                blocks.push(((*voter).clone(), (*reason).to_owned()));
            }
        }
    }
    let lists = || {
        counted.iter().filter_map(|c| match c.mark {
            Marked::List(list) => Some((list, c)),
            Marked::Choice(..) => None,
        })
    };
    let get = |c: Choice| by_choice.get(&c).copied().unwrap_or_default();
    let size = Size {
        people: electorate.len() as u64,
        weight: electorate.total_weight(),
    };
    let (verdict, motion, consent, election) = match &spec.kind {
        Kind::Motion { threshold } => {
            let overall = spec.quorum.filter(|q| !q.per_college);
            let mut result = decide_motion(
                get(Choice::Yes),
                get(Choice::No),
                get(Choice::Abstain),
                size,
                overall,
                *threshold,
            );
            if let Some(check) = class_quorum(spec.quorum, electorate, resolution) {
                if !check.met {
                    result.outcome = Verdict::NoQuorum;
                }
                result.quorum = Some(check);
            }
            (result.outcome, Some(result), None, None)
        }
        Kind::Election {
            method,
            candidates,
            seats,
            tie_break,
        } => {
            let options = Options {
                seats: *seats,
                tie_break: *tie_break,
            };
            let counted = tally(candidates, lists())
                .and_then(|profile| andel_tally::count(&profile, *method, options));
            let (verdict, result) = listed(spec, electorate, resolution, lists(), size, counted);
            (verdict, None, None, Some(result))
        }
        Kind::Budget {
            method,
            projects,
            limit,
        } => {
            let counted = budget(projects, *limit, lists()).and_then(|ballots| {
                andel_tally::count_ballots(&ballots, *method, Options::default())
            });
            let (verdict, result) = listed(spec, electorate, resolution, lists(), size, counted);
            (verdict, None, None, Some(result))
        }
        Kind::Consent => {
            let taking_part = Count {
                people: [Choice::Yes, Choice::Abstain, Choice::Block]
                    .map(|c| get(c).people)
                    .iter()
                    .sum(),
                weight: [Choice::Yes, Choice::Abstain, Choice::Block]
                    .map(|c| get(c).weight)
                    .iter()
                    .sum(),
            };
            let quorum = class_quorum(spec.quorum, electorate, resolution)
                .or_else(|| spec.quorum.map(|q| quorum_check(q, taking_part, size)));
            let verdict = match (&quorum, blocks.is_empty()) {
                (Some(q), _) if !q.met => Verdict::NoQuorum,
                (_, true) => Verdict::Passed,
                (_, false) => Verdict::Failed,
            };
            let result = ConsentResult {
                consent: get(Choice::Yes),
                stand_aside: get(Choice::Abstain),
                blocks,
                quorum,
            };
            (verdict, None, Some(result), None)
        }
    };
    ProposalOutcome {
        verdict,
        motion,
        consent,
        election,
        direct,
        delegated,
        void,
        ballots: None,
    }
}

/// The verdict on listed ballots (rankings or approvals) that `andel-tally` counted: the
/// quorum on who took part first, then whether the count completed.
fn listed<'a>(
    spec: &Spec,
    electorate: &Electorate,
    resolution: &Resolution,
    lists: impl Iterator<Item = (&'a [u16], &'a Counted<'a>)>,
    size: Size,
    counted: Result<TallyOutcome, TallyError>,
) -> (Verdict, ElectionResult) {
    let mut taking_part = Count::default();
    for (_, ballot) in lists {
        taking_part.add(ballot.people, ballot.weight);
    }
    let quorum = class_quorum(spec.quorum, electorate, resolution)
        .or_else(|| spec.quorum.map(|q| quorum_check(q, taking_part, size)));
    let (verdict, count, problem) = match (&quorum, counted) {
        (Some(q), counted) if !q.met => (Verdict::NoQuorum, counted.ok(), None),
        (_, Ok(outcome)) if outcome.complete => (Verdict::Elected, Some(outcome), None),
        (_, Ok(outcome)) => (Verdict::Tie, Some(outcome), None),
        (_, Err(err)) => (Verdict::Failed, None, Some(err.to_string())),
    };
    (
        verdict,
        ElectionResult {
            count,
            problem,
            quorum,
        },
    )
}

/// With a quorum per class, whether each class of the electorate (voters without a class
/// form one together) reached the share: its members counted, directly or by delegation,
/// against its size. `None` without a per-class quorum.
fn class_quorum(
    quorum: Option<Quorum>,
    electorate: &Electorate,
    resolution: &Resolution,
) -> Option<Check> {
    let quorum = quorum.filter(|q| q.per_college)?;
    let mut classes: BTreeMap<&str, (Count, Size)> = BTreeMap::new();
    for voter in electorate.voters() {
        let class = voter.college.as_deref().unwrap_or("");
        let entry = classes.entry(class).or_insert((
            Count::default(),
            Size {
                people: 0,
                weight: Decimal::ZERO,
            },
        ));
        entry.1.people += 1;
        entry.1.weight += voter.weight;
        if matches!(
            resolution.routes.get(&voter.id),
            Some(Route::Direct | Route::Delegated { .. })
        ) {
            entry.0.add(1, voter.weight);
        }
    }
    let mut met = true;
    let mut parts = Vec::new();
    let mut got = Decimal::ZERO;
    for (class, (taking_part, size)) in &classes {
        let check = quorum_check(quorum, *taking_part, *size);
        met &= check.met;
        got += check.got;
        let name = if class.is_empty() { "no class" } else { class };
        parts.push(format!(
            "{name} {} of {}",
            check.got,
            match quorum.basis {
                crate::rules::Basis::People => Decimal::from(size.people),
                crate::rules::Basis::Weight => size.weight,
            }
        ));
    }
    Some(Check {
        rule: format!(
            "at least {} of each class takes part ({})",
            quorum.share,
            parts.join(", ")
        ),
        got,
        met,
    })
}

/// The approvals as budget ballots, each at the weight it carries.
fn budget<'a>(
    projects: &[Project],
    limit: Decimal,
    approvals: impl Iterator<Item = (&'a [u16], &'a Counted<'a>)>,
) -> Result<Ballots, TallyError> {
    let mut builder = Approvals::builder(Candidates::new(projects.iter().map(|p| p.name.clone()))?);
    for (approved, ballot) in approvals {
        builder.add(approved.iter().map(|&c| CandidateId(c)), ballot.weight)?;
    }
    Ok(Ballots::Budget {
        approvals: builder.build(),
        budget: andel_tally::Budget {
            limit,
            costs: projects.iter().map(|p| p.cost).collect(),
        },
    })
}

/// The rankings as a profile, each at the weight it carries.
fn tally<'a>(
    candidates: &[String],
    rankings: impl Iterator<Item = (&'a [u16], &'a Counted<'a>)>,
) -> Result<Profile, TallyError> {
    let mut profile = Profile::builder(Candidates::new(candidates.iter().cloned())?);
    let mut order = Vec::new();
    for (ranking, ballot) in rankings {
        order.clear();
        order.extend(ranking.iter().map(|&c| CandidateId(c)));
        profile.add_order(&order, ballot.weight)?;
    }
    Ok(profile.build())
}

fn carried(resolution: &Resolution, voter: &VoterId) -> Decimal {
    resolution.carried.get(voter).copied().unwrap_or_default()
}
