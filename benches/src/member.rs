//! The data set of the member archive benchmarks: a kanban co-op of 10,000 members,
//! their ledger over two years, and the accesses its service asked to their cards.
//!
//! It takes minutes to build for ten million accesses, so it is built once and kept
//! under the target directory (`target/tmp/member-N`), with how long building took.

// A fixture that does not build is a bug in it, not a result.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use andel::consent::Controller;
use andel::journal::{Draft, Kind, Payload, StreamId, Timestamp};
use andel::ledger::{LEDGER_STREAM, MemberNumber};
use andel::service::{Access, Coop};
use chrono::{DateTime, Duration, Utc};

use crate::Rng;
use crate::kanban::{kanban_coop_at, kanban_requests_numbered};

/// The co-op's members, numbered 1 to 10,000 in its ledger.
pub const MEMBERS: u32 = 10_000;

/// The member whose archive the benchmarks write.
pub const MEMBER: u32 = 4242;

/// Where the data set of `records` accesses is kept.
pub fn data_dir(records: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tmp")
        .join(format!("member-{records}"))
}

/// The co-op as controller, for the receipts.
pub fn controller() -> Controller {
    Controller {
        name: "Bench".into(),
        contact: "The board".into(),
        address: "Storgatan 1".into(),
        email: "board@bench.example".into(),
        jurisdiction: "SE".into(),
        policy_url: "https://bench.example/data".into(),
    }
}

/// When the benchmarks' archives are written.
pub fn created_at() -> DateTime<Utc> {
    "2028-01-01T00:00:00Z".parse().expect("a time")
}

/// The member of [`MEMBER`].
pub fn member() -> MemberNumber {
    MemberNumber::new(MEMBER).expect("a member number")
}

/// The co-op with its ledger and `records` accesses, built (and its subject index
/// caught up, by writing one archive) unless a complete one is there.
pub async fn member_coop(records: usize) -> Coop {
    let dir = data_dir(records);
    let location = format!("sqlite:{}", dir.join("coop.db").display())
        .parse()
        .expect("a location");
    let complete = dir.join("complete");
    if complete.exists() {
        let built = std::fs::read_to_string(&complete).expect("the marker");
        eprintln!("member data set in {} ({built})", dir.display());
        return Coop::open(
            &location,
            "bench".parse().expect("a name"),
            Access::Existing,
        )
        .await
        .expect("the data set");
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let coop = kanban_coop_at(&location).await;
    let recorded_at: Timestamp = "2028-01-01T00:00:00Z".parse().expect("a time");
    let start = Instant::now();
    let ledger = StreamId::new(LEDGER_STREAM).expect("a name");
    let events = crate::ledger_events(MEMBERS);
    let mut seq = 0;
    for chunk in events.chunks(10_000) {
        let drafts: Vec<Draft> = chunk
            .iter()
            .map(|event| {
                let kind = Kind::new(event.kind()).expect("a kind");
                Draft::new(kind, Payload::new(event).expect("a payload"), recorded_at)
            })
            .collect();
        coop.journal()
            .append(&ledger, seq, drafts)
            .await
            .expect("appended");
        seq += chunk.len() as u64;
    }
    let mut rng = Rng(0x00a1_c4fe);
    let batch = 10_000.min(records);
    let batches = records / batch;
    let start_of_year: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().expect("a time");
    for i in 0..batches {
        let at = start_of_year + Duration::seconds((31_536_000 / batches * i) as i64);
        let requests = kanban_requests_numbered(&mut rng, batch, MEMBERS as usize, at);
        coop.decide_accesses(&requests, recorded_at, None)
            .await
            .expect("decided");
        if (i + 1) % 100 == 0 {
            eprintln!("member data set: {} of {records} accesses", (i + 1) * batch);
        }
    }
    let recording = start.elapsed();
    let start = Instant::now();
    coop.export_member(
        member(),
        std::io::Cursor::new(Vec::new()),
        created_at(),
        &controller(),
        &mut |_| {},
    )
    .await
    .expect("an archive");
    let built = format!(
        "{} ledger events and {records} accesses recorded in {:.0} s, indexed in {:.0} s",
        events.len(),
        recording.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
    eprintln!("member data set: {built}");
    std::fs::write(&complete, &built).expect("the marker");
    coop
}
