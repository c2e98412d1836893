//! Single transferable vote as the Scottish Local Government Elections Order 2007
//! (SSI 2007/42, rules 45–52) counts it.
//!
//! - A ballot paper without a first preference is rejected before the count (the
//!   order's rule on rejected papers): a blank ranking (no standing candidate ranked)
//!   is not a valid vote, does not count towards the quota, and is reported in
//!   [`Outcome::rejected`](crate::Outcome::rejected).
//! - Quota: valid votes divided by seats + 1, decimals ignored, plus one (rule 46).
//! - A candidate reaching the quota is elected (47). The largest surplus is transferred
//!   first, one per stage (49); every paper the candidate holds moves to its next
//!   continuing preference at `surplus × its value ÷ the candidate's votes`, to five
//!   decimal places with the remainder ignored (48: the weighted inclusive Gregory
//!   method).
//! - With no surplus to transfer, the candidate with the fewest votes is excluded, one
//!   per stage, and each of their papers moves at its current value (50).
//! - Ties, for the largest surplus or the fewest votes, go to the most recent earlier
//!   stage at which the tied candidates had unequal votes, then to lot (49, 51): here the
//!   tie-break policy.
//! - When as many candidates continue as seats remain, they are elected and nothing more
//!   is transferred (52).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::outcome::Want;
use crate::{CandidateId, Method, Options, Outcome, Profile, TieKind};

use super::staged::Staged;

/// Five decimal places, the remainder ignored (rule 48(3)).
const PLACES: u32 = 5;

pub(super) fn count(profile: &Profile, options: Options) -> Outcome {
    let seats = options.seats;
    let mut count = Staged::first_stage(profile, options.tie_break, Some(PLACES));
    let quota = (count.valid / Decimal::from(seats + 1)).floor() + Decimal::ONE;
    count.quota = Some({
        let mut shown = quota;
        shown.rescale(PLACES);
        shown
    });
    let mut transferred = vec![false; profile.candidates().len()];
    let mut complete = true;
    loop {
        let reached: Vec<CandidateId> = count
            .hopeful()
            .into_iter()
            .filter(|c| count.votes[c.index()] >= quota)
            .collect();
        for c in count.by_votes_desc(reached) {
            count.elect(c);
        }
        count.close_stage();
        let left = seats - count.elected.len().min(seats);
        let hopeful = count.hopeful();
        if left == 0 || hopeful.len() <= left {
            if left > 0 {
                let rest = count.by_votes_desc(hopeful);
                count.elect_after_last_stage(&rest);
            }
            break;
        }
        let pending: Vec<CandidateId> = count
            .elected
            .iter()
            .copied()
            .filter(|c| !transferred[c.index()] && count.votes[c.index()] > quota)
            .collect();
        if !pending.is_empty() {
            let Some(c) = count.pick(&pending, Want::Highest, TieKind::SurplusOrder) else {
                complete = false;
                break;
            };
            transfer_surplus(&mut count, c, quota);
            transferred[c.index()] = true;
            continue;
        }
        let Some(c) = count.pick(&hopeful, Want::Lowest, TieKind::Exclusion) else {
            complete = false;
            break;
        };
        count.exclude(c);
    }
    count.into_outcome(Method::StvScottish, seats, complete)
}

/// Moves every paper of `c` on at `surplus × value ÷ votes` (rule 48(3)); `c` keeps the
/// quota.
fn transfer_surplus(count: &mut Staged<'_>, c: CandidateId, quota: Decimal) {
    let total = count.votes[c.index()];
    let surplus = total - quota;
    count.mark_surplus(c);
    count.transfer(c, |value| {
        (surplus * value / total).round_dp_with_strategy(PLACES, RoundingStrategy::ToZero)
    });
    count.votes[c.index()] = quota;
}
