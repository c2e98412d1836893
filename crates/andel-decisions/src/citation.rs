//! Outcomes that other acts can cite as proof: the proposal's `Closed` entry, its hash
//! chain commitment, and a Merkle inclusion proof under the stream's root.

use andel_journal::file::{parse_line, to_line};
use andel_journal::merkle::{InclusionProof, MerkleTree};
use andel_journal::{Digest, Entry, Payload, commitment};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::proposal::{ProposalEvent, ProposalOutcome, Spec};

/// Proof that a proposal was decided as it says: its `Closed` entry, exactly as the
/// journal holds it, with an inclusion proof under the stream's Merkle root at some size,
/// and its `Drafted` entry (what was proposed, under which rules) with a proof under the
/// same root.
///
/// A later act (adopting a data policy, say) stores the citation; anyone holding the
/// stream's root (published, or from `andel journal root`) checks it with
/// [`Citation::check`], without the rest of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The `Closed` entry, as a line of the journal file (format version 1).
    pub entry: String,
    /// The stream's Merkle root at `proof`'s tree size.
    pub root: Digest,
    /// The entry's inclusion proof under `root`.
    pub proof: InclusionProof,
    /// The `Drafted` entry, which holds the proposal's [`Spec`], with its proof under
    /// `root`. Citations made before it was carried lack it: they prove the outcome,
    /// not what was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafted: Option<CitedEntry>,
}

/// One more entry of the cited stream, with its inclusion proof under the citation's
/// root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitedEntry {
    /// The entry, as a line of the journal file (format version 1).
    pub entry: String,
    /// Its inclusion proof under the citation's root.
    pub proof: InclusionProof,
}

/// What a checked citation establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The proposal's stream.
    pub stream: String,
    /// The `Closed` entry's sequence number.
    pub seq: u64,
    /// When the proposal closed.
    pub closed_at: DateTime<Utc>,
    /// The outcome recorded.
    pub outcome: ProposalOutcome,
    /// What was proposed, under which rules, when the citation carries the `Drafted`
    /// entry.
    pub spec: Option<Spec>,
}

/// A citation that cannot be made or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CiteError {
    /// The stream has no `Closed` entry.
    #[error("the proposal is not closed: there is nothing to cite")]
    NotClosed,
    /// The entry line does not read, or its payload was erased.
    #[error("the cited entry does not read: {reason}")]
    Entry {
        /// Why.
        reason: String,
    },
    /// The entry's payload or fields do not match its hash.
    #[error("the cited entry was altered: its hash does not match its contents")]
    Altered,
    /// The proof does not lead from the entry to the root.
    #[error("the proof does not place the entry under the root: {reason}")]
    Proof {
        /// Why.
        reason: String,
    },
    /// The entry is not a proposal's `Closed` event.
    #[error("the cited entry is not a closed proposal's outcome")]
    NotAnOutcome,
    /// The `Drafted` entry carried is not the same proposal's draft.
    #[error("the draft carried is not this proposal's: {reason}")]
    Draft {
        /// Why.
        reason: String,
    },
}

impl Citation {
    /// The citation of a closed proposal, from its stream's entries (all of them, from
    /// 0): the `Closed` and `Drafted` entries and their proofs under the root of the
    /// whole stream.
    ///
    /// # Errors
    ///
    /// A stream with no `Closed` entry.
    pub fn of(entries: &[Entry]) -> Result<Citation, CiteError> {
        let position = |kind: &str| entries.iter().position(|e| e.kind().as_str() == kind);
        let closed = position("decision.closed").ok_or(CiteError::NotClosed)?;
        let tree = MerkleTree::from_entry_hashes(entries.iter().map(|e| *e.hash()));
        let prove = |index: usize| {
            tree.inclusion_proof(index as u64, tree.size())
                .map_err(|err| CiteError::Proof {
                    reason: err.to_string(),
                })
        };
        let drafted = match position("decision.drafted") {
            Some(index) => Some(CitedEntry {
                entry: to_line(&entries[index]),
                proof: prove(index)?,
            }),
            None => None,
        };
        Ok(Citation {
            entry: to_line(&entries[closed]),
            root: tree.root(),
            proof: prove(closed)?,
            drafted,
        })
    }

    /// Checks the citation: the entries read, match their own hashes (payloads
    /// included), sit under `root` by their proofs, and record a proposal's outcome and,
    /// when carried, the same proposal's draft.
    ///
    /// Whether `root` is the stream's true root is for the checker to know (from a
    /// published root, or a consistency proof from one).
    ///
    /// # Errors
    ///
    /// The first thing that does not hold.
    pub fn check(&self) -> Result<Cited, CiteError> {
        let (entry, payload) = checked(&self.entry, &self.proof, &self.root)?;
        let Ok(ProposalEvent::Closed { at, outcome, .. }) = payload.decode::<ProposalEvent>()
        else {
            return Err(CiteError::NotAnOutcome);
        };
        if entry.kind().as_str() != "decision.closed" {
            return Err(CiteError::NotAnOutcome);
        }
        let spec = match &self.drafted {
            Some(drafted) => Some(draft_of(drafted, &self.root, &entry)?),
            None => None,
        };
        Ok(Cited {
            stream: entry.stream().to_string(),
            seq: entry.seq(),
            closed_at: at,
            outcome: *outcome,
            spec,
        })
    }
}

/// The spec in `drafted`, checked to be the draft of `closed`'s proposal under `root`.
fn draft_of(drafted: &CitedEntry, root: &Digest, closed: &Entry) -> Result<Spec, CiteError> {
    let (entry, payload) = checked(&drafted.entry, &drafted.proof, root)?;
    let wrong = |reason: String| Err(CiteError::Draft { reason });
    if entry.stream() != closed.stream() {
        return wrong(format!(
            "it is in `{}`, the outcome in `{}`",
            entry.stream(),
            closed.stream()
        ));
    }
    if entry.seq() >= closed.seq() {
        return wrong(format!(
            "entry {} does not come before the outcome (entry {})",
            entry.seq(),
            closed.seq()
        ));
    }
    match payload.decode::<ProposalEvent>() {
        Ok(ProposalEvent::Drafted { spec, .. }) if entry.kind().as_str() == "decision.drafted" => {
            Ok(*spec)
        }
        _ => wrong(format!("entry {} is not a `Drafted` event", entry.seq())),
    }
}

/// The entry on `line`, whole, matching its hash, and placed under `root` by `proof`.
fn checked(
    line: &str,
    proof: &InclusionProof,
    root: &Digest,
) -> Result<(Entry, Payload), CiteError> {
    let entry = parse_line(line.trim_end()).map_err(|err| CiteError::Entry {
        reason: err.to_string(),
    })?;
    let (Some(payload), Some(salt)) = (entry.payload(), entry.salt()) else {
        return Err(CiteError::Entry {
            reason: "its payload was erased".to_owned(),
        });
    };
    if commitment(salt, payload) != *entry.commitment() || entry.computed_hash() != *entry.hash() {
        return Err(CiteError::Altered);
    }
    proof
        .verify(entry.hash(), root)
        .map_err(|err| CiteError::Proof {
            reason: err.to_string(),
        })?;
    if proof.leaf_index() != entry.seq() {
        return Err(CiteError::Proof {
            reason: format!(
                "the proof is for entry {}, the line is entry {}",
                proof.leaf_index(),
                entry.seq()
            ),
        });
    }
    let payload = payload.clone();
    Ok((entry, payload))
}
