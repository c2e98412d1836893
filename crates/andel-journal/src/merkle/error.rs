//! Errors: requests a [`MerkleTree`](super::MerkleTree) cannot answer, and proofs that fail.

use crate::Digest;

/// A root or proof was asked of a [`MerkleTree`](super::MerkleTree) for sizes or indices
/// it does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MerkleError {
    /// The requested tree size is larger than the tree.
    #[error("tree size {requested} is larger than the tree, which has {size} leaves")]
    SizeTooLarge {
        /// The size asked for.
        requested: u64,
        /// How many leaves the tree has.
        size: u64,
    },
    /// The leaf index is not below the tree size it was asked for.
    #[error("leaf index {leaf_index} is out of range for a tree of size {tree_size}")]
    LeafIndexOutOfRange {
        /// The index asked for.
        leaf_index: u64,
        /// The tree size the proof was asked for.
        tree_size: u64,
    },
    /// A consistency proof was asked from a larger tree to a smaller one.
    #[error("old size {old_size} is larger than new size {new_size}")]
    OldSizeExceedsNewSize {
        /// The size of the older tree.
        old_size: u64,
        /// The size of the newer tree.
        new_size: u64,
    },
}

/// A proof that does not verify, or that cannot be checked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// An inclusion proof names a leaf index that is not below its tree size.
    #[error("leaf index {leaf_index} is not below tree size {tree_size}")]
    LeafIndexOutOfRange {
        /// The leaf index in the proof.
        leaf_index: u64,
        /// The tree size in the proof.
        tree_size: u64,
    },
    /// A consistency proof names an old size larger than its new size.
    #[error("old size {old_size} is larger than new size {new_size}")]
    OldSizeExceedsNewSize {
        /// The old tree size in the proof.
        old_size: u64,
        /// The new tree size in the proof.
        new_size: u64,
    },
    /// An inclusion path has the wrong number of hashes for its leaf index and tree size.
    #[error(
        "inclusion path for leaf {leaf_index} in a tree of size {tree_size} must have \
         {expected} hashes, found {found}"
    )]
    InclusionPathLength {
        /// The leaf index in the proof.
        leaf_index: u64,
        /// The tree size in the proof.
        tree_size: u64,
        /// How many hashes the path must have.
        expected: usize,
        /// How many it has.
        found: usize,
    },
    /// A consistency path has the wrong number of hashes for its tree sizes.
    #[error(
        "consistency path from size {old_size} to size {new_size} must have {expected} \
         hashes, found {found}"
    )]
    ConsistencyPathLength {
        /// The old tree size in the proof.
        old_size: u64,
        /// The new tree size in the proof.
        new_size: u64,
        /// How many hashes the path must have.
        expected: usize,
        /// How many it has.
        found: usize,
    },
    /// The root the proof leads to is not the root it was checked against.
    #[error("expected root {expected} for the tree of size {tree_size}, computed {computed}")]
    RootMismatch {
        /// The size of the tree whose root differs.
        tree_size: u64,
        /// The root the proof was checked against.
        expected: Digest,
        /// The root the proof leads to.
        computed: Digest,
    },
}
