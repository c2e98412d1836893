//! Instant-runoff voting.
//!
//! A blank ballot (no standing candidate ranked) is rejected, as in STV: it is not a
//! valid vote and is reported in [`Outcome::rejected`](crate::Outcome::rejected). IRV
//! needs a majority of the votes still in the count, so this changes no result, only
//! what the report says.

use crate::outcome::Want;
use crate::{Method, Options, Outcome, Profile, TallyError, TieKind};

use super::staged::Staged;

pub(super) fn count(profile: &Profile, options: Options) -> Result<Outcome, TallyError> {
    if options.seats != 1 {
        return Err(TallyError::SingleWinner {
            method: Method::Irv,
            seats: options.seats,
        });
    }
    let mut count = Staged::first_stage(profile, options.tie_break, None);
    let mut complete = true;
    loop {
        let hopeful = count.hopeful();
        let held: rust_decimal::Decimal = hopeful.iter().map(|c| count.votes[c.index()]).sum();
        let leader = count.by_votes_desc(hopeful.clone())[0];
        let lead = count.votes[leader.index()];
        if hopeful.len() == 1 || lead + lead > held {
            count.elect(leader);
            count.close_stage();
            break;
        }
        if hopeful.len() == 2 && count.votes[hopeful[0].index()] == count.votes[hopeful[1].index()]
        {
            // Two left, equal: the last seat is a tie.
            let winner = count.pick(&hopeful, Want::Highest, TieKind::Winner);
            count.close_stage();
            match winner {
                Some(winner) => count.elect_after_last_stage(&[winner]),
                None => complete = false,
            }
            break;
        }
        count.close_stage();
        let Some(lowest) = count.pick(&hopeful, Want::Lowest, TieKind::Exclusion) else {
            complete = false;
            break;
        };
        count.exclude(lowest);
    }
    Ok(count.into_outcome(Method::Irv, 1, complete))
}
