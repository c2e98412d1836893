//! Inputs shared by the benchmarks: journals of a given size and payload width, and
//! ranked ballots drawn by a seeded generator.

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

/// A deterministic generator (xorshift64*), so every run counts the same ballots.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Rankings as voters write them: candidates (0-based) drawn with a bias towards a few
/// popular ones, most ballots ranking 1 to 5 of them.
pub fn ballots(voters: usize, candidates: usize, seed: u64) -> Vec<Vec<u16>> {
    let mut rng = Rng(seed);
    (0..voters)
        .map(|_| {
            let longest = rng.below(candidates).clamp(1, 5);
            let len = 1 + rng.below(longest);
            let mut order: Vec<u16> = Vec::with_capacity(len);
            while order.len() < len {
                // Popularity: low-numbered candidates are drawn more often.
                let (x, y) = (rng.below(candidates), rng.below(candidates));
                let c = (x * y / candidates) as u16;
                if !order.contains(&c) {
                    order.push(c);
                }
            }
            order
        })
        .collect()
}

/// The profile of `rankings` over `candidates` candidates named `Candidate 0`, …,
/// each ballot of weight 1.
pub fn ranked_profile(rankings: &[Vec<u16>], candidates: usize) -> andel::tally::Profile {
    use andel::tally::{CandidateId, Candidates, Profile};
    let names = Candidates::new((0..candidates).map(|i| format!("Candidate {i}")))
        .unwrap_or_else(|err| unreachable(&err));
    let mut profile = Profile::builder(names);
    let mut order = Vec::new();
    for ranking in rankings {
        order.clear();
        order.extend(ranking.iter().map(|&c| CandidateId(c)));
        profile
            .add_order(&order, rust_decimal::Decimal::ONE)
            .unwrap_or_else(|err| unreachable(&err));
    }
    profile.build()
}
