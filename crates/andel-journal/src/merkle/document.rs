//! Proof documents: an inclusion or consistency proof as a JSON file that leaves the
//! process (`andel journal prove`, `consistency`), read back and checked by anyone.
//! Their format is versioned (`andel.inclusion-proof.v1`, `andel.consistency-proof.v1`)
//! and specified in the book's journal file chapter.

use serde::{Deserialize, Serialize};

use super::{ConsistencyProof, InclusionProof, ProofError};
use crate::{Digest, StreamId};

/// The format name of an inclusion proof document.
pub const INCLUSION_FORMAT: &str = "andel.inclusion-proof.v1";
/// The format name of a consistency proof document.
pub const CONSISTENCY_FORMAT: &str = "andel.consistency-proof.v1";
/// The largest proof document read: a proof holds at most 64 hashes.
pub const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// Why a proof document does not hold, or is not one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// Not a proof document of this kind (not JSON, a member missing or unknown).
    #[error("not a proof document: {reason}")]
    Malformed {
        /// What the parser said.
        reason: String,
    },
    /// Larger than [`MAX_DOCUMENT_BYTES`].
    #[error("larger than {MAX_DOCUMENT_BYTES} bytes: not a proof")]
    TooLarge,
    /// Another format, or another version.
    #[error("the proof's format is `{found}`, expected `{expected}`")]
    Format {
        /// The format named.
        found: String,
        /// The format expected.
        expected: &'static str,
    },
    /// The proof is for another tree size than the root was published with.
    #[error("the proof is for a tree of {}, the root for one of {published}", entries(*.proof))]
    Size {
        /// The size the proof is for.
        proof: u64,
        /// The size given with the root.
        published: u64,
    },
    /// The proof's leaf is not the entry it names.
    #[error("the proof is for leaf {leaf_index} but names seq {seq}")]
    Leaf {
        /// The proof's leaf index.
        leaf_index: u64,
        /// The entry's seq.
        seq: u64,
    },
    /// The path does not lead to the root.
    #[error(transparent)]
    Proof(#[from] ProofError),
}

fn entries(n: u64) -> String {
    format!("{n} {}", if n == 1 { "entry" } else { "entries" })
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, DocumentError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge);
    }
    serde_json::from_str(text).map_err(|err| DocumentError::Malformed {
        reason: err.to_string(),
    })
}

fn check_format(found: &str, expected: &'static str) -> Result<(), DocumentError> {
    if found == expected {
        Ok(())
    } else {
        Err(DocumentError::Format {
            found: found.to_owned(),
            expected,
        })
    }
}

/// That an entry is in a stream's Merkle tree: the entry's stream, seq and hash, and the
/// audit path from it to the root.
///
/// ```
/// use andel_journal::merkle::{InclusionDocument, MerkleTree};
/// use andel_journal::{Digest, StreamId};
///
/// let mut tree = MerkleTree::default();
/// let hashes = [Digest::of(b"a"), Digest::of(b"b"), Digest::of(b"c")];
/// for hash in &hashes {
///     tree.push(hash);
/// }
/// let proof = tree.inclusion_proof(1, 3)?;
/// let document = InclusionDocument::new(StreamId::new("members")?, 1, hashes[1], proof);
/// let read = InclusionDocument::from_json(&document.to_json())?;
/// read.check(&tree.root(), Some(3))?;
/// assert!(read.check(&tree.root(), Some(4)).is_err()); // published for another size
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionDocument {
    format: String,
    stream: StreamId,
    seq: u64,
    entry_hash: Digest,
    #[serde(flatten)]
    proof: InclusionProof,
}

impl InclusionDocument {
    /// The document of `proof` for entry `seq` of `stream`, whose hash is `entry_hash`.
    pub fn new(stream: StreamId, seq: u64, entry_hash: Digest, proof: InclusionProof) -> Self {
        InclusionDocument {
            format: INCLUSION_FORMAT.to_owned(),
            stream,
            seq,
            entry_hash,
            proof,
        }
    }

    /// Reads a document written by [`InclusionDocument::to_json`] (or by anyone
    /// following the format).
    ///
    /// # Errors
    ///
    /// Text that is not such a document, or is too large to be one.
    pub fn from_json(text: &str) -> Result<Self, DocumentError> {
        parse(text)
    }

    /// The document as JSON, indented, in the format's member order.
    pub fn to_json(&self) -> String {
        // A document of a stream id, numbers and hex strings always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The entry's stream.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The entry's seq.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The hash of the entry it proves.
    pub fn entry_hash(&self) -> &Digest {
        &self.entry_hash
    }

    /// The proof.
    pub fn proof(&self) -> &InclusionProof {
        &self.proof
    }

    /// Checks that the entry is in the tree whose root is `root`, published for a tree
    /// of `size` entries when that is known. Without the size, the proof's tree size
    /// (and so the entry's place) is only the proof's claim.
    ///
    /// # Errors
    ///
    /// Another format, a size other than the one published, a leaf that is not the
    /// named seq, or a path that does not lead to `root`.
    pub fn check(&self, root: &Digest, size: Option<u64>) -> Result<(), DocumentError> {
        check_format(&self.format, INCLUSION_FORMAT)?;
        if let Some(size) = size.filter(|size| *size != self.proof.tree_size()) {
            return Err(DocumentError::Size {
                proof: self.proof.tree_size(),
                published: size,
            });
        }
        if self.proof.leaf_index() != self.seq {
            return Err(DocumentError::Leaf {
                leaf_index: self.proof.leaf_index(),
                seq: self.seq,
            });
        }
        Ok(self.proof.verify(&self.entry_hash, root)?)
    }
}

/// That a stream at a newer size only appended to its first entries: the two sizes and
/// the path between their roots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyDocument {
    format: String,
    stream: StreamId,
    #[serde(flatten)]
    proof: ConsistencyProof,
}

impl ConsistencyDocument {
    /// The document of `proof` for `stream`.
    pub fn new(stream: StreamId, proof: ConsistencyProof) -> Self {
        ConsistencyDocument {
            format: CONSISTENCY_FORMAT.to_owned(),
            stream,
            proof,
        }
    }

    /// Reads a document written by [`ConsistencyDocument::to_json`].
    ///
    /// # Errors
    ///
    /// Text that is not such a document, or is too large to be one.
    pub fn from_json(text: &str) -> Result<Self, DocumentError> {
        parse(text)
    }

    /// The document as JSON, indented, in the format's member order.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The stream.
    pub fn stream(&self) -> &StreamId {
        &self.stream
    }

    /// The proof.
    pub fn proof(&self) -> &ConsistencyProof {
        &self.proof
    }

    /// Checks that the tree whose root is `new_root` only appended to the one whose root
    /// is `old_root`.
    ///
    /// # Errors
    ///
    /// Another format, or a path that does not join the two roots.
    pub fn check(&self, old_root: &Digest, new_root: &Digest) -> Result<(), DocumentError> {
        check_format(&self.format, CONSISTENCY_FORMAT)?;
        Ok(self.proof.verify(old_root, new_root)?)
    }
}
