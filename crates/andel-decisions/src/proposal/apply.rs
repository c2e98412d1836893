//! `apply`: each event folded into the proposal's state.

use super::*;

impl Proposal {
    /// Folds in one event.
    ///
    /// # Errors
    ///
    /// An event that does not fit the phase (from an edited or foreign journal).
    pub fn apply(&mut self, event: &ProposalEvent) -> Result<(), ProposalError> {
        let expect = |phase: Phase, want: Phase, action| {
            if phase == want {
                Ok(())
            } else {
                Err(ProposalError::Phase { phase, action })
            }
        };
        match event {
            ProposalEvent::Drafted { spec, .. } => {
                expect(self.phase, Phase::New, "be drafted")?;
                self.spec = Some((**spec).clone());
                self.closes_at = Some(spec.closes_at);
                self.phase = Phase::Draft;
            }
            ProposalEvent::Scheduled { .. } => {
                expect(self.phase, Phase::Draft, "be scheduled")?;
                self.phase = Phase::Scheduled;
            }
            ProposalEvent::Withdrawn { .. } => {
                if !matches!(self.phase, Phase::Draft | Phase::Scheduled) {
                    return Err(ProposalError::Phase {
                        phase: self.phase,
                        action: "be withdrawn",
                    });
                }
                self.phase = Phase::Withdrawn;
            }
            ProposalEvent::Opened { electorate, .. } => {
                expect(self.phase, Phase::Scheduled, "open")?;
                self.electorate = Some(electorate.clone());
                self.phase = Phase::Open;
            }
            ProposalEvent::Voted {
                voter,
                choice,
                reason,
                ..
            } => {
                expect(self.phase, Phase::Open, "take votes")?;
                self.ballots
                    .insert(voter.clone(), (*choice, reason.clone()));
            }
            ProposalEvent::ProxyAuthorised { member, proxy, .. } => {
                expect(self.phase, Phase::Open, "take proxies")?;
                self.proxies.insert(member.clone(), proxy.clone());
            }
            ProposalEvent::Ranked { voter, ranking, .. }
            | ProposalEvent::Approved {
                voter,
                projects: ranking,
                ..
            } => {
                expect(self.phase, Phase::Open, "take votes")?;
                self.rankings.insert(voter.clone(), ranking.clone());
            }
            ProposalEvent::Participated { voter, by, .. } => {
                expect(self.phase, Phase::Open, "take votes")?;
                self.participants.insert(voter.clone(), by.clone());
            }
            ProposalEvent::DeadlineExtended { closes_at, .. } => {
                expect(self.phase, Phase::Open, "have its deadline extended")?;
                self.closes_at = Some(*closes_at);
            }
            ProposalEvent::Closed {
                outcome,
                delegations,
                ..
            } => {
                expect(self.phase, Phase::Open, "close")?;
                self.delegations = delegations.clone();
                self.outcome = Some((**outcome).clone());
                self.phase = Phase::Closed;
            }
        }
        Ok(())
    }
}
