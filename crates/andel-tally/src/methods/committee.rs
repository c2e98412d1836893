//! Approval methods: approval voting, proportional approval voting (PAV) and sequential
//! Phragmén.

use rust_decimal::Decimal;

use super::scored::{Better, from_scores};
use crate::outcome::{Lot, draw_lot};
use crate::{
    Approvals, CandidateId, Method, Options, Outcome, Resolution, TallyError, Tie, TieBreak,
    TieKind,
};

/// The most committees PAV compares (it looks at every one).
pub const MAX_COMMITTEES: u128 = 2_000_000;

pub(super) fn count(
    ballots: &Approvals,
    method: Method,
    options: Options,
) -> Result<Outcome, TallyError> {
    match method {
        Method::Pav => pav(ballots, options),
        Method::Phragmen => phragmen(ballots, options),
        _ => {
            let mut scores = vec![Decimal::ZERO; ballots.candidates().len()];
            for (approved, weight) in ballots.ballots() {
                for c in approved {
                    scores[c.index()] += *weight;
                }
            }
            Ok(from_scores(
                ballots.candidates(),
                ballots.total_weight(),
                Method::Approval,
                options,
                scores,
                Better::Higher,
                None,
            ))
        }
    }
}

fn outcome(
    ballots: &Approvals,
    method: Method,
    options: Options,
    elected: Vec<CandidateId>,
    ties: Vec<Tie>,
    complete: bool,
) -> Outcome {
    let mut approvals = vec![Decimal::ZERO; ballots.candidates().len()];
    for (approved, weight) in ballots.ballots() {
        for c in approved {
            approvals[c.index()] += *weight;
        }
    }
    Outcome {
        method,
        seats: options.seats,
        valid_votes: ballots.total_weight(),
        rejected: Decimal::ZERO,
        quota: None,
        elected,
        ranking: None,
        scores: Some(approvals),
        ties,
        complete,
        rounds: Vec::new(),
        pairwise: None,
        spending: None,
    }
}

/// Sequential Phragmén: each elected candidate's seat is a load of 1 shared by their
/// approvers; each round elects the candidate whose election would leave the most
/// loaded approver least loaded.
fn phragmen(ballots: &Approvals, options: Options) -> Result<Outcome, TallyError> {
    let spread = || TallyError::Arithmetic {
        method: Method::Phragmen,
        what: "a voter's load",
    };
    let candidates = ballots.candidates();
    let mut load = vec![Decimal::ZERO; ballots.ballots().len()];
    let mut elected: Vec<CandidateId> = Vec::new();
    let mut ties = Vec::new();
    let mut lot = None;
    while elected.len() < options.seats {
        let mut best: Option<Decimal> = None;
        let mut tied: Vec<CandidateId> = Vec::new();
        for c in candidates.standing().filter(|c| !elected.contains(c)) {
            let (mut support, mut carried) = (Decimal::ZERO, Decimal::ZERO);
            for (b, (approved, weight)) in ballots.ballots().iter().enumerate() {
                if approved.contains(&c) {
                    support += *weight;
                    carried = weight
                        .checked_mul(load[b])
                        .and_then(|c| carried.checked_add(c))
                        .ok_or_else(spread)?;
                }
            }
            if support.is_zero() {
                continue;
            }
            let new_load = (Decimal::ONE + carried)
                .checked_div(support)
                .ok_or_else(spread)?;
            match best {
                Some(b) if new_load > b => {}
                Some(b) if new_load == b => tied.push(c),
                _ => {
                    best = Some(new_load);
                    tied = vec![c];
                }
            }
        }
        if tied.is_empty() {
            // Nobody left has an approver: every remaining candidate is equally (un)supported.
            tied = candidates
                .standing()
                .filter(|c| !elected.contains(c))
                .collect();
        }
        let chosen = if let [only] = tied[..] {
            Some(only)
        } else {
            draw_lot(tied, None, options.tie_break, &mut lot, &mut ties)
        };
        let Some(chosen) = chosen else {
            return Ok(outcome(
                ballots,
                Method::Phragmen,
                options,
                elected,
                ties,
                false,
            ));
        };
        if let Some(new_load) = best {
            for (b, (approved, _)) in ballots.ballots().iter().enumerate() {
                if approved.contains(&chosen) {
                    load[b] = new_load;
                }
            }
        }
        elected.push(chosen);
    }
    Ok(outcome(
        ballots,
        Method::Phragmen,
        options,
        elected,
        ties,
        true,
    ))
}

/// Proportional approval voting: the committee maximising the sum over voters of
/// 1 + 1/2 + … + 1/k, for k elected candidates they approve. Exact: every committee is
/// compared, in integer arithmetic (scaled by lcm(1..seats)).
fn pav(ballots: &Approvals, options: Options) -> Result<Outcome, TallyError> {
    let standing: Vec<CandidateId> = ballots.candidates().standing().collect();
    let k = options.seats;
    let committees = binomial(standing.len() as u128, k as u128);
    if committees > MAX_COMMITTEES {
        return Err(TallyError::TooManyCommittees {
            method: Method::Pav,
            committees,
            max: MAX_COMMITTEES,
        });
    }
    let harmonic = harmonic(k)?;
    let too_heavy = || TallyError::TooHeavy {
        method: Method::Pav,
        total: ballots.total_weight(),
        max: (Decimal::MAX / (harmonic[k] + Decimal::ONE)).floor(),
    };
    let mut best: Option<Decimal> = None;
    let mut optimal: Vec<Vec<CandidateId>> = Vec::new();
    let mut pick: Vec<usize> = (0..k).collect();
    loop {
        let committee: Vec<CandidateId> = pick.iter().map(|&i| standing[i]).collect();
        // `count` checked the total weight against `harmonic[k]`; checked anyway.
        let mut score = Decimal::ZERO;
        for (approved, weight) in ballots.ballots() {
            let points = harmonic[committee.iter().filter(|c| approved.contains(c)).count()];
            score = weight
                .checked_mul(points)
                .and_then(|p| score.checked_add(p))
                .ok_or_else(too_heavy)?;
        }
        match best {
            Some(b) if score < b => {}
            Some(b) if score == b => optimal.push(committee),
            _ => {
                best = Some(score);
                optimal = vec![committee];
            }
        }
        if !next_combination(&mut pick, standing.len()) {
            break;
        }
    }
    let mut ties = Vec::new();
    let committee = if optimal.len() == 1 {
        optimal.remove(0)
    } else {
        let mut between: Vec<CandidateId> = optimal.iter().flatten().copied().collect();
        between.sort();
        between.dedup();
        match options.tie_break {
            TieBreak::Lot { seed } => {
                let mut lot = Lot::new(seed);
                let chosen = optimal.swap_remove(lot.draw(optimal.len()));
                ties.push(Tie {
                    stage: None,
                    kind: TieKind::Winner,
                    between,
                    resolution: Resolution::Lot {
                        seed,
                        chosen: chosen[0],
                    },
                });
                chosen
            }
            _ => {
                ties.push(Tie {
                    stage: None,
                    kind: TieKind::Winner,
                    between,
                    resolution: Resolution::Unresolved,
                });
                // Those in every optimal committee are elected whatever the tie.
                let sure: Vec<CandidateId> = optimal[0]
                    .iter()
                    .copied()
                    .filter(|c| optimal.iter().all(|o| o.contains(c)))
                    .collect();
                return Ok(outcome(ballots, Method::Pav, options, sure, ties, false));
            }
        }
    };
    let mut out = outcome(ballots, Method::Pav, options, Vec::new(), ties, true);
    let scores = out.scores.clone().unwrap_or_default();
    let mut elected = committee;
    elected.sort_by(|a, b| scores[b.index()].cmp(&scores[a.index()]).then(a.cmp(b)));
    out.elected = elected;
    Ok(out)
}

/// PAV's points for 0..=`seats` approved members of a committee, as integers:
/// `lcm(1..seats) × (1 + 1/2 + … + 1/j)`, exact.
///
/// # Errors
///
/// When they do not fit in a decimal (beyond about 60 seats).
pub(super) fn harmonic(seats: usize) -> Result<Vec<Decimal>, TallyError> {
    let too_many = || TallyError::TooManySeats {
        method: Method::Pav,
        seats,
        max: max_pav_seats(),
    };
    let scale = (1..=seats as u128)
        .try_fold(1u128, lcm)
        .ok_or_else(too_many)?;
    let mut points = Vec::with_capacity(seats + 1);
    let mut acc = 0u128;
    for j in 0..=seats as u128 {
        acc = acc
            .checked_add(scale.checked_div(j).unwrap_or(0))
            .ok_or_else(too_many)?;
        points.push(
            Decimal::try_from_i128_with_scale(i128::try_from(acc).map_err(|_| too_many())?, 0)
                .map_err(|_| too_many())?,
        );
    }
    Ok(points)
}

/// The most seats whose PAV points fit in a decimal.
fn max_pav_seats() -> usize {
    let mut seats = 1;
    let mut scale = 1u128;
    loop {
        let next = seats + 1;
        let Some(s) = lcm(scale, next as u128) else {
            return seats;
        };
        let sum: Option<u128> = (1..=next as u128).try_fold(0u128, |acc, j| acc.checked_add(s / j));
        match sum.and_then(|v| Decimal::try_from_i128_with_scale(i128::try_from(v).ok()?, 0).ok()) {
            // Room for a weight of 1 above it.
            Some(v) if v < Decimal::MAX => {
                seats = next;
                scale = s;
            }
            _ => return seats,
        }
    }
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn lcm(a: u128, b: u128) -> Option<u128> {
    (a / gcd(a, b)).checked_mul(b)
}

fn binomial(n: u128, k: u128) -> u128 {
    if k > n {
        return 0;
    }
    (0..k).fold(1u128, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

/// Advances `pick` (strictly increasing indices below `n`) to the next combination.
fn next_combination(pick: &mut [usize], n: usize) -> bool {
    let k = pick.len();
    for i in (0..k).rev() {
        if pick[i] < n - k + i {
            pick[i] += 1;
            for j in i + 1..k {
                pick[j] = pick[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_and_binomials_agree() {
        let mut pick = vec![0, 1, 2];
        let mut n = 1;
        while next_combination(&mut pick, 7) {
            n += 1;
        }
        assert_eq!(n, binomial(7, 3));
        assert_eq!(binomial(30, 5), 142_506);
        assert_eq!((1..=6).try_fold(1, lcm), Some(60));
        let most = max_pav_seats();
        assert!(harmonic(most).is_ok() && most >= 40, "{most}");
        assert!(matches!(
            harmonic(most + 1),
            Err(TallyError::TooManySeats { .. })
        ));
    }
}
