//! `decide`: each command checked against the phase, the electorate and the spec.

use super::*;

impl Proposal {
    /// Decides `command` at `now`: the events that carry it out, or why not.
    ///
    /// # Errors
    ///
    /// See [`ProposalError`].
    pub fn decide(
        &self,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let phase_error = |action| ProposalError::Phase {
            phase: self.phase,
            action,
        };
        match command {
            Command::Draft { spec } => {
                if self.phase != Phase::New {
                    return Err(phase_error("be drafted again"));
                }
                check_spec(&spec)?;
                Ok(vec![Event::Drafted { at: now, spec }])
            }
            Command::Schedule => {
                if self.phase != Phase::Draft {
                    return Err(phase_error("be scheduled"));
                }
                Ok(vec![Event::Scheduled { at: now }])
            }
            Command::Withdraw { reason } => {
                if !matches!(self.phase, Phase::Draft | Phase::Scheduled) {
                    return Err(phase_error("be withdrawn (only before it opens)"));
                }
                if reason.trim().is_empty() {
                    return Err(ProposalError::Reason {
                        problem: "a withdrawal needs a reason",
                    });
                }
                Ok(vec![Event::Withdrawn { at: now, reason }])
            }
            Command::Open { electorate } => {
                let spec = self.spec_in(Phase::Scheduled, "open")?;
                if now < spec.opens_at {
                    return Err(ProposalError::Time {
                        action: "opening",
                        when: format!("from {}", spec.opens_at),
                    });
                }
                if electorate.is_empty() {
                    return Err(ProposalError::Spec {
                        problem: "cannot open with nobody to vote",
                    });
                }
                Ok(vec![Event::Opened {
                    at: now,
                    electorate,
                }])
            }
            Command::Vote {
                voter,
                choice,
                reason,
            } => self.vote(voter, choice, reason, None, now),
            Command::AuthoriseProxy { member, proxy } => self.authorise(member, proxy, now),
            Command::VoteByProxy {
                proxy,
                member,
                choice,
                reason,
            } => {
                if self.proxies.get(&member) != Some(&proxy) {
                    return Err(ProposalError::Proxy {
                        problem: format!("`{proxy}` holds no proxy from `{member}`"),
                    });
                }
                self.vote(member, choice, reason, Some(proxy), now)
            }
            Command::Rank { voter, ranking } => self.rank(voter, ranking, now),
            Command::Approve { voter, projects } => self.approve(voter, projects, now),
            Command::Extend { closes_at } => {
                self.spec_in(Phase::Open, "have its deadline extended")?;
                let current = self.closes_at.unwrap_or(now);
                if closes_at <= current || now >= current {
                    return Err(ProposalError::Time {
                        action: "extending the deadline",
                        when: format!("to a time after {current}, before it passes"),
                    });
                }
                Ok(vec![Event::DeadlineExtended { at: now, closes_at }])
            }
            Command::Close { delegations } => {
                if self.phase == Phase::Closed {
                    return Ok(Vec::new()); // closing is idempotent
                }
                let spec = self.spec_in(Phase::Open, "close")?;
                let electorate = self.electorate.as_ref().ok_or(phase_error("close"))?;
                let deadline = self.closes_at.unwrap_or(spec.closes_at);
                let everyone = electorate.voters().all(|v| self.has_voted(&v.id));
                if now < deadline && !everyone {
                    return Err(ProposalError::Time {
                        action: "closing",
                        when: format!("from {deadline}, or once every voter has voted"),
                    });
                }
                let outcome = count(
                    spec,
                    electorate,
                    &self.ballots,
                    &self.rankings,
                    &delegations,
                );
                Ok(vec![Event::Closed {
                    at: now,
                    early: now < deadline,
                    delegations,
                    outcome: Box::new(outcome),
                }])
            }
        }
    }

    fn spec_in(&self, phase: Phase, action: &'static str) -> Result<&Spec, ProposalError> {
        match &self.spec {
            Some(spec) if self.phase == phase => Ok(spec),
            _ => Err(ProposalError::Phase {
                phase: self.phase,
                action,
            }),
        }
    }

    fn authorise(
        &self,
        member: VoterId,
        proxy: VoterId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take proxies")?;
        let refuse = |problem: String| Err(ProposalError::Proxy { problem });
        if spec.proxies_per_holder == 0 {
            return refuse("this proposal takes no proxies".to_owned());
        }
        for who in [&member, &proxy] {
            if !self.electorate.as_ref().is_some_and(|e| e.contains(who)) {
                return Err(ProposalError::NotAVoter { voter: who.clone() });
            }
        }
        if member == proxy {
            return refuse(format!("`{member}` cannot hold their own proxy"));
        }
        if self.has_voted(&member) {
            return refuse(format!("`{member}` has already voted"));
        }
        if let Some(holder) = self.proxies.get(&member) {
            return refuse(format!(
                "`{member}` has already given their proxy to `{holder}`"
            ));
        }
        let held = self.proxies.values().filter(|h| **h == proxy).count();
        if held >= spec.proxies_per_holder as usize {
            let noun = if held == 1 { "proxy" } else { "proxies" };
            return refuse(format!(
                "`{proxy}` already holds {held} {noun}, the most the rules allow"
            ));
        }
        Ok(vec![Event::ProxyAuthorised {
            at: now,
            member,
            proxy,
        }])
    }

    /// The spec, if `voter` may cast a ballot now: the proposal is open, the deadline has
    /// not passed, they are in the electorate, and they have not voted (or may change).
    fn ballot_open_to(&self, voter: &VoterId, now: DateTime<Utc>) -> Result<&Spec, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let deadline = self.closes_at.unwrap_or(spec.closes_at);
        if now >= deadline {
            return Err(ProposalError::Time {
                action: "voting",
                when: format!("before {deadline}"),
            });
        }
        if !self.electorate.as_ref().is_some_and(|e| e.contains(voter)) {
            return Err(ProposalError::NotAVoter {
                voter: voter.clone(),
            });
        }
        if self.has_voted(voter) && !spec.vote_changes {
            return Err(ProposalError::AlreadyVoted {
                voter: voter.clone(),
            });
        }
        Ok(spec)
    }

    fn vote(
        &self,
        voter: VoterId,
        choice: Choice,
        reason: Option<String>,
        by: Option<VoterId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.ballot_open_to(&voter, now)?;
        let (kind, allowed, objection) = match spec.kind {
            Kind::Motion { .. } => ("motion", choice != Choice::Block, choice == Choice::No),
            Kind::Consent => (
                "consent decision",
                choice != Choice::No,
                choice == Choice::Block,
            ),
            Kind::Election { .. } => {
                return Err(ProposalError::Ballot {
                    problem: "an election takes rankings: use `Rank`".to_owned(),
                });
            }
            Kind::Budget { .. } => {
                return Err(ProposalError::Ballot {
                    problem: "a participatory budget takes approvals: use `Approve`".to_owned(),
                });
            }
        };
        if !allowed {
            return Err(ProposalError::Choice { kind, choice });
        }
        let reason = reason.filter(|r| !r.trim().is_empty());
        match (spec.reasons, &reason) {
            (Reasons::Off, Some(_)) => {
                return Err(ProposalError::Reason {
                    problem: "this proposal takes no reasons",
                });
            }
            (Reasons::RequiredForObjections, None) if objection => {
                return Err(ProposalError::Reason {
                    problem: "an objection needs a reason",
                });
            }
            _ => {}
        }
        if choice == Choice::Block && reason.is_none() {
            return Err(ProposalError::Reason {
                problem: "a block needs a reason",
            });
        }
        Ok(vec![Event::Voted {
            at: now,
            voter,
            choice,
            reason,
            by,
        }])
    }

    fn rank(
        &self,
        voter: VoterId,
        ranking: Vec<u16>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let Kind::Election { candidates, .. } = &spec.kind else {
            return Err(ProposalError::Ballot {
                problem: "only an election takes rankings".to_owned(),
            });
        };
        let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
        self.list(voter, ranking, &names, "candidate", now)
            .map(|(voter, ranking)| {
                vec![Event::Ranked {
                    at: now,
                    voter,
                    ranking,
                }]
            })
    }

    fn approve(
        &self,
        voter: VoterId,
        projects: Vec<u16>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let Kind::Budget { projects: all, .. } = &spec.kind else {
            return Err(ProposalError::Ballot {
                problem: "only a participatory budget takes approvals".to_owned(),
            });
        };
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        self.list(voter, projects, &names, "project", now)
            .map(|(voter, projects)| {
                vec![Event::Approved {
                    at: now,
                    voter,
                    projects,
                }]
            })
    }

    /// Checks a ranking or an approval list of indexes below `len`, none twice, from a
    /// voter who may vote now.
    fn list(
        &self,
        voter: VoterId,
        items: Vec<u16>,
        names: &[&str],
        what: &str,
        now: DateTime<Utc>,
    ) -> Result<(VoterId, Vec<u16>), ProposalError> {
        self.ballot_open_to(&voter, now)?;
        for (i, c) in items.iter().enumerate() {
            let Some(name) = names.get(usize::from(*c)) else {
                return Err(ProposalError::Ballot {
                    problem: format!(
                        "there is no {what} {c}: the {what}s are 0 to {}",
                        names.len() - 1
                    ),
                });
            };
            if items[..i].contains(c) {
                return Err(ProposalError::Ballot {
                    problem: format!("{what} {c} (`{name}`) is listed twice"),
                });
            }
        }
        Ok((voter, items))
    }
}

fn check_spec(spec: &Spec) -> Result<(), ProposalError> {
    if spec.title.trim().is_empty() || spec.title.chars().count() > 300 {
        return Err(ProposalError::Spec {
            problem: "needs a title of 1 to 300 characters",
        });
    }
    if spec.closes_at <= spec.opens_at {
        return Err(ProposalError::Spec {
            problem: "must close after it opens",
        });
    }
    if let Kind::Election {
        method,
        candidates,
        seats,
        ..
    } = &spec.kind
    {
        if matches!(
            method,
            Method::Score | Method::Star | Method::EqualShares | Method::GreedyBudget
        ) {
            return Err(ProposalError::Spec {
                problem: "needs a ranked-ballot method (score, STAR and budget methods take other ballots)",
            });
        }
        let mut names = BTreeSet::new();
        if candidates.len() < 2
            || candidates.len() > MAX_CANDIDATES
            || !candidates
                .iter()
                .all(|c| !c.trim().is_empty() && names.insert(c))
        {
            return Err(ProposalError::Spec {
                problem: "needs 2 to 1000 candidates with distinct, non-empty names",
            });
        }
        if *seats == 0 || *seats > candidates.len() {
            return Err(ProposalError::Spec {
                problem: "needs between 1 seat and as many seats as candidates",
            });
        }
    }
    if let Kind::Budget {
        method,
        projects,
        limit,
    } = &spec.kind
    {
        if !matches!(method, Method::EqualShares | Method::GreedyBudget) {
            return Err(ProposalError::Spec {
                problem: "needs a budget method: `equal-shares` or `greedy-budget`",
            });
        }
        let mut names = BTreeSet::new();
        let valid = (1..=MAX_CANDIDATES).contains(&projects.len())
            && projects.iter().all(|p| {
                !p.name.trim().is_empty() && names.insert(&p.name) && p.cost > Decimal::ZERO
            });
        if !valid || *limit <= Decimal::ZERO {
            return Err(ProposalError::Spec {
                problem: "needs 1 to 1000 projects with distinct names and positive costs, and a positive limit",
            });
        }
    }
    Ok(())
}
