//! [`Prover`]: inclusion proofs for a few chosen entries of a stream read once, keeping
//! only the subtree hashes their paths need.

use std::collections::{BTreeSet, HashMap};

use crate::Digest;

use super::error::MerkleError;
use super::hash::{EMPTY_ROOT, leaf_hash, node_hash};
use super::proof::InclusionProof;
use super::tree::Nodes;

/// Inclusion proofs for chosen leaves of a tree whose size is known, built while the
/// leaves stream by once: for a member's entries among a co-op's millions.
///
/// A [`MerkleTree`](super::MerkleTree) keeps every subtree hash (64 bytes a leaf);
/// the prover keeps only those on the chosen leaves' paths and the frontier of the
/// stream: O(k log n) digests for k leaves of n, whatever n is. The proofs and root are
/// the tree's, hash for hash.
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::{MerkleTree, Prover};
///
/// let entries: Vec<Digest> = (0u32..1000).map(|i| Digest::of(&i.to_be_bytes())).collect();
/// let mut prover = Prover::new(1000, [3, 641])?;
/// for entry in &entries {
///     prover.push(entry);
/// }
/// let (root, proofs) = prover.finish()?;
///
/// let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
/// assert_eq!(root, tree.root());
/// assert_eq!(proofs[1], tree.inclusion_proof(641, 1000)?);
/// proofs[0].verify(&entries[3], &root)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Prover {
    size: u64,
    leaves: Vec<u64>,
    /// The subtree hashes the proofs and the root need, by (level, index), once seen.
    wanted: HashMap<(u32, u64), Option<Digest>>,
    /// The complete subtrees not yet merged, by level, lowest last.
    frontier: Vec<(u32, Digest)>,
    pushed: u64,
}

impl Prover {
    /// A prover for `leaves` (in the order their proofs are wanted) of the tree of
    /// `size` leaves.
    ///
    /// # Errors
    ///
    /// [`MerkleError::LeafIndexOutOfRange`] for a leaf not below `size`.
    pub fn new(size: u64, leaves: impl IntoIterator<Item = u64>) -> Result<Self, MerkleError> {
        let leaves: Vec<u64> = leaves.into_iter().collect();
        let asked = Asked::default();
        for &leaf in &leaves {
            if leaf >= size {
                return Err(MerkleError::LeafIndexOutOfRange {
                    leaf_index: leaf,
                    tree_size: size,
                });
            }
            asked.extend_path(&mut Vec::new(), 0, leaf, size);
        }
        if size > 0 {
            asked.range_hash(0, size);
        }
        let wanted = asked
            .0
            .into_inner()
            .into_iter()
            .map(|at| (at, None))
            .collect();
        Ok(Prover {
            size,
            leaves,
            wanted,
            frontier: Vec::new(),
            pushed: 0,
        })
    }

    /// Reads the next leaf's entry hash: one leaf hash and, on average, one node hash.
    /// Leaves past the size are counted, and make [`finish`](Self::finish) fail.
    pub fn push(&mut self, entry_hash: &Digest) {
        let index = self.pushed;
        self.pushed += 1;
        if index >= self.size {
            return;
        }
        let mut level = 0;
        let mut hash = leaf_hash(entry_hash);
        loop {
            if let Some(slot) = self.wanted.get_mut(&(level, index >> level)) {
                *slot = Some(hash);
            }
            match self.frontier.last() {
                Some((top, left)) if *top == level => {
                    hash = node_hash(left, &hash);
                    self.frontier.pop();
                    level += 1;
                }
                _ => break,
            }
        }
        self.frontier.push((level, hash));
    }

    /// The root of the tree and the proof of each chosen leaf, in the order given.
    ///
    /// # Errors
    ///
    /// [`MerkleError::SizeTooLarge`] unless exactly `size` leaves were pushed.
    pub fn finish(self) -> Result<(Digest, Vec<InclusionProof>), MerkleError> {
        if self.pushed != self.size {
            return Err(MerkleError::SizeTooLarge {
                requested: self.size,
                size: self.pushed,
            });
        }
        let short = || MerkleError::SizeTooLarge {
            requested: self.size,
            size: self.pushed,
        };
        let root = if self.size == 0 {
            EMPTY_ROOT
        } else {
            self.range_hash(0, self.size).ok_or_else(short)?
        };
        let proofs = self
            .leaves
            .iter()
            .map(|&leaf| {
                let mut path = Vec::new();
                self.extend_path(&mut path, 0, leaf, self.size)
                    .ok_or_else(short)?;
                Ok(InclusionProof::new(leaf, self.size, path))
            })
            .collect::<Result<_, MerkleError>>()?;
        Ok((root, proofs))
    }
}

impl Nodes for Prover {
    fn node(&self, level: u32, index: u64) -> Option<Digest> {
        *self.wanted.get(&(level, index))?
    }
}

/// Notes which subtrees a path or root reads, answering each with a stand-in.
#[derive(Default)]
struct Asked(std::cell::RefCell<BTreeSet<(u32, u64)>>);

impl Nodes for Asked {
    fn node(&self, level: u32, index: u64) -> Option<Digest> {
        self.0.borrow_mut().insert((level, index));
        Some(Digest::ZERO)
    }
}
