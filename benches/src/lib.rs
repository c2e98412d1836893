//! Inputs shared by the benchmarks: journals of a given size and payload width, ranked
//! ballots drawn by a seeded generator, and the consent engine's random co-ops with
//! their translation into Cedar ([`cedar`]).

pub mod archive;
pub mod cedar;
pub mod kanban;
pub mod member;

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
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.next()
    }

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

/// The statutes the ledger benches use: workers (board admission, yearly dues) and
/// users (automatic), one member one vote after 30 days in good standing.
pub const LEDGER_STATUTES: &str = r#"
name = "Bench co-op"
currency = { code = "SEK", scale = 2 }
[eligibility]
min_membership_days = 30
[[classes]]
id = "workers"
name = "Workers"
nominal = "500.00"
min_shares = 1
max_shares = 100
dues = { amount = "120.00", period = "yearly", grace_days = 30 }
[[classes]]
id = "users"
name = "Users"
nominal = "100.00"
min_shares = 1
admission = "automatic"
"#;

/// [`LEDGER_STATUTES`] with weighted colleges: workers 60 %, users 40 %.
pub fn college_statutes() -> String {
    format!(
        "{LEDGER_STATUTES}\n[voting]\nrule = \"colleges\"\ncolleges = [{{ class = \"workers\", weight = \"60\" }}, {{ class = \"users\", weight = \"40\" }}]\n"
    )
}

/// [`ledger_events_under`] the bench statutes, [`LEDGER_STATUTES`].
pub fn ledger_events(members: u32) -> Vec<andel::ledger::Event> {
    ledger_events_under(LEDGER_STATUTES, members)
}

/// A ledger's events for `members` members over two years, decided command by command:
/// applications, admissions, capital paid in two parts, extra shares, yearly dues charged
/// and paid, patronage, a few resignations, exits and partial refunds. About ten events
/// per member.
///
/// # Panics
///
/// If the ledger refuses one of its own commands: a bug in the generator.
#[allow(clippy::expect_used)] // a bench fixture: a refusal is a bug to stop on
pub fn ledger_events_under(statutes: &str, members: u32) -> Vec<andel::ledger::Event> {
    use andel::ledger::{
        Command, Ledger, MemberNumber, Statutes,
        event::{Person, Purpose},
    };
    use chrono::{Days, NaiveDate};
    use rust_decimal::Decimal;

    let mut ledger = Ledger::new();
    let mut events = Vec::new();
    let mut run = |ledger: &mut Ledger, command: Command, on: NaiveDate| {
        let decided = ledger
            .decide(command, on)
            .expect("bench commands are valid");
        for event in decided {
            ledger.apply(&event).expect("decided events apply");
            events.push(event);
        }
    };
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
    let statutes = Statutes::from_toml(statutes).expect("bench statutes");
    run(
        &mut ledger,
        Command::AdoptStatutes {
            statutes: Box::new(statutes),
        },
        start,
    );
    let per_day = (members / 300).max(1);
    let mut key = 0u64;
    let mut payment = |member, purpose: Purpose, amount: &str| {
        key += 1;
        Command::RecordPayment {
            key: format!("bank-{key}").parse().expect("a key"),
            member,
            purpose,
            amount: amount.parse().expect("an amount"),
            currency: "SEK".into(),
        }
    };
    for n in 1..=members {
        let on = start + Days::new(u64::from(n / per_day));
        let member = MemberNumber::new(n).expect("from 1");
        let worker = n % 3 == 0;
        let class: andel::ledger::ClassId = (if worker { "workers" } else { "users" })
            .parse()
            .expect("a class");
        let name = format!("Member {n}");
        run(
            &mut ledger,
            Command::ApplyForMembership {
                name,
                person: Person::Natural,
                class: class.clone(),
            },
            on,
        );
        if worker {
            run(
                &mut ledger,
                Command::Admit {
                    member,
                    class: None,
                },
                on,
            );
        }
        let nominal = if worker { "250" } else { "50" };
        for _ in 0..2 {
            let command = payment(
                member,
                Purpose::Capital {
                    class: class.clone(),
                },
                nominal,
            );
            run(&mut ledger, command, on);
        }
        if n % 5 == 0 {
            run(
                &mut ledger,
                Command::Subscribe {
                    member,
                    class,
                    shares: 2,
                },
                on,
            );
        }
        run(
            &mut ledger,
            Command::RecordPatronage {
                member,
                amount: Decimal::from(n % 97 + 1),
            },
            on,
        );
    }
    let second_year = NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date");
    run(
        &mut ledger,
        Command::ChargeDues {
            period_start: second_year,
        },
        second_year,
    );
    for n in (3..=members).step_by(3) {
        let member = MemberNumber::new(n).expect("from 1");
        if n % 4 != 0 {
            let command = payment(member, Purpose::Dues, "120");
            run(&mut ledger, command, second_year);
        }
        if n % 10 == 0 {
            run(&mut ledger, Command::Resign { member }, second_year);
        }
    }
    let year_end = NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date");
    for n in (30..=members).step_by(30) {
        let member = MemberNumber::new(n).expect("from 1");
        run(
            &mut ledger,
            Command::Exit {
                member,
                equity: Some(Decimal::from(1_000_000_000)),
            },
            year_end,
        );
    }
    events
}
