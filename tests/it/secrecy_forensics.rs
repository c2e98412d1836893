//! A closed secret ballot, read as an attacker with a copy of the database reads it:
//! not through SQL, but the bytes. SQLite's file (and a backup taken after the close)
//! and PostgreSQL's heap pages (dead row versions included) must not order the ballots
//! by the time they were cast, since the journal says who took part in that order.
//!
//! The attack: find each receipt's bytes, order the ballots by where they lie (or by
//! the transaction that wrote them), and pair the k-th with the k-th participant.
//! Chance pairs about one voter with their own ballot; before the box was sealed by
//! rewriting the whole file, SQLite's page layout paired all 40.

use std::sync::Arc;

use andel::decisions::{
    Choice, Mark,
    secret::{BallotBox, Receipt, SecretVote, cast_secret, close_secret},
};
use andel::journal::{JournalStore, StreamId, TenantId};

use crate::secret_stored::{id, open, recorded, t};

const VOTERS: usize = 40;

/// More pairs than this would be a link, not chance: a random order gives 7 or more
/// fixed points of 40 less than once in ten thousand runs.
const CHANCE: usize = 6;

/// Opens a secret motion for 40 voters, casts one ballot each in voter order, closes
/// it (which seals the box), and returns the receipts in the order of casting: the
/// order in which the journal lists who took part.
async fn vote_and_close<S: JournalStore + BallotBox + 'static>(store: Arc<S>) -> Vec<Receipt> {
    let stream = StreamId::new("decision.budget-2028").unwrap();
    let recorded = recorded();
    let mut proposal = open(store.clone(), &stream, VOTERS).await;
    let mut receipts = Vec::new();
    for i in 0..VOTERS {
        let choice = [Choice::Yes, Choice::No, Choice::Abstain][i % 3];
        let vote = SecretVote {
            voter: id(i),
            by: None,
            mark: Mark::Choice(choice),
        };
        let receipt = cast_secret(&mut proposal, &*store, vote, t(2), recorded, None)
            .await
            .unwrap();
        receipts.push(receipt);
    }
    close_secret(&mut proposal, &*store, t(10), recorded, None)
        .await
        .unwrap();
    receipts
}

/// How many voters the attacker pairs with their own ballot when taking `order` (the
/// receipts as the attacker ordered them) as the order of casting.
fn linked(cast: &[Receipt], order: &[Receipt]) -> usize {
    cast.iter().zip(order).filter(|(a, b)| a == b).count()
}

/// Every offset at which `needle` occurs in `haystack`.
fn offsets(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// The attacker's orders of an SQLite file: by offset up, by offset down, and by page
/// up with offsets down within a page (how SQLite fills a page as rows arrive). Each
/// receipt must lie in the file exactly once: no stale copy in free space.
fn sqlite_orders(file: &[u8], cast: &[Receipt]) -> Vec<Vec<Receipt>> {
    let page = usize::from(u16::from_be_bytes([file[16], file[17]]));
    let page = if page == 1 { 65536 } else { page };
    let mut placed: Vec<(usize, Receipt)> = cast
        .iter()
        .map(|receipt| {
            let found = offsets(file, receipt.as_bytes());
            assert_eq!(found.len(), 1, "receipt {receipt} lies at {found:?}");
            (found[0], *receipt)
        })
        .collect();
    placed.sort_by_key(|(offset, _)| *offset);
    let up: Vec<Receipt> = placed.iter().map(|(_, r)| *r).collect();
    let down: Vec<Receipt> = up.iter().rev().copied().collect();
    placed.sort_by_key(|(offset, _)| (offset / page, std::cmp::Reverse(*offset)));
    let filled: Vec<Receipt> = placed.iter().map(|(_, r)| *r).collect();
    vec![up, down, filled]
}

#[test]
fn a_closed_secret_ballot_in_sqlite_does_not_order_ballots_by_casting() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let path = dir.path().join("coop.db");
    let backup = dir.path().join("backup.db");
    let cast = runtime.block_on(async {
        let database = andel::store::SqliteDatabase::open(&path).await.unwrap();
        let store = Arc::new(database.store(TenantId::new("coop").unwrap()));
        let cast = vote_and_close(store).await;
        let wal = path.with_extension("db-wal");
        assert!(
            std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0,
            "the write-ahead log still holds pages written while voting"
        );
        // A backup taken after the close, as an operator takes one.
        sqlx::query(&format!("VACUUM INTO '{}'", backup.display()))
            .execute(database.pool())
            .await
            .unwrap();
        database.close().await;
        cast
    });
    for file in [&path, &backup] {
        let bytes = std::fs::read(file).unwrap();
        for order in sqlite_orders(&bytes, &cast) {
            let pairs = linked(&cast, &order);
            assert!(
                pairs <= CHANCE,
                "{}: {pairs} of {VOTERS} voters linked to their ballot by its place in the file",
                file.display()
            );
        }
    }
}

#[test]
fn a_closed_secret_ballot_in_postgres_does_not_order_ballots_by_casting() {
    crate::on_postgres("secrecy forensics", async |database| {
        let store = Arc::new(database.store(TenantId::new("coop").unwrap()));
        let cast = vote_and_close(store).await;
        let pool = database.pool();
        sqlx::query("CREATE EXTENSION IF NOT EXISTS pageinspect")
            .execute(pool)
            .await
            .expect("the forensic test reads pages with pageinspect (PostgreSQL's contrib)");
        // The extension may live in another schema, created by an earlier run.
        let ext: String = sqlx::query_scalar(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pageinspect'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        // Every row version on every page of the table, dead ones too, in page order.
        let pages: i64 = sqlx::query_scalar(
            "SELECT (pg_relation_size('andel_ballots') / current_setting('block_size')::int)::bigint",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        let mut tuples: Vec<(i64, i32, String, Vec<u8>)> = Vec::new();
        for page in 0..pages {
            let rows: Vec<(i32, Option<String>, Option<Vec<u8>>)> = sqlx::query_as(
                &format!("SELECT lp::int, t_xmin::text, t_data FROM {ext}.heap_page_items({ext}.get_raw_page('andel_ballots', $1::int))"),
            )
            .bind(page)
            .fetch_all(pool)
            .await
            .unwrap();
            for (lp, xmin, data) in rows {
                if let (Some(xmin), Some(data)) = (xmin, data) {
                    tuples.push((page, lp, xmin, data));
                }
            }
        }
        let versions = |receipt: &Receipt| -> Vec<usize> {
            tuples
                .iter()
                .enumerate()
                .filter(|(_, (_, _, _, data))| !offsets(data, receipt.as_bytes()).is_empty())
                .map(|(i, _)| i)
                .collect()
        };
        let mut by_place = Vec::new();
        let mut by_writer = Vec::new();
        for receipt in &cast {
            let found = versions(receipt);
            assert_eq!(
                found.len(),
                1,
                "receipt {receipt} has {} row versions on the pages (dead ones keep the order of casting)",
                found.len()
            );
            let (page, lp, xmin, _) = &tuples[found[0]];
            by_place.push(((*page, *lp), *receipt));
            by_writer.push(((xmin.parse::<u64>().unwrap(), *page, *lp), *receipt));
        }
        by_place.sort_by_key(|(place, _)| *place);
        by_writer.sort_by_key(|(writer, _)| *writer);
        let writers: std::collections::BTreeSet<_> =
            by_writer.iter().map(|((x, _, _), _)| *x).collect();
        assert_eq!(
            writers.len(),
            1,
            "rows written by {} transactions",
            writers.len()
        );
        for order in [
            by_place.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
            by_place.iter().rev().map(|(_, r)| *r).collect(),
            by_writer.iter().map(|(_, r)| *r).collect(),
        ] {
            let pairs = linked(&cast, &order);
            assert!(
                pairs <= CHANCE,
                "{pairs} of {VOTERS} voters linked to their ballot by its row's place or writer"
            );
        }
    });
}
