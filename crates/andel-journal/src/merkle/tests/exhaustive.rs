//! Every size up to 70, every leaf and every pair of sizes, against the RFC reference.

use super::{entries, reference};
use crate::merkle::proof::{consistency_path_len, path_len};
use crate::merkle::{self, ConsistencyProof, EMPTY_ROOT, Frontier, MerkleTree, leaf_hash};

const MAX: usize = 70;

#[test]
fn roots_agree_with_the_reference() {
    let entries = entries(MAX);
    let leaves: Vec<_> = entries.iter().map(leaf_hash).collect();
    let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
    let mut frontier = Frontier::new();
    for size in 0..=MAX {
        let expected = reference::mth(&leaves[..size]);
        assert_eq!(
            merkle::root(&entries[..size]),
            expected,
            "root, size {size}"
        );
        assert_eq!(frontier.root(), expected, "frontier, size {size}");
        assert_eq!(frontier.size(), size as u64);
        assert_eq!(
            tree.root_at(size as u64).unwrap(),
            expected,
            "root_at, size {size}"
        );
        let own = MerkleTree::from_entry_hashes(entries[..size].iter().copied());
        assert_eq!(own.size(), size as u64);
        assert_eq!(own.root(), expected, "tree root, size {size}");
        if let Some(entry) = entries.get(size) {
            frontier.push(entry);
        }
    }
}

#[test]
fn inclusion_proofs_agree_with_the_reference() {
    let entries = entries(MAX);
    let leaves: Vec<_> = entries.iter().map(leaf_hash).collect();
    let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
    for size in 1..=MAX {
        let root = reference::mth(&leaves[..size]);
        for (index, entry) in entries[..size].iter().enumerate() {
            let proof = tree.inclusion_proof(index as u64, size as u64).unwrap();
            let expected = reference::path(index, &leaves[..size]);
            assert_eq!(proof.path(), expected, "leaf {index} of {size}");
            assert_eq!(path_len(index as u64, size as u64 - 1), expected.len());
            assert_eq!(proof.root_from(entry).unwrap(), root);
            proof.verify(entry, &root).unwrap();
        }
    }
}

#[test]
fn consistency_proofs_agree_with_the_reference() {
    let entries = entries(MAX);
    let leaves: Vec<_> = entries.iter().map(leaf_hash).collect();
    let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
    let roots: Vec<_> = (0..=MAX)
        .map(|size| reference::mth(&leaves[..size]))
        .collect();
    for new_size in 0..=MAX {
        for old_size in 0..=new_size {
            let proof = tree
                .consistency_proof(old_size as u64, new_size as u64)
                .unwrap();
            let expected = if old_size == 0 {
                Vec::new()
            } else {
                reference::proof(old_size, &leaves[..new_size])
            };
            assert_eq!(proof.path(), expected, "{old_size} to {new_size}");
            if 0 < old_size && old_size < new_size {
                let len = consistency_path_len(old_size as u64, new_size as u64);
                assert_eq!(len, expected.len());
            }
            proof
                .verify(&roots[old_size], &roots[new_size])
                .unwrap_or_else(|err| panic!("{old_size} to {new_size}: {err}"));
        }
    }
}

#[test]
fn trivial_consistency_proofs() {
    let roots: Vec<_> = (0..4).map(|n| merkle::root(&entries(n))).collect();
    // A tree is consistent with itself, and only with its own root.
    for (size, root) in roots.iter().enumerate() {
        let proof = ConsistencyProof::new(size as u64, size as u64, Vec::new());
        proof.verify(root, root).unwrap();
        let other = &roots[(size + 1) % roots.len()];
        assert!(proof.verify(root, other).is_err());
        assert!(proof.verify(other, root).is_err());
    }
    // Every tree extends the empty tree, whose root is fixed.
    for (size, root) in roots.iter().enumerate() {
        let proof = ConsistencyProof::new(0, size as u64, Vec::new());
        proof.verify(&EMPTY_ROOT, root).unwrap();
        assert!(proof.verify(&roots[1], root).is_err());
    }
    // Neither case takes a path.
    let path = vec![EMPTY_ROOT];
    assert!(
        ConsistencyProof::new(0, 0, path.clone())
            .verify(&EMPTY_ROOT, &EMPTY_ROOT)
            .is_err()
    );
    assert!(
        ConsistencyProof::new(0, 1, path.clone())
            .verify(&EMPTY_ROOT, &roots[1])
            .is_err()
    );
    assert!(
        ConsistencyProof::new(1, 1, path)
            .verify(&roots[1], &roots[1])
            .is_err()
    );
}

#[test]
fn push_agrees_with_building_at_once() {
    let entries = entries(MAX);
    let mut pushed = MerkleTree::new();
    for (size, entry) in entries.iter().enumerate() {
        assert_eq!(
            pushed,
            MerkleTree::from_entry_hashes(entries[..size].iter().copied())
        );
        pushed.push(entry);
    }
    assert_eq!(pushed, entries.iter().copied().collect::<MerkleTree>());
}

#[test]
fn a_larger_tree_agrees_with_the_frontier() {
    // Large enough for a dozen levels, small enough for an unoptimised test build.
    let entries = entries((1 << 12) + 3);
    let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
    let mut frontier = Frontier::new();
    let sizes = [1usize, 2, 3, 1000, 1023, 1024, 1025, 4095, 4096, 4097, 4099];
    for (size, entry) in entries.iter().enumerate() {
        if sizes.contains(&size) {
            let root = frontier.root();
            assert_eq!(tree.root_at(size as u64).unwrap(), root, "size {size}");
            for index in [0, size / 3, size - 1] {
                let proof = tree.inclusion_proof(index as u64, size as u64).unwrap();
                proof.verify(&entries[index], &root).unwrap();
            }
            tree.consistency_proof(size as u64, tree.size())
                .unwrap()
                .verify(&root, &tree.root())
                .unwrap();
        }
        frontier.push(entry);
    }
    assert_eq!(frontier.root(), tree.root());
}

/// The prover's root and proofs are the tree's, for every size up to 70 and every leaf
/// (each leaf alone, and all of them at once), and it refuses a wrong count of leaves.
#[test]
fn the_prover_agrees_with_the_tree() {
    use crate::merkle::Prover;
    let entries = entries(MAX);
    for size in 0..=MAX as u64 {
        let tree = MerkleTree::from_entry_hashes(entries[..size as usize].iter().copied());
        let prove = |leaves: Vec<u64>| {
            let mut prover = Prover::new(size, leaves).unwrap();
            for entry in &entries[..size as usize] {
                prover.push(entry);
            }
            prover.finish().unwrap()
        };
        let (root, proofs) = prove((0..size).collect());
        assert_eq!(
            root,
            if size == 0 { EMPTY_ROOT } else { tree.root() },
            "size {size}"
        );
        for (leaf, proof) in proofs.iter().enumerate() {
            assert_eq!(
                proof,
                &tree.inclusion_proof(leaf as u64, size).unwrap(),
                "{leaf} of {size}"
            );
        }
        for leaf in 0..size {
            let (_, alone) = prove(vec![leaf]);
            assert_eq!(alone, [tree.inclusion_proof(leaf, size).unwrap()]);
        }
        assert!(Prover::new(size, [size]).is_err(), "a leaf past the size");
        let mut short = Prover::new(size + 1, []).unwrap();
        for entry in &entries[..size as usize] {
            short.push(entry);
        }
        assert!(short.finish().is_err(), "one leaf short of {}", size + 1);
    }
}
