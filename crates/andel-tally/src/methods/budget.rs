//! Participatory budgeting over approval ballots: the Method of Equal Shares (with
//! completion) and greedy-by-approval.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::outcome::{Lot, draw_lot};
use crate::{Approvals, CandidateId, Method, Options, Outcome, TallyError, Tie, TieBreak};

/// The most times completion raises the voters' shares before it stops.
const MAX_COMPLETION_STEPS: usize = 100_000;

/// What a participatory budget has to spend, and what each project costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// The money to spend.
    pub limit: Decimal,
    /// Each project's cost, in candidate order.
    pub costs: Vec<Decimal>,
}

/// How a budget was spent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spending {
    /// The money available.
    pub limit: Decimal,
    /// The money spent on the funded projects.
    pub spent: Decimal,
    /// Each project's cost, in candidate order.
    pub costs: Vec<Decimal>,
    /// Equal Shares: each unit of voter weight's share of the budget in the run whose
    /// outcome was kept (raised above limit ÷ voters by completion).
    pub share: Option<Decimal>,
}

pub(super) fn count(
    ballots: &Approvals,
    budget: &Budget,
    method: Method,
    options: Options,
) -> Result<Outcome, TallyError> {
    let n = ballots.candidates().len();
    if budget.costs.len() != n {
        return Err(TallyError::Costs {
            costs: budget.costs.len(),
            projects: n,
        });
    }
    if let Some(bad) = budget
        .costs
        .iter()
        .chain([&budget.limit])
        .find(|c| c.is_sign_negative())
    {
        return Err(TallyError::Money { amount: *bad });
    }
    // Bounded where they are read, so that shares, prices and payments fit a decimal.
    let max = super::MAX_BUDGET_AMOUNT;
    let costs = budget
        .costs
        .iter()
        .try_fold(Decimal::ZERO, |sum, c| sum.checked_add(*c))
        .unwrap_or(Decimal::MAX);
    for (what, amount) in [
        ("the budget", budget.limit),
        ("the projects' costs together", costs),
    ] {
        if amount > max {
            return Err(TallyError::TooMuchMoney { what, amount, max });
        }
    }
    let approvals = approval_counts(ballots);
    let mut ties = Vec::new();
    let mut lot: Option<Lot> = None;
    let (funded, share, complete) = match method {
        Method::EqualShares => {
            let (mut funded, share, complete) = equal_shares_completed(
                ballots,
                budget,
                &approvals,
                options.tie_break,
                &mut lot,
                &mut ties,
            )?;
            if complete {
                greedy_fill(
                    &mut funded,
                    &approvals,
                    budget,
                    ballots,
                    options.tie_break,
                    &mut lot,
                    &mut ties,
                );
            }
            (funded, Some(share), complete)
        }
        _ => {
            let mut funded = Vec::new();
            let complete = greedy_fill(
                &mut funded,
                &approvals,
                budget,
                ballots,
                options.tie_break,
                &mut lot,
                &mut ties,
            );
            (funded, None, complete)
        }
    };
    let spent = funded
        .iter()
        .map(|p: &CandidateId| budget.costs[p.index()])
        .sum();
    Ok(Outcome {
        method,
        seats: funded.len(),
        valid_votes: ballots.total_weight(),
        rejected: Decimal::ZERO,
        quota: None,
        elected: funded,
        ranking: None,
        scores: Some(approvals),
        ties,
        complete,
        rounds: Vec::new(),
        pairwise: None,
        spending: Some(Spending {
            limit: budget.limit,
            spent,
            costs: budget.costs.clone(),
            share,
        }),
    })
}

fn approval_counts(ballots: &Approvals) -> Vec<Decimal> {
    let mut approvals = vec![Decimal::ZERO; ballots.candidates().len()];
    for (approved, weight) in ballots.ballots() {
        for p in approved {
            approvals[p.index()] += *weight;
        }
    }
    approvals
}

/// Picks one of `tied`: the one with more approvals, then the cheaper (the methods'
/// own rule), then by the policy (lot), or records an unsettled tie.
fn pick(
    mut tied: Vec<CandidateId>,
    approvals: &[Decimal],
    costs: &[Decimal],
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> Option<CandidateId> {
    if let Some(most) = tied.iter().map(|p| approvals[p.index()]).max() {
        tied.retain(|p| approvals[p.index()] == most);
    }
    if let Some(cheapest) = tied.iter().map(|p| costs[p.index()]).min() {
        tied.retain(|p| costs[p.index()] == cheapest);
    }
    if let [only] = tied[..] {
        return Some(only);
    }
    draw_lot(tied, None, policy, lot, ties)
}

/// Greedy by approval: projects in order of approvals, each funded if it still fits.
/// Returns false at an unsettled tie that decides what is funded.
fn greedy_fill(
    funded: &mut Vec<CandidateId>,
    approvals: &[Decimal],
    budget: &Budget,
    ballots: &Approvals,
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> bool {
    let mut left = budget.limit
        - funded
            .iter()
            .map(|p| budget.costs[p.index()])
            .sum::<Decimal>();
    loop {
        let fits: Vec<CandidateId> = ballots
            .candidates()
            .standing()
            .filter(|p| !funded.contains(p) && budget.costs[p.index()] <= left)
            .collect();
        let Some(best) = fits.iter().map(|p| approvals[p.index()]).max() else {
            return true;
        };
        let tied: Vec<CandidateId> = fits
            .into_iter()
            .filter(|p| approvals[p.index()] == best)
            .collect();
        let Some(p) = pick(tied, approvals, &budget.costs, policy, lot, ties) else {
            return false;
        };
        left -= budget.costs[p.index()];
        funded.push(p);
    }
}

/// What Equal Shares answers when a share or a price passes a decimal: weights spread
/// so far apart (10⁻²⁸ beside 10²⁰) that one unit of weight's share does not fit.
fn spread() -> TallyError {
    TallyError::Arithmetic {
        method: Method::EqualShares,
        what: "a unit of weight's share of the budget",
    }
}

/// One run of Equal Shares with every unit of voter weight holding `share`; `Ok(None)`
/// at an unsettled tie.
fn equal_shares(
    ballots: &Approvals,
    budget: &Budget,
    approvals: &[Decimal],
    share: Decimal,
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> Result<Option<Vec<CandidateId>>, TallyError> {
    let groups = ballots.ballots();
    let mut money: Vec<Decimal> = groups
        .iter()
        .map(|(_, w)| share.checked_mul(*w).ok_or_else(spread))
        .collect::<Result<_, _>>()?;
    let mut funded: Vec<CandidateId> = Vec::new();
    loop {
        // For each project, the smallest per-unit payment (cost utilities: rho × cost)
        // at which its approvers can pay for it.
        let mut best: Option<Decimal> = None;
        let mut tied: Vec<CandidateId> = Vec::new();
        for p in ballots
            .candidates()
            .standing()
            .filter(|p| !funded.contains(p))
        {
            let cost = budget.costs[p.index()];
            let Some(rho) = price(groups, &money, p, cost)? else {
                continue;
            };
            match best {
                Some(b) if rho > b => {}
                Some(b) if rho == b => tied.push(p),
                _ => {
                    best = Some(rho);
                    tied = vec![p];
                }
            }
        }
        let Some(rho) = best else {
            return Ok(Some(funded));
        };
        let Some(p) = pick(tied, approvals, &budget.costs, policy, lot, ties) else {
            return Ok(None);
        };
        let cap = rho
            .checked_mul(budget.costs[p.index()])
            .ok_or_else(spread)?;
        for (g, (approved, weight)) in groups.iter().enumerate() {
            if approved.contains(&p) {
                // A payment beyond a decimal is beyond the group's money: it pays all.
                let pays = cap
                    .checked_mul(*weight)
                    .map_or(money[g], |due| due.min(money[g]));
                money[g] -= pays;
            }
        }
        funded.push(p);
    }
}

/// The price per unit of utility at which `p`'s approvers pay `cost` together, each
/// unit of weight paying at most `rho × cost`; `None` if they cannot afford it.
fn price(
    groups: &[(Vec<CandidateId>, Decimal)],
    money: &[Decimal],
    p: CandidateId,
    cost: Decimal,
) -> Result<Option<Decimal>, TallyError> {
    if cost.is_zero() {
        return Ok(Some(Decimal::ZERO));
    }
    let mut supporters: Vec<(Decimal, Decimal)> = groups
        .iter()
        .zip(money)
        .filter(|((approved, _), _)| approved.contains(&p))
        .map(|((_, weight), m)| Ok((m.checked_div(*weight).ok_or_else(spread)?, *weight)))
        .collect::<Result<_, TallyError>>()?;
    // Summed in one order whatever the order of the ballots: rounded sums of the same
    // terms can differ in the last place by order, and a project at the edge of
    // affordability must not be funded or not by how the ballots arrived.
    supporters.sort();
    let mut available = Decimal::ZERO;
    for (per_unit, w) in &supporters {
        available = per_unit
            .checked_mul(*w)
            .and_then(|m| available.checked_add(m))
            .ok_or_else(spread)?;
    }
    if available < cost {
        return Ok(None);
    }
    let mut paid = Decimal::ZERO;
    let mut weight_left: Decimal = supporters.iter().map(|(_, w)| *w).sum();
    for (per_unit, w) in supporters {
        let each = (cost - paid).checked_div(weight_left).ok_or_else(spread)?;
        if each <= per_unit {
            return Ok(Some(each / cost));
        }
        paid += per_unit.checked_mul(w).ok_or_else(spread)?;
        weight_left -= w;
    }
    Ok(None)
}

/// Equal Shares with "add one" completion: while the outcome leaves money unspent,
/// raise every unit's share by one (currency unit) and count again, keeping the last
/// outcome that stays within the budget.
fn equal_shares_completed(
    ballots: &Approvals,
    budget: &Budget,
    approvals: &[Decimal],
    policy: TieBreak,
    lot: &mut Option<Lot>,
    ties: &mut Vec<Tie>,
) -> Result<(Vec<CandidateId>, Decimal, bool), TallyError> {
    let total = ballots.total_weight();
    if total.is_zero() {
        return Ok((Vec::new(), Decimal::ZERO, true));
    }
    let mut share = budget.limit.checked_div(total).ok_or_else(spread)?;
    let cost_of = |f: &[CandidateId]| f.iter().map(|p| budget.costs[p.index()]).sum::<Decimal>();
    let Some(mut kept) = equal_shares(ballots, budget, approvals, share, policy, lot, ties)? else {
        return Ok((Vec::new(), share, false));
    };
    let mut kept_share = share;
    for _ in 0..MAX_COMPLETION_STEPS {
        if cost_of(&kept) >= budget.limit || kept.len() == ballots.candidates().standing().count() {
            break;
        }
        share = share.checked_add(Decimal::ONE).ok_or_else(spread)?;
        let mut trial_ties = Vec::new();
        let Some(trial) = equal_shares(
            ballots,
            budget,
            approvals,
            share,
            policy,
            lot,
            &mut trial_ties,
        )?
        else {
            break;
        };
        if cost_of(&trial) > budget.limit {
            break;
        }
        ties.extend(trial_ties);
        kept = trial;
        kept_share = share;
    }
    Ok((kept, kept_share, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ballots, Candidates, count_ballots};

    /// A project at the very edge of what its approvers can pay (their shares of 57
    /// among 21 units of weight are rounded decimals): Equal Shares funds the same
    /// projects whatever the order of the ballots. The sum of its approvers' money
    /// once depended on the order it was added in (found by the property test).
    #[test]
    fn equal_shares_at_the_edge_does_not_depend_on_ballot_order() {
        let sets: [(&[u16], u32); 9] = [
            (&[], 1),
            (&[0, 1, 3], 2),
            (&[1, 2, 3], 2),
            (&[1], 4),
            (&[3], 4),
            (&[1, 4], 1),
            (&[], 2),
            (&[1, 3], 4),
            (&[1, 3, 4], 1),
        ];
        let count = |order: &mut dyn Iterator<Item = &(&[u16], u32)>| {
            let projects = Candidates::new(["a", "b", "c", "d", "e"]).unwrap();
            let mut approvals = Approvals::builder(projects);
            for (set, weight) in order {
                approvals
                    .add(set.iter().map(|c| CandidateId(*c)), Decimal::from(*weight))
                    .unwrap();
            }
            let budget = Budget {
                limit: Decimal::from(57),
                costs: [1, 52, 1, 4, 1].map(Decimal::from).to_vec(),
            };
            let ballots = Ballots::Budget {
                approvals: approvals.build(),
                budget,
            };
            let options = Options {
                seats: 1,
                tie_break: TieBreak::Lot { seed: 8 },
            };
            count_ballots(&ballots, Method::EqualShares, options)
                .unwrap()
                .elected
        };
        assert_eq!(count(&mut sets.iter()), count(&mut sets.iter().rev()));
    }

    /// Six voters want X1 and X2, one more X2, four want Y; 110 to spend, 50 a project.
    /// Greedy funds the majority's two projects; Equal Shares gives the four their one.
    fn example() -> Ballots {
        let projects = Candidates::new(["X1", "X2", "Y"]).unwrap();
        let mut approvals = Approvals::builder(projects);
        approvals
            .add([CandidateId(0), CandidateId(1)], Decimal::from(6))
            .unwrap();
        approvals.add([CandidateId(1)], Decimal::ONE).unwrap();
        approvals.add([CandidateId(2)], Decimal::from(4)).unwrap();
        let budget = Budget {
            limit: Decimal::from(110),
            costs: vec![Decimal::from(50); 3],
        };
        Ballots::Budget {
            approvals: approvals.build(),
            budget,
        }
    }

    #[test]
    fn equal_shares_is_proportional_where_greedy_is_not() {
        let ballots = example();
        let greedy = count_ballots(&ballots, Method::GreedyBudget, Options::default()).unwrap();
        assert_eq!(greedy.elected, [CandidateId(1), CandidateId(0)]);
        let shares = count_ballots(&ballots, Method::EqualShares, Options::default()).unwrap();
        assert_eq!(shares.elected, [CandidateId(1), CandidateId(2)]);
        let spending = shares.spending.unwrap();
        assert_eq!(spending.spent, Decimal::from(100));
        // 10 each at first; completion raised it to 15 (16 would fund all three: 150).
        assert_eq!(spending.share, Some(Decimal::from(15)));
    }

    #[test]
    fn prices_follow_the_poorest_supporters() {
        let groups = vec![
            (vec![CandidateId(0)], Decimal::ONE),
            (vec![CandidateId(0)], Decimal::ONE),
        ];
        // One supporter has 10, the other 100: the first pays 10, the second 40.
        let rho = price(
            &groups,
            &[Decimal::from(10), Decimal::from(100)],
            CandidateId(0),
            Decimal::from(50),
        )
        .unwrap()
        .unwrap();
        assert_eq!(rho * Decimal::from(50), Decimal::from(40));
        assert_eq!(
            price(
                &groups,
                &[Decimal::from(10), Decimal::from(10)],
                CandidateId(0),
                Decimal::from(50)
            ),
            Ok(None)
        );
    }
}
