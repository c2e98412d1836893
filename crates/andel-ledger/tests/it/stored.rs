//! The ledger kept in a journal: replay, conflicts, atomic batches, imports.

use std::sync::Arc;

use andel_journal::{
    JournalStore, MemoryStore, ProjectionId, SnapshotStore, Snapshotted, StateSnapshot, StreamId,
};
use andel_ledger::{
    Command, LEDGER_STREAM, Ledger, StoredLedger, StoredLedgerError, import, open_ledger,
    open_ledger_from,
};

use crate::support::{apply, d, m, pay, statutes, two_members};

fn at() -> andel_journal::Timestamp {
    "2026-11-27T09:00:00Z".parse().unwrap()
}

async fn adopted(store: Arc<MemoryStore>) -> StoredLedger {
    let mut ledger = open_ledger(store).await.unwrap();
    ledger
        .execute(
            Command::AdoptStatutes {
                statutes: Box::new(statutes()),
            },
            d("2026-01-01"),
            at(),
            None,
        )
        .await
        .unwrap();
    ledger
}

#[tokio::test]
async fn a_reopened_ledger_equals_the_one_written() {
    let store = Arc::new(MemoryStore::new());
    let mut ledger = adopted(store.clone()).await;
    for (command, on) in two_members() {
        ledger.execute(command, d(on), at(), None).await.unwrap();
    }
    let reopened = open_ledger(store.clone()).await.unwrap();
    assert_eq!(reopened.state(), ledger.state());
    let stream = StreamId::new("ledger").unwrap();
    let entries = store.read(&stream, 0..u64::MAX).await.unwrap();
    assert_eq!(entries[1].kind().as_str(), "ledger.applied");
    andel_journal::verify(&entries).unwrap();
}

#[tokio::test]
async fn two_writers_do_not_fork_the_ledger() {
    let store = Arc::new(MemoryStore::new());
    let mut first = adopted(store.clone()).await;
    let mut second = open_ledger(store.clone()).await.unwrap();
    first
        .execute(apply("Ada", "users"), d("2026-01-10"), at(), None)
        .await
        .unwrap();
    // The second writer is behind: it catches up and decides again, so Bo is member 2.
    second
        .execute(apply("Bo", "users"), d("2026-01-11"), at(), None)
        .await
        .unwrap();
    assert_eq!(second.state().member_name(m(2)), Some("Bo"));
    first.catch_up().await.unwrap();
    assert_eq!(first.state(), second.state());
}

#[tokio::test]
async fn a_batch_is_recorded_whole_or_not_at_all() {
    let store = Arc::new(MemoryStore::new());
    let mut ledger = adopted(store.clone()).await;
    let batch = vec![
        (apply("Ada", "users"), d("2026-01-10")),
        (pay("k", 1, "users", "100"), d("2026-01-10")),
        (pay("k2", 1, "users", "1"), d("2026-01-11")), // more than owed: refused
    ];
    let err = ledger.execute_all(&batch, at(), None).await.unwrap_err();
    assert!(matches!(err, StoredLedgerError::Decide(_)), "{err}");
    let reopened = open_ledger(store.clone()).await.unwrap();
    assert_eq!(reopened.state().event_count(), 1, "only the statutes");
    ledger.execute_all(&batch[..2], at(), None).await.unwrap();
    assert_eq!(open_ledger(store).await.unwrap().state(), ledger.state());
}

#[tokio::test]
async fn a_members_spreadsheet_imports_once() {
    let store = Arc::new(MemoryStore::new());
    let mut ledger = adopted(store.clone()).await;
    let csv = "Name,Class,Admitted_On,Shares,Paid,Person,Representative\n\
               Ada,workers,2026-01-05,2,1000,,\n\
               \"Acme, AB\",supporters,2026-01-03,1,1000,legal,Eva\n\
               Bo,users,2026-01-04,,40,natural,\n";
    let plan = import::plan(ledger.state(), csv).unwrap();
    let names: Vec<_> = plan
        .members
        .iter()
        .map(|p| (p.member.get(), p.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [(1, "Acme, AB"), (2, "Bo"), (3, "Ada")],
        "numbered in date order"
    );
    ledger
        .execute_all(&plan.commands, at(), None)
        .await
        .unwrap();
    let register = ledger.state().register(d("2026-02-01"));
    assert_eq!(register.rows.len(), 3);
    assert_eq!(register.rows[2].shares, 2);
    assert_eq!(register.rows[1].outstanding.to_string(), "60.00");
    // The same file again: everyone is skipped.
    let again = import::plan(ledger.state(), csv).unwrap();
    assert!(again.members.is_empty());
    assert_eq!(again.skipped.len(), 3);

    let bad = "name,class,admitted_on,paid\nCy,users,2026-02-01,abc\nDi,users,2026-02-01,500\nEd,nobody,2026-02-01,\n,users,2026-02-01,\n";
    let err = import::plan(ledger.state(), bad).unwrap_err();
    let lines: Vec<_> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4, 5], "{err}");
    assert!(
        err.to_string()
            .contains("line 3: member 4: 500.00 is more than the unpaid capital (100.00)"),
        "{err}"
    );
    let unknown = import::plan(ledger.state(), "name,class,admitted_on,email\n").unwrap_err();
    assert!(
        unknown.to_string().contains("unknown column `email`"),
        "{unknown}"
    );
}

#[tokio::test]
async fn an_erased_entry_stops_the_ledger_from_opening() {
    let store = Arc::new(MemoryStore::new());
    let mut ledger = adopted(store.clone()).await;
    ledger
        .execute(apply("Ada", "users"), d("2026-01-10"), at(), None)
        .await
        .unwrap();
    let stream = StreamId::new("ledger").unwrap();
    store
        .redact(
            &stream,
            1,
            andel_journal::Redaction::new("erasure request", at()),
        )
        .await
        .unwrap();
    let Err(err) = open_ledger(store).await else {
        panic!("a ledger with an erased event opened")
    };
    assert!(
        matches!(err, StoredLedgerError::Erased { seq: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("legal retention"), "{err}");
}

/// A ledger of two members, with a snapshot saved after `saved_after` of its commands.
async fn with_snapshot(saved_after: usize) -> (Arc<MemoryStore>, StoredLedger) {
    let store = Arc::new(MemoryStore::new());
    let mut ledger = adopted(store.clone()).await;
    for (i, (command, on)) in two_members().into_iter().enumerate() {
        if i == saved_after {
            ledger.save_snapshot(&*store).await.unwrap();
        }
        ledger.execute(command, d(on), at(), None).await.unwrap();
    }
    (store, ledger)
}

fn state_format() -> ProjectionId {
    ProjectionId::new(<Ledger as Snapshotted>::FORMAT).unwrap()
}

fn ledger_stream() -> StreamId {
    StreamId::new(LEDGER_STREAM).unwrap()
}

#[tokio::test]
async fn a_ledger_opened_from_its_snapshot_equals_a_full_replay() {
    let (store, ledger) = with_snapshot(2).await;
    let saved = store
        .latest_state(&state_format(), &ledger_stream())
        .await
        .unwrap()
        .unwrap();
    let opened = open_ledger_from(store.clone(), &*store).await.unwrap();
    assert_eq!(opened.opened().resumed_from, Some(saved.next_seq()));
    assert_eq!(opened.opened().passed_over, None);
    assert_eq!(opened.state(), ledger.state());
    assert_eq!(
        opened.state(),
        open_ledger(store.clone()).await.unwrap().state()
    );
    // It goes on as any ledger does.
    let mut opened = opened;
    let more = opened
        .execute(apply("Cy", "users"), d("2026-06-01"), at(), None)
        .await
        .unwrap();
    assert!(!more.is_empty());
    assert_eq!(
        opened.state(),
        open_ledger(store.clone()).await.unwrap().state()
    );
    assert_eq!(opened.check_snapshot(&*store).await.unwrap(), None);
}

#[tokio::test]
async fn a_snapshot_of_another_journal_is_passed_over() {
    let (store, ledger) = with_snapshot(3).await;
    // The same snapshot in a store whose ledger went another way from its second entry.
    let saved = store
        .latest_state(&state_format(), &ledger_stream())
        .await
        .unwrap()
        .unwrap();
    let other = Arc::new(MemoryStore::new());
    let mut forked = adopted(other.clone()).await;
    forked
        .execute(apply("Cy", "users"), d("2026-01-10"), at(), None)
        .await
        .unwrap();
    other.save_state(&state_format(), &saved).await.unwrap();
    let opened = open_ledger_from(other.clone(), &*other).await.unwrap();
    assert_eq!(opened.opened().resumed_from, None);
    let why = opened.opened().passed_over.clone().unwrap();
    assert!(why.contains("no longer has"), "{why}");
    assert_eq!(opened.state(), forked.state());
    assert_ne!(opened.state(), ledger.state());
}

#[tokio::test]
async fn an_undecodable_snapshot_is_passed_over_and_a_forged_one_is_found() {
    let (store, ledger) = with_snapshot(3).await;
    let saved = store
        .latest_state(&state_format(), &ledger_stream())
        .await
        .unwrap()
        .unwrap();
    let head = andel_journal::StreamHead::at(ledger_stream(), saved.next_seq(), *saved.last_hash());

    // Bytes that are not a ledger: passed over, saying why, and the replay is whole.
    let garbage = Arc::new(MemoryStore::new());
    copy_ledger(&store, &garbage).await;
    garbage
        .save_state(&state_format(), &StateSnapshot::new(&head, vec![1, 2, 3]))
        .await
        .unwrap();
    let opened = open_ledger_from(garbage.clone(), &*garbage).await.unwrap();
    let why = opened.opened().passed_over.clone().unwrap();
    assert!(
        why.contains("does not decode as `ledger.state.v1`"),
        "{why}"
    );
    assert_eq!(opened.state(), ledger.state());
    let replayed = open_ledger(garbage.clone()).await.unwrap();
    assert_eq!(replayed.check_snapshot(&*garbage).await.unwrap(), Some(why));

    // A well-formed state that is not the one these entries give (the whole ledger's,
    // saved as if taken earlier): opening trusts it, the check finds it.
    let forged = Arc::new(MemoryStore::new());
    copy_ledger(&store, &forged).await;
    forged
        .save_state(
            &state_format(),
            &StateSnapshot::new(&head, ledger.state().encode_state()),
        )
        .await
        .unwrap();
    let replayed = open_ledger(forged.clone()).await.unwrap();
    let found = replayed.check_snapshot(&*forged).await.unwrap().unwrap();
    assert!(found.contains("differs from a replay"), "{found}");
}

#[tokio::test]
async fn a_long_tail_saves_a_new_snapshot() {
    let (store, ledger) = with_snapshot(usize::MAX).await;
    // Fewer events than SNAPSHOT_AFTER: nothing saved.
    let opened = open_ledger_from(store.clone(), &*store).await.unwrap();
    assert_eq!(opened.opened().saved_at, None);
    assert_eq!(
        store
            .latest_state(&state_format(), &ledger_stream())
            .await
            .unwrap(),
        None
    );
    assert_eq!(opened.state(), ledger.state());
}

async fn copy_ledger(from: &MemoryStore, to: &MemoryStore) {
    let entries = from.read(&ledger_stream(), 0..u64::MAX).await.unwrap();
    to.import(&ledger_stream(), entries).await.unwrap();
}
