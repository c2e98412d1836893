//! Journal benchmarks: append beside raw SHA-256 of the same bytes, verify of 1M small
//! entries (in memory and from a journal file), and Merkle roots and proofs over 1M
//! leaves. Figures go to the book's performance page.

// A failed unwrap in a benchmark is a broken benchmark input: stop loudly.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use andel::journal::file::{self, JournalReader, JournalWriter};
use andel::journal::merkle::{self, MerkleTree};
use andel::journal::{ENTRY_TAG, Entry, PAYLOAD_TAG, StreamHead, StreamId, verify};
use andel_benches::{draft, journal};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest as _, Sha256};

const MILLION: u64 = 1_000_000;

/// Every byte an append hashes for `entry`: the commitment's input, then the entry
/// hash's input, laid end to end.
fn hashed_bytes(entry: &Entry) -> Vec<u8> {
    fn put(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&(s.len() as u32).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    let mut out = Vec::new();
    put(&mut out, PAYLOAD_TAG);
    out.extend_from_slice(entry.salt().map_or(&[0; 32], |s| s.as_bytes()));
    put(&mut out, entry.payload().map_or("", |p| p.as_str()));
    put(&mut out, ENTRY_TAG);
    put(&mut out, entry.stream().as_str());
    out.extend_from_slice(&entry.seq().to_be_bytes());
    out.extend_from_slice(&entry.recorded_at().unix_seconds().to_be_bytes());
    out.extend_from_slice(&entry.recorded_at().subsec_nanos().to_be_bytes());
    out.push(0);
    put(&mut out, entry.kind().as_str());
    out.extend_from_slice(entry.commitment().as_bytes());
    out.extend_from_slice(entry.prev().as_bytes());
    out
}

fn append(c: &mut Criterion) {
    let mut group = c.benchmark_group("append 1 KiB");
    group.throughput(Throughput::Elements(1));
    let stream = StreamId::new("bench").unwrap();
    let mut head = StreamHead::new(stream.clone());
    let sample = head.seal(0, draft(0, 1024)).unwrap();
    let bytes = hashed_bytes(&sample);
    group.bench_function("raw sha256 of the same bytes", |b| {
        b.iter(|| Sha256::digest(black_box(&bytes)))
    });
    group.bench_function("seal + advance", |b| {
        b.iter_batched(
            || draft(0, 1024),
            |d| {
                let entry = head.seal(head.next_seq(), d).unwrap();
                head.advance(&entry);
                entry
            },
            BatchSize::SmallInput,
        )
    });
    let mut head = StreamHead::new(stream);
    group.bench_function("seal + advance, random salt", |b| {
        b.iter_batched(
            || {
                let d = draft(0, 1024);
                andel::journal::Draft::new(d.kind().clone(), d.payload().clone(), d.recorded_at())
            },
            |d| {
                let entry = head.seal(head.next_seq(), d).unwrap();
                head.advance(&entry);
                entry
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn verify_million(c: &mut Criterion) {
    let entries = journal(MILLION, 0);
    let mut group = c.benchmark_group("verify 1M small entries");
    group.sample_size(10);
    group.throughput(Throughput::Elements(MILLION));
    group.bench_function("in memory", |b| {
        b.iter(|| verify(black_box(&entries)).unwrap())
    });
    let mut writer = JournalWriter::new(Vec::new());
    for entry in &entries {
        writer.write(entry).unwrap();
    }
    let bytes = writer.into_inner();
    group.bench_function("journal file (parse + verify)", |b| {
        b.iter(|| file::verify_file(black_box(&bytes[..])).unwrap())
    });
    group.bench_function("journal file (parse only)", |b| {
        b.iter(|| {
            JournalReader::new(black_box(&bytes[..]))
                .map(|entry| black_box(entry.unwrap()))
                .fold(0usize, |n, _| n + 1)
        })
    });
    group.finish();
}

fn merkle_million(c: &mut Criterion) {
    let hashes: Vec<_> = journal(MILLION, 0).iter().map(|e| *e.hash()).collect();
    let mut group = c.benchmark_group("merkle 1M leaves");
    group.sample_size(10);
    group.throughput(Throughput::Elements(MILLION));
    group.bench_function("root", |b| b.iter(|| merkle::root(black_box(&hashes))));
    group.bench_function("build tree", |b| {
        b.iter(|| MerkleTree::from_entry_hashes(black_box(&hashes).iter().copied()))
    });
    group.finish();

    let tree = MerkleTree::from_entry_hashes(hashes.iter().copied());
    let root = tree.root();
    let mut group = c.benchmark_group("merkle proofs, tree of 1M");
    group.throughput(Throughput::Elements(1));
    let mut i = 0u64;
    group.bench_function("inclusion proof", |b| {
        b.iter(|| {
            i = (i + 7919) % MILLION;
            tree.inclusion_proof(i, MILLION).unwrap()
        })
    });
    let proof = tree.inclusion_proof(123_457, MILLION).unwrap();
    group.bench_function("verify inclusion proof", |b| {
        b.iter(|| proof.verify(black_box(&hashes[123_457]), &root).unwrap())
    });
    let mut old = 1u64;
    group.bench_function("consistency proof", |b| {
        b.iter(|| {
            old = (old + 7919) % MILLION + 1;
            tree.consistency_proof(old, MILLION).unwrap()
        })
    });
    let old_root = tree.root_at(333_333).unwrap();
    let consistency = tree.consistency_proof(333_333, MILLION).unwrap();
    group.bench_function("verify consistency proof", |b| {
        b.iter(|| consistency.verify(black_box(&old_root), &root).unwrap())
    });
    group.finish();
}

criterion_group!(benches, append, verify_million, merkle_million);
criterion_main!(benches);
