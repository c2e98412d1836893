//! Methods that give every candidate a score: plurality, approval, Borda. The ranking
//! orders candidates by score; the top `seats` are elected.

use rust_decimal::Decimal;

use crate::outcome::{Lot, draw_lot};
use crate::{CandidateId, Method, Options, Outcome, Profile, TallyError, Tie, TieBreak};

pub(super) fn count(
    profile: &Profile,
    method: Method,
    options: Options,
) -> Result<Outcome, TallyError> {
    let scores = match method {
        Method::Plurality => plurality(profile),
        Method::Approval => approval(profile),
        _ => borda(profile)?,
    };
    Ok(from_scores(
        profile.candidates(),
        profile.total_weight(),
        method,
        options,
        scores,
        Better::Higher,
        None,
    ))
}

/// Whether a higher or a lower score is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Better {
    Higher,
    Lower,
}

/// The outcome of a method that scores candidates: ranking by score, top `seats` elected.
pub(crate) fn from_scores(
    candidates: &crate::Candidates,
    valid_votes: Decimal,
    method: Method,
    options: Options,
    scores: Vec<Decimal>,
    better: Better,
    pairwise: Option<super::Pairwise>,
) -> Outcome {
    let standing: Vec<CandidateId> = candidates.standing().collect();
    let ranking = rank_by(&standing, &scores, better);
    let mut ties = Vec::new();
    let (elected, complete) = elect_top(&ranking, options.seats, options.tie_break, &mut ties);
    Outcome {
        method,
        seats: options.seats,
        valid_votes,
        rejected: Decimal::ZERO,
        quota: None,
        elected,
        ranking: Some(ranking),
        scores: Some(scores),
        ties,
        complete,
        rounds: Vec::new(),
        pairwise,
        spending: None,
    }
}

/// Groups candidates by score, best first; equal scores share a group (by id order).
pub(super) fn rank_by(
    standing: &[CandidateId],
    scores: &[Decimal],
    better: Better,
) -> Vec<Vec<CandidateId>> {
    let mut order = standing.to_vec();
    order.sort_by(|a, b| {
        let (x, y) = (scores[a.index()], scores[b.index()]);
        let by_score = match better {
            Better::Higher => y.cmp(&x),
            Better::Lower => x.cmp(&y),
        };
        by_score.then(a.cmp(b))
    });
    let mut groups: Vec<Vec<CandidateId>> = Vec::new();
    for id in order {
        match groups.last_mut() {
            Some(group) if scores[group[0].index()] == scores[id.index()] => group.push(id),
            _ => groups.push(vec![id]),
        }
    }
    groups
}

/// Elects the first `seats` candidates of a ranking. A group that straddles the last
/// seat is a tie, settled only by lot (there are no earlier stages to look at).
pub(super) fn elect_top(
    ranking: &[Vec<CandidateId>],
    seats: usize,
    policy: TieBreak,
    ties: &mut Vec<Tie>,
) -> (Vec<CandidateId>, bool) {
    let mut elected = Vec::new();
    let mut lot: Option<Lot> = None;
    for group in ranking {
        let left = seats - elected.len();
        if left == 0 {
            break;
        }
        if group.len() <= left {
            elected.extend(group.iter().copied());
            continue;
        }
        let mut pool = group.clone();
        while elected.len() < seats {
            let chosen = draw_lot(pool.clone(), None, policy, &mut lot, ties);
            let Some(chosen) = chosen else {
                return (elected, false);
            };
            pool.retain(|c| *c != chosen);
            elected.push(chosen);
        }
    }
    (elected, true)
}

/// The first standing candidate on each ranking, if it is alone in its rank.
fn plurality(profile: &Profile) -> Vec<Decimal> {
    let candidates = profile.candidates();
    let mut scores = vec![Decimal::ZERO; candidates.len()];
    for (ranking, weight) in profile.ballots() {
        let first = ranking.ranks().iter().find_map(|group| {
            let standing: Vec<&CandidateId> = group
                .iter()
                .filter(|c| !candidates.is_withdrawn(**c))
                .collect();
            (!standing.is_empty()).then_some(standing)
        });
        if let Some([only]) = first.as_deref() {
            scores[only.index()] += *weight;
        }
    }
    scores
}

/// Every standing candidate a ranking ranks is approved by it.
fn approval(profile: &Profile) -> Vec<Decimal> {
    let candidates = profile.candidates();
    let mut scores = vec![Decimal::ZERO; candidates.len()];
    for (ranking, weight) in profile.ballots() {
        for id in ranking.ranks().iter().flatten() {
            if !candidates.is_withdrawn(*id) {
                scores[id.index()] += *weight;
            }
        }
    }
    scores
}

/// Standard Borda over the standing candidates; equal ranks share their places' points.
///
/// `count` refuses a total weight above `Decimal::MAX ÷ standing`, so no score passes a
/// decimal; the arithmetic is checked all the same.
fn borda(profile: &Profile) -> Result<Vec<Decimal>, TallyError> {
    let candidates = profile.candidates();
    let n = candidates.standing().count() as i64;
    let too_heavy = || TallyError::TooHeavy {
        method: Method::Borda,
        total: profile.total_weight(),
        max: Decimal::MAX / Decimal::from(n.max(1)),
    };
    let mut scores = vec![Decimal::ZERO; candidates.len()];
    for (ranking, weight) in profile.ballots() {
        let mut place = 0i64;
        for group in ranking.ranks() {
            let standing: Vec<&CandidateId> = group
                .iter()
                .filter(|c| !candidates.is_withdrawn(**c))
                .collect();
            let k = standing.len() as i64;
            if k == 0 {
                continue;
            }
            // Places place..place+k give (n-1-place) + … + (n-place-k): their mean each.
            let total: i64 = (place..place + k).map(|p| n - 1 - p).sum();
            let share = Decimal::from(total) / Decimal::from(k);
            let points = share.checked_mul(*weight).ok_or_else(too_heavy)?;
            for id in standing {
                let score = &mut scores[id.index()];
                *score = score.checked_add(points).ok_or_else(too_heavy)?;
            }
            place += k;
        }
    }
    Ok(scores)
}
