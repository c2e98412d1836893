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
        command: ProposalCommand,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
        let phase_error = |action| ProposalError::Phase {
            phase: self.phase,
            action,
        };
        let secret = self.spec.as_ref().map(|s| s.secrecy) == Some(Secrecy::Secret);
        if secret
            && matches!(
                command,
                ProposalCommand::Vote { .. }
                    | ProposalCommand::VoteByProxy { .. }
                    | ProposalCommand::Rank { .. }
                    | ProposalCommand::RankByProxy { .. }
                    | ProposalCommand::Approve { .. }
                    | ProposalCommand::ApproveByProxy { .. }
            )
        {
            return Err(ProposalError::Secrecy {
                problem: "this is a secret ballot: cast it with `CastSecret` (see `cast_secret`), which keeps the ballot apart from who cast it".to_owned(),
            });
        }
        match command {
            ProposalCommand::Draft { spec } => {
                if self.phase != Phase::New {
                    return Err(phase_error("be drafted again"));
                }
                check_spec(&spec)?;
                Ok(vec![ProposalEvent::Drafted { at: now, spec }])
            }
            ProposalCommand::Schedule => {
                if self.phase != Phase::Draft {
                    return Err(phase_error("be scheduled"));
                }
                Ok(vec![ProposalEvent::Scheduled { at: now }])
            }
            ProposalCommand::Withdraw { reason } => {
                if !matches!(self.phase, Phase::Draft | Phase::Scheduled) {
                    return Err(phase_error("be withdrawn (only before it opens)"));
                }
                if reason.trim().is_empty() {
                    return Err(ProposalError::Reason {
                        problem: "a withdrawal needs a reason",
                    });
                }
                Ok(vec![ProposalEvent::Withdrawn { at: now, reason }])
            }
            ProposalCommand::Open { electorate } => {
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
                if spec.secrecy == Secrecy::Secret {
                    check_anonymity(&electorate)?;
                }
                Ok(vec![ProposalEvent::Opened {
                    at: now,
                    electorate,
                }])
            }
            ProposalCommand::Vote {
                voter,
                choice,
                reason,
            } => self.vote(voter, choice, reason, None, now),
            ProposalCommand::AuthoriseProxy { member, proxy } => self.authorise(member, proxy, now),
            ProposalCommand::VoteByProxy {
                proxy,
                member,
                choice,
                reason,
            } => {
                self.holds_proxy(&proxy, &member)?;
                self.vote(member, choice, reason, Some(proxy), now)
            }
            ProposalCommand::Rank { voter, ranking } => self.rank(voter, ranking, None, now),
            ProposalCommand::RankByProxy {
                proxy,
                member,
                ranking,
            } => {
                self.holds_proxy(&proxy, &member)?;
                self.rank(member, ranking, Some(proxy), now)
            }
            ProposalCommand::Approve { voter, projects } => {
                self.approve(voter, projects, None, now)
            }
            ProposalCommand::ApproveByProxy {
                proxy,
                member,
                projects,
            } => {
                self.holds_proxy(&proxy, &member)?;
                self.approve(member, projects, Some(proxy), now)
            }
            ProposalCommand::Extend { closes_at } => {
                self.spec_in(Phase::Open, "have its deadline extended")?;
                let current = self.closes_at.unwrap_or(now);
                if closes_at <= current || now >= current {
                    return Err(ProposalError::Time {
                        action: "extending the deadline",
                        when: format!("to a time after {current}, before it passes"),
                    });
                }
                Ok(vec![ProposalEvent::DeadlineExtended { at: now, closes_at }])
            }
            ProposalCommand::CastSecret { voter, by, mark } => {
                self.cast_secret(voter, by, mark, now)
            }
            ProposalCommand::CloseSecret { ballots } => {
                if self.phase == Phase::Closed {
                    return Ok(Vec::new()); // closing is idempotent
                }
                if !secret {
                    return Err(ProposalError::Secrecy {
                        problem: "this is an open ballot: close it with `Close`".to_owned(),
                    });
                }
                let (spec, electorate, early) = self.closing(now)?;
                let participants: BTreeSet<VoterId> = self.participants.keys().cloned().collect();
                self.check_box(spec, electorate, &ballots)?;
                let sha256 = ballots.digest();
                let outcome = count_secret(spec, electorate, &participants, &ballots, sha256);
                Ok(vec![ProposalEvent::Closed {
                    at: now,
                    early,
                    delegations: BTreeMap::new(),
                    outcome: Box::new(outcome),
                }])
            }
            ProposalCommand::Close { delegations } => {
                if self.phase == Phase::Closed {
                    return Ok(Vec::new()); // closing is idempotent
                }
                if secret {
                    return Err(ProposalError::Secrecy {
                        problem: "a secret ballot closes with `CloseSecret` and the ballots of its box (see `close_secret`); it follows no delegation".to_owned(),
                    });
                }
                let (spec, electorate, early) = self.closing(now)?;
                let outcome = count(
                    spec,
                    electorate,
                    &self.ballots,
                    &self.rankings,
                    &delegations,
                );
                Ok(vec![ProposalEvent::Closed {
                    at: now,
                    early,
                    delegations,
                    outcome: Box::new(outcome),
                }])
            }
        }
    }

    /// The spec and electorate, if the proposal may close at `now`, and whether that is
    /// early (everyone has voted before the deadline).
    fn closing(&self, now: DateTime<Utc>) -> Result<(&Spec, &Electorate, bool), ProposalError> {
        let spec = self.spec_in(Phase::Open, "close")?;
        let electorate = self.electorate.as_ref().ok_or(ProposalError::Phase {
            phase: self.phase,
            action: "close",
        })?;
        let deadline = self.closes_at.unwrap_or(spec.closes_at);
        let everyone = electorate.voters().all(|v| self.has_voted(&v.id));
        if now < deadline && !everyone {
            return Err(ProposalError::Time {
                action: "closing",
                when: format!("from {deadline}, or once every voter has voted"),
            });
        }
        Ok((spec, electorate, now < deadline))
    }

    /// Takes part in a secret ballot: the checks of an open vote, recorded as
    /// participation only.
    fn cast_secret(
        &self,
        voter: VoterId,
        by: Option<VoterId>,
        mark: Mark,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        if spec.secrecy != Secrecy::Secret {
            return Err(ProposalError::Secrecy {
                problem: "this is an open ballot: vote with `Vote`, `Rank` or `Approve`".to_owned(),
            });
        }
        if let Some(proxy) = &by {
            self.holds_proxy(proxy, &voter)?;
        }
        match mark {
            Mark::Choice(choice) => self.vote(voter.clone(), choice, None, None, now)?,
            Mark::Ranking(ranking) => self.rank(voter.clone(), ranking, None, now)?,
            Mark::Approvals(projects) => self.approve(voter.clone(), projects, None, now)?,
        };
        Ok(vec![ProposalEvent::Participated { at: now, voter, by }])
    }

    /// Checks a secret ballot's box against who took part: no more ballots than
    /// participants, each ballot's weight carried by a participant (each weight as often
    /// as participants carry it), and each mark one the proposal takes.
    fn check_box(
        &self,
        spec: &Spec,
        electorate: &Electorate,
        ballots: &BallotList,
    ) -> Result<(), ProposalError> {
        let refuse = |problem: String| Err(ProposalError::Secrecy { problem });
        if ballots.len() > self.participants.len() {
            return refuse(format!(
                "the ballot box holds {} ballots but only {} voters took part: it was stuffed",
                ballots.len(),
                self.participants.len()
            ));
        }
        let mut weights: BTreeMap<Decimal, usize> = BTreeMap::new();
        for voter in self.participants.keys() {
            let weight = electorate.weight_of(voter).unwrap_or_default().normalize();
            *weights.entry(weight).or_default() += 1;
        }
        for (receipt, ballot) in ballots.iter() {
            match weights.get_mut(&ballot.weight()) {
                Some(left) if *left > 0 => *left -= 1,
                _ => {
                    return refuse(format!(
                        "ballot {receipt} carries weight {}, more often than the voters who took part carry it: the box was altered",
                        ballot.weight()
                    ));
                }
            }
            if let Err(problem) = check_mark(spec, ballot.mark()) {
                return refuse(format!("ballot {receipt} {problem}: the box was altered"));
            }
        }
        Ok(())
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
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
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
        Ok(vec![ProposalEvent::ProxyAuthorised {
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
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
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
        Ok(vec![ProposalEvent::Voted {
            at: now,
            voter,
            choice,
            reason,
            by,
        }])
    }

    /// Whether `proxy` holds `member`'s proxy for this proposal.
    fn holds_proxy(&self, proxy: &VoterId, member: &VoterId) -> Result<(), ProposalError> {
        if self.proxies.get(member) == Some(proxy) {
            Ok(())
        } else {
            Err(ProposalError::Proxy {
                problem: format!("`{proxy}` holds no proxy from `{member}`"),
            })
        }
    }

    fn rank(
        &self,
        voter: VoterId,
        ranking: Vec<u16>,
        by: Option<VoterId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let Kind::Election { candidates, .. } = &spec.kind else {
            return Err(ProposalError::Ballot {
                problem: "only an election takes rankings".to_owned(),
            });
        };
        let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
        self.list(voter, ranking, &names, "candidate", now)
            .map(|(voter, ranking)| {
                vec![ProposalEvent::Ranked {
                    at: now,
                    voter,
                    ranking,
                    by,
                }]
            })
    }

    fn approve(
        &self,
        voter: VoterId,
        projects: Vec<u16>,
        by: Option<VoterId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProposalEvent>, ProposalError> {
        let spec = self.spec_in(Phase::Open, "take votes")?;
        let Kind::Budget { projects: all, .. } = &spec.kind else {
            return Err(ProposalError::Ballot {
                problem: "only a participatory budget takes approvals".to_owned(),
            });
        };
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        self.list(voter, projects, &names, "project", now)
            .map(|(voter, projects)| {
                vec![ProposalEvent::Approved {
                    at: now,
                    voter,
                    projects,
                    by,
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
    if spec.secrecy == Secrecy::Secret {
        check_secret_spec(spec)?;
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

/// What a secret ballot cannot take (see [`Secrecy`]).
fn check_secret_spec(spec: &Spec) -> Result<(), ProposalError> {
    let problem = if matches!(spec.kind, Kind::Consent) {
        "is a consent decision, whose blocks are heard by name: it cannot be secret"
    } else if spec.vote_changes {
        "is secret, so a vote cannot be changed (nothing links a voter to their ballot)"
    } else if spec.reasons == Reasons::RequiredForObjections {
        "is secret, so it cannot require reasons of objections (a secret ballot takes none)"
    } else if spec.visibility != Visibility::AfterClose {
        "is secret, so its count is seen only after the close (a live count would show how each voter voted as they vote)"
    } else {
        return Ok(());
    };
    Err(ProposalError::Spec { problem })
}

/// A secret ballot opens only if every weight is carried by at least [`MIN_ANONYMITY`]
/// voters: a ballot's weight must not name its voter.
fn check_anonymity(electorate: &Electorate) -> Result<(), ProposalError> {
    let mut weights: BTreeMap<Decimal, usize> = BTreeMap::new();
    for voter in electorate.voters() {
        *weights.entry(voter.weight.normalize()).or_default() += 1;
    }
    match weights.iter().find(|(_, n)| **n < MIN_ANONYMITY) {
        Some((weight, n)) => Err(ProposalError::Secrecy {
            problem: format!(
                "a secret ballot needs every weight carried by at least {MIN_ANONYMITY} voters, so that a ballot's weight does not name its voter; weight {weight} is carried by {n}"
            ),
        }),
        None => Ok(()),
    }
}

/// Whether `mark` is a ballot the proposal takes; the problem otherwise.
fn check_mark(spec: &Spec, mark: &Mark) -> Result<(), String> {
    let (len, list) = match (&spec.kind, mark) {
        (Kind::Motion { .. }, Mark::Choice(Choice::Yes | Choice::No | Choice::Abstain)) => {
            return Ok(());
        }
        (Kind::Election { candidates, .. }, Mark::Ranking(list)) => (candidates.len(), list),
        (Kind::Budget { projects, .. }, Mark::Approvals(list)) => (projects.len(), list),
        _ => return Err(format!("is `{mark}`, which this proposal does not take")),
    };
    match list.iter().find(|i| usize::from(**i) >= len) {
        Some(i) => Err(format!("lists {i}, beyond the {len} on the ballot")),
        None => Ok(()),
    }
}
