//! Known answers: the Certificate Transparency reference vectors.
//!
//! Source: the `transparency-dev/merkle` Go module (successor of the `merkle` package of
//! certificate-transparency-go): the leaves and every complete subtree hash from
//! `testonly/constants.go` (`LeafInputs`, `NodeHashes`, `RootHashes`), and the inclusion
//! and consistency paths, with the corruptions their verifier must reject, from
//! `proof/verify_test.go`. That file numbers leaves from 1; the indices here are from 0.

use super::{flip, reference};
use crate::Digest;
use crate::merkle::hash::hash_leaf_bytes;
use crate::merkle::{ConsistencyProof, EMPTY_ROOT, Frontier, InclusionProof, MerkleTree};

/// The eight leaf inputs.
const LEAVES: [&[u8]; 8] = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
];

/// The root of the first `n` leaves, for `n` in `0..=8`.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// `NODES[h][i]`: the complete subtree of `2^h` leaves from leaf `i * 2^h` on.
const NODES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// `(leaf_index, tree_size, path)`.
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// `(old_size, new_size, path)`.
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

/// `abacaba...`: an arbitrary hash from the same test file.
const SOME_HASH: &str = "abacaba000000000000000000000000000000000000000000060061e00123456";

/// A corruption of a known-good proof, which must not verify: what was changed, then
/// the proof's two numbers (leaf index and tree size, or old and new size), its path and
/// the two hashes it is checked with (leaf and root, or old and new root).
type Probe = (&'static str, u64, u64, Vec<Digest>, Digest, Digest);

fn hex(text: &str) -> Digest {
    text.parse().unwrap()
}

fn hexes(texts: &[&str]) -> Vec<Digest> {
    texts.iter().map(|text| hex(text)).collect()
}

fn leaf_hashes() -> Vec<Digest> {
    LEAVES.iter().map(|leaf| hash_leaf_bytes(leaf)).collect()
}

fn root(size: u64) -> Digest {
    hex(ROOTS[size as usize])
}

fn vector_tree() -> MerkleTree {
    let mut tree = MerkleTree::new();
    for leaf in leaf_hashes() {
        tree.push_leaf_hash(leaf);
    }
    tree
}

#[test]
fn empty_root_is_sha256_of_nothing() {
    assert_eq!(EMPTY_ROOT, Digest::of(b""));
    assert_eq!(EMPTY_ROOT, hex(ROOTS[0]));
    assert_eq!(crate::merkle::root(&[]), EMPTY_ROOT);
    assert_eq!(Frontier::new().root(), EMPTY_ROOT);
    assert_eq!(MerkleTree::new().root(), EMPTY_ROOT);
}

#[test]
fn roots_match_for_every_size() {
    let leaves = leaf_hashes();
    let tree = vector_tree();
    let mut frontier = Frontier::new();
    for size in 0..=8u64 {
        let expected = root(size);
        assert_eq!(
            reference::mth(&leaves[..size as usize]),
            expected,
            "size {size}"
        );
        assert_eq!(tree.root_at(size).unwrap(), expected, "size {size}");
        assert_eq!(frontier.root(), expected, "size {size}");
        if let Some(&leaf) = leaves.get(size as usize) {
            frontier.push_leaf_hash(leaf);
        }
    }
    assert_eq!(tree.root(), root(8));
}

#[test]
fn complete_subtrees_match() {
    let leaves = leaf_hashes();
    let tree = vector_tree();
    for (level, nodes) in NODES.iter().enumerate() {
        let width = 1usize << level;
        for (index, node) in nodes.iter().enumerate() {
            let span = &leaves[index * width..(index + 1) * width];
            assert_eq!(
                reference::mth(span),
                hex(node),
                "level {level}, index {index}"
            );
        }
    }
    // The tree's own view of the aligned subtrees: the roots at 1, 2, 4 and 8 leaves.
    for (level, nodes) in NODES.iter().enumerate() {
        assert_eq!(tree.root_at(1 << level).unwrap(), hex(nodes[0]));
    }
}

#[test]
fn inclusion_paths_match_and_verify() {
    let leaves = leaf_hashes();
    let tree = vector_tree();
    for (leaf_index, tree_size, path) in INCLUSION {
        let path = hexes(path);
        let proof = tree.inclusion_proof(leaf_index, tree_size).unwrap();
        assert_eq!(proof.path(), path, "leaf {leaf_index} of {tree_size}");
        let computed = proof
            .root_from_leaf_hash(leaves[leaf_index as usize])
            .unwrap();
        assert_eq!(
            computed,
            root(tree_size),
            "leaf {leaf_index} of {tree_size}"
        );
    }
}

#[test]
fn corrupted_inclusion_proofs_fail() {
    let leaves = leaf_hashes();
    let check = |leaf_index: u64, tree_size: u64, path: Vec<Digest>, leaf: Digest, root| {
        InclusionProof::new(leaf_index, tree_size, path)
            .root_from_leaf_hash(leaf)
            .is_ok_and(|computed| computed == root)
    };
    for (leaf_index, tree_size, path) in INCLUSION.into_iter().skip(1) {
        let path = hexes(path);
        let (leaf, root) = (leaves[leaf_index as usize], root(tree_size));
        assert!(check(leaf_index, tree_size, path.clone(), leaf, root));

        let mut probes: Vec<Probe> = vec![
            (
                "index - 1",
                leaf_index.wrapping_sub(1),
                tree_size,
                path.clone(),
                leaf,
                root,
            ),
            (
                "index + 1",
                leaf_index + 1,
                tree_size,
                path.clone(),
                leaf,
                root,
            ),
            (
                "index ^ 2",
                leaf_index ^ 2,
                tree_size,
                path.clone(),
                leaf,
                root,
            ),
            (
                "size * 2",
                leaf_index,
                tree_size * 2,
                path.clone(),
                leaf,
                root,
            ),
            (
                "size / 2",
                leaf_index,
                tree_size / 2,
                path.clone(),
                leaf,
                root,
            ),
            (
                "wrong leaf",
                leaf_index,
                tree_size,
                path.clone(),
                Digest::of(b"WrongLeaf"),
                root,
            ),
            (
                "empty root",
                leaf_index,
                tree_size,
                path.clone(),
                leaf,
                EMPTY_ROOT,
            ),
            (
                "random root",
                leaf_index,
                tree_size,
                path.clone(),
                leaf,
                hex(SOME_HASH),
            ),
        ];
        for extra in [Digest::ZERO, root] {
            let mut longer = path.clone();
            longer.push(extra);
            probes.push(("trailing hash", leaf_index, tree_size, longer, leaf, root));
            let mut longer = vec![extra];
            longer.extend_from_slice(&path);
            probes.push(("preceding hash", leaf_index, tree_size, longer, leaf, root));
        }
        for i in 0..path.len() {
            let mut wrong = path.clone();
            wrong[i] = flip(&wrong[i], 3);
            probes.push(("flipped bit", leaf_index, tree_size, wrong, leaf, root));
        }
        probes.push((
            "removed hash",
            leaf_index,
            tree_size,
            path[..path.len() - 1].to_vec(),
            leaf,
            root,
        ));
        if path.len() > 1 {
            let mut wrong = vec![path[0], hex(SOME_HASH)];
            wrong.extend_from_slice(&path[1..]);
            probes.push(("inserted hash", leaf_index, tree_size, wrong, leaf, root));
        }
        for (what, index, size, path, leaf, root) in probes {
            assert!(
                !check(index, size, path, leaf, root),
                "{what}: leaf {leaf_index} of {tree_size}"
            );
        }
    }
}

#[test]
fn consistency_paths_match_and_verify() {
    let tree = vector_tree();
    for (old_size, new_size, path) in CONSISTENCY {
        let path = hexes(path);
        let proof = tree.consistency_proof(old_size, new_size).unwrap();
        assert_eq!(proof.path(), path, "{old_size} to {new_size}");
        proof.verify(&root(old_size), &root(new_size)).unwrap();
    }
}

#[test]
fn corrupted_consistency_proofs_fail() {
    for (old_size, new_size, path) in CONSISTENCY.into_iter().skip(1) {
        let path = hexes(path);
        let (old, new) = (root(old_size), root(new_size));
        let wrong_root = Digest::of(b"WrongRoot");
        let mut probes: Vec<Probe> = vec![
            ("old - 1", old_size - 1, new_size, path.clone(), old, new),
            ("old + 1", old_size + 1, new_size, path.clone(), old, new),
            ("old ^ 2", old_size ^ 2, new_size, path.clone(), old, new),
            ("new * 2", old_size, new_size * 2, path.clone(), old, new),
            ("new / 2", old_size, new_size / 2, path.clone(), old, new),
            (
                "wrong old root",
                old_size,
                new_size,
                path.clone(),
                wrong_root,
                new,
            ),
            (
                "wrong new root",
                old_size,
                new_size,
                path.clone(),
                old,
                wrong_root,
            ),
            ("swapped roots", old_size, new_size, path.clone(), new, old),
            ("empty path", old_size, new_size, Vec::new(), old, new),
            (
                "truncated path",
                old_size,
                new_size,
                path[..path.len() - 1].to_vec(),
                old,
                new,
            ),
        ];
        for extra in [Digest::ZERO, old, new, path[0]] {
            let mut longer = path.clone();
            longer.push(extra);
            probes.push(("trailing hash", old_size, new_size, longer, old, new));
            let mut longer = vec![extra];
            longer.extend_from_slice(&path);
            probes.push(("preceding hash", old_size, new_size, longer, old, new));
        }
        for i in 0..path.len() {
            let mut wrong = path.clone();
            wrong[i] = flip(&wrong[i], 4);
            probes.push(("flipped bit", old_size, new_size, wrong, old, new));
        }
        for (what, old_size_probe, new_size_probe, path, old, new) in probes {
            let result =
                ConsistencyProof::new(old_size_probe, new_size_probe, path).verify(&old, &new);
            assert!(result.is_err(), "{what}: {old_size} to {new_size}");
        }
    }
}
