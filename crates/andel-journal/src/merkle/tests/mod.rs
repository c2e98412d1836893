//! Tests of the Merkle module: known answers, an RFC reference, properties, hostile input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod exhaustive;
mod hostile;
mod props;
mod reference;
mod vectors;

use crate::Digest;

/// `n` distinct, deterministic entry hashes.
fn entries(n: usize) -> Vec<Digest> {
    (0..n as u64)
        .map(|i| Digest::of(&i.to_be_bytes()))
        .collect()
}

/// `digest` with bit `bit` (taken modulo 256) flipped.
fn flip(digest: &Digest, bit: usize) -> Digest {
    let mut bytes = *digest.as_bytes();
    bytes[(bit / 8) % 32] ^= 1 << (bit % 8);
    Digest::from_bytes(bytes)
}
