//! [`MerkleTree`]: every leaf and complete subtree hash, for roots and proofs at any size.

use std::fmt;

use crate::Digest;

use super::error::MerkleError;
use super::hash::{fold_peaks, leaf_hash, node_hash};
use super::proof::{ConsistencyProof, InclusionProof};

/// A Merkle tree over journal entry hashes that answers for every size it has had.
///
/// It stores each leaf hash and the hash of every complete, aligned power-of-two subtree
/// (about `2n` digests, 64 bytes per leaf). Building it costs about `2n` hashes and a
/// [`push`](Self::push) two on average. Afterwards the root at any earlier size and an
/// inclusion or consistency proof for any sizes each cost O(log n) lookups and at most
/// O(log n) hashes, however large the tree.
///
/// The tree follows RFC 9162, section 2.1: see the [module documentation](super).
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::MerkleTree;
///
/// let entries: Vec<Digest> = (0u32..7).map(|i| Digest::of(&i.to_be_bytes())).collect();
/// let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
///
/// // Entry 3 is in the tree of size 5...
/// let proof = tree.inclusion_proof(3, 5)?;
/// proof.verify(&entries[3], &tree.root_at(5)?)?;
///
/// // ... and the tree of size 7 extends the tree of size 5.
/// let proof = tree.consistency_proof(5, 7)?;
/// proof.verify(&tree.root_at(5)?, &tree.root())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MerkleTree {
    /// `levels[h][i]` is the hash of the complete subtree of the `2^h` leaves from leaf
    /// `i * 2^h` on; `levels[0]` holds the leaf hashes. Invariant: for a tree of `n`
    /// leaves, `levels[h].len() == n >> h` for every `h`, and the last level is non-empty.
    levels: Vec<Vec<Digest>>,
}

impl MerkleTree {
    /// An empty tree.
    pub const fn new() -> Self {
        MerkleTree { levels: Vec::new() }
    }

    /// Builds the tree over `entry_hashes`, in order.
    pub fn from_entry_hashes(entry_hashes: impl IntoIterator<Item = Digest>) -> Self {
        let mut tree = MerkleTree::new();
        tree.extend(entry_hashes);
        tree
    }

    /// Appends the leaf for one entry hash: one leaf hash, plus one node hash per
    /// complete subtree the new leaf closes (two hashes on average).
    pub fn push(&mut self, entry_hash: &Digest) {
        self.push_leaf_hash(leaf_hash(entry_hash));
    }

    /// Appends an already hashed leaf.
    pub(crate) fn push_leaf_hash(&mut self, leaf: Digest) {
        let mut carry = leaf;
        for nodes in &mut self.levels {
            nodes.push(carry);
            match nodes.as_slice() {
                // An even count means the new node closed a pair: hash it one level up.
                [.., left, right] if nodes.len() % 2 == 0 => carry = node_hash(left, right),
                _ => return,
            }
        }
        self.levels.push(vec![carry]);
    }

    /// How many leaves the tree has.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// The root of the whole tree (RFC 9162 `MTH`).
    pub fn root(&self) -> Digest {
        // Level `h` has an odd number of nodes exactly where bit `h` of the size is set;
        // its last node is then the peak of that size.
        fold_peaks(
            self.levels
                .iter()
                .filter(|nodes| nodes.len() % 2 == 1)
                .filter_map(|nodes| nodes.last()),
        )
    }

    /// The root the tree had when it held its first `size` leaves.
    ///
    /// # Errors
    ///
    /// [`MerkleError::SizeTooLarge`] if `size` is larger than the tree.
    pub fn root_at(&self, size: u64) -> Result<Digest, MerkleError> {
        self.check_size(size)?;
        self.range_hash(0, size)
            .ok_or_else(|| self.size_too_large(size))
    }

    /// A proof that the leaf at `leaf_index` is in the tree of the first `tree_size` leaves
    /// (RFC 9162 `PATH`).
    ///
    /// # Errors
    ///
    /// [`MerkleError::SizeTooLarge`] if `tree_size` is larger than the tree, and
    /// [`MerkleError::LeafIndexOutOfRange`] if `leaf_index` is not below `tree_size`.
    pub fn inclusion_proof(
        &self,
        leaf_index: u64,
        tree_size: u64,
    ) -> Result<InclusionProof, MerkleError> {
        self.check_size(tree_size)?;
        if leaf_index >= tree_size {
            return Err(MerkleError::LeafIndexOutOfRange {
                leaf_index,
                tree_size,
            });
        }
        let mut path = Vec::new();
        self.extend_path(&mut path, 0, leaf_index, tree_size)
            .ok_or_else(|| self.size_too_large(tree_size))?;
        Ok(InclusionProof::new(leaf_index, tree_size, path))
    }

    /// A proof that the tree of the first `new_size` leaves extends the tree of the first
    /// `old_size` leaves (RFC 9162 `PROOF`).
    ///
    /// The path is empty when `old_size == new_size` and when `old_size == 0`: see
    /// [`ConsistencyProof`] for how those verify.
    ///
    /// # Errors
    ///
    /// [`MerkleError::OldSizeExceedsNewSize`] if `old_size > new_size`, and
    /// [`MerkleError::SizeTooLarge`] if `new_size` is larger than the tree.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<ConsistencyProof, MerkleError> {
        if old_size > new_size {
            return Err(MerkleError::OldSizeExceedsNewSize { old_size, new_size });
        }
        self.check_size(new_size)?;
        let mut path = Vec::new();
        if old_size != 0 && old_size != new_size {
            // The old tree's last peak: the complete subtree of 2^level leaves ending at
            // `old_size`. From there up, the proof is that node's inclusion path in the
            // new tree. When the old tree is that very subtree, the verifier has its hash.
            let level = old_size.trailing_zeros();
            let index = (old_size - 1) >> level;
            if !old_size.is_power_of_two() {
                let seed = self
                    .node(level, index)
                    .ok_or_else(|| self.size_too_large(new_size))?;
                path.push(seed);
            }
            self.extend_path(&mut path, level, index, new_size)
                .ok_or_else(|| self.size_too_large(new_size))?;
        }
        Ok(ConsistencyProof::new(old_size, new_size, path))
    }

    fn check_size(&self, requested: u64) -> Result<(), MerkleError> {
        if requested > self.size() {
            return Err(self.size_too_large(requested));
        }
        Ok(())
    }

    /// The error for a size beyond the tree. The private lookups below fail only for nodes
    /// beyond the stored leaves, which the public methods rule out before calling them,
    /// so this is also what such a failure would mean.
    fn size_too_large(&self, requested: u64) -> MerkleError {
        MerkleError::SizeTooLarge {
            requested,
            size: self.size(),
        }
    }
}

impl Nodes for MerkleTree {
    fn node(&self, level: u32, index: u64) -> Option<Digest> {
        let nodes = self.levels.get(usize::try_from(level).ok()?)?;
        nodes.get(usize::try_from(index).ok()?).copied()
    }
}

/// Complete, aligned subtree hashes by level and index, from which roots and inclusion
/// paths are put together: every one in a [`MerkleTree`], only those some proofs need
/// in a [`Prover`](super::Prover).
pub(super) trait Nodes {
    /// The hash of the complete subtree of the `2^level` leaves from `index * 2^level`.
    fn node(&self, level: u32, index: u64) -> Option<Digest>;

    /// `MTH` of the leaves `start..end`, where `start` is a multiple of the largest power
    /// of two not above `end - start` (true of every subtree RFC 9162 splits a tree into).
    /// `None` if the range is not so aligned or reaches past the stored leaves.
    fn range_hash(&self, start: u64, end: u64) -> Option<Digest> {
        let width = end.checked_sub(start)?;
        // One complete subtree per set bit of the width, the smallest at the end.
        let mut peaks = Vec::new();
        let mut stop = end;
        for level in 0..u64::BITS {
            if (width >> level) & 1 == 1 {
                let span = 1u64 << level;
                let begin = stop - span;
                if !begin.is_multiple_of(span) {
                    return None;
                }
                peaks.push(self.node(level, begin >> level)?);
                stop = begin;
            }
        }
        Some(fold_peaks(&peaks))
    }

    /// The node at `level`, `index` in the tree of the first `size` leaves: a stored
    /// complete subtree, or, on the right edge, the hash of the leaves up to `size`.
    fn subtree(&self, level: u32, index: u64, size: u64) -> Option<Digest> {
        let begin = index.checked_shl(level)?;
        let end = begin.checked_add(1u64.checked_shl(level)?)?;
        if end <= size {
            self.node(level, index)
        } else {
            self.range_hash(begin, size)
        }
    }

    /// Appends to `path` the siblings of node `index` at `level` on its way up to the root
    /// of the tree of the first `size` leaves, lowest first. A node on the right edge
    /// without a sibling is its own parent in RFC 9162's tree, so that level adds nothing.
    fn extend_path(&self, path: &mut Vec<Digest>, level: u32, index: u64, size: u64) -> Option<()> {
        let mut level = level;
        let mut node = index;
        let mut last = size.checked_sub(1)?.checked_shr(level)?;
        while last > 0 {
            if node & 1 == 1 {
                path.push(self.node(level, node - 1)?);
            } else if node < last {
                path.push(self.subtree(level, node + 1, size)?);
            }
            node >>= 1;
            last >>= 1;
            level += 1;
        }
        Some(())
    }
}

impl fmt::Debug for MerkleTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The hashes themselves would be megabytes for a large journal.
        f.debug_struct("MerkleTree")
            .field("size", &self.size())
            .finish_non_exhaustive()
    }
}

impl Extend<Digest> for MerkleTree {
    fn extend<I: IntoIterator<Item = Digest>>(&mut self, entry_hashes: I) {
        for entry_hash in entry_hashes {
            self.push(&entry_hash);
        }
    }
}

impl<'a> Extend<&'a Digest> for MerkleTree {
    fn extend<I: IntoIterator<Item = &'a Digest>>(&mut self, entry_hashes: I) {
        for entry_hash in entry_hashes {
            self.push(entry_hash);
        }
    }
}

impl FromIterator<Digest> for MerkleTree {
    fn from_iter<I: IntoIterator<Item = Digest>>(entry_hashes: I) -> Self {
        MerkleTree::from_entry_hashes(entry_hashes)
    }
}
