//! [`Frontier`]: the root of a stream of entry hashes in O(log n) memory.

use crate::Digest;

use super::hash::{fold_peaks, leaf_hash, node_hash};

/// The running Merkle root of a stream of entry hashes, kept in O(log n) memory.
///
/// A frontier (a "compact range" over `0..size`) keeps one pending subtree hash per set
/// bit of its size: the roots of the complete subtrees that the leaves so far fill. A
/// push costs one leaf hash plus one node hash per subtree it completes (two hashes on
/// average); [`root`](Self::root) folds the pending subtrees, at most 63 hashes.
///
/// Use it to compute the root of a journal too large to hold in memory while reading it
/// entry by entry; use [`MerkleTree`](super::MerkleTree) when proofs are needed too.
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::{self, Frontier};
///
/// let entries: Vec<Digest> = (0u32..10).map(|i| Digest::of(&i.to_be_bytes())).collect();
/// let mut frontier = Frontier::new();
/// for entry in &entries {
///     frontier.push(entry);
/// }
/// assert_eq!(frontier.size(), 10);
/// assert_eq!(frontier.root(), merkle::root(&entries));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    /// `peaks[h]` is the root of the complete subtree of `2^h` leaves that is still waiting
    /// for a right sibling: `Some` exactly where bit `h` of `size` is set.
    peaks: Vec<Option<Digest>>,
    /// How many leaves were pushed.
    size: u64,
}

impl Frontier {
    /// An empty frontier: size 0, root [`EMPTY_ROOT`](super::EMPTY_ROOT).
    pub const fn new() -> Self {
        Frontier {
            peaks: Vec::new(),
            size: 0,
        }
    }

    /// Appends the leaf for one entry hash.
    pub fn push(&mut self, entry_hash: &Digest) {
        self.push_leaf_hash(leaf_hash(entry_hash));
    }

    /// Appends an already hashed leaf: a binary carry through the pending subtrees.
    pub(crate) fn push_leaf_hash(&mut self, leaf: Digest) {
        let mut carry = leaf;
        self.size += 1;
        for slot in &mut self.peaks {
            match slot.take() {
                Some(left) => carry = node_hash(&left, &carry),
                None => {
                    *slot = Some(carry);
                    return;
                }
            }
        }
        self.peaks.push(Some(carry));
    }

    /// How many leaves were pushed.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The Merkle root of the leaves pushed so far (RFC 9162 `MTH`).
    pub fn root(&self) -> Digest {
        fold_peaks(self.peaks.iter().flatten())
    }
}

impl Extend<Digest> for Frontier {
    fn extend<I: IntoIterator<Item = Digest>>(&mut self, entry_hashes: I) {
        for entry_hash in entry_hashes {
            self.push(&entry_hash);
        }
    }
}

impl<'a> Extend<&'a Digest> for Frontier {
    fn extend<I: IntoIterator<Item = &'a Digest>>(&mut self, entry_hashes: I) {
        for entry_hash in entry_hashes {
            self.push(entry_hash);
        }
    }
}

impl FromIterator<Digest> for Frontier {
    fn from_iter<I: IntoIterator<Item = Digest>>(entry_hashes: I) -> Self {
        let mut frontier = Frontier::new();
        frontier.extend(entry_hashes);
        frontier
    }
}
