//! A naive reference, written straight from RFC 9162's recursive definitions of `MTH`
//! (section 2.1.1), `PATH` (section 2.1.3.1) and `PROOF`/`SUBPROOF` (section 2.1.4.1).
//!
//! It works on leaf hashes, costs O(n) hashes per call and makes no attempt at speed:
//! its only job is to be obviously the RFC.

use crate::Digest;
use crate::merkle::{EMPTY_ROOT, node_hash};

/// The largest power of two smaller than `n`, for `n > 1`.
fn split(n: usize) -> usize {
    assert!(n > 1);
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// `MTH(D[n])`.
pub(super) fn mth(leaves: &[Digest]) -> Digest {
    match leaves {
        [] => EMPTY_ROOT,
        [leaf] => *leaf,
        _ => {
            let k = split(leaves.len());
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// `PATH(m, D[n])`, for `m < n`.
pub(super) fn path(m: usize, leaves: &[Digest]) -> Vec<Digest> {
    let n = leaves.len();
    assert!(m < n);
    if n == 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut path = path(m, &leaves[..k]);
        path.push(mth(&leaves[k..]));
        path
    } else {
        let mut path = path(m - k, &leaves[k..]);
        path.push(mth(&leaves[..k]));
        path
    }
}

/// `PROOF(m, D[n])`, for `0 < m <= n` (empty for `m == n`, as `SUBPROOF(n, D[n], true)`).
pub(super) fn proof(m: usize, leaves: &[Digest]) -> Vec<Digest> {
    assert!(0 < m && m <= leaves.len());
    subproof(m, leaves, true)
}

/// `SUBPROOF(m, D[n], b)`.
fn subproof(m: usize, leaves: &[Digest], b: bool) -> Vec<Digest> {
    let n = leaves.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut proof = subproof(m, &leaves[..k], b);
        proof.push(mth(&leaves[k..]));
        proof
    } else {
        let mut proof = subproof(m - k, &leaves[k..], false);
        proof.push(mth(&leaves[..k]));
        proof
    }
}
