//! Files to archive, as a co-op's export holds them: journal text (JSON lines that
//! compress about as well as real journals do) spread over several files.

// A fixture that cannot be written is a broken bench, not a result.
#![allow(clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Rng;

/// Writes about `bytes` of journal-like lines into `files` files under `dir`; returns
/// their paths, relative to `dir`, in order.
pub fn journal_files(dir: &Path, bytes: u64, files: usize) -> Vec<PathBuf> {
    let mut rng = Rng(0xa5c1_1e57);
    let per_file = bytes / files as u64;
    let mut paths = Vec::new();
    for f in 0..files {
        let relative = PathBuf::from(format!("streams/part-{f:03}.ndjson"));
        let path = dir.join(&relative);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("a folder");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("a file"));
        let mut written = 0u64;
        let mut seq = 0u64;
        while written < per_file {
            let hash: String = (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect();
            let line = format!(
                "{{\"v\":1,\"stream\":\"ledger\",\"seq\":{seq},\"recorded_at\":\"2027-0{}-1{}T09:{:02}:00Z\",\"kind\":\"member.admitted\",\"payload\":{{\"member\":{},\"name\":\"Member {}\",\"class\":\"users\",\"shares\":{}}},\"salt\":\"{hash}\",\"commitment\":\"{hash}\",\"prev\":\"{hash}\",\"hash\":\"{hash}\"}}\n",
                1 + rng.below(9),
                rng.below(10),
                rng.below(60),
                seq,
                rng.below(100_000),
                1 + rng.below(20)
            );
            out.write_all(line.as_bytes()).expect("written");
            written += line.len() as u64;
            seq += 1;
        }
        out.flush().expect("flushed");
        paths.push(relative);
    }
    paths
}

/// The peak resident memory of this process so far, in bytes (`VmHWM`), on Linux.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
