//! The Merkle tree over a journal's entry hashes, as Certificate Transparency builds it.
//!
//! The tree is the one of RFC 9162 (Certificate Transparency version 2.0), section 2.1,
//! with SHA-256, and its leaves are entry hashes:
//!
//! - the leaf of the entry hash `e` is SHA-256(`0x00` ‖ `e`) ([`leaf_hash`]);
//! - an interior node over `l` and `r` is SHA-256(`0x01` ‖ `l` ‖ `r`) ([`node_hash`]);
//! - the root of no leaves is [`EMPTY_ROOT`], SHA-256 of the empty string; the root of
//!   one leaf is that leaf; the root of `n > 1` leaves is the node hash of the roots of
//!   the first `k` and the remaining `n - k` leaves, where `k` is the largest power of
//!   two below `n`.
//!
//! A root therefore commits to every entry and to their order, and the standard proofs
//! apply: an [`InclusionProof`] shows that one entry is in a tree, and a
//! [`ConsistencyProof`] that a tree extends an older one, each in O(log n) hashes, and
//! each checked from the proof and roots alone.
//!
//! Three ways to compute roots, by need:
//!
//! - [`root`]: the root of a slice of entry hashes.
//! - [`Frontier`]: the root of a stream, in O(log n) memory, for reading a large
//!   journal entry by entry.
//! - [`MerkleTree`]: keeps every complete subtree, for roots at any earlier size and
//!   proofs, each in O(log n).
//! - [`Prover`]: the root and the proofs of a few chosen leaves of a stream read once,
//!   in O(k log n) memory for k leaves.
//!
//! ```
//! use andel_journal::Digest;
//! use andel_journal::merkle::{self, Frontier, MerkleTree};
//!
//! let entries: Vec<Digest> = (0u32..6).map(|i| Digest::of(&i.to_be_bytes())).collect();
//! let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
//! let frontier: Frontier = entries.iter().copied().collect();
//! assert_eq!(tree.root(), merkle::root(&entries));
//! assert_eq!(frontier.root(), merkle::root(&entries));
//!
//! tree.inclusion_proof(4, 6)?.verify(&entries[4], &tree.root())?;
//! tree.consistency_proof(2, 6)?
//!     .verify(&merkle::root(&entries[..2]), &tree.root())?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod document;
mod error;
mod frontier;
mod hash;
mod proof;
mod prover;
mod tree;

#[cfg(test)]
mod tests;

pub use document::{
    CONSISTENCY_FORMAT, ConsistencyDocument, DocumentError, INCLUSION_FORMAT, InclusionDocument,
    MAX_DOCUMENT_BYTES,
};
pub use error::{MerkleError, ProofError};
pub use frontier::Frontier;
pub use hash::{EMPTY_ROOT, leaf_hash, node_hash};
pub use proof::{ConsistencyProof, InclusionProof};
pub use prover::Prover;
pub use tree::MerkleTree;

use crate::Digest;

/// The Merkle root of `entry_hashes` (RFC 9162 `MTH`), in about `2n` hashes and
/// O(log n) memory.
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::{self, EMPTY_ROOT};
///
/// let (a, b) = (Digest::of(b"a"), Digest::of(b"b"));
/// assert_eq!(merkle::root(&[]), EMPTY_ROOT);
/// assert_eq!(merkle::root(&[a]), merkle::leaf_hash(&a));
/// assert_eq!(
///     merkle::root(&[a, b]),
///     merkle::node_hash(&merkle::leaf_hash(&a), &merkle::leaf_hash(&b)),
/// );
/// ```
pub fn root(entry_hashes: &[Digest]) -> Digest {
    let mut frontier = Frontier::new();
    frontier.extend(entry_hashes);
    frontier.root()
}
