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
/// use andel_decisions::{resolve, Electorate, Route, Voter};
///
/// let id = |s: &str| s.parse().unwrap();
/// let electorate = Electorate::new(["a", "b", "c", "d"].map(|v| Voter { id: id(v), weight: 1.into(), class: None }))?;
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
    let mut routes: BTreeMap<VoterId, Route> = BTreeMap::new();
    let mut carried: BTreeMap<VoterId, Decimal> = BTreeMap::new();
    for voter in electorate.voters() {
        if routes.contains_key(&voter.id) {
            continue;
        }
        // Walk the chain until a known route, a voter, a dead end or a loop.
        let mut path: Vec<VoterId> = Vec::new();
        let mut on_path: BTreeSet<VoterId> = BTreeSet::new();
        let mut at = voter.id.clone();
        let end = loop {
            if let Some(route) = routes.get(&at) {
                break match route {
                    Route::Direct => End::Voter(at.clone(), 0),
                    Route::Delegated { voter, steps } => End::Voter(voter.clone(), *steps),
                    Route::NotVoting => End::NotVoting,
                    Route::Cycle => End::Cycle,
                };
            }
            if voted.contains(&at) && electorate.contains(&at) {
                routes.insert(at.clone(), Route::Direct);
                break End::Voter(at.clone(), 0);
            }
            if !on_path.insert(at.clone()) {
                break End::Cycle;
            }
            path.push(at.clone());
            match delegations.get(&at) {
                Some(next) if electorate.contains(next) => at = next.clone(),
                _ => break End::NotVoting,
            }
        };
        // Everyone on the path shares the end, each with their own distance to it.
        let len = path.len();
        for (i, member) in path.into_iter().enumerate() {
            let route = match &end {
                End::Voter(v, steps) => Route::Delegated {
                    voter: v.clone(),
                    steps: steps + (len - i),
                },
                End::NotVoting => Route::NotVoting,
                End::Cycle => Route::Cycle,
            };
            routes.insert(member, route);
        }
    }
    for voter in electorate.voters() {
        let carrier = match routes.get(&voter.id) {
            Some(Route::Direct) => Some(&voter.id),
            Some(Route::Delegated { voter: v, .. }) => Some(v),
            _ => None,
        };
        if let Some(carrier) = carrier {
            *carried.entry(carrier.clone()).or_default() += voter.weight;
        }
    }
    Resolution { routes, carried }
}

enum End {
    Voter(VoterId, usize),
    NotVoting,
    Cycle,
}
