//! Hostile and out-of-range input: errors, never panics, and messages that name values.

use super::entries;
use crate::Digest;
use crate::merkle::{
    self, ConsistencyProof, EMPTY_ROOT, InclusionProof, MerkleError, MerkleTree, ProofError,
};

#[test]
fn tree_refuses_what_it_does_not_have() {
    let tree = MerkleTree::from_entry_hashes(entries(5));
    assert_eq!(
        tree.root_at(6),
        Err(MerkleError::SizeTooLarge {
            requested: 6,
            size: 5
        })
    );
    assert_eq!(
        tree.inclusion_proof(0, 6),
        Err(MerkleError::SizeTooLarge {
            requested: 6,
            size: 5
        })
    );
    assert_eq!(
        tree.inclusion_proof(3, 3),
        Err(MerkleError::LeafIndexOutOfRange {
            leaf_index: 3,
            tree_size: 3
        })
    );
    assert_eq!(
        tree.inclusion_proof(0, 0),
        Err(MerkleError::LeafIndexOutOfRange {
            leaf_index: 0,
            tree_size: 0
        })
    );
    assert_eq!(
        tree.consistency_proof(4, 3),
        Err(MerkleError::OldSizeExceedsNewSize {
            old_size: 4,
            new_size: 3
        })
    );
    assert_eq!(
        tree.consistency_proof(2, 6),
        Err(MerkleError::SizeTooLarge {
            requested: 6,
            size: 5
        })
    );
    for huge in [u64::MAX - 1, u64::MAX] {
        assert!(tree.root_at(huge).is_err());
        assert!(tree.inclusion_proof(huge, huge).is_err());
        assert!(tree.inclusion_proof(0, huge).is_err());
        assert!(tree.consistency_proof(1, huge).is_err());
        assert!(tree.consistency_proof(huge, huge).is_err());
    }
    assert_eq!(MerkleTree::new().root_at(0), Ok(EMPTY_ROOT));
}

#[test]
fn tree_errors_name_the_values() {
    let tree = MerkleTree::from_entry_hashes(entries(5));
    let message = |err: MerkleError| err.to_string();
    assert_eq!(
        message(tree.root_at(9).unwrap_err()),
        "tree size 9 is larger than the tree, which has 5 leaves"
    );
    assert_eq!(
        message(tree.inclusion_proof(4, 2).unwrap_err()),
        "leaf index 4 is out of range for a tree of size 2"
    );
    assert_eq!(
        message(tree.consistency_proof(4, 3).unwrap_err()),
        "old size 4 is larger than new size 3"
    );
}

#[test]
fn proof_errors_name_the_values() {
    let entries = entries(5);
    let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
    let root = tree.root();

    let proof = tree.inclusion_proof(1, 5).unwrap();
    let err = proof.verify(&entries[2], &root).unwrap_err();
    let computed = proof.root_from(&entries[2]).unwrap();
    assert_eq!(
        err,
        ProofError::RootMismatch {
            tree_size: 5,
            expected: root,
            computed
        }
    );
    assert_eq!(
        err.to_string(),
        format!("expected root {root} for the tree of size 5, computed {computed}")
    );

    let short = InclusionProof::new(1, 5, proof.path()[1..].to_vec());
    assert_eq!(
        short.verify(&entries[1], &root).unwrap_err().to_string(),
        "inclusion path for leaf 1 in a tree of size 5 must have 3 hashes, found 2"
    );
    assert_eq!(
        InclusionProof::new(5, 5, Vec::new())
            .verify(&entries[1], &root)
            .unwrap_err()
            .to_string(),
        "leaf index 5 is not below tree size 5"
    );

    let old = tree.root_at(2).unwrap();
    let long = ConsistencyProof::new(2, 5, vec![EMPTY_ROOT; 3]);
    assert_eq!(
        long.verify(&old, &root).unwrap_err().to_string(),
        "consistency path from size 2 to size 5 must have 2 hashes, found 3"
    );
    assert_eq!(
        ConsistencyProof::new(3, 2, Vec::new())
            .verify(&old, &root)
            .unwrap_err()
            .to_string(),
        "old size 3 is larger than new size 2"
    );
    // The old root is checked first, and named with its size.
    let proof = tree.consistency_proof(3, 5).unwrap();
    assert!(matches!(
        proof.verify(&old, &root),
        Err(ProofError::RootMismatch { tree_size: 3, expected, .. }) if expected == old
    ));
    let old = tree.root_at(3).unwrap();
    assert!(matches!(
        proof.verify(&old, &EMPTY_ROOT),
        Err(ProofError::RootMismatch { tree_size: 5, expected, computed })
            if expected == EMPTY_ROOT && computed == root
    ));
}

#[test]
fn huge_sizes_and_long_paths_are_rejected_without_panic() {
    let entry = Digest::of(b"entry");
    let root = Digest::of(b"root");
    let long = vec![Digest::ZERO; 10_000];
    let sizes = [
        (0, 0),
        (0, 1),
        (1, 1),
        (0, u64::MAX),
        (1, u64::MAX),
        (u64::MAX - 1, u64::MAX),
        (u64::MAX, u64::MAX),
        (1 << 63, u64::MAX),
        ((1 << 63) - 1, 1 << 63),
        (u64::MAX, 0),
    ];
    for (a, b) in sizes {
        for path in [Vec::new(), vec![Digest::ZERO], long.clone()] {
            let _ = InclusionProof::new(a, b, path.clone()).verify(&entry, &root);
            let _ = ConsistencyProof::new(a, b, path.clone()).verify(&EMPTY_ROOT, &root);
            let _ = ConsistencyProof::new(a, b, path).verify(&root, &root);
        }
        assert!(
            InclusionProof::new(a, b, long.clone())
                .verify(&entry, &root)
                .is_err()
        );
        assert!(
            ConsistencyProof::new(a, b, long.clone())
                .verify(&root, &root)
                .is_err()
        );
    }
}

#[test]
fn huge_sizes_with_well_formed_paths_are_checked() {
    let entry = Digest::of(b"entry");
    let root = Digest::of(b"root");
    // The deepest paths there are: 64 hashes for the first leaf of the largest tree, and
    // 63 for its last leaf.
    for (leaf_index, length) in [(0, 64), (u64::MAX - 1, 63)] {
        let proof = InclusionProof::new(leaf_index, u64::MAX, vec![Digest::ZERO; length]);
        assert!(matches!(
            proof.verify(&entry, &root),
            Err(ProofError::RootMismatch {
                tree_size: u64::MAX,
                ..
            })
        ));
    }
    let proof = ConsistencyProof::new(u64::MAX - 1, u64::MAX, vec![Digest::ZERO; 64]);
    assert!(matches!(
        proof.verify(&root, &root),
        Err(ProofError::RootMismatch { .. })
    ));
    // Equal sizes need no path, however large.
    ConsistencyProof::new(u64::MAX, u64::MAX, Vec::new())
        .verify(&root, &root)
        .unwrap();
    ConsistencyProof::new(0, u64::MAX, Vec::new())
        .verify(&EMPTY_ROOT, &root)
        .unwrap();
}

#[test]
fn proofs_round_trip_through_json() {
    let entries = entries(11);
    let tree = MerkleTree::from_entry_hashes(entries.iter().copied());
    let proof = tree.inclusion_proof(6, 9).unwrap();
    let json = serde_json::to_value(&proof).unwrap();
    assert_eq!(json["leaf_index"], 6);
    assert_eq!(json["tree_size"], 9);
    assert_eq!(json["path"][0], proof.path()[0].to_string());
    assert_eq!(
        serde_json::from_value::<InclusionProof>(json).unwrap(),
        proof
    );

    let proof = tree.consistency_proof(3, 11).unwrap();
    let json = serde_json::to_string(&proof).unwrap();
    assert_eq!(
        serde_json::from_str::<ConsistencyProof>(&json).unwrap(),
        proof
    );

    let unknown = r#"{"leaf_index":0,"tree_size":1,"path":[],"extra":1}"#;
    assert!(serde_json::from_str::<InclusionProof>(unknown).is_err());
    let bad_hex = r#"{"old_size":1,"new_size":2,"path":["00"]}"#;
    assert!(serde_json::from_str::<ConsistencyProof>(bad_hex).is_err());
}

#[test]
fn debug_output_stays_small() {
    let tree = MerkleTree::from_entry_hashes(entries(100));
    assert_eq!(format!("{tree:?}"), "MerkleTree { size: 100, .. }");
    assert_eq!(merkle::root(&[]), EMPTY_ROOT);
}
