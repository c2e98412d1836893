//! What `andel decide` prints: recorded events, outcomes and counts so far, receipts,
//! checks, citations.

use std::fmt::Write as _;
use std::path::Path;

use andel::decisions::{
    Citation, Kind, Mark, Phase, Proposal, ProposalEvent, ProposalOutcome, Secrecy, Spec,
    Visibility, VoterId,
    delegation::{DelegationEvent, Delegations},
    secret::{MIN_ANONYMITY, Receipt},
};
use andel::journal::{Aggregate, Digest};
use andel::service::{Found, ProposalCheck, StoredProposal};
use anyhow::{Context, Result, bail};

use crate::Exit;

/// What was recorded, and the outcome if it closed.
pub(super) fn recorded(proposal: &StoredProposal<'_>, events: &[ProposalEvent]) -> Result<Exit> {
    let id = proposal.id();
    let mut out = String::new();
    if events.is_empty() {
        out.push_str("nothing to record: already done\n");
    }
    for event in events {
        let _ = writeln!(out, "{}: {}", id, Proposal::kind(event));
    }
    let state = proposal.state();
    if let (Some(outcome), Some(spec)) =
        (state.outcome().filter(|_| !events.is_empty()), state.spec())
    {
        out.push_str(&summary(outcome, spec));
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// A secret ballot's receipt, shown once.
pub(super) fn receipt(id: &str, receipt: &Receipt) -> Result<Exit> {
    crate::print(&format!(
        "{id}: decision.participated\nreceipt: {receipt}\n\
         Keep the receipt to yourself: it is shown only now, and it finds your ballot in the \
         published list (`andel decide check-receipt {id} RECEIPT`).\n"
    ))?;
    Ok(Exit::Ok)
}

/// The delegation events recorded.
pub(super) fn delegated(events: &[DelegationEvent]) -> Result<Exit> {
    for event in events {
        crate::print(&format!("{}\n", Delegations::kind(event)))?;
    }
    Ok(Exit::Ok)
}

/// Who took part, unless too few have for the list to keep ballots secret.
pub(super) fn participation(id: &str, proposal: &Proposal) -> Result<Exit> {
    let Some(voters) = proposal.participation() else {
        eprintln!(
            "withheld: fewer than {MIN_ANONYMITY} voters have taken part in `{id}`, so the list would say how each voted"
        );
        return Ok(Exit::Invalid);
    };
    let mut out = String::new();
    for voter in voters {
        let _ = writeln!(out, "{voter}");
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// Where a receipt's ballot was found, or that it was not.
pub(super) fn found(id: &str, spec: &Spec, code: &Receipt, found: Option<&Found>) -> Result<Exit> {
    let (ballot, place) = match found {
        None => {
            eprintln!("invalid: no ballot of `{id}` has receipt {code}");
            return Ok(Exit::Invalid);
        }
        Some(Found::Published(ballot)) => (ballot, "the published list, and was counted"),
        Some(Found::InBox(ballot)) => (ballot, "the ballot box, to be counted at the close"),
    };
    crate::print(&format!(
        "ok: receipt {code} is in {place}: {} (weight {})\n",
        describe(spec, ballot.mark()),
        ballot.weight()
    ))?;
    Ok(Exit::Ok)
}

/// What verifying the proposal found.
pub(super) fn verification(id: &str, proposal: &Proposal, check: &ProposalCheck) -> Result<Exit> {
    let (entries, published) = match check {
        ProposalCheck::Broken(reason) => {
            eprintln!("invalid: {reason}");
            return Ok(Exit::Invalid);
        }
        ProposalCheck::NotClosed { entries } => {
            crate::print(&format!(
                "ok: {entries} entries verify; `{id}` is not closed yet\n"
            ))?;
            return Ok(Exit::Ok);
        }
        ProposalCheck::Recounted {
            entries, published, ..
        } => (entries, published),
    };
    let what = match published {
        Some((len, sha256)) => format!("the {len} published ballots (SHA-256 {sha256})"),
        None => "the ballots".to_owned(),
    };
    let outcome = proposal
        .outcome()
        .context("a recounted proposal is closed")?;
    if !matches!(check, ProposalCheck::Recounted { matches: true, .. }) {
        eprintln!("invalid: recounting {what} of `{id}` does not give its recorded outcome");
        return Ok(Exit::Invalid);
    }
    crate::print(&format!(
        "ok: {entries} entries verify, and recounting {what} gives the recorded outcome ({:?})\n",
        outcome.verdict
    ))?;
    Ok(Exit::Ok)
}

/// Checks a citation from its text alone, and against `root` if given.
pub(super) fn check_citation(text: &str, file: &Path, root: Option<&Digest>) -> Result<Exit> {
    let citation: Citation = serde_json::from_str(text)
        .with_context(|| format!("{} is not a citation", file.display()))?;
    match citation.check() {
        Err(err) => {
            eprintln!("invalid: {err}");
            Ok(Exit::Invalid)
        }
        Ok(_) if root.is_some_and(|r| *r != citation.root) => {
            eprintln!(
                "invalid: the citation is under root {}, not the one given",
                citation.root
            );
            Ok(Exit::Invalid)
        }
        Ok(cited) => {
            crate::print(&format!(
                "ok: entry {} of `{}` records {:?}, under root {}\n",
                cited.seq, cited.stream, cited.outcome.verdict, citation.root
            ))?;
            Ok(Exit::Ok)
        }
    }
}

/// A mark in words: the choice, or the names it ranks or approves.
fn describe(spec: &Spec, mark: &Mark) -> String {
    let names: Vec<&str> = match &spec.kind {
        Kind::Election { candidates, .. } => candidates.iter().map(String::as_str).collect(),
        Kind::Budget { projects, .. } => projects.iter().map(|p| p.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let named = |items: &[u16]| -> String {
        let listed: Vec<&str> = items
            .iter()
            .map(|i| names.get(usize::from(*i)).copied().unwrap_or("?"))
            .collect();
        if listed.is_empty() {
            "nobody".to_owned()
        } else {
            listed.join(", ")
        }
    };
    match mark {
        Mark::Choice(_) => mark.to_string(),
        Mark::Ranking(items) => format!("ranked {}", named(items)),
        Mark::Approvals(items) => format!("approved {}", named(items)),
    }
}

pub(super) fn summary(outcome: &ProposalOutcome, spec: &Spec) -> String {
    let mut out = format!(
        "verdict: {:?} ({} voted, {} through delegation, {} void)\n",
        outcome.verdict, outcome.direct, outcome.delegated, outcome.void
    );
    if let Some(motion) = &outcome.motion {
        let _ = writeln!(
            out,
            "yes {} ({} people), no {}, abstain {}",
            motion.yes.weight, motion.yes.people, motion.no.weight, motion.abstain.weight
        );
        if let Some(q) = &motion.quorum {
            let _ = writeln!(
                out,
                "quorum: {} (got {}): {}",
                q.rule,
                q.got,
                if q.met { "met" } else { "not met" }
            );
        }
        let t = &motion.threshold;
        let _ = writeln!(
            out,
            "threshold: {} (got {}): {}",
            t.rule,
            t.got,
            if t.met { "met" } else { "not met" }
        );
    }
    if let Some(consent) = &outcome.consent {
        let _ = writeln!(
            out,
            "consent {}, stand aside {}, blocks {}",
            consent.consent.people,
            consent.stand_aside.people,
            consent.blocks.len()
        );
        for (who, reason) in &consent.blocks {
            let _ = writeln!(out, "block by {who}: {reason}");
        }
    }
    if let Some(seal) = &outcome.ballots {
        let _ = writeln!(
            out,
            "secret ballot: {} ballots counted, {} missing; published list SHA-256 {}",
            seal.counted, seal.missing, seal.sha256
        );
    }
    if let Some(election) = &outcome.election {
        match (&election.count, &election.problem) {
            (Some(count), _) => {
                let (names, what) = match &spec.kind {
                    Kind::Budget { projects, .. } => {
                        (projects.iter().map(|p| p.name.as_str()).collect(), "funded")
                    }
                    Kind::Election { candidates, .. } => {
                        (candidates.iter().map(String::as_str).collect(), "elected")
                    }
                    _ => (Vec::new(), "elected"),
                };
                let chosen: Vec<&str> = count
                    .elected
                    .iter()
                    .map(|c| names.get(c.index()).copied().unwrap_or("?"))
                    .collect();
                let chosen = if chosen.is_empty() {
                    "nobody".to_owned()
                } else {
                    chosen.join(", ")
                };
                let _ = writeln!(out, "{what}: {chosen}");
            }
            (None, Some(problem)) => {
                let _ = writeln!(out, "not counted: {problem}");
            }
            (None, None) => {}
        }
    }
    out
}

pub(super) fn result(
    id: &str,
    proposal: &Proposal,
    viewer: Option<&VoterId>,
    json: bool,
) -> Result<Exit> {
    if let Some(outcome) = proposal.outcome() {
        let spec = proposal.spec().context("a closed proposal has a spec")?;
        if json {
            crate::print(&(serde_json::to_string_pretty(outcome)? + "\n"))?;
        } else {
            crate::print(&summary(outcome, spec))?;
        }
        return Ok(Exit::Ok);
    }
    let phase = phase_name(proposal.phase());
    let Some(interim) = proposal.interim(viewer) else {
        let spec = proposal.spec().context("an existing proposal has a spec")?;
        let why = match (spec.secrecy, spec.visibility, viewer) {
            (Secrecy::Secret, ..) => "a secret ballot is counted only at the close",
            (_, Visibility::AfterVoting, None) => {
                "its count is shown to voters who have voted: give --viewer MEMBER"
            }
            (_, Visibility::AfterVoting, Some(_)) => {
                "its count is shown to voters who have voted, and the viewer has not"
            }
            _ if proposal.phase() != Phase::Open => "voting has not opened",
            _ => "its count is shown only after the close",
        };
        bail!("proposal `{id}` is {phase}, not closed, and {why}");
    };
    if json {
        crate::print(&(serde_json::to_string_pretty(&interim)? + "\n"))?;
        return Ok(Exit::Ok);
    }
    let mut out =
        format!("`{id}` is {phase}; the direct ballots so far (delegations count at the close):\n");
    for (choice, count) in &interim.choices {
        let _ = writeln!(
            out,
            "{choice} {} ({} {})",
            count.weight,
            count.people,
            if count.people == 1 {
                "person"
            } else {
                "people"
            }
        );
    }
    if interim.choices.is_empty() && interim.rankings == 0 {
        out.push_str("no ballots yet\n");
    }
    if interim.rankings > 0 {
        let _ = writeln!(out, "{} ballots ranked or approved", interim.rankings);
    }
    crate::print(&out)?;
    Ok(Exit::Ok)
}

/// A phase as a person says it.
fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::New => "not drafted",
        Phase::Draft => "a draft",
        Phase::Scheduled => "scheduled",
        Phase::Open => "open",
        Phase::Closed => "closed",
        Phase::Withdrawn => "withdrawn",
    }
}
