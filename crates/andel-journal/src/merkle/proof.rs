//! Inclusion and consistency proofs, and their verification from the proof and roots alone.

use serde::{Deserialize, Serialize};

use crate::Digest;

use super::error::ProofError;
use super::hash::{EMPTY_ROOT, leaf_hash, node_hash};

/// A proof that one entry is in a tree of a given size (RFC 9162, section 2.1.3).
///
/// The path lists the sibling hashes from the leaf up to the root, lowest first. It is
/// checked with the algorithm of RFC 9162, section 2.1.3.2, which needs only the entry
/// hash and the root: not the tree.
///
/// The proof's sizes are part of what it claims. The root it is checked against must be
/// the root of a tree of exactly [`tree_size`](Self::tree_size) leaves: when the root
/// comes from a signed tree head, check that the head's size equals `tree_size` too, or a
/// proof built for another size could pass with the entry at another index.
///
/// Serialized as `{"leaf_index": 3, "tree_size": 5, "path": ["<hex>", ...]}`; unknown
/// fields are rejected.
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::{InclusionProof, MerkleTree};
///
/// let entries: Vec<Digest> = (0u32..5).map(|i| Digest::of(&i.to_be_bytes())).collect();
/// let tree: MerkleTree = entries.iter().copied().collect();
/// let root = tree.root();
///
/// // A proof that travelled as JSON.
/// let json = serde_json::to_string(&tree.inclusion_proof(2, 5)?)?;
/// let proof: InclusionProof = serde_json::from_str(&json)?;
/// assert_eq!((proof.leaf_index(), proof.tree_size()), (2, 5));
/// proof.verify(&entries[2], &root)?;
/// assert!(proof.verify(&entries[3], &root).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    leaf_index: u64,
    tree_size: u64,
    path: Vec<Digest>,
}

impl InclusionProof {
    /// Wraps the parts of a proof, as received from elsewhere. Nothing is checked until
    /// [`root_from`](Self::root_from) or [`verify`](Self::verify).
    pub const fn new(leaf_index: u64, tree_size: u64, path: Vec<Digest>) -> Self {
        InclusionProof {
            leaf_index,
            tree_size,
            path,
        }
    }

    /// The index of the entry, from 0.
    pub const fn leaf_index(&self) -> u64 {
        self.leaf_index
    }

    /// The size of the tree the proof is for.
    pub const fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// The sibling hashes from the leaf up, lowest first.
    pub fn path(&self) -> &[Digest] {
        &self.path
    }

    /// The sibling hashes, taken out of the proof.
    pub fn into_path(self) -> Vec<Digest> {
        self.path
    }

    /// The root of the tree of [`tree_size`](Self::tree_size) leaves that has `entry_hash`
    /// at [`leaf_index`](Self::leaf_index), if the path is right.
    ///
    /// # Errors
    ///
    /// [`ProofError::LeafIndexOutOfRange`] if the index is not below the size, and
    /// [`ProofError::InclusionPathLength`] if the path does not have the number of hashes
    /// those call for. Nothing is hashed in either case.
    pub fn root_from(&self, entry_hash: &Digest) -> Result<Digest, ProofError> {
        self.root_from_leaf_hash(leaf_hash(entry_hash))
    }

    /// [`root_from`](Self::root_from), given the leaf hash rather than the entry hash.
    pub(crate) fn root_from_leaf_hash(&self, leaf: Digest) -> Result<Digest, ProofError> {
        let (leaf_index, tree_size) = (self.leaf_index, self.tree_size);
        if leaf_index >= tree_size {
            return Err(ProofError::LeafIndexOutOfRange {
                leaf_index,
                tree_size,
            });
        }
        let expected = path_len(leaf_index, tree_size - 1);
        let length_error = || ProofError::InclusionPathLength {
            leaf_index,
            tree_size,
            expected,
            found: self.path.len(),
        };
        // Checked up front, so a hostile path costs nothing; the loop below would reject
        // it too, as RFC 9162 does, but only after hashing.
        if self.path.len() != expected {
            return Err(length_error());
        }
        // RFC 9162, section 2.1.3.2, with `node` for `fn` and `last` for `sn`.
        let mut node = leaf_index;
        let mut last = tree_size - 1;
        let mut root = leaf;
        for sibling in &self.path {
            if last == 0 {
                return Err(length_error());
            }
            if node & 1 == 1 || node == last {
                root = node_hash(sibling, &root);
                // Climb past the levels where the node is its own parent (right edge).
                while node & 1 == 0 && node != 0 {
                    node >>= 1;
                    last >>= 1;
                }
            } else {
                root = node_hash(&root, sibling);
            }
            node >>= 1;
            last >>= 1;
        }
        if last != 0 {
            return Err(length_error());
        }
        Ok(root)
    }

    /// Checks that the tree of [`tree_size`](Self::tree_size) leaves whose root is `root`
    /// has `entry_hash` at [`leaf_index`](Self::leaf_index).
    ///
    /// # Errors
    ///
    /// Those of [`root_from`](Self::root_from), and [`ProofError::RootMismatch`] if the
    /// path leads to another root.
    pub fn verify(&self, entry_hash: &Digest, root: &Digest) -> Result<(), ProofError> {
        let computed = self.root_from(entry_hash)?;
        if computed != *root {
            return Err(ProofError::RootMismatch {
                tree_size: self.tree_size,
                expected: *root,
                computed,
            });
        }
        Ok(())
    }
}

/// A proof that a tree of a given size extends an older one: that the older tree's
/// entries are the first entries of the newer (RFC 9162, section 2.1.4).
///
/// It is checked with the algorithm of RFC 9162, section 2.1.4.2, which needs only the
/// two roots. That algorithm, like the proof's definition, covers `0 < old < new`; the
/// other sizes are settled here as follows, all with an empty path:
///
/// - `old_size == new_size`: the trees are the same, so it verifies when the two roots
///   are equal (RFC 9162 makes the proof of a tree against itself empty).
/// - `old_size == 0`: every tree extends the empty tree, so it verifies for any new root,
///   provided the old root is [`EMPTY_ROOT`](super::EMPTY_ROOT), the only root of the
///   empty tree. RFC 9162 defines no proof for this case; an empty one is the only
///   sensible form, and it is what [`MerkleTree::consistency_proof`] gives.
///
/// As with [`InclusionProof`], the sizes are part of the claim: check that they are the
/// sizes of the two tree heads whose roots you pass to [`verify`](Self::verify).
///
/// Serialized as `{"old_size": 5, "new_size": 7, "path": ["<hex>", ...]}`; unknown
/// fields are rejected.
///
/// [`MerkleTree::consistency_proof`]: super::MerkleTree::consistency_proof
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::MerkleTree;
///
/// let entries: Vec<Digest> = (0u32..7).map(|i| Digest::of(&i.to_be_bytes())).collect();
/// let old = MerkleTree::from_entry_hashes(entries[..3].iter().copied());
/// let new = MerkleTree::from_entry_hashes(entries.iter().copied());
///
/// let proof = new.consistency_proof(3, 7)?;
/// proof.verify(&old.root(), &new.root())?;
///
/// // A rewritten history does not verify.
/// let forged = MerkleTree::from_entry_hashes([entries[0], entries[2], entries[1]]);
/// assert!(proof.verify(&forged.root(), &new.root()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyProof {
    old_size: u64,
    new_size: u64,
    path: Vec<Digest>,
}

impl ConsistencyProof {
    /// Wraps the parts of a proof, as received from elsewhere. Nothing is checked until
    /// [`verify`](Self::verify).
    pub const fn new(old_size: u64, new_size: u64, path: Vec<Digest>) -> Self {
        ConsistencyProof {
            old_size,
            new_size,
            path,
        }
    }

    /// The size of the older tree.
    pub const fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The size of the newer tree.
    pub const fn new_size(&self) -> u64 {
        self.new_size
    }

    /// The node hashes of the proof, in RFC 9162 order.
    pub fn path(&self) -> &[Digest] {
        &self.path
    }

    /// The node hashes, taken out of the proof.
    pub fn into_path(self) -> Vec<Digest> {
        self.path
    }

    /// Checks that the tree of [`new_size`](Self::new_size) leaves whose root is
    /// `new_root` extends the tree of [`old_size`](Self::old_size) leaves whose root is
    /// `old_root`.
    ///
    /// # Errors
    ///
    /// - [`ProofError::OldSizeExceedsNewSize`] if the old size is the larger;
    /// - [`ProofError::ConsistencyPathLength`] if the path does not have the number of
    ///   hashes the sizes call for (nothing is hashed then);
    /// - [`ProofError::RootMismatch`] if the path leads to another old root (checked
    ///   first) or another new root.
    pub fn verify(&self, old_root: &Digest, new_root: &Digest) -> Result<(), ProofError> {
        let (old_size, new_size) = (self.old_size, self.new_size);
        if old_size > new_size {
            return Err(ProofError::OldSizeExceedsNewSize { old_size, new_size });
        }
        let expected = if old_size == 0 || old_size == new_size {
            0
        } else {
            consistency_path_len(old_size, new_size)
        };
        let length_error = || ProofError::ConsistencyPathLength {
            old_size,
            new_size,
            expected,
            found: self.path.len(),
        };
        if self.path.len() != expected {
            return Err(length_error());
        }

        if old_size == 0 || old_size == new_size {
            if old_size == 0 && *old_root != EMPTY_ROOT {
                return Err(mismatch(0, *old_root, EMPTY_ROOT));
            }
            if old_size == new_size && new_root != old_root {
                return Err(mismatch(new_size, *new_root, *old_root));
            }
            return Ok(());
        }

        // RFC 9162, section 2.1.4.2, with `node` for `fn`, `last` for `sn`, and
        // `old`/`new` for `fr`/`sr`. Step 1 (fail on an empty path) is the length check.
        let mut path = self.path.iter();
        // Step 2: when the old tree is a complete subtree, its root starts the path.
        let seed = if old_size.is_power_of_two() {
            Some(old_root)
        } else {
            path.next()
        };
        let Some(seed) = seed else {
            return Err(length_error());
        };
        // Steps 3 and 4: start from the old tree's last complete subtree.
        let mut node = old_size - 1;
        let mut last = new_size - 1;
        while node & 1 == 1 {
            node >>= 1;
            last >>= 1;
        }
        // Step 5.
        let mut old = *seed;
        let mut new = *seed;
        // Step 6.
        for hash in path {
            if last == 0 {
                return Err(length_error());
            }
            if node & 1 == 1 || node == last {
                old = node_hash(hash, &old);
                new = node_hash(hash, &new);
                while node & 1 == 0 && node != 0 {
                    node >>= 1;
                    last >>= 1;
                }
            } else {
                new = node_hash(&new, hash);
            }
            node >>= 1;
            last >>= 1;
        }
        // Step 7.
        if last != 0 {
            return Err(length_error());
        }
        if old != *old_root {
            return Err(mismatch(old_size, *old_root, old));
        }
        if new != *new_root {
            return Err(mismatch(new_size, *new_root, new));
        }
        Ok(())
    }
}

fn mismatch(tree_size: u64, expected: Digest, computed: Digest) -> ProofError {
    ProofError::RootMismatch {
        tree_size,
        expected,
        computed,
    }
}

/// The number of hashes on the path from node `node` up to the root of a tree whose
/// last node on the same level is `last` (`node <= last`): for a leaf, the length of
/// its inclusion path in a tree of `last + 1` leaves.
pub(super) fn path_len(node: u64, last: u64) -> usize {
    // Below the level where the paths from `node` and from `last` meet, `node` is never
    // the last node of its level, so every level has a sibling.
    let inner = u64::BITS - (node ^ last).leading_zeros();
    // From there up `node` runs along the right edge: it has a sibling, on its left,
    // exactly where it is a right child.
    let border = node.checked_shr(inner).unwrap_or(0).count_ones();
    widen(inner + border)
}

/// The number of hashes in the consistency path from `old_size` to `new_size`, for
/// `0 < old_size < new_size`.
pub(super) fn consistency_path_len(old_size: u64, new_size: u64) -> usize {
    // From the old tree's last complete subtree, the path is that subtree's inclusion
    // path in the new tree, preceded by the subtree's own hash unless it is the old tree.
    let level = old_size.trailing_zeros();
    let node = old_size.saturating_sub(1).checked_shr(level).unwrap_or(0);
    let last = new_size.saturating_sub(1).checked_shr(level).unwrap_or(0);
    path_len(node, last) + usize::from(!old_size.is_power_of_two())
}

/// A path length (at most 128) as a `usize`.
fn widen(count: u32) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX)
}
