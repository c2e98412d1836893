//! The machinery of staged counts (IRV, STV): ballot papers in parcels on candidates'
//! piles, transfers to the next available preference, and a record of every stage.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::outcome::{Lot, Want, pick_or_tied};
use crate::{CandidateId, Method, Outcome, Profile, Resolution, Round, Tie, TieBreak, TieKind};

/// Where a candidate stands in the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Status {
    Hopeful,
    Elected,
    Excluded,
    Withdrawn,
}

/// Ballot papers of one ranking that travel together: same place on the ranking, same
/// value per paper.
#[derive(Debug, Clone)]
struct Parcel {
    ballot: usize,
    rank: usize,
    value: Decimal,
    weight: Decimal,
}

/// A staged count in progress.
pub(super) struct Staged<'p> {
    profile: &'p Profile,
    /// The valid votes: every ballot but the blank ones.
    pub(super) valid: Decimal,
    /// The blank ballots, rejected (see [`Profile::blank_weight`]).
    rejected: Decimal,
    pub(super) status: Vec<Status>,
    pub(super) votes: Vec<Decimal>,
    piles: Vec<Vec<Parcel>>,
    /// Decimal places kept (truncated), or `None` for exact arithmetic.
    scale: Option<u32>,
    policy: TieBreak,
    lot: Option<Lot>,
    /// The quota, recorded with every stage (STV).
    pub(super) quota: Option<Decimal>,
    pub(super) rounds: Vec<Round>,
    pub(super) ties: Vec<Tie>,
    pub(super) elected: Vec<CandidateId>,
    stage_elected: Vec<CandidateId>,
    stage_excluded: Vec<CandidateId>,
    stage_surplus: Option<CandidateId>,
}

impl<'p> Staged<'p> {
    /// Stage one: every ballot on the pile of its first standing preference. Blank
    /// ballots are rejected: not valid votes, and on nobody's pile.
    pub(super) fn first_stage(profile: &'p Profile, policy: TieBreak, scale: Option<u32>) -> Self {
        let candidates = profile.candidates();
        let status = candidates
            .ids()
            .map(|c| {
                if candidates.is_withdrawn(c) {
                    Status::Withdrawn
                } else {
                    Status::Hopeful
                }
            })
            .collect();
        let n = candidates.len();
        let rejected = profile.blank_weight();
        let mut count = Staged {
            profile,
            valid: profile.total_weight() - rejected,
            rejected,
            status,
            votes: vec![Decimal::ZERO; n],
            piles: vec![Vec::new(); n],
            scale,
            policy,
            lot: None,
            quota: None,
            rounds: Vec::new(),
            ties: Vec::new(),
            elected: Vec::new(),
            stage_elected: Vec::new(),
            stage_excluded: Vec::new(),
            stage_surplus: None,
        };
        for (ballot, (_, weight)) in profile.ballots().iter().enumerate() {
            let parcel = Parcel {
                ballot,
                rank: 0,
                value: Decimal::ONE,
                weight: *weight,
            };
            count.place(parcel, 0);
        }
        count
    }

    fn fixed(&self, value: Decimal) -> Decimal {
        match self.scale {
            Some(dp) => value.round_dp_with_strategy(dp, RoundingStrategy::ToZero),
            None => value,
        }
    }

    /// Puts a parcel on the pile of the first continuing candidate ranked at or after
    /// `from`. A rank that holds several continuing candidates (equal preferences)
    /// cannot be followed: the parcel is then non-transferable, as it is when the
    /// ranking runs out.
    fn place(&mut self, mut parcel: Parcel, from: usize) {
        let ranks = self.profile.ballots()[parcel.ballot].0.ranks();
        for (rank, group) in ranks.iter().enumerate().skip(from) {
            let mut continuing = group
                .iter()
                .filter(|c| self.status[c.index()] == Status::Hopeful);
            let Some(&first) = continuing.next() else {
                continue;
            };
            if continuing.next().is_some() {
                return;
            }
            parcel.rank = rank;
            let amount = self.fixed(parcel.weight * parcel.value);
            self.votes[first.index()] += amount;
            self.piles[first.index()].push(parcel);
            return;
        }
    }

    /// Moves every parcel on `from`'s pile to its next continuing preference, each paper
    /// at `revalue(old value)`.
    pub(super) fn transfer(&mut self, from: CandidateId, revalue: impl Fn(Decimal) -> Decimal) {
        let pile = std::mem::take(&mut self.piles[from.index()]);
        for mut parcel in pile {
            parcel.value = revalue(parcel.value);
            let next = parcel.rank + 1;
            self.place(parcel, next);
        }
    }

    pub(super) fn hopeful(&self) -> Vec<CandidateId> {
        self.profile
            .candidates()
            .ids()
            .filter(|c| self.status[c.index()] == Status::Hopeful)
            .collect()
    }

    pub(super) fn elect(&mut self, c: CandidateId) {
        self.status[c.index()] = Status::Elected;
        self.elected.push(c);
        self.stage_elected.push(c);
    }

    /// Excludes `c` and transfers its papers at their values.
    pub(super) fn exclude(&mut self, c: CandidateId) {
        self.status[c.index()] = Status::Excluded;
        self.stage_excluded.push(c);
        self.transfer(c, |v| v);
        self.votes[c.index()] = Decimal::ZERO;
    }

    pub(super) fn mark_surplus(&mut self, c: CandidateId) {
        self.stage_surplus = Some(c);
    }

    /// Ends the stage: records every candidate's votes and what happened.
    pub(super) fn close_stage(&mut self) {
        let held: Decimal = self.votes.iter().copied().sum();
        let mut votes = self.votes.clone();
        if let Some(dp) = self.scale {
            votes.iter_mut().for_each(|v| v.rescale(dp));
        }
        let mut non_transferable = self.valid - held;
        if let Some(dp) = self.scale {
            non_transferable.rescale(dp);
        }
        self.rounds.push(Round {
            votes,
            non_transferable,
            elected: std::mem::take(&mut self.stage_elected),
            excluded: std::mem::take(&mut self.stage_excluded),
            surplus: self.stage_surplus.take(),
            quota: self.quota,
        });
    }

    /// Adds to the last closed stage the candidates elected without a further stage.
    pub(super) fn elect_after_last_stage(&mut self, winners: &[CandidateId]) {
        for &c in winners {
            self.status[c.index()] = Status::Elected;
            self.elected.push(c);
            if let Some(last) = self.rounds.last_mut() {
                last.elected.push(c);
            }
        }
    }

    /// Candidates in order of votes, highest first; equal votes by earlier stages, then
    /// by ballot-paper order (the order of election within one stage changes nothing).
    pub(super) fn by_votes_desc(&self, mut ids: Vec<CandidateId>) -> Vec<CandidateId> {
        ids.sort_by(|a, b| {
            let now = self.votes[b.index()].cmp(&self.votes[a.index()]);
            let before = self
                .rounds
                .iter()
                .rev()
                .map(|r| r.votes[b.index()].cmp(&r.votes[a.index()]))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal);
            now.then(before).then(a.cmp(b))
        });
        ids
    }

    /// The candidate with the most (`Want::Highest`) or fewest votes among `among`,
    /// settling a tie by the policy and recording it. `None`: an unsettled tie.
    pub(super) fn pick(
        &mut self,
        among: &[CandidateId],
        want: Want,
        kind: TieKind,
    ) -> Option<CandidateId> {
        self.pick_or_tied(among, want, kind).ok()
    }

    /// [`Staged::pick`], with the candidates the policy left tied when it did not
    /// settle the tie.
    pub(super) fn pick_or_tied(
        &mut self,
        among: &[CandidateId],
        want: Want,
        kind: TieKind,
    ) -> Result<CandidateId, Vec<CandidateId>> {
        let votes = &self.votes;
        pick_or_tied(
            among,
            |c| votes[c.index()],
            want,
            kind,
            &self.rounds,
            self.policy,
            &mut self.lot,
            &mut self.ties,
        )
    }

    /// Records that the last tie, which the policy left unsettled, does not affect the
    /// outcome, and that the count follows `followed`.
    pub(super) fn follow_last_tie(&mut self, followed: CandidateId) {
        if let Some(tie) = self.ties.last_mut() {
            tie.resolution = Resolution::Immaterial { followed };
        }
    }

    /// What the rest of an IRV count depends on: who is excluded (that places every
    /// ballot) and the votes at every stage so far (that settles ties).
    pub(super) fn state(&self) -> (Vec<Status>, Vec<Vec<Decimal>>) {
        let history = self.rounds.iter().map(|r| r.votes.clone()).collect();
        (self.status.clone(), history)
    }

    /// The outcome of the finished (or stopped) count.
    pub(super) fn into_outcome(self, method: Method, seats: usize, complete: bool) -> Outcome {
        Outcome {
            method,
            seats,
            valid_votes: self.valid,
            rejected: self.rejected,
            quota: self.quota,
            elected: self.elected,
            ranking: None,
            scores: None,
            ties: self.ties,
            complete,
            rounds: self.rounds,
            pairwise: None,
            spending: None,
        }
    }
}
