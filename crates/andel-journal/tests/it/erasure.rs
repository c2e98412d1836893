//! Aggregates over streams with erased entries: tombstones in their place, an open
//! aggregate or a snapshot that held what was erased replayed again, and aggregates
//! that need every event still refusing.

use std::sync::Arc;

use andel_journal::{
    Aggregate, JournalStore, MemoryStore, Redaction, Snapshotted, Stored, StoredError, StreamId,
    Timestamp,
};
use proptest::prelude::*;

/// Notes on a wall, each in its place; `None` where one was erased.
#[derive(Debug, Clone, Default, PartialEq)]
struct Wall(Vec<Option<String>>);

impl Aggregate for Wall {
    type Command = String;
    type Event = Option<String>;
    type At = ();
    type Rejection = std::convert::Infallible;
    type Invalid = std::convert::Infallible;

    fn decide(&self, note: String, (): ()) -> Result<Vec<Self::Event>, Self::Rejection> {
        Ok(vec![Some(note)])
    }

    fn apply(&mut self, note: &Self::Event) -> Result<(), Self::Invalid> {
        self.0.push(note.clone());
        Ok(())
    }

    fn kind(_: &Self::Event) -> &'static str {
        "wall.noted"
    }

    fn erased(kind: &str) -> Option<Self::Event> {
        (kind == "wall.noted").then_some(None)
    }
}

impl Snapshotted for Wall {
    const FORMAT: &'static str = "wall.v1";

    fn encode_state(&self) -> Vec<u8> {
        serde_json::to_vec(&self.0).unwrap()
    }

    fn decode_state(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes)
            .map(Wall)
            .map_err(|err| err.to_string())
    }
}

/// A count that needs every event: it keeps the default, no tombstones.
#[derive(Debug, Clone, Default, PartialEq)]
struct Count(u64);

impl Aggregate for Count {
    type Command = u64;
    type Event = u64;
    type At = ();
    type Rejection = std::convert::Infallible;
    type Invalid = std::convert::Infallible;

    fn decide(&self, n: u64, (): ()) -> Result<Vec<u64>, Self::Rejection> {
        Ok(vec![n])
    }

    fn apply(&mut self, n: &u64) -> Result<(), Self::Invalid> {
        self.0 += n;
        Ok(())
    }

    fn kind(_: &u64) -> &'static str {
        "count.added"
    }
}

fn at() -> Timestamp {
    "2026-12-03T09:00:00Z".parse().unwrap()
}

fn wall() -> StreamId {
    StreamId::new("wall").unwrap()
}

async fn erase(store: &MemoryStore, seq: u64) {
    store
        .redact(&wall(), seq, Redaction::new("the author deleted it", at()))
        .await
        .unwrap();
}

async fn noted(store: &Arc<MemoryStore>, notes: &[&str]) -> Stored<Wall> {
    let mut wall = Stored::<Wall>::open(store.clone(), self::wall())
        .await
        .unwrap();
    for note in notes {
        wall.execute((*note).to_string(), (), at(), None)
            .await
            .unwrap();
    }
    wall
}

fn notes(places: &[Option<&str>]) -> Wall {
    Wall(places.iter().map(|p| p.map(str::to_string)).collect())
}

#[tokio::test]
async fn erased_entries_open_as_tombstones_and_keep_every_later_place() {
    let store = Arc::new(MemoryStore::new());
    noted(&store, &["a", "b", "c", "d"]).await;
    erase(&store, 1).await;
    erase(&store, 3).await;
    let mut opened = Stored::<Wall>::open(store.clone(), wall()).await.unwrap();
    assert_eq!(opened.state(), &notes(&[Some("a"), None, Some("c"), None]));
    opened.execute("e".into(), (), at(), None).await.unwrap();
    assert_eq!(
        opened.state().0.len(),
        5,
        "the next note takes the fifth place"
    );
    assert_eq!(opened.state().0[4].as_deref(), Some("e"));
}

#[tokio::test]
async fn an_open_aggregate_forgets_what_was_erased_when_it_catches_up() {
    let store = Arc::new(MemoryStore::new());
    let mut open = noted(&store, &["hello", "my phone number", "bye"]).await;
    erase(&store, 1).await;
    open.catch_up().await.unwrap();
    assert_eq!(open.state(), &notes(&[Some("hello"), None, Some("bye")]));
    // Appending reads the record too, when another handle erased in between.
    erase(&store, 0).await;
    open.execute("later".into(), (), at(), None).await.unwrap();
    assert_eq!(
        open.state(),
        &notes(&[None, None, Some("bye"), Some("later")])
    );
}

#[tokio::test]
async fn an_aggregate_that_needs_every_event_still_refuses_an_erased_one() {
    let store = Arc::new(MemoryStore::new());
    let count = StreamId::new("count").unwrap();
    let mut open = Stored::<Count>::open(store.clone(), count.clone())
        .await
        .unwrap();
    for n in 1..=3 {
        open.execute(n, (), at(), None).await.unwrap();
    }
    store
        .redact(&count, 1, Redaction::new("asked", at()))
        .await
        .unwrap();
    let refused = |err: StoredError<_, _>| matches!(err, StoredError::Erased { seq: 1, .. });
    assert!(refused(open.catch_up().await.unwrap_err()), "catching up");
    let Err(err) = Stored::<Count>::open(store, count).await else {
        panic!("a count with an erased entry opened")
    };
    assert!(refused(err), "opening");
}

#[tokio::test]
async fn a_snapshot_saved_before_an_erasure_is_passed_over_and_replaced() {
    let store = Arc::new(MemoryStore::new());
    // Snapshots kept apart from the journal, so that the erasure cannot drop them: the
    // aggregate must notice on its own.
    let snapshots = MemoryStore::new();
    let open = noted(&store, &["a", "secret", "c"]).await;
    open.save_snapshot(&snapshots).await.unwrap();
    erase(&store, 1).await;

    let reopened = Stored::<Wall>::open_from(store.clone(), &snapshots, wall(), 100)
        .await
        .unwrap();
    assert_eq!(reopened.state(), &notes(&[Some("a"), None, Some("c")]));
    let opened = reopened.opened();
    assert_eq!(opened.resumed_from, None);
    assert!(
        opened
            .passed_over
            .as_deref()
            .is_some_and(|why| why.contains("was erased after the snapshot was saved")),
        "{opened:?}"
    );
    assert_eq!(
        opened.saved_at,
        Some(4),
        "a snapshot without the note replaces it"
    );
    let again = Stored::<Wall>::open_from(store, &snapshots, wall(), 100)
        .await
        .unwrap();
    assert_eq!(again.opened().resumed_from, Some(4));
    assert_eq!(again.state(), reopened.state());
}

#[tokio::test]
async fn the_store_drops_its_own_snapshots_of_a_stream_on_an_erasure() {
    let store = Arc::new(MemoryStore::new());
    let open = noted(&store, &["a", "secret"]).await;
    open.save_snapshot(&*store).await.unwrap();
    erase(&store, 1).await;
    let reopened = Stored::<Wall>::open_from(store.clone(), &*store, wall(), 100)
        .await
        .unwrap();
    assert_eq!(reopened.opened().resumed_from, None);
    assert_eq!(
        reopened.opened().passed_over,
        None,
        "there was none left to pass over"
    );
    assert_eq!(reopened.state(), &notes(&[Some("a"), None]));
}

/// What a test run does to the wall.
#[derive(Debug, Clone)]
enum Step {
    Note(String),
    /// Erase the note in this place (modulo the notes so far), if it is not erased yet.
    Erase(usize),
    /// The long-lived handle catches up.
    CatchUp,
    /// A snapshot of where the long-lived handle stands is saved.
    Snapshot,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => "[a-z]{1,6}".prop_map(Step::Note),
        2 => any::<usize>().prop_map(Step::Erase),
        1 => Just(Step::CatchUp),
        1 => Just(Step::Snapshot),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// However notes, erasures, catch-ups and snapshots interleave, every way of
    /// reading the wall (a handle kept open, a fresh replay, an open from a snapshot
    /// that may predate erasures) gives the notes with the erased ones as tombstones.
    #[test]
    fn every_reading_forgets_exactly_what_was_erased(steps in proptest::collection::vec(step(), 1..40)) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let store = Arc::new(MemoryStore::new());
            let snapshots = MemoryStore::new();
            let mut open = Stored::<Wall>::open(store.clone(), wall()).await.unwrap();
            let mut model: Vec<Option<String>> = Vec::new();
            let mut places: Vec<u64> = Vec::new(); // each note's seq
            for step in steps {
                match step {
                    Step::Note(text) => {
                        open.catch_up().await.unwrap();
                        open.execute(text.clone(), (), at(), None).await.unwrap();
                        places.push(open.next_seq() - 1);
                        model.push(Some(text));
                    }
                    Step::Erase(pick) if !model.is_empty() => {
                        let place = pick % model.len();
                        if model[place].take().is_some() {
                            erase(&store, places[place]).await;
                        }
                    }
                    Step::Erase(_) => {}
                    Step::CatchUp => open.catch_up().await.unwrap(),
                    Step::Snapshot => open.save_snapshot(&snapshots).await.unwrap(),
                }
            }
            let expected = Wall(model);
            open.catch_up().await.unwrap();
            prop_assert_eq!(open.state(), &expected);
            let fresh = Stored::<Wall>::open(store.clone(), wall()).await.unwrap();
            prop_assert_eq!(fresh.state(), &expected);
            let resumed = Stored::<Wall>::open_from(store, &snapshots, wall(), 1_000).await.unwrap();
            prop_assert_eq!(resumed.state(), &expected);
            Ok::<(), TestCaseError>(())
        })?;
    }
}
