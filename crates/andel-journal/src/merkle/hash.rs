//! The RFC 9162 hash functions: leaf hashes, interior node hashes and the empty root.

use sha2::Digest as _;

use crate::Digest;

/// The root of the empty tree: SHA-256 of the empty string (RFC 9162, section 2.1.1).
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle::{self, EMPTY_ROOT};
///
/// assert_eq!(EMPTY_ROOT, Digest::of(b""));
/// assert_eq!(merkle::root(&[]), EMPTY_ROOT);
/// ```
pub const EMPTY_ROOT: Digest = Digest::from_bytes([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

/// Domain separation prefix of a leaf hash.
const LEAF_PREFIX: u8 = 0x00;
/// Domain separation prefix of an interior node hash.
const NODE_PREFIX: u8 = 0x01;

/// The hash of the leaf that commits to one journal entry: SHA-256(`0x00` ‖ `entry_hash`).
///
/// The `0x00` prefix keeps a leaf from ever being read as an interior node (whose prefix
/// is `0x01`), which is what makes the tree second-preimage resistant.
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle;
///
/// let entry = Digest::of(b"entry");
/// let mut input = vec![0x00];
/// input.extend_from_slice(entry.as_bytes());
/// assert_eq!(merkle::leaf_hash(&entry), Digest::of(&input));
/// ```
pub fn leaf_hash(entry_hash: &Digest) -> Digest {
    hash_leaf_bytes(entry_hash.as_bytes())
}

/// The hash of an interior node: SHA-256(`0x01` ‖ `left` ‖ `right`).
///
/// ```
/// use andel_journal::Digest;
/// use andel_journal::merkle;
///
/// let (a, b) = (Digest::of(b"a"), Digest::of(b"b"));
/// let mut input = vec![0x01];
/// input.extend_from_slice(a.as_bytes());
/// input.extend_from_slice(b.as_bytes());
/// assert_eq!(merkle::node_hash(&a, &b), Digest::of(&input));
/// ```
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut hasher = sha2::Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left.as_bytes());
    hasher.update(right.as_bytes());
    Digest::from_bytes(hasher.finalize().into())
}

/// The leaf hash of arbitrary leaf data: SHA-256(`0x00` ‖ `data`).
///
/// Journal leaves are always 32-byte entry hashes ([`leaf_hash`]); this general form
/// exists so the Certificate Transparency test vectors, whose leaves have other lengths,
/// can be checked.
pub(crate) fn hash_leaf_bytes(data: &[u8]) -> Digest {
    let mut hasher = sha2::Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    Digest::from_bytes(hasher.finalize().into())
}

/// Folds the perfect subtrees ("peaks") of a tree into its root.
///
/// `peaks` yields the roots of the complete subtrees that make up the tree, smallest
/// (rightmost) first, as a compact range holds them. RFC 9162 splits every tree at the
/// largest power of two below its size, so the root is
/// `node(p_k, node(p_k-1, ... node(p_2, p_1)))` for peaks `p_1` (smallest) to `p_k`.
/// No peaks means the empty tree.
pub(crate) fn fold_peaks<'a>(peaks: impl IntoIterator<Item = &'a Digest>) -> Digest {
    peaks
        .into_iter()
        .fold(None, |right: Option<Digest>, peak| {
            Some(match right {
                None => *peak,
                Some(right) => node_hash(peak, &right),
            })
        })
        .unwrap_or(EMPTY_ROOT)
}
