//! How much memory a member's archive takes out of the member data set: with the
//! prover the export uses (only the subtree hashes the member's proofs need), and, for
//! comparison, a whole Merkle tree over the audit stream (what proving from a
//! `MerkleTree` would keep). One mode per process, since peak memory is per process.
//!
//! `cargo run --release -p andel-benches --bin member_memory -- [ACCESSES] [export|tree]`
//! (1,000,000 and `export` by default). Prints the peak resident memory (`VmHWM`).

// A measurement stops on a broken fixture: that is a bug, not a result.
#![allow(clippy::expect_used, missing_docs)]

use std::time::Instant;

use andel::consent::AUDIT_STREAM;
use andel::journal::StreamId;
use andel::journal::merkle::MerkleTree;
use andel_benches::archive::peak_memory;
use andel_benches::member::{controller, created_at, member, member_coop};

fn main() {
    let mut args = std::env::args().skip(1);
    let records: usize = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("a number of accesses"));
    let mode = args.next().unwrap_or_else(|| "export".to_owned());
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let coop = rt.block_on(member_coop(records));
    let before = peak_memory().unwrap_or(0);
    let start = Instant::now();
    let what = match mode.as_str() {
        "export" => {
            let (out, manifest) = rt
                .block_on(coop.export_member(
                    member(),
                    std::io::Cursor::new(Vec::new()),
                    created_at(),
                    &controller(),
                    &mut |_| {},
                ))
                .expect("an archive");
            format!(
                "export_member: {} files, {} bytes",
                manifest.files.len(),
                out.into_inner().len()
            )
        }
        "tree" => {
            let stream = StreamId::new(AUDIT_STREAM).expect("a name");
            let mut tree = MerkleTree::new();
            let mut from = 0;
            loop {
                let page = rt
                    .block_on(coop.journal().read(&stream, from..from + 4096))
                    .expect("a page");
                for entry in &page {
                    tree.push(entry.hash());
                }
                from += 4096;
                if page.len() < 4096 {
                    break;
                }
            }
            format!("a MerkleTree over the {} audit entries", tree.size())
        }
        other => {
            eprintln!("mode `{other}`: say export or tree");
            std::process::exit(2);
        }
    };
    let mib = |bytes: u64| bytes as f64 / 1_048_576.0;
    println!(
        "{records} accesses, {what}: {:.1} s, peak {:.1} MiB (after opening the data set: {:.1} MiB)",
        start.elapsed().as_secs_f64(),
        mib(peak_memory().unwrap_or(0)),
        mib(before)
    );
}
