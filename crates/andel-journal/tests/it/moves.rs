//! Moving entries between stores (`import`) and bringing projections up to date
//! (`replay` from snapshots), for random journals.

use std::collections::BTreeMap;

use andel_journal::{
    AppendError, Entry, EntryParts, JournalStore, MemoryStore, Projection, ProjectionId,
    SnapshotStore, StoreError, StreamId, replay,
};
use proptest::prelude::*;

use crate::build::strategy::{build, steps};

fn block_on<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

/// The journal's entries, stream by stream, in order.
fn by_stream(entries: &[Entry]) -> BTreeMap<StreamId, Vec<Entry>> {
    let mut streams: BTreeMap<StreamId, Vec<Entry>> = BTreeMap::new();
    for entry in entries {
        streams
            .entry(entry.stream().clone())
            .or_default()
            .push(entry.clone());
    }
    streams
}

/// A projection that remembers everything it saw, so that two replays agree only if
/// they applied the same entries in the same order.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Seen(Vec<(u64, String)>);

impl Projection for Seen {
    type Error = std::convert::Infallible;
    fn apply(&mut self, entry: &Entry) -> Result<(), Self::Error> {
        self.0.push((entry.seq(), entry.hash().to_string()));
        Ok(())
    }
}

/// Changes one field of an entry, as tampering would.
fn alter(entry: &Entry, field: usize) -> Entry {
    let mut parts: EntryParts = entry.clone().into_parts();
    match field {
        0 => parts.recorded_at = "2001-01-01T00:00:00Z".parse().unwrap(),
        1 => parts.prev = andel_journal::Digest::of(b"elsewhere"),
        2 => parts.hash = andel_journal::Digest::of(b"forged"),
        _ => parts.commitment = andel_journal::Digest::of(b"other payload"),
    }
    Entry::from_parts(parts)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// However a journal's streams are cut into import batches, the store ends up
    /// holding exactly the original entries, hashes and redactions included.
    #[test]
    fn importing_in_any_batches_keeps_every_entry(
        steps in steps(40),
        cuts in proptest::collection::vec(1usize..8, 1..12),
    ) {
        let journal = build(&steps);
        let store = MemoryStore::new();
        for (stream, entries) in by_stream(&journal.entries) {
            let mut rest = &entries[..];
            for cut in cuts.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (batch, tail) = rest.split_at((*cut).min(rest.len()));
                block_on(store.import(&stream, batch.to_vec())).unwrap();
                rest = tail;
            }
            prop_assert_eq!(block_on(store.read(&stream, 0..u64::MAX)).unwrap(), entries);
        }
    }

    /// An altered entry anywhere in an import refuses the whole batch, naming that
    /// entry; nothing of the batch is written.
    #[test]
    fn an_altered_entry_refuses_the_import(
        steps in steps(30),
        pick in any::<prop::sample::Index>(),
        field in 0usize..4,
    ) {
        let journal = build(&steps);
        let streams = by_stream(&journal.entries);
        prop_assume!(!streams.is_empty());
        let (stream, entries) = streams.iter().next().unwrap();
        let target = pick.index(entries.len());
        prop_assume!(field != 3 || entries[target].payload().is_some());
        let mut tampered = entries.clone();
        tampered[target] = alter(&entries[target], field);
        let store = MemoryStore::new();
        match block_on(store.import(stream, tampered)) {
            Err(StoreError::Append(AppendError::Invalid { seq, .. })) => {
                // A changed `prev` or hash can also be noticed at the next entry's link.
                prop_assert!(seq == target as u64 || (field == 2 && seq == target as u64 + 1), "{} at {}", seq, target);
            }
            other => prop_assert!(false, "expected Invalid, got {:?}", other),
        }
        prop_assert!(block_on(store.read(stream, 0..u64::MAX)).unwrap().is_empty());
    }

    /// A replay that resumes from a snapshot taken after any prefix of a stream ends
    /// where a replay from the first entry does.
    #[test]
    fn replay_from_any_snapshot_equals_replay_from_scratch(
        steps in steps(40),
        at in any::<prop::sample::Index>(),
    ) {
        let journal = build(&steps);
        let streams = by_stream(&journal.entries);
        prop_assume!(!streams.is_empty());
        let (stream, entries) = streams.iter().next().unwrap();
        let split = at.index(entries.len() + 1);
        let projection = ProjectionId::new("seen").unwrap();
        let store = MemoryStore::new();

        block_on(store.import(stream, entries[..split].to_vec())).unwrap();
        let early = block_on(replay::<Seen, _, _>(&store, &store, &projection, stream)).unwrap();
        block_on(store.save_snapshot(&projection, &early.snapshot().unwrap())).unwrap();
        block_on(store.import(stream, entries[split..].to_vec())).unwrap();

        let resumed = block_on(replay::<Seen, _, _>(&store, &store, &projection, stream)).unwrap();
        let fresh = MemoryStore::new();
        let scratch = block_on(replay::<Seen, _, _>(&store, &fresh, &projection, stream)).unwrap();
        prop_assert_eq!(resumed.resumed_from, Some(split as u64));
        prop_assert_eq!(&resumed.state, &scratch.state);
        prop_assert_eq!(resumed.head, scratch.head);
    }
}

/// A snapshot of another journal (its last hash is not this stream's) is ignored, and
/// the replay starts from entry 0.
#[test]
fn a_snapshot_of_another_journal_is_not_used() {
    let journal = build(&steps_fixed());
    let streams = by_stream(&journal.entries);
    let (stream, entries) = streams.iter().next().unwrap();
    let projection = ProjectionId::new("seen").unwrap();
    let store = MemoryStore::new();
    block_on(store.import(stream, entries.clone())).unwrap();
    let done = block_on(replay::<Seen, _, _>(&store, &store, &projection, stream)).unwrap();

    let other = MemoryStore::new();
    let foreign_head = andel_journal::StreamHead::at(
        stream.clone(),
        1,
        andel_journal::Digest::of(b"another journal"),
    );
    let snapshot = andel_journal::Snapshot::new(
        &foreign_head,
        andel_journal::Payload::new(&Seen(vec![(0, "x".into())])).unwrap(),
    );
    block_on(other.import(stream, entries.clone())).unwrap();
    block_on(other.save_snapshot(&projection, &snapshot)).unwrap();
    let replayed = block_on(replay::<Seen, _, _>(&other, &other, &projection, stream)).unwrap();
    assert_eq!(replayed.resumed_from, None);
    assert_eq!(replayed.state, done.state);
}

fn steps_fixed() -> Vec<crate::build::strategy::Step> {
    use crate::build::strategy::Step;
    (0..5)
        .map(|n| Step::Append {
            stream: 0,
            author: None,
            text: format!("t{n}"),
            number: n,
        })
        .collect()
}
