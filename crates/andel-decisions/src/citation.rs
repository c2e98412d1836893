//! Outcomes that other acts can cite as proof: the proposal's `Closed` entry, its hash
//! chain commitment, and a Merkle inclusion proof under the stream's root.

use andel_journal::file::{parse_line, to_line};
use andel_journal::merkle::{InclusionProof, MerkleTree};
use andel_journal::{Digest, Entry, commitment};
use serde::{Deserialize, Serialize};

use crate::proposal::{ProposalEvent, ProposalOutcome};

/// Proof that a proposal was decided as it says: its `Closed` entry, exactly as the
/// journal holds it, with an inclusion proof under the stream's Merkle root at some size.
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
}

/// What a checked citation establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    /// The proposal's stream.
    pub stream: String,
    /// The `Closed` entry's sequence number.
    pub seq: u64,
    /// The outcome recorded.
    pub outcome: ProposalOutcome,
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
}

impl Citation {
    /// The citation of a closed proposal, from its stream's entries (all of them, from
    /// 0): the `Closed` entry and its proof under the root of the whole stream.
    ///
    /// # Errors
    ///
    /// A stream with no `Closed` entry.
    pub fn of(entries: &[Entry]) -> Result<Citation, CiteError> {
        let closed = entries
            .iter()
            .position(|e| e.kind().as_str() == "decision.closed")
            .ok_or(CiteError::NotClosed)?;
        let tree = MerkleTree::from_entry_hashes(entries.iter().map(|e| *e.hash()));
        let proof = tree
            .inclusion_proof(closed as u64, tree.size())
            .map_err(|err| CiteError::Proof {
                reason: err.to_string(),
            })?;
        Ok(Citation {
            entry: to_line(&entries[closed]),
            root: tree.root(),
            proof,
        })
    }

    /// Checks the citation: the entry reads, matches its own hash (payload included),
    /// sits under `root` by the proof, and records a proposal's outcome.
    ///
    /// Whether `root` is the stream's true root is for the checker to know (from a
    /// published root, or a consistency proof from one).
    ///
    /// # Errors
    ///
    /// The first thing that does not hold.
    pub fn check(&self) -> Result<Cited, CiteError> {
        let entry = parse_line(self.entry.trim_end()).map_err(|err| CiteError::Entry {
            reason: err.to_string(),
        })?;
        let (Some(payload), Some(salt)) = (entry.payload(), entry.salt()) else {
            return Err(CiteError::Entry {
                reason: "its payload was erased".to_owned(),
            });
        };
        if commitment(salt, payload) != *entry.commitment()
            || entry.computed_hash() != *entry.hash()
        {
            return Err(CiteError::Altered);
        }
        self.proof
            .verify(entry.hash(), &self.root)
            .map_err(|err| CiteError::Proof {
                reason: err.to_string(),
            })?;
        if self.proof.leaf_index() != entry.seq() {
            return Err(CiteError::Proof {
                reason: format!(
                    "the proof is for entry {}, the line is entry {}",
                    self.proof.leaf_index(),
                    entry.seq()
                ),
            });
        }
        match payload.decode::<ProposalEvent>() {
            Ok(ProposalEvent::Closed { outcome, .. })
                if entry.kind().as_str() == "decision.closed" =>
            {
                Ok(Cited {
                    stream: entry.stream().to_string(),
                    seq: entry.seq(),
                    outcome: *outcome,
                })
            }
            _ => Err(CiteError::NotAnOutcome),
        }
    }
}
