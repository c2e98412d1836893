//! The Condorcet methods as they were counted before they scaled to 1,000 candidates:
//! straightforward and slow (Decimal cells, a lock from scratch for every group of equal
//! pairs). The property test in `condorcet.rs` checks that the fast counts give exactly
//! these outcomes.

use rust_decimal::Decimal;

use super::scored::{Better, elect_top, from_scores};
use crate::outcome::Lot;
use crate::{
    CandidateId, Method, Options, Outcome, Pairwise, Profile, Resolution, Tie, TieBreak, TieKind,
};

/// The pairwise table as it was computed before it scaled.
pub(super) fn pairwise_of(profile: &Profile) -> Pairwise {
    let candidates = profile.candidates();
    let n = candidates.len();
    let standing: Vec<CandidateId> = candidates.standing().collect();
    let mut wins = vec![vec![Decimal::ZERO; n]; n];
    let mut place = vec![usize::MAX; n];
    for (ranking, weight) in profile.ballots() {
        place.iter_mut().for_each(|p| *p = usize::MAX);
        for (rank, group) in ranking.ranks().iter().enumerate() {
            for id in group {
                place[id.index()] = rank;
            }
        }
        for &i in &standing {
            let pi = place[i.index()];
            if pi == usize::MAX {
                continue;
            }
            for &j in &standing {
                if pi < place[j.index()] {
                    wins[i.index()][j.index()] += *weight;
                }
            }
        }
    }
    let beats =
        |i: CandidateId, j: CandidateId| wins[i.index()][j.index()] > wins[j.index()][i.index()];
    let condorcet_winner = standing
        .iter()
        .copied()
        .find(|&i| standing.iter().all(|&j| j == i || beats(i, j)));
    let smith_set = smith_set(&standing, &wins);
    Pairwise {
        wins,
        condorcet_winner,
        smith_set,
        strongest_paths: None,
        locked: None,
    }
}

fn beats(pairwise: &Pairwise, i: CandidateId, j: CandidateId) -> bool {
    pairwise.wins[i.index()][j.index()] > pairwise.wins[j.index()][i.index()]
}

/// Candidates from whom every other candidate can be reached through "beats or ties".
fn smith_set(standing: &[CandidateId], wins: &[Vec<Decimal>]) -> Vec<CandidateId> {
    let n = wins.len();
    let mut reach = vec![vec![false; n]; n];
    for &i in standing {
        for &j in standing {
            reach[i.index()][j.index()] =
                i == j || wins[i.index()][j.index()] >= wins[j.index()][i.index()];
        }
    }
    for &k in standing {
        for &i in standing {
            if reach[i.index()][k.index()] {
                for &j in standing {
                    if reach[k.index()][j.index()] {
                        reach[i.index()][j.index()] = true;
                    }
                }
            }
        }
    }
    standing
        .iter()
        .copied()
        .filter(|&i| standing.iter().all(|&j| reach[i.index()][j.index()]))
        .collect()
}

pub(crate) fn count(profile: &Profile, method: Method, options: Options) -> Outcome {
    let mut pairwise = pairwise_of(profile);
    let standing: Vec<CandidateId> = profile.candidates().standing().collect();
    let n = pairwise.wins.len();
    match method {
        Method::Schulze => {
            let paths = strongest_paths(&standing, &pairwise.wins);
            let mut scores = vec![Decimal::ZERO; n];
            for &i in &standing {
                let beaten = standing
                    .iter()
                    .filter(|&&j| paths[i.index()][j.index()] > paths[j.index()][i.index()])
                    .count();
                scores[i.index()] = Decimal::from(beaten);
            }
            pairwise.strongest_paths = Some(paths);
            from_scores(
                profile.candidates(),
                profile.total_weight(),
                method,
                options,
                scores,
                Better::Higher,
                Some(pairwise),
            )
        }
        Method::Copeland => {
            let mut scores = vec![Decimal::ZERO; n];
            for &i in &standing {
                for &j in &standing {
                    if i != j && beats(&pairwise, i, j) {
                        scores[i.index()] += Decimal::ONE;
                    } else if i != j && !beats(&pairwise, j, i) {
                        scores[i.index()] += Decimal::new(5, 1);
                    }
                }
            }
            from_scores(
                profile.candidates(),
                profile.total_weight(),
                method,
                options,
                scores,
                Better::Higher,
                Some(pairwise),
            )
        }
        Method::Minimax => {
            let mut scores = vec![Decimal::ZERO; n];
            for &i in &standing {
                scores[i.index()] = standing
                    .iter()
                    .filter(|&&j| beats(&pairwise, j, i))
                    .map(|&j| pairwise.wins[j.index()][i.index()])
                    .max()
                    .unwrap_or(Decimal::ZERO);
            }
            from_scores(
                profile.candidates(),
                profile.total_weight(),
                method,
                options,
                scores,
                Better::Lower,
                Some(pairwise),
            )
        }
        _ => ranked_pairs(profile, options, pairwise, &standing),
    }
}

/// Floyd–Warshall over the widest paths of the defeats (winning votes).
fn strongest_paths(standing: &[CandidateId], wins: &[Vec<Decimal>]) -> Vec<Vec<Decimal>> {
    let n = wins.len();
    let mut p = vec![vec![Decimal::ZERO; n]; n];
    for &i in standing {
        for &j in standing {
            if i != j && wins[i.index()][j.index()] > wins[j.index()][i.index()] {
                p[i.index()][j.index()] = wins[i.index()][j.index()];
            }
        }
    }
    for &k in standing {
        for &i in standing {
            if i == k {
                continue;
            }
            let pik = p[i.index()][k.index()];
            if pik.is_zero() {
                continue;
            }
            for &j in standing {
                if j != i && j != k {
                    let through = pik.min(p[k.index()][j.index()]);
                    if through > p[i.index()][j.index()] {
                        p[i.index()][j.index()] = through;
                    }
                }
            }
        }
    }
    p
}

/// The most equal pairs whose locking orders are all tried, to see whether their order
/// changes who is elected (6! = 720 orders).
const MAX_PERMUTED_PAIRS: usize = 6;

type Pair = (CandidateId, CandidateId);

fn ranked_pairs(
    profile: &Profile,
    options: Options,
    mut pairwise: Pairwise,
    standing: &[CandidateId],
) -> Outcome {
    let n = pairwise.wins.len();
    let w = |i: CandidateId, j: CandidateId| pairwise.wins[i.index()][j.index()];
    let mut pairs: Vec<Pair> = Vec::new();
    for &i in standing {
        for &j in standing {
            if w(i, j) > w(j, i) {
                pairs.push((i, j));
            }
        }
    }
    // Strongest victory first; among equal ones, the smaller opposition first.
    pairs.sort_by(|a, b| {
        w(b.0, b.1)
            .cmp(&w(a.0, a.1))
            .then(w(a.1, a.0).cmp(&w(b.1, b.0)))
            .then(a.cmp(b))
    });
    let mut groups: Vec<Vec<Pair>> = Vec::new();
    for pair in pairs {
        match groups.last_mut() {
            Some(g)
                if (w(g[0].0, g[0].1), w(g[0].1, g[0].0))
                    == (w(pair.0, pair.1), w(pair.1, pair.0)) =>
            {
                g.push(pair)
            }
            _ => groups.push(vec![pair]),
        }
    }
    let mut ties = Vec::new();
    let mut lot: Option<Lot> = None;
    let mut complete = true;
    let mut ranking_defined = true;
    // Equal pairs whose order could matter: try every order; if who is elected never
    // changes, the order does not matter to the result; otherwise it is a tie.
    for g in 0..groups.len() {
        let before = lock(n, &groups[..g]).0;
        if !order_matters(&before, &groups[g]) {
            continue;
        }
        ranking_defined = false;
        // A Condorcet winner is never beaten in the locked graph (no locked path can end at
        // a candidate who beats everyone), so for one seat no order can change the result.
        if options.seats == 1 && pairwise.condorcet_winner.is_some() {
            continue;
        }
        let outcomes = (groups[g].len() <= MAX_PERMUTED_PAIRS).then(|| {
            let mut seen: Vec<Vec<CandidateId>> = Vec::new();
            for order in permutations(&groups[g]) {
                let mut trial = groups.clone();
                trial[g] = order;
                let mut elected = elect_top(
                    &layers(standing, &lock(n, &trial).0),
                    options.seats,
                    TieBreak::Report,
                    &mut Vec::new(),
                )
                .0;
                elected.sort();
                if !seen.contains(&elected) {
                    seen.push(elected);
                }
            }
            seen.len()
        });
        if outcomes == Some(1) {
            continue;
        }
        let mut between: Vec<CandidateId> = groups[g].iter().flat_map(|p| [p.0, p.1]).collect();
        between.sort();
        between.dedup();
        let TieBreak::Lot { seed } = options.tie_break else {
            ties.push(Tie {
                stage: None,
                kind: TieKind::PairOrder,
                between,
                resolution: Resolution::Unresolved,
            });
            complete = false;
            break;
        };
        let lot = lot.get_or_insert_with(|| Lot::new(seed));
        let mut group = std::mem::take(&mut groups[g]);
        let mut ordered = Vec::new();
        while !group.is_empty() {
            ordered.push(group.remove(lot.draw(group.len())));
        }
        ties.push(Tie {
            stage: None,
            kind: TieKind::PairOrder,
            between,
            resolution: Resolution::Lot {
                seed,
                chosen: ordered[0].0,
            },
        });
        groups[g] = ordered;
    }
    let (graph, locked) = lock(n, &groups);
    let ranking = layers(standing, &graph);
    let (elected, filled) = if complete {
        elect_top(&ranking, options.seats, options.tie_break, &mut ties)
    } else {
        (Vec::new(), false)
    };
    pairwise.locked = Some(locked);
    Outcome {
        method: Method::RankedPairs,
        seats: options.seats,
        valid_votes: profile.total_weight(),
        rejected: Decimal::ZERO,
        quota: None,
        elected,
        ranking: (complete && ranking_defined).then_some(ranking),
        scores: None,
        ties,
        complete: complete && filled,
        rounds: Vec::new(),
        pairwise: Some(pairwise),
        spending: None,
    }
}

/// Locks the pairs of `groups` in order, skipping any that would close a cycle.
fn lock(n: usize, groups: &[Vec<Pair>]) -> (Vec<Vec<bool>>, Vec<Pair>) {
    let mut graph = vec![vec![false; n]; n];
    let mut locked = Vec::new();
    for &(i, j) in groups.iter().flatten() {
        if !reaches(&graph, j, i) {
            graph[i.index()][j.index()] = true;
            locked.push((i, j));
        }
    }
    (graph, locked)
}

/// Every order of `items` (Heap's algorithm).
fn permutations(items: &[Pair]) -> Vec<Vec<Pair>> {
    let mut items = items.to_vec();
    let mut out = vec![items.clone()];
    let mut c = vec![0usize; items.len()];
    let mut i = 1;
    while i < items.len() {
        if c[i] < i {
            let swap = if i % 2 == 0 { 0 } else { c[i] };
            items.swap(swap, i);
            out.push(items.clone());
            c[i] += 1;
            i = 1;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    out
}

/// Whether locking a group of equal pairs in different orders can lock different
/// pairs: true when some pair would close a cycle through the others.
fn order_matters(graph: &[Vec<bool>], group: &[(CandidateId, CandidateId)]) -> bool {
    if group.len() < 2 {
        return false;
    }
    let mut all = graph.to_vec();
    for &(i, j) in group {
        all[i.index()][j.index()] = true;
    }
    group.iter().any(|&(i, j)| {
        all[i.index()][j.index()] = false;
        let cycle = reaches(&all, j, i);
        all[i.index()][j.index()] = true;
        cycle
    })
}

/// Whether `to` can be reached from `from` along locked pairs.
fn reaches(graph: &[Vec<bool>], from: CandidateId, to: CandidateId) -> bool {
    let mut seen = vec![false; graph.len()];
    let mut stack = vec![from.index()];
    while let Some(at) = stack.pop() {
        if at == to.index() {
            return true;
        }
        if std::mem::replace(&mut seen[at], true) {
            continue;
        }
        stack.extend((0..graph.len()).filter(|&next| graph[at][next] && !seen[next]));
    }
    false
}

/// Topological layers of the locked graph: first the candidates nobody is locked over.
fn layers(standing: &[CandidateId], graph: &[Vec<bool>]) -> Vec<Vec<CandidateId>> {
    let mut left: Vec<CandidateId> = standing.to_vec();
    let mut layers = Vec::new();
    while !left.is_empty() {
        let top: Vec<CandidateId> = left
            .iter()
            .copied()
            .filter(|&j| !left.iter().any(|&i| graph[i.index()][j.index()]))
            .collect();
        // The locked graph is acyclic, so some candidate always has nobody above.
        let top = if top.is_empty() { left.clone() } else { top };
        left.retain(|c| !top.contains(c));
        layers.push(top);
    }
    layers
}
