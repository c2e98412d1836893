//! The conformance suite every Andel journal and snapshot store must pass.
//!
//! A store that passes it can stand in for any other: the SQL stores in `andel-store`,
//! the in-memory store in `andel-journal`, and yours. What the suite checks:
//!
//! | check | what a passing store guarantees |
//! |---|---|
//! | [`round_trip`] | entries read back exactly as appended, in order, over any range |
//! | [`head`] | the head names the next seq and the last hash, from 0 and [`Digest::ZERO`] |
//! | [`all_or_nothing`] | a refused batch writes nothing |
//! | [`redaction`] | erasure keeps the chain verifiable and is refused where it must be |
//! | [`verify_after_reopen`] | what was written is there, unchanged, after reopening |
//! | [`stale_seq_conflicts`] | a stale expected seq is a conflict, never a fork |
//! | [`two_handles`] | a handle that did not see another's appends still conflicts, never forks |
//! | [`concurrent_writers`] | 8 writers on one stream: gapless, nothing lost, duplicated or forked |
//! | [`tenant_isolation`] | no read of one tenant ever returns another tenant's data |
//! | [`import_keeps_hashes`] | entries move between stores with every hash, redactions included |
//! | [`snapshots`] | the latest snapshot is kept per projection and stream, per tenant |
//! | [`states`] | an aggregate's saved state comes back byte for byte, however large; the latest is kept per format and stream, per tenant |
//! | [`erasure_drops_caches`] | an erasure drops the snapshots and saved states over its stream, and only those |
//! | [`subject_index`] | a member's entries are found by subject, exactly, per tenant; a redaction drops them |
//!
//! Ballot boxes (`andel_decisions::secret::BallotBox`) have their own suite, written by
//! [`ballot_box_tests!`] over a [`BallotBoxHarness`]:
//!
//! | check | what a passing box guarantees |
//! |---|---|
//! | [`ballots_round_trip`] | ballots read back exactly as put, in receipt order, found by receipt, before and after sealing |
//! | [`ballot_retry_and_taken`] | a repeated put is a no-op; a different ballot under a used receipt is refused |
//! | [`cast_order_leaves_no_trace`] | the same ballots cast in any order give the same box |
//! | [`ballot_boxes_apart`] | proposals and tenants never see each other's ballots |
//!
//! # Running it against your store
//!
//! Implement [`Harness`] (how to open your store for a tenant) and let
//! [`journal_store_tests!`] write one `#[tokio::test]` per check:
//!
//! ```
//! use std::collections::HashMap;
//! use std::sync::{Arc, Mutex};
//!
//! use andel_journal::{MemoryStore, TenantId};
//! use andel_testkit::{Harness, TestStore};
//!
//! #[derive(Default)]
//! struct Memory(Mutex<HashMap<TenantId, Arc<MemoryStore>>>);
//!
//! #[async_trait::async_trait]
//! impl Harness for Memory {
//!     async fn open(&self, tenant: &TenantId) -> Arc<dyn TestStore> {
//!         let mut tenants = self.0.lock().unwrap();
//!         tenants.entry(tenant.clone()).or_default().clone()
//!     }
//! }
//!
//! // In a test file: one test per check.
//! // andel_testkit::journal_store_tests!(async { Some(Memory::default()) });
//! # tokio::runtime::Runtime::new().unwrap().block_on(andel_testkit::round_trip(&Memory::default()));
//! ```
//!
//! Each check panics with a message naming what the store got wrong, as `assert!` does.

// The checks are assertions: a failing check panics, like `assert!`, to fail its test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod ballots;
#[cfg(feature = "browser")]
pub mod browser;
#[cfg(feature = "http")]
pub mod http;

pub use ballots::{
    BallotBoxHarness, ballot_boxes_apart, ballot_retry_and_taken, ballots_round_trip,
    cast_order_leaves_no_trace,
};

use std::collections::BTreeSet;
use std::sync::Arc;

use andel_journal::{
    AppendError, AuthorId, Digest, Draft, Entry, EntryBody, JournalStore, Kind, Payload, Problem,
    ProjectionId, RedactProblem, Redaction, Snapshot, SnapshotStore, StateSnapshot, StoreError,
    StreamHead, StreamId, SubjectId, SubjectIndex, TenantId, catch_up, verify,
};

/// A store under test: a journal, a snapshot store and a subject index in one.
pub trait TestStore: JournalStore + SnapshotStore + SubjectIndex {}

impl<T: JournalStore + SnapshotStore + SubjectIndex + ?Sized> TestStore for T {}

/// How the suite gets at the store under test.
#[async_trait::async_trait]
pub trait Harness: Send + Sync {
    /// A handle on `tenant`'s data. Every call for the same tenant must reach the same
    /// data, as if the database were opened afresh (a SQL store opens a new pool), so
    /// that [`verify_after_reopen`] tests what survives a restart.
    async fn open(&self, tenant: &TenantId) -> Arc<dyn TestStore>;

    /// Called when a check has passed: drop the database or schema it used.
    async fn finish(&self) {}
}

/// Writes one `#[tokio::test]` per conformance check. The argument is an expression
/// giving a future of `Option<impl Harness>`, evaluated afresh for each test so that
/// each works on its own database; `None` skips the test (for a database that is not
/// configured on this machine). The calling crate needs `tokio` (with `macros` and
/// `rt-multi-thread`) among its dev-dependencies.
#[macro_export]
macro_rules! journal_store_tests {
    ($harness:expr) => {
        $crate::journal_store_tests!(@each $harness;
            round_trip, head, all_or_nothing, redaction, verify_after_reopen,
            stale_seq_conflicts, two_handles, concurrent_writers, tenant_isolation, import_keeps_hashes,
            snapshots, states, erasure_drops_caches, subject_index);
    };
    (@each $harness:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let Some(harness) = $harness.await else {
                    return;
                };
                $crate::$check(&harness).await;
                $crate::Harness::finish(&harness).await;
            }
        )*
    };
}

const AT: &str = "2026-11-27T08:00:00Z";

fn tenant(name: &str) -> TenantId {
    TenantId::new(name).expect("valid tenant id")
}

fn stream(name: &str) -> StreamId {
    StreamId::new(name).expect("valid stream id")
}

/// A draft whose payload names the writer and its count, with text that exercises
/// escapes and non-ASCII characters.
fn draft(writer: u64, n: u64) -> Draft {
    let payload = Payload::from_json_str(&format!(
        r#"{{"writer":{writer},"n":{n},"text":"Åsa's \"note\" \u2603 {n}","amount":"12.50"}}"#
    ))
    .expect("valid payload");
    let draft = Draft::new(
        Kind::new("test.recorded").expect("valid kind"),
        payload,
        AT.parse().expect("valid time"),
    );
    if n.is_multiple_of(3) {
        draft.by(AuthorId::new(format!("member-{writer}")).expect("valid author"))
    } else {
        draft
    }
}

fn drafts(writer: u64, range: std::ops::Range<u64>) -> Vec<Draft> {
    range.map(|n| draft(writer, n)).collect()
}

async fn read_all(store: &dyn TestStore, stream: &StreamId) -> Vec<Entry> {
    store
        .read(stream, 0..u64::MAX)
        .await
        .unwrap_or_else(|err| panic!("reading stream `{stream}` failed: {err}"))
}

async fn append(
    store: &dyn TestStore,
    stream: &StreamId,
    seq: u64,
    drafts: Vec<Draft>,
) -> Vec<Entry> {
    store
        .append(stream, seq, drafts)
        .await
        .unwrap_or_else(|err| panic!("appending to `{stream}` at {seq} failed: {err}"))
}

/// `read_bodies` over `range` reads the bodies of `entries`, in order: an erased
/// entry's body has no payload.
async fn assert_bodies_of(
    store: &dyn TestStore,
    stream: &StreamId,
    range: std::ops::Range<u64>,
    entries: &[Entry],
) {
    let bodies = store
        .read_bodies(stream, range.clone())
        .await
        .unwrap_or_else(|err| panic!("reading the bodies of `{stream}` failed: {err}"));
    let expected: Vec<EntryBody> = entries.iter().cloned().map(EntryBody::from).collect();
    assert_eq!(bodies, expected, "bodies of range {range:?}");
}

fn assert_verifies(entries: &[Entry], context: &str) {
    if let Err(err) = verify(entries) {
        panic!("{context}: the entries read back do not verify: {err}");
    }
}

/// Entries read back exactly as appended: every field, in order, over any range, and
/// they verify. An unknown stream, or a range past the end, reads as empty.
pub async fn round_trip(harness: &dyn Harness) {
    let store = harness.open(&tenant("round-trip")).await;
    let s = stream("members");
    let mut written = append(&*store, &s, 0, drafts(0, 0..1)).await;
    written.extend(append(&*store, &s, 1, drafts(0, 1..40)).await);
    written.extend(append(&*store, &s, 40, Vec::new()).await);
    assert_eq!(
        written.len(),
        40,
        "appending an empty batch must add nothing"
    );

    let read = read_all(&*store, &s).await;
    assert_eq!(read, written, "entries must read back exactly as appended");
    assert_verifies(&read, "round trip");

    // A backwards range (start after end) is empty, like any other empty range.
    let backwards = std::ops::Range { start: 17, end: 5 };
    for range in [
        0..1,
        5..17,
        39..40,
        39..1000,
        0..0,
        backwards,
        40..41,
        1000..2000,
    ] {
        let expected: Vec<Entry> = written
            .iter()
            .filter(|e| range.contains(&e.seq()))
            .cloned()
            .collect();
        let got = store.read(&s, range.clone()).await.expect("read a range");
        assert_eq!(got, expected, "read of range {range:?}");
        assert_bodies_of(&*store, &s, range, &expected).await;
    }
    assert!(
        read_all(&*store, &stream("nobody-wrote-here"))
            .await
            .is_empty(),
        "an unknown stream must read as empty"
    );
    let streams = store.streams().await.expect("list streams");
    assert_eq!(
        streams,
        vec![s],
        "streams() must list exactly the streams written"
    );
}

/// The head of an empty stream is seq 0 and the zero digest; after appends it names the
/// next seq and the last entry's hash.
pub async fn head(harness: &dyn Harness) {
    let store = harness.open(&tenant("head")).await;
    let s = stream("ledger");
    let empty = store.head(&s).await.expect("head of an empty stream");
    assert_eq!(empty, StreamHead::new(s.clone()), "head of an empty stream");
    let entries = append(&*store, &s, 0, drafts(0, 0..5)).await;
    let last = entries.last().expect("five entries");
    let head = store.head(&s).await.expect("head");
    assert_eq!(
        head,
        StreamHead::at(s.clone(), 5, *last.hash()),
        "head after five appends"
    );
    assert_ne!(*head.last_hash(), Digest::ZERO);
}

/// A batch with one refused draft (a reserved kind) writes nothing at all.
pub async fn all_or_nothing(harness: &dyn Harness) {
    let store = harness.open(&tenant("atomic")).await;
    let s = stream("votes");
    append(&*store, &s, 0, drafts(0, 0..2)).await;
    let mut batch = drafts(0, 2..6);
    batch.insert(
        2,
        Draft::new(
            Kind::REDACTION,
            Payload::new(&1).expect("payload"),
            AT.parse().expect("time"),
        ),
    );
    let err = store
        .append(&s, 2, batch)
        .await
        .expect_err("a reserved kind must be refused");
    assert!(
        matches!(err, StoreError::Append(AppendError::ReservedKind { .. })),
        "expected a reserved-kind refusal, got {err}"
    );
    assert_eq!(
        read_all(&*store, &s).await.len(),
        2,
        "a refused batch must write nothing"
    );
    assert_eq!(store.head(&s).await.expect("head").next_seq(), 2);
}

/// Redaction erases payload and salt, appends its record, keeps the stream verifiable,
/// and is refused for a missing entry, a redacted one and a redaction record.
pub async fn redaction(harness: &dyn Harness) {
    let store = harness.open(&tenant("redaction")).await;
    let s = stream("consents");
    let written = append(&*store, &s, 0, drafts(0, 0..4)).await;
    let at = AT.parse().expect("time");
    let record = store
        .redact(
            &s,
            1,
            Redaction::new("erasure request", at).by(AuthorId::new("secretary").expect("author")),
        )
        .await
        .expect("redact entry 1");
    assert_eq!(record.seq(), 4, "the record is the stream's next entry");
    assert_eq!(record.kind(), &Kind::REDACTION);

    let read = read_all(&*store, &s).await;
    assert_eq!(read.len(), 5);
    assert!(read[1].is_redacted() && read[1].payload().is_none() && read[1].salt().is_none());
    assert_eq!(
        read[1].hash(),
        written[1].hash(),
        "redaction keeps the entry's hash"
    );
    assert_eq!(read[1].commitment(), written[1].commitment());
    assert_eq!(read[4], record, "the record reads back as returned");
    for i in [0, 2, 3] {
        assert_eq!(read[i], written[i], "redaction touches only its target");
    }
    assert_bodies_of(&*store, &s, 0..u64::MAX, &read).await;
    let summary = verify(&read).unwrap_or_else(|err| panic!("after a redaction: {err}"));
    assert_eq!((summary.entries(), summary.redacted()), (5, 1));

    for (seq, problem) in [
        (1, RedactProblem::AlreadyRedacted),
        (4, RedactProblem::JournalRecord),
        (99, RedactProblem::NotFound),
    ] {
        match store.redact(&s, seq, Redaction::new("again", at)).await {
            Err(StoreError::Redact(err)) if err.problem == problem => {}
            other => panic!("redacting entry {seq}: expected {problem:?}, got {other:?}"),
        }
    }
    assert_eq!(
        read_all(&*store, &s).await,
        read,
        "refused redactions change nothing"
    );
}

/// Entries, redactions and streams are all there, unchanged, through a new handle.
pub async fn verify_after_reopen(harness: &dyn Harness) {
    let t = tenant("reopen");
    let (a, b) = (stream("a"), stream("b"));
    let before = {
        let store = harness.open(&t).await;
        append(&*store, &a, 0, drafts(0, 0..10)).await;
        append(&*store, &b, 0, drafts(1, 0..3)).await;
        store
            .redact(
                &a,
                4,
                Redaction::new("erasure request", AT.parse().expect("time")),
            )
            .await
            .expect("redact");
        (read_all(&*store, &a).await, read_all(&*store, &b).await)
    };
    let store = harness.open(&t).await;
    let after = (read_all(&*store, &a).await, read_all(&*store, &b).await);
    assert_eq!(after, before, "entries must survive reopening unchanged");
    assert_verifies(&after.0, "stream a after reopening");
    assert_verifies(&after.1, "stream b after reopening");
    assert_eq!(store.streams().await.expect("streams"), vec![a.clone(), b]);
    assert_eq!(store.head(&a).await.expect("head").next_seq(), 11);
}

/// An append with a stale (or future) expected seq is a conflict that says where the
/// stream is, and writes nothing.
pub async fn stale_seq_conflicts(harness: &dyn Harness) {
    let store = harness.open(&tenant("conflicts")).await;
    let s = stream("shares");
    append(&*store, &s, 0, drafts(0, 0..3)).await;
    for expected in [0, 2, 4, 100] {
        match store.append(&s, expected, drafts(9, 0..2)).await {
            Err(StoreError::Append(AppendError::Conflict {
                expected: e,
                actual: 3,
                ..
            })) if e == expected => {}
            other => {
                panic!("append at stale seq {expected}: expected a conflict at 3, got {other:?}")
            }
        }
    }
    let read = read_all(&*store, &s).await;
    assert_eq!(read.len(), 3, "conflicting appends must write nothing");
    assert_verifies(&read, "after conflicts");
}

/// Two handles on one tenant (two processes, say) take turns: each append that
/// expects the right seq lands, each that expects a seq the other handle already took
/// is a conflict, whatever either handle remembers of the stream.
pub async fn two_handles(harness: &dyn Harness) {
    let t = tenant("two-handles");
    let (a, b) = (harness.open(&t).await, harness.open(&t).await);
    let s = stream("register");
    append(&*a, &s, 0, drafts(1, 0..2)).await;
    append(&*b, &s, 2, drafts(2, 0..1)).await;
    match a.append(&s, 2, drafts(1, 2..3)).await {
        Err(StoreError::Append(AppendError::Conflict {
            expected: 2,
            actual: 3,
            ..
        })) => {}
        other => panic!("a appends at 2 after b took it: expected a conflict at 3, got {other:?}"),
    }
    append(&*a, &s, 3, drafts(1, 3..4)).await;
    match b.append(&s, 3, drafts(2, 1..2)).await {
        Err(StoreError::Append(AppendError::Conflict {
            expected: 3,
            actual: 4,
            ..
        })) => {}
        other => panic!("b appends at 3 after a took it: expected a conflict at 4, got {other:?}"),
    }
    append(&*b, &s, 4, drafts(2, 1..3)).await;
    let (read_a, read_b) = (read_all(&*a, &s).await, read_all(&*b, &s).await);
    assert_eq!(read_a, read_b, "both handles read the same stream");
    assert_eq!(read_a.len(), 6);
    assert_verifies(&read_a, "after two handles took turns");
}

/// How many writers [`concurrent_writers`] runs, and how many entries each appends.
pub const WRITERS: u64 = 8;
/// Entries each writer appends in [`concurrent_writers`].
pub const ENTRIES_PER_WRITER: u64 = 25;

/// Eight writers append to one stream at once, each re-reading the head and retrying
/// after a conflict: the stream ends gapless, verifiable, with every entry exactly once.
pub async fn concurrent_writers(harness: &dyn Harness) {
    let store = harness.open(&tenant("concurrent")).await;
    let s = stream("busy");
    let mut tasks = tokio::task::JoinSet::new();
    for writer in 0..WRITERS {
        let store = Arc::clone(&store);
        let s = s.clone();
        tasks.spawn(async move {
            let mut conflicts = 0u64;
            for n in 0..ENTRIES_PER_WRITER {
                loop {
                    let head = store.head(&s).await.expect("head");
                    match store
                        .append(&s, head.next_seq(), vec![draft(writer, n)])
                        .await
                    {
                        Ok(_) => break,
                        Err(err) if err.is_conflict() => conflicts += 1,
                        Err(err) => panic!("writer {writer}: append failed: {err}"),
                    }
                }
            }
            conflicts
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("writer task");
    }
    let read = read_all(&*store, &s).await;
    let total = WRITERS * ENTRIES_PER_WRITER;
    assert_eq!(
        read.len() as u64,
        total,
        "every append that returned Ok must be there once"
    );
    for (i, entry) in read.iter().enumerate() {
        assert_eq!(entry.seq(), i as u64, "sequence numbers must be gapless");
    }
    assert_verifies(&read, "after concurrent writers");
    let seen: BTreeSet<(u64, u64)> = read
        .iter()
        .map(|e| {
            let value = e.payload().expect("payload").to_value();
            (
                value["writer"].as_u64().expect("writer"),
                value["n"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(
        seen.len() as u64,
        total,
        "no entry may be duplicated or lost"
    );
}

/// Two tenants write the same stream names: neither ever reads, lists, redacts or
/// snapshots the other's data.
pub async fn tenant_isolation(harness: &dyn Harness) {
    let (ta, tb) = (tenant("coop-a"), tenant("coop-b"));
    let (a, b) = (harness.open(&ta).await, harness.open(&tb).await);
    let shared = stream("members");
    let written_a = append(&*a, &shared, 0, drafts(1, 0..5)).await;
    let written_b = append(&*b, &shared, 0, drafts(2, 0..3)).await;
    append(&*b, &stream("only-b"), 0, drafts(2, 0..1)).await;

    assert_eq!(
        read_all(&*a, &shared).await,
        written_a,
        "tenant a reads only its entries"
    );
    assert_eq!(
        read_all(&*b, &shared).await,
        written_b,
        "tenant b reads only its entries"
    );
    assert!(
        read_all(&*a, &stream("only-b")).await.is_empty(),
        "a must not see b's stream"
    );
    assert_eq!(a.streams().await.expect("streams"), vec![shared.clone()]);
    assert_eq!(a.head(&shared).await.expect("head").next_seq(), 5);
    assert_eq!(b.head(&shared).await.expect("head").next_seq(), 3);

    a.redact(
        &shared,
        0,
        Redaction::new("erasure", AT.parse().expect("time")),
    )
    .await
    .expect("redact in a");
    assert_eq!(
        read_all(&*b, &shared).await,
        written_b,
        "a's redaction leaves b untouched"
    );
    match b.append(&shared, 6, drafts(2, 3..4)).await {
        Err(err) if err.is_conflict() => {}
        other => panic!("b's head must not move with a's appends: {other:?}"),
    }

    let projection = ProjectionId::new("members.count").expect("projection id");
    let snapshot = Snapshot::new(
        &a.head(&shared).await.expect("head"),
        Payload::new(&5).expect("state"),
    );
    a.save_snapshot(&projection, &snapshot).await.expect("save");
    assert_eq!(
        b.latest_snapshot(&projection, &shared).await.expect("load"),
        None,
        "b must not see a's snapshots"
    );
}

/// Entries read from one tenant and imported into another keep every field and hash,
/// redactions included; an import that does not continue the stream, or holds an
/// altered entry, is refused and writes nothing.
pub async fn import_keeps_hashes(harness: &dyn Harness) {
    let source = harness.open(&tenant("export-from")).await;
    let target = harness.open(&tenant("import-to")).await;
    let s = stream("archive");
    append(&*source, &s, 0, drafts(0, 0..20)).await;
    source
        .redact(&s, 7, Redaction::new("erasure", AT.parse().expect("time")))
        .await
        .expect("redact");
    let original = read_all(&*source, &s).await;

    let err = target
        .import(&s, original[1..].to_vec())
        .await
        .expect_err("must start at 0");
    assert!(
        err.is_conflict(),
        "an import past the head is a conflict, got {err}"
    );

    let mut altered = original.clone();
    let forged = Entry::from_parts({
        let mut parts = altered[12].clone().into_parts();
        parts.recorded_at = "2030-01-01T00:00:00Z".parse().expect("time");
        parts
    });
    altered[12] = forged;
    match target.import(&s, altered).await {
        Err(StoreError::Append(AppendError::Invalid {
            seq: 12,
            problem: Problem::EntryAltered { .. },
            ..
        })) => {}
        other => panic!("importing an altered entry 12: expected Invalid at 12, got {other:?}"),
    }
    assert!(
        read_all(&*target, &s).await.is_empty(),
        "a refused import writes nothing"
    );

    target
        .import(&s, original[..10].to_vec())
        .await
        .expect("import the first half");
    target
        .import(&s, original[10..].to_vec())
        .await
        .expect("import the second half");
    let imported = read_all(&*target, &s).await;
    assert_eq!(
        imported, original,
        "imported entries must equal the originals"
    );
    assert_verifies(&imported, "after import");
    assert_eq!(
        target.head(&s).await.expect("head"),
        source.head(&s).await.expect("head")
    );

    // The store goes on from the imported head.
    let next = append(&*target, &s, 21, drafts(0, 20..21)).await;
    assert_eq!(next[0].prev(), original.last().expect("entries").hash());
}

/// The latest snapshot per projection and stream is kept: a later one replaces it, an
/// older one does not, and other projections and streams are separate.
pub async fn snapshots(harness: &dyn Harness) {
    let store = harness.open(&tenant("snapshots")).await;
    let (s, other) = (stream("members"), stream("shares"));
    let (count, names) = (
        ProjectionId::new("members.count").expect("projection id"),
        ProjectionId::new("members.names").expect("projection id"),
    );
    assert_eq!(store.latest_snapshot(&count, &s).await.expect("load"), None);

    let at = |seq: u64, byte: u8| StreamHead::at(s.clone(), seq, Digest::from_bytes([byte; 32]));
    let state = |v: &str| Payload::from_json_str(v).expect("state");
    let ten = Snapshot::new(&at(10, 1), state(r#"{"count":10,"note":"Åsa \"x\""}"#));
    let twenty = Snapshot::new(&at(20, 2), state(r#"{"count":20}"#));
    let five = Snapshot::new(&at(5, 3), state(r#"{"count":5}"#));

    store.save_snapshot(&count, &ten).await.expect("save 10");
    assert_eq!(
        store.latest_snapshot(&count, &s).await.expect("load"),
        Some(ten.clone())
    );
    store.save_snapshot(&count, &twenty).await.expect("save 20");
    store.save_snapshot(&count, &five).await.expect("save 5");
    assert_eq!(
        store.latest_snapshot(&count, &s).await.expect("load"),
        Some(twenty.clone()),
        "an older snapshot must not replace a newer one"
    );
    assert_eq!(store.latest_snapshot(&names, &s).await.expect("load"), None);
    assert_eq!(
        store.latest_snapshot(&count, &other).await.expect("load"),
        None
    );

    let reopened = harness.open(&tenant("snapshots")).await;
    assert_eq!(
        reopened.latest_snapshot(&count, &s).await.expect("load"),
        Some(twenty)
    );
    let genesis = Snapshot::new(&StreamHead::new(other.clone()), state("[]"));
    reopened
        .save_snapshot(&names, &genesis)
        .await
        .expect("save at 0");
    assert_eq!(
        reopened
            .latest_snapshot(&names, &other)
            .await
            .expect("load"),
        Some(genesis)
    );
}

/// An aggregate's saved state comes back byte for byte (every byte value, 8 MiB of
/// them), the latest per format and stream is kept, and tenants do not see each other's.
pub async fn states(harness: &dyn Harness) {
    let store = harness.open(&tenant("states")).await;
    let (s, other) = (stream("ledger"), stream("proposal.7"));
    let (v1, v2) = (
        ProjectionId::new("ledger.v1").expect("format"),
        ProjectionId::new("ledger.v2").expect("format"),
    );
    assert_eq!(store.latest_state(&v1, &s).await.expect("load"), None);

    let at = |seq: u64, byte: u8| StreamHead::at(s.clone(), seq, Digest::from_bytes([byte; 32]));
    let large: Vec<u8> = (0..8 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let ten = StateSnapshot::new(&at(10, 1), (0..=255).collect());
    let twenty = StateSnapshot::new(&at(20, 2), large);
    let five = StateSnapshot::new(&at(5, 3), vec![0; 3]);

    store.save_state(&v1, &ten).await.expect("save 10");
    assert_eq!(
        store.latest_state(&v1, &s).await.expect("load"),
        Some(ten.clone()),
        "every byte value must come back as saved"
    );
    store.save_state(&v1, &twenty).await.expect("save 20");
    store.save_state(&v1, &five).await.expect("save 5");
    assert_eq!(
        store.latest_state(&v1, &s).await.expect("load"),
        Some(twenty.clone()),
        "an older state must not replace a newer one, and 8 MiB must come back whole"
    );
    assert_eq!(store.latest_state(&v2, &s).await.expect("load"), None);
    assert_eq!(store.latest_state(&v1, &other).await.expect("load"), None);
    let projection = ProjectionId::new("ledger.v1").expect("projection id");
    assert_eq!(
        store.latest_snapshot(&projection, &s).await.expect("load"),
        None,
        "a saved state is not a projection's snapshot"
    );

    let reopened = harness.open(&tenant("states")).await;
    assert_eq!(
        reopened.latest_state(&v1, &s).await.expect("load"),
        Some(twenty)
    );
    let genesis = StateSnapshot::new(&StreamHead::new(other.clone()), Vec::new());
    reopened.save_state(&v2, &genesis).await.expect("save at 0");
    assert_eq!(
        reopened.latest_state(&v2, &other).await.expect("load"),
        Some(genesis)
    );
    let stranger = harness.open(&tenant("states-other")).await;
    assert_eq!(
        stranger.latest_state(&v1, &s).await.expect("load"),
        None,
        "another tenant must not see this tenant's states"
    );
}

/// An erasure drops, with the entry's content, the snapshots and saved states over its
/// stream (caches of a replay, which may hold what was erased), and nothing else: not
/// those over another stream, nor another tenant's over the same stream.
pub async fn erasure_drops_caches(harness: &dyn Harness) {
    let (store, stranger) = (
        harness.open(&tenant("erasure-caches")).await,
        harness.open(&tenant("erasure-caches-other")).await,
    );
    let (s, other) = (stream("channel.1"), stream("channel.2"));
    let (projection, format) = (
        ProjectionId::new("channel.messages").expect("projection id"),
        ProjectionId::new("channel.v1").expect("format"),
    );
    for held in [&store, &stranger] {
        for over in [&s, &other] {
            let written = append(&**held, over, 0, drafts(0, 0..3)).await;
            let head = StreamHead::at(over.clone(), 3, *written[2].hash());
            let state = Payload::from_json_str(r#"{"said":"my phone number"}"#).expect("state");
            held.save_snapshot(&projection, &Snapshot::new(&head, state))
                .await
                .expect("save snapshot");
            held.save_state(
                &format,
                &StateSnapshot::new(&head, b"my phone number".to_vec()),
            )
            .await
            .expect("save state");
        }
    }
    let at = AT.parse().expect("time");
    store
        .redact(&s, 1, Redaction::new("the author deleted it", at))
        .await
        .expect("redact entry 1");
    assert_eq!(
        store.latest_snapshot(&projection, &s).await.expect("load"),
        None
    );
    assert_eq!(store.latest_state(&format, &s).await.expect("load"), None);
    for (held, over, whose) in [
        (&store, &other, "another stream's"),
        (&stranger, &s, "another tenant's"),
    ] {
        assert!(
            held.latest_snapshot(&projection, over)
                .await
                .expect("load")
                .is_some()
                && held
                    .latest_state(&format, over)
                    .await
                    .expect("load")
                    .is_some(),
            "{whose} snapshots and states must stay"
        );
    }
}

fn subject(name: &str) -> SubjectId {
    SubjectId::new(name).expect("valid subject id")
}

/// Whom the entries of the subject-index check are about: even seqs `ada`, odd seqs
/// `bo`, and every third seq `cy` as well (jointly owned); nobody for a redacted entry
/// or a redaction record.
fn subjects_of(body: &EntryBody) -> Result<Vec<SubjectId>, StoreError> {
    if body.payload().is_none() || body.kind().is_reserved() {
        return Ok(Vec::new());
    }
    let mut about = vec![subject(if body.seq().is_multiple_of(2) {
        "ada"
    } else {
        "bo"
    })];
    if body.seq().is_multiple_of(3) {
        about.push(subject("cy"));
    }
    Ok(about)
}

async fn about(
    store: &dyn TestStore,
    s: &StreamId,
    who: &str,
    range: std::ops::Range<u64>,
) -> Vec<Entry> {
    store
        .read_about(s, &subject(who), range.clone())
        .await
        .unwrap_or_else(|err| panic!("reading `{s}` about `{who}` over {range:?} failed: {err}"))
}

async fn indexed_to(store: &dyn TestStore, s: &StreamId) -> u64 {
    store
        .indexed_to(s)
        .await
        .unwrap_or_else(|err| panic!("reading the index mark of `{s}` failed: {err}"))
}

/// The subject index finds exactly a member's entries, whole and in order, over any
/// range, once caught up; indexing twice adds nothing and a mark never moves back; a
/// redaction drops its entry, even from a late catch-up; another tenant sees nothing.
pub async fn subject_index(harness: &dyn Harness) {
    let store = harness.open(&tenant("subjects")).await;
    let s = stream("access");
    assert_eq!(indexed_to(&*store, &s).await, 0, "a stream never indexed");
    let written = append(&*store, &s, 0, drafts(0, 0..7)).await;
    assert!(
        about(&*store, &s, "ada", 0..u64::MAX).await.is_empty(),
        "nothing is found before the stream is indexed"
    );

    let caught_up = catch_up(&*store, &*store, &s, subjects_of)
        .await
        .unwrap_or_else(|err| panic!("catching up `{s}` failed: {err}"));
    assert_eq!(caught_up, 7);
    assert_eq!(indexed_to(&*store, &s).await, 7);
    let pick = |seqs: &[usize]| seqs.iter().map(|&i| written[i].clone()).collect::<Vec<_>>();
    assert_eq!(
        about(&*store, &s, "ada", 0..u64::MAX).await,
        pick(&[0, 2, 4, 6])
    );
    assert_eq!(
        about(&*store, &s, "bo", 0..u64::MAX).await,
        pick(&[1, 3, 5])
    );
    assert_eq!(
        about(&*store, &s, "cy", 0..u64::MAX).await,
        pick(&[0, 3, 6])
    );
    assert_eq!(
        about(&*store, &s, "ada", 1..4).await,
        pick(&[2]),
        "a range of seqs"
    );
    assert!(
        about(&*store, &s, "ada", 4..4).await.is_empty(),
        "an empty range"
    );
    assert!(
        about(&*store, &s, "dag", 0..u64::MAX).await.is_empty(),
        "nobody's"
    );
    assert!(
        about(&*store, &stream("other"), "ada", 0..u64::MAX)
            .await
            .is_empty()
    );

    // Indexing the same rows again, with an older mark, changes nothing.
    store
        .index(&s, vec![(subject("ada"), 2), (subject("ada"), 2)], 3)
        .await
        .expect("index again");
    assert_eq!(indexed_to(&*store, &s).await, 7, "a mark never moves back");
    assert_eq!(
        about(&*store, &s, "ada", 0..u64::MAX).await,
        pick(&[0, 2, 4, 6])
    );

    // A redaction drops its entry, and a catch-up that read it before the redaction
    // cannot bring it back.
    let at = AT.parse().expect("time");
    store
        .redact(&s, 2, Redaction::new("erasure request", at))
        .await
        .expect("redact entry 2");
    assert_eq!(
        about(&*store, &s, "ada", 0..u64::MAX).await,
        pick(&[0, 4, 6])
    );
    store
        .index(&s, vec![(subject("ada"), 2)], 7)
        .await
        .expect("a late row");
    assert_eq!(
        about(&*store, &s, "ada", 0..u64::MAX).await,
        pick(&[0, 4, 6])
    );

    // New entries after the redaction record (seq 7) are found once caught up again.
    let later = append(&*store, &s, 8, drafts(1, 8..10)).await;
    assert_eq!(
        catch_up(&*store, &*store, &s, subjects_of)
            .await
            .expect("catch up"),
        10
    );
    let mut ada = pick(&[0, 4, 6]);
    ada.push(later[0].clone());
    assert_eq!(about(&*store, &s, "ada", 0..u64::MAX).await, ada);

    let reopened = harness.open(&tenant("subjects")).await;
    assert_eq!(indexed_to(&*reopened, &s).await, 10);
    assert_eq!(about(&*reopened, &s, "ada", 0..u64::MAX).await, ada);
    let stranger = harness.open(&tenant("subjects-other")).await;
    assert_eq!(indexed_to(&*stranger, &s).await, 0, "another tenant's mark");
    assert!(
        about(&*stranger, &s, "ada", 0..u64::MAX).await.is_empty(),
        "another tenant's rows"
    );
}
