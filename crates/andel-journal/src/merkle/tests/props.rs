//! Property tests over random trees: proofs verify, and fail once anything is changed.

use proptest::collection::vec;
use proptest::prelude::*;

use super::flip;
use crate::Digest;
use crate::merkle::proof::{consistency_path_len, path_len};
use crate::merkle::{self, ConsistencyProof, Frontier, InclusionProof, MerkleTree};

/// Random entry hashes, `1..=max` of them.
fn random_entries(max: usize) -> impl Strategy<Value = Vec<Digest>> {
    vec(any::<[u8; 32]>().prop_map(Digest::from_bytes), 1..=max)
}

/// A small deterministic generator (SplitMix64), so one proptest seed drives many picks.
struct Picks(u64);

impl Picks {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..bound`, for `bound > 0`.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn bit(&mut self) -> usize {
        self.below(256) as usize
    }
}

/// How many hashes the RFC 9162 verification loop consumes for `node` under `last`,
/// by running it without hashing: the definition `path_len` must agree with.
fn rfc_loop_len(mut node: u64, mut last: u64) -> usize {
    let mut count = 0;
    while last != 0 {
        if node & 1 == 1 || node == last {
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        }
        node >>= 1;
        last >>= 1;
        count += 1;
    }
    count
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn inclusion_proofs_verify_and_reject_tampering(
        entries in random_entries(300),
        seed in any::<u64>(),
    ) {
        let mut picks = Picks(seed);
        let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
        let full = entries.len() as u64;
        let size = 1 + picks.below(full);
        let root = tree.root_at(size).unwrap();
        for index in 0..size {
            let entry = &entries[index as usize];
            let proof = tree.inclusion_proof(index, size).unwrap();
            prop_assert!(proof.verify(entry, &root).is_ok());

            // Another entry hash.
            prop_assert!(proof.verify(&flip(entry, picks.bit()), &root).is_err());
            // Any one path hash with one bit flipped.
            for i in 0..proof.path().len() {
                let mut path = proof.path().to_vec();
                path[i] = flip(&path[i], picks.bit());
                let wrong = InclusionProof::new(index, size, path);
                prop_assert!(wrong.verify(entry, &root).is_err());
            }
            // Another index, in or out of the tree.
            let other = (index + 1 + picks.below(size + 2)) % (size + 3);
            if other != index {
                let wrong = InclusionProof::new(other, size, proof.path().to_vec());
                prop_assert!(wrong.verify(entry, &root).is_err());
            }
            // Another tree size, checked against that size's root. (Against the original
            // root a size with the same path shape would pass: which is why the root must
            // be the root of the size the proof states.)
            let other = 1 + picks.below(full);
            if other != size && index < other {
                let wrong = InclusionProof::new(index, other, proof.path().to_vec());
                prop_assert!(wrong.verify(entry, &tree.root_at(other).unwrap()).is_err());
            }
        }
    }

    #[test]
    fn consistency_proofs_verify_and_reject_tampering(
        entries in random_entries(64),
        seed in any::<u64>(),
    ) {
        let mut picks = Picks(seed);
        let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
        let roots: Vec<_> = (0..=tree.size()).map(|n| tree.root_at(n).unwrap()).collect();
        for new_size in 0..=tree.size() {
            for old_size in 0..=new_size {
                let proof = tree.consistency_proof(old_size, new_size).unwrap();
                let (old, new) = (&roots[old_size as usize], &roots[new_size as usize]);
                prop_assert!(proof.verify(old, new).is_ok());

                for i in 0..proof.path().len() {
                    let mut path = proof.path().to_vec();
                    path[i] = flip(&path[i], picks.bit());
                    let wrong = ConsistencyProof::new(old_size, new_size, path);
                    prop_assert!(wrong.verify(old, new).is_err());
                }
                prop_assert!(proof.verify(&flip(old, picks.bit()), new).is_err());
                // From the empty tree, any new root is consistent.
                if old_size > 0 {
                    prop_assert!(proof.verify(old, &flip(new, picks.bit())).is_err());
                }
            }
        }
    }

    #[test]
    fn frontier_and_push_agree_with_root_after_every_push(entries in random_entries(200)) {
        let mut frontier = Frontier::new();
        let mut tree = MerkleTree::new();
        for (count, entry) in entries.iter().enumerate() {
            frontier.push(entry);
            tree.push(entry);
            let expected = merkle::root(&entries[..=count]);
            prop_assert_eq!(frontier.size(), count as u64 + 1);
            prop_assert_eq!(frontier.root(), expected);
            prop_assert_eq!(tree.root(), expected);
        }
        prop_assert_eq!(&tree, &MerkleTree::from_entry_hashes(entries.iter().copied()));
        prop_assert_eq!(frontier, entries.iter().copied().collect::<Frontier>());
    }

    #[test]
    fn root_at_agrees_with_root_of_the_prefix(entries in random_entries(300), seed in any::<u64>()) {
        let mut picks = Picks(seed);
        let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
        for _ in 0..8 {
            let size = picks.below(tree.size() + 1);
            prop_assert_eq!(
                tree.root_at(size).unwrap(),
                merkle::root(&entries[..size as usize])
            );
        }
    }

    #[test]
    fn path_lengths_are_what_the_rfc_loop_consumes(a in any::<u64>(), b in any::<u64>()) {
        let (node, last) = (a.min(b), a.max(b));
        prop_assert_eq!(path_len(node, last), rfc_loop_len(node, last));
        if 0 < node && node < last {
            // The consistency path: the old tree's last peak, then its inclusion path.
            let level = node.trailing_zeros();
            let seed = usize::from(!node.is_power_of_two());
            let from_peak = rfc_loop_len((node - 1) >> level, (last - 1) >> level);
            prop_assert_eq!(consistency_path_len(node, last), seed + from_peak);
        }
    }

    #[test]
    fn arbitrary_proofs_never_panic(
        a in any::<u64>(),
        b in any::<u64>(),
        small in 0..80u64,
        path in vec(any::<[u8; 32]>().prop_map(Digest::from_bytes), 0..130),
        entry in any::<[u8; 32]>().prop_map(Digest::from_bytes),
        root in any::<[u8; 32]>().prop_map(Digest::from_bytes),
    ) {
        for (x, y) in [(a, b), (b, a), (small, b), (a, small), (small, small + 1)] {
            let _ = InclusionProof::new(x, y, path.clone()).verify(&entry, &root);
            let _ = ConsistencyProof::new(x, y, path.clone()).verify(&entry, &root);
            // Paths of exactly the right length get as far as the hashing.
            if x < y {
                let right = vec![root; path_len(x, y - 1)];
                prop_assert!(InclusionProof::new(x, y, right).verify(&entry, &root).is_err());
            }
            if 0 < x && x < y {
                let right = vec![root; consistency_path_len(x, y)];
                let proof = ConsistencyProof::new(x, y, right);
                prop_assert!(proof.verify(&entry, &root).is_err());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For any tree and any choice of leaves, the prover gives the tree's root and
    /// proofs, in the order the leaves were asked for.
    #[test]
    fn the_prover_gives_the_trees_proofs(entries in random_entries(3000), seed in any::<u64>()) {
        let size = entries.len() as u64;
        let mut picks = Picks(seed);
        let leaves: Vec<u64> = (0..picks.below(8) + 1).map(|_| picks.below(size)).collect();
        let mut prover = merkle::Prover::new(size, leaves.clone()).unwrap();
        for entry in &entries {
            prover.push(entry);
        }
        let (root, proofs) = prover.finish().unwrap();
        let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
        prop_assert_eq!(root, tree.root());
        for (leaf, proof) in leaves.iter().zip(&proofs) {
            prop_assert_eq!(proof, &tree.inclusion_proof(*leaf, size).unwrap());
        }
    }
}
