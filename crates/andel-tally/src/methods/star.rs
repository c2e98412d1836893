//! Methods over score ballots: score voting, and STAR (score then automatic runoff).

use rust_decimal::Decimal;

use super::scored::{Better, from_scores, rank_by};
use crate::outcome::{Lot, draw_lot};
use crate::{CandidateId, Method, Options, Outcome, Round, Scores, TallyError, Tie};

pub(super) fn count(
    ballots: &Scores,
    method: Method,
    options: Options,
) -> Result<Outcome, TallyError> {
    // `count_ballots` refused a total weight above `Decimal::MAX ÷ 1001`; checked anyway.
    let too_heavy = || TallyError::TooHeavy {
        method,
        total: ballots.total_weight(),
        max: Decimal::MAX / Decimal::from(crate::MAX_SCORE + 1),
    };
    let mut totals = vec![Decimal::ZERO; ballots.candidates().len()];
    for (sheet, weight) in ballots.ballots() {
        for (c, score) in sheet.iter().enumerate() {
            totals[c] = Decimal::from(*score)
                .checked_mul(*weight)
                .and_then(|points| totals[c].checked_add(points))
                .ok_or_else(too_heavy)?;
        }
    }
    if method == Method::Score {
        return Ok(from_scores(
            ballots.candidates(),
            ballots.total_weight(),
            method,
            options,
            totals,
            Better::Higher,
            None,
        ));
    }
    if options.seats != 1 {
        return Err(TallyError::SingleWinner {
            method,
            seats: options.seats,
        });
    }
    Ok(star(ballots, options, totals))
}

/// STAR: the two highest-scoring candidates go to a runoff, won by the one scored higher
/// on more ballots; a runoff tie goes to the higher total score, then to the policy.
fn star(ballots: &Scores, options: Options, totals: Vec<Decimal>) -> Outcome {
    let standing: Vec<CandidateId> = ballots.candidates().standing().collect();
    let n = ballots.candidates().len();
    let mut ties = Vec::new();
    let mut lot: Option<Lot> = None;
    let policy = options.tie_break;
    let mut draw = |tied: Vec<CandidateId>, ties: &mut Vec<Tie>, stage: usize| {
        draw_lot(tied, Some(stage), policy, &mut lot, ties)
    };
    let scoring = Round {
        votes: totals.clone(),
        non_transferable: Decimal::ZERO,
        elected: Vec::new(),
        excluded: Vec::new(),
        surplus: None,
        quota: None,
    };
    let mut outcome = Outcome {
        method: Method::Star,
        seats: 1,
        valid_votes: ballots.total_weight(),
        rejected: Decimal::ZERO,
        quota: None,
        elected: Vec::new(),
        ranking: Some(rank_by(&standing, &totals, Better::Higher)),
        scores: Some(totals.clone()),
        ties: Vec::new(),
        complete: false,
        rounds: vec![scoring],
        pairwise: None,
        spending: None,
    };
    // Finalists: the top two by score, settling a tie for a place by the policy.
    let mut finalists: Vec<CandidateId> = Vec::new();
    for group in outcome.ranking.clone().unwrap_or_default() {
        let room = 2 - finalists.len();
        if group.len() <= room {
            finalists.extend(group);
        } else {
            let mut pool = group;
            while finalists.len() < 2 {
                let Some(c) = draw(pool.clone(), &mut ties, 1) else {
                    outcome.ties = ties;
                    return outcome;
                };
                pool.retain(|x| *x != c);
                finalists.push(c);
            }
        }
        if finalists.len() == 2 {
            break;
        }
    }
    if finalists.len() < 2 {
        outcome.elected = finalists;
        outcome.complete = true;
        outcome.ties = ties;
        return outcome;
    }
    let (a, b) = (finalists[0], finalists[1]);
    let mut runoff = vec![Decimal::ZERO; n];
    let mut no_preference = Decimal::ZERO;
    for (sheet, weight) in ballots.ballots() {
        match sheet[a.index()].cmp(&sheet[b.index()]) {
            std::cmp::Ordering::Greater => runoff[a.index()] += *weight,
            std::cmp::Ordering::Less => runoff[b.index()] += *weight,
            std::cmp::Ordering::Equal => no_preference += *weight,
        }
    }
    let winner = match runoff[a.index()].cmp(&runoff[b.index()]) {
        std::cmp::Ordering::Greater => Some(a),
        std::cmp::Ordering::Less => Some(b),
        std::cmp::Ordering::Equal => match totals[a.index()].cmp(&totals[b.index()]) {
            std::cmp::Ordering::Greater => Some(a),
            std::cmp::Ordering::Less => Some(b),
            std::cmp::Ordering::Equal => draw(vec![a, b], &mut ties, 2),
        },
    };
    outcome.rounds.push(Round {
        votes: runoff,
        non_transferable: no_preference,
        elected: winner.into_iter().collect(),
        excluded: Vec::new(),
        surplus: None,
        quota: None,
    });
    outcome.elected = winner.into_iter().collect();
    outcome.complete = winner.is_some();
    outcome.ties = ties;
    outcome
}
