//! Liquid delegation: who carries whose vote on a proposal, following chains, voiding
//! cycles, and letting a direct vote override.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::electorate::{Electorate, VoterId};

/// A standing delegation: `from` lets `to` vote for them, on every proposal or only on
/// those tagged with one of `topics`, from `since` until `until` (or revoked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    /// Who delegates.
    pub from: VoterId,
    /// To whom.
    pub to: VoterId,
    /// Topic tags it is limited to; empty for all proposals.
    #[serde(default)]
    pub topics: BTreeSet<String>,
    /// In force from.
    pub since: DateTime<Utc>,
    /// In force until (exclusive), if time-boxed.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
}

impl Delegation {
    /// Whether it is in force at `at` for a proposal tagged `tags`.
    pub fn applies(&self, tags: &BTreeSet<String>, at: DateTime<Utc>) -> bool {
        self.since <= at
            && self.until.is_none_or(|until| at < until)
            && (self.topics.is_empty() || !self.topics.is_disjoint(tags))
    }
}

/// The delegation each member uses for one proposal: among those in force, one limited
/// to a topic of the proposal beats a general one, and the later given beats the earlier.
pub fn in_force<'a>(
    delegations: impl IntoIterator<Item = &'a Delegation>,
    tags: &BTreeSet<String>,
    at: DateTime<Utc>,
) -> BTreeMap<VoterId, VoterId> {
    let mut chosen: BTreeMap<VoterId, &Delegation> = BTreeMap::new();
    for delegation in delegations.into_iter().filter(|d| d.applies(tags, at)) {
        let better = match chosen.get(&delegation.from) {
            None => true,
            Some(current) => {
                (!delegation.topics.is_empty(), delegation.since)
                    >= (!current.topics.is_empty(), current.since)
            }
        };
        if better {
            chosen.insert(delegation.from.clone(), delegation);
        }
    }
    chosen
        .into_iter()
        .map(|(from, d)| (from, d.to.clone()))
        .collect()
}

/// Where one member's vote went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "as", rename_all = "snake_case")]
pub enum Route {
    /// They voted themselves.
    Direct,
    /// Their chain of delegations ends at `voter`, who voted: that ballot carries them.
    Delegated {
        /// Whose ballot carries them.
        voter: VoterId,
        /// How many delegations the chain follows.
        steps: usize,
    },
    /// Their chain ends at someone who neither voted nor delegated, or outside the
    /// electorate: they do not vote.
    NotVoting,
    /// Their chain runs into a cycle: void, they do not vote.
    Cycle,
}

/// Who carries whose vote on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// Each member's route.
    pub routes: BTreeMap<VoterId, Route>,
    /// The weight each direct voter's ballot carries: their own and all delegated to it.
    pub carried: BTreeMap<VoterId, Decimal>,
    /// How many members each direct voter's ballot carries, themselves included.
    pub carried_people: BTreeMap<VoterId, u64>,
}

impl Resolution {
    /// The total weight counted: the weight of every member whose chain ends at a voter.
    pub fn counted_weight(&self) -> Decimal {
        self.carried.values().copied().sum()
    }

    /// How many members are counted (directly or by delegation).
    pub fn counted_people(&self) -> usize {
        self.routes
            .values()
            .filter(|r| matches!(r, Route::Direct | Route::Delegated { .. }))
            .count()
    }
}

/// Resolves delegation for one proposal: every member of `electorate` who did not vote
/// (`voted`) follows `delegations` (from [`in_force`]) until a chain reaches someone who
/// voted, whose ballot then carries their weight. A direct vote overrides the member's
/// own delegation; a chain that loops is void, as is everyone whose chain runs into the
/// loop. Weight is conserved: [`Resolution::counted_weight`] is exactly the weight of the
/// members whose chain ends at a voter. Linear in members plus delegations.
///
/// ```
/// use std::collections::{BTreeMap, BTreeSet};
/// use andel_decisions::{Electorate, Voter, delegation::{resolve, Route}};
///
/// let id = |s: &str| s.parse().unwrap();
/// let electorate = Electorate::new(["a", "b", "c", "d"].map(|v| Voter { id: id(v), weight: 1.into(), college: None }))?;
/// // b delegates to a, c to b, d to c; a and c vote.
/// let delegations = BTreeMap::from([(id("b"), id("a")), (id("c"), id("b")), (id("d"), id("c"))]);
/// let voted = BTreeSet::from([id("a"), id("c")]);
/// let resolution = resolve(&electorate, &delegations, &voted);
/// assert_eq!(resolution.carried[&id("a")], 2.into()); // a and b
/// assert_eq!(resolution.carried[&id("c")], 2.into()); // c voted itself (overriding its delegation), and carries d
/// assert_eq!(resolution.routes[&id("d")], Route::Delegated { voter: id("c"), steps: 1 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn resolve(
    electorate: &Electorate,
    delegations: &BTreeMap<VoterId, VoterId>,
    voted: &BTreeSet<VoterId>,
) -> Resolution {
    // Work on dense indexes: voters in id order, each with the index it delegates to.
    let voters: Vec<&crate::electorate::Voter> = electorate.voters().collect();
    let index: BTreeMap<&VoterId, usize> =
        voters.iter().enumerate().map(|(i, v)| (&v.id, i)).collect();
    let next: Vec<Option<usize>> = voters
        .iter()
        .map(|v| delegations.get(&v.id).and_then(|to| index.get(to).copied()))
        .collect();
    let direct: Vec<bool> = voters.iter().map(|v| voted.contains(&v.id)).collect();
    // `ends[i]`: where i's chain ends, once known.
    let mut ends: Vec<Option<End>> = vec![None; voters.len()];
    let mut on_path = vec![false; voters.len()];
    let mut path = Vec::new();
    for start in 0..voters.len() {
        if ends[start].is_some() {
            continue;
        }
        // Walk until a member whose end is known, a voter, a dead end or a loop.
        path.clear();
        let mut at = start;
        let end = loop {
            if let Some(known) = ends[at] {
                break known.further(0);
            }
            if direct[at] {
                ends[at] = Some(End::Voter(at, 0));
                break End::Voter(at, 0);
            }
            if on_path[at] {
                break End::Cycle;
            }
            on_path[at] = true;
            path.push(at);
            match next[at] {
                Some(to) => at = to,
                None => break End::NotVoting,
            }
        };
        // Everyone on the path shares the end, each at their own distance from it.
        let len = path.len();
        for (i, &member) in path.iter().enumerate() {
            on_path[member] = false;
            ends[member] = Some(end.further(len - i));
        }
    }
    // Voters are in id order, so these maps are built in one sorted pass.
    let mut weight_carried = vec![Decimal::ZERO; voters.len()];
    let mut people_carried = vec![0u64; voters.len()];
    let routes: BTreeMap<VoterId, Route> = voters
        .iter()
        .enumerate()
        .map(|(i, voter)| {
            let route = match ends[i] {
                Some(End::Voter(v, 0)) if v == i => Route::Direct,
                Some(End::Voter(v, steps)) => Route::Delegated {
                    voter: voters[v].id.clone(),
                    steps,
                },
                Some(End::Cycle) => Route::Cycle,
                Some(End::NotVoting) | None => Route::NotVoting,
            };
            if let Some(End::Voter(v, _)) = ends[i] {
                weight_carried[v] += voter.weight;
                people_carried[v] += 1;
            }
            (voter.id.clone(), route)
        })
        .collect();
    let carried = voters
        .iter()
        .zip(weight_carried)
        .filter(|(_, w)| !w.is_zero())
        .map(|(voter, w)| (voter.id.clone(), w))
        .collect();
    let carried_people = voters
        .iter()
        .zip(people_carried)
        .filter(|(_, n)| *n > 0)
        .map(|(voter, n)| (voter.id.clone(), n))
        .collect();
    Resolution {
        routes,
        carried,
        carried_people,
    }
}

/// Where a chain ends: at voter `.0`, `.1` delegations away; nowhere; or in a loop.
#[derive(Debug, Clone, Copy)]
enum End {
    Voter(usize, usize),
    NotVoting,
    Cycle,
}

impl End {
    /// The same end, seen from `steps` delegations further back.
    fn further(self, steps: usize) -> End {
        match self {
            End::Voter(v, d) => End::Voter(v, d + steps),
            other => other,
        }
    }
}

/// Every delegation a co-op's members have given, kept as events in one stream (an
/// [`Aggregate`](andel_journal::Aggregate)): given, and revoked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delegations {
    all: Vec<Delegation>,
}

/// A change to the delegations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum DelegationCommand {
    /// Give a delegation (from `since`, possibly time-boxed).
    Delegate(Delegation),
    /// Revoke `from`'s delegations in force at the time (only those on these topics, if
    /// any are named).
    Revoke {
        /// Who revokes.
        from: VoterId,
        /// Only delegations on these topics; empty for all.
        #[serde(default)]
        topics: BTreeSet<String>,
    },
}

/// What happened to the delegations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DelegationEvent {
    /// A delegation was given.
    Delegated(Delegation),
    /// `from`'s delegations (on `topics`, or all) end at `at`.
    Revoked {
        /// Who revoked.
        from: VoterId,
        /// The topics, or empty for all.
        #[serde(default)]
        topics: BTreeSet<String>,
        /// When.
        at: DateTime<Utc>,
    },
}

impl DelegationEvent {
    /// The voters the event concerns: who delegates and to whom, or who revoked.
    pub fn voters(&self) -> Vec<&VoterId> {
        match self {
            DelegationEvent::Delegated(delegation) => vec![&delegation.from, &delegation.to],
            DelegationEvent::Revoked { from, .. } => vec![from],
        }
    }
}

/// A delegation refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DelegationError {
    /// To oneself.
    #[error("`{from}` cannot delegate to themselves")]
    ToSelf {
        /// Who.
        from: VoterId,
    },
    /// Ending before it starts.
    #[error("a delegation must end after it starts")]
    Period,
    /// Nothing in force to revoke.
    #[error("`{from}` has no delegation in force to revoke")]
    NothingToRevoke {
        /// Who.
        from: VoterId,
    },
}

impl Delegations {
    /// Every delegation ever given, revoked ones ending at their revocation.
    pub fn all(&self) -> &[Delegation] {
        &self.all
    }

    /// Each member's delegation for a proposal tagged `tags`, at `at`: see [`in_force`].
    pub fn in_force(
        &self,
        tags: &BTreeSet<String>,
        at: DateTime<Utc>,
    ) -> BTreeMap<VoterId, VoterId> {
        in_force(&self.all, tags, at)
    }

    fn revocable<'a>(
        &'a self,
        from: &'a VoterId,
        topics: &'a BTreeSet<String>,
        at: DateTime<Utc>,
    ) -> impl Iterator<Item = usize> + 'a {
        self.all.iter().enumerate().filter_map(move |(i, d)| {
            let live = d.from == *from && d.until.is_none_or(|until| at < until);
            let matches = topics.is_empty() || !d.topics.is_disjoint(topics);
            (live && matches).then_some(i)
        })
    }

    /// Decides a change at `now`.
    ///
    /// # Errors
    ///
    /// A delegation to oneself or ending before it starts, or a revocation with nothing
    /// to revoke.
    pub fn decide(
        &self,
        command: DelegationCommand,
        now: DateTime<Utc>,
    ) -> Result<Vec<DelegationEvent>, DelegationError> {
        match command {
            DelegationCommand::Delegate(delegation) => {
                if delegation.from == delegation.to {
                    return Err(DelegationError::ToSelf {
                        from: delegation.from,
                    });
                }
                if delegation
                    .until
                    .is_some_and(|until| until <= delegation.since)
                {
                    return Err(DelegationError::Period);
                }
                Ok(vec![DelegationEvent::Delegated(delegation)])
            }
            DelegationCommand::Revoke { from, topics } => {
                if self.revocable(&from, &topics, now).next().is_none() {
                    return Err(DelegationError::NothingToRevoke { from });
                }
                Ok(vec![DelegationEvent::Revoked {
                    from,
                    topics,
                    at: now,
                }])
            }
        }
    }

    /// Folds in an event.
    pub fn apply(&mut self, event: &DelegationEvent) {
        match event {
            DelegationEvent::Delegated(delegation) => self.all.push(delegation.clone()),
            DelegationEvent::Revoked { from, topics, at } => {
                let ended: Vec<usize> = self.revocable(from, topics, *at).collect();
                for i in ended {
                    self.all[i].until = Some(*at);
                }
            }
        }
    }
}

impl andel_journal::Aggregate for Delegations {
    type Command = DelegationCommand;
    type Event = DelegationEvent;
    type At = DateTime<Utc>;
    type Rejection = DelegationError;
    type Invalid = std::convert::Infallible;

    fn decide(
        &self,
        command: DelegationCommand,
        now: DateTime<Utc>,
    ) -> Result<Vec<DelegationEvent>, DelegationError> {
        Delegations::decide(self, command, now)
    }

    fn apply(&mut self, event: &DelegationEvent) -> Result<(), std::convert::Infallible> {
        Delegations::apply(self, event);
        Ok(())
    }

    fn kind(event: &DelegationEvent) -> &'static str {
        match event {
            DelegationEvent::Delegated(_) => "delegation.given",
            DelegationEvent::Revoked { .. } => "delegation.revoked",
        }
    }
}
