//! Counting at the close: delegation resolved, ballots weighed, quorum and verdict.

use super::*;

/// Counts the ballots, delegation followed, under the spec's rules.
pub(crate) fn count(
    spec: &Spec,
    electorate: &Electorate,
    ballots: &BTreeMap<VoterId, (Choice, Option<String>)>,
    rankings: &BTreeMap<VoterId, Vec<u16>>,
    delegations: &BTreeMap<VoterId, VoterId>,
) -> Outcome {
    let voted: BTreeSet<VoterId> = ballots.keys().chain(rankings.keys()).cloned().collect();
    let resolution = resolve(electorate, delegations, &voted);
    let (mut direct, mut delegated, mut void) = (0, 0, 0);
    for route in resolution.routes.values() {
        match route {
            Route::Direct => direct += 1,
            Route::Delegated { .. } => delegated += 1,
            Route::Cycle => void += 1,
            Route::NotVoting => {}
        }
    }
    let people = &resolution.carried_people;
    let mut by_choice: BTreeMap<Choice, Count> = BTreeMap::new();
    let mut blocks = Vec::new();
    for (voter, (choice, reason)) in ballots {
        let weight = carried(&resolution, voter);
        let n = people.get(voter).copied().unwrap_or(0);
        by_choice.entry(*choice).or_default().add(n, weight);
        if *choice == Choice::Block {
            blocks.push((voter.clone(), reason.clone().unwrap_or_default()));
        }
    }
    let get = |c: Choice| by_choice.get(&c).copied().unwrap_or_default();
    let size = Size {
        people: electorate.len() as u64,
        weight: electorate.total_weight(),
    };
    let (verdict, motion, consent, election) = match &spec.kind {
        Kind::Motion { threshold } => {
            let overall = spec.quorum.filter(|q| !q.per_class);
            let mut result = decide_motion(
                get(Choice::Yes),
                get(Choice::No),
                get(Choice::Abstain),
                size,
                overall,
                *threshold,
            );
            if let Some(check) = class_quorum(spec.quorum, electorate, &resolution) {
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
            let counted = tally(candidates, rankings, &resolution)
                .and_then(|profile| andel_tally::count(&profile, *method, options));
            let (verdict, result) = listed(spec, electorate, &resolution, rankings, size, counted);
            (verdict, None, None, Some(result))
        }
        Kind::Budget {
            method,
            projects,
            limit,
        } => {
            let counted = budget(projects, *limit, rankings, &resolution).and_then(|ballots| {
                andel_tally::count_ballots(&ballots, *method, Options::default())
            });
            let (verdict, result) = listed(spec, electorate, &resolution, rankings, size, counted);
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
            let quorum = class_quorum(spec.quorum, electorate, &resolution)
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
    Outcome {
        verdict,
        motion,
        consent,
        election,
        direct,
        delegated,
        void,
    }
}

/// The verdict on listed ballots (rankings or approvals) that `andel-tally` counted: the
/// quorum on who took part first, then whether the count completed.
fn listed(
    spec: &Spec,
    electorate: &Electorate,
    resolution: &Resolution,
    lists: &BTreeMap<VoterId, Vec<u16>>,
    size: Size,
    counted: Result<TallyOutcome, TallyError>,
) -> (Verdict, ElectionResult) {
    let mut taking_part = Count::default();
    for voter in lists.keys() {
        taking_part.add(
            resolution.carried_people.get(voter).copied().unwrap_or(0),
            carried(resolution, voter),
        );
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
    let quorum = quorum.filter(|q| q.per_class)?;
    let mut classes: BTreeMap<&str, (Count, Size)> = BTreeMap::new();
    for voter in electorate.voters() {
        let class = voter.class.as_deref().unwrap_or("");
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

/// The approvals as budget ballots, each weighted by the weight its voter carries.
fn budget(
    projects: &[Project],
    limit: Decimal,
    approvals: &BTreeMap<VoterId, Vec<u16>>,
    resolution: &Resolution,
) -> Result<Ballots, TallyError> {
    let mut builder = Approvals::builder(Candidates::new(projects.iter().map(|p| p.name.clone()))?);
    for (voter, approved) in approvals {
        builder.add(
            approved.iter().map(|&c| CandidateId(c)),
            carried(resolution, voter),
        )?;
    }
    Ok(Ballots::Budget {
        approvals: builder.build(),
        budget: andel_tally::Budget {
            limit,
            costs: projects.iter().map(|p| p.cost).collect(),
        },
    })
}

/// The rankings as a profile, each weighted by the weight its voter carries.
fn tally(
    candidates: &[String],
    rankings: &BTreeMap<VoterId, Vec<u16>>,
    resolution: &Resolution,
) -> Result<Profile, TallyError> {
    let mut profile = Profile::builder(Candidates::new(candidates.iter().cloned())?);
    let mut order = Vec::new();
    for (voter, ranking) in rankings {
        order.clear();
        order.extend(ranking.iter().map(|&c| CandidateId(c)));
        profile.add_order(&order, carried(resolution, voter))?;
    }
    Ok(profile.build())
}

fn carried(resolution: &Resolution, voter: &VoterId) -> Decimal {
    resolution.carried.get(voter).copied().unwrap_or_default()
}
