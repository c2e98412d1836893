//! Inputs shared by the benchmarks: journals of a given size and payload width.

use andel::journal::{Draft, Entry, Kind, Payload, Salt, StreamHead, StreamId};

/// The time every benchmark entry is recorded at.
pub const AT: &str = "2026-11-27T08:00:00Z";

/// A draft whose payload is `{"n":n,"pad":"xxx…"}`, padded to exactly `bytes` of
/// canonical JSON (or as small as `{"n":n}` allows), with a fixed salt.
pub fn draft(n: u64, bytes: usize) -> Draft {
    let bare = format!(r#"{{"n":{n},"pad":""}}"#);
    let pad = "x".repeat(bytes.saturating_sub(bare.len()));
    let text = if bytes == 0 {
        format!(r#"{{"n":{n}}}"#)
    } else {
        format!(r#"{{"n":{n},"pad":"{pad}"}}"#)
    };
    let payload = Payload::from_json_str(&text).unwrap_or_else(|err| unreachable(&err));
    let kind = Kind::new("bench.entry").unwrap_or_else(|err| unreachable(&err));
    let at = AT.parse().unwrap_or_else(|err| unreachable(&err));
    Draft::new(kind, payload, at).with_salt(Salt::from_bytes([7; 32]))
}

/// `count` entries of one stream `bench`, each with a `payload_bytes` payload
/// (0 for the smallest, `{"n":…}`).
pub fn journal(count: u64, payload_bytes: usize) -> Vec<Entry> {
    let stream = StreamId::new("bench").unwrap_or_else(|err| unreachable(&err));
    let head = StreamHead::new(stream);
    head.seal_all(0, (0..count).map(|n| draft(n, payload_bytes)))
        .unwrap_or_else(|err| unreachable(&err))
}

fn unreachable(err: &dyn std::fmt::Display) -> ! {
    // Inputs are fixed and valid; a failure here is a bug in the benchmark itself.
    #[allow(clippy::panic)]
    {
        panic!("benchmark input is invalid: {err}")
    }
}
