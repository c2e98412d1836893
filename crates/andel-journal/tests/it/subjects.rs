//! The subject index: after any run of appends, catch-ups and redactions, a member's
//! entries read through it are exactly the unredacted entries about them, up to the mark.

use andel_journal::{
    Draft, EntryBody, JournalStore, Kind, MemoryStore, Payload, Redaction, StoreError, SubjectId,
    SubjectIndex, catch_up,
};
use proptest::prelude::*;

use crate::build::{at, stream};

const PEOPLE: [&str; 4] = ["ada", "bo", "cy", "Åsa Lind"];

#[derive(Debug, Clone)]
enum Step {
    /// Appends one entry per mask, about the people whose bits are set.
    Append(Vec<u8>),
    CatchUp,
    /// Redacts the entry at this fraction of the stream, if it can be.
    Redact(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        prop::collection::vec(0u8..16, 1..6).prop_map(Step::Append),
        Just(Step::CatchUp),
        any::<u8>().prop_map(Step::Redact),
    ]
}

fn about(body: &EntryBody) -> Result<Vec<SubjectId>, StoreError> {
    if body.kind().is_reserved() {
        return Ok(Vec::new());
    }
    let Some(payload) = body.payload() else {
        return Ok(Vec::new());
    };
    let names: Vec<String> = payload.decode().unwrap();
    Ok(names
        .into_iter()
        .map(|n| SubjectId::new(n).unwrap())
        .collect())
}

fn people(mask: u8) -> Vec<String> {
    (0..PEOPLE.len())
        .filter(|bit| mask & (1 << bit) != 0)
        .map(|bit| PEOPLE[bit].to_owned())
        .collect()
}

async fn run(steps: Vec<Step>) -> Result<(), TestCaseError> {
    let store = MemoryStore::new();
    let s = stream("access");
    // The model: who each entry is about (None once redacted or for a record).
    let mut model: Vec<Option<Vec<String>>> = Vec::new();
    let mut mark = 0;
    for step in steps {
        match step {
            Step::Append(masks) => {
                let drafts = masks
                    .iter()
                    .map(|&m| {
                        let payload = Payload::new(&people(m)).unwrap();
                        Draft::new(Kind::new("test.access").unwrap(), payload, at(0))
                    })
                    .collect();
                store.append(&s, model.len() as u64, drafts).await.unwrap();
                model.extend(masks.iter().map(|&m| Some(people(m))));
            }
            Step::CatchUp => {
                mark = catch_up(&store, &store, &s, about).await.unwrap();
                prop_assert_eq!(mark, model.len() as u64);
            }
            Step::Redact(fraction) => {
                let target = model.len() * usize::from(fraction) / 256;
                if model.get(target).is_some_and(Option::is_some) {
                    store
                        .redact(&s, target as u64, Redaction::new("erasure", at(1)))
                        .await
                        .unwrap();
                    model[target] = None;
                    model.push(None); // the redaction's record
                }
            }
        }
        prop_assert_eq!(store.indexed_to(&s).await.unwrap(), mark);
        for person in PEOPLE {
            let found: Vec<u64> = store
                .read_about(&s, &SubjectId::new(person).unwrap(), 0..u64::MAX)
                .await
                .unwrap()
                .iter()
                .map(|entry| entry.seq())
                .collect();
            let expected: Vec<u64> = (0..mark)
                .filter(|&seq| {
                    model[seq as usize]
                        .as_ref()
                        .is_some_and(|names| names.iter().any(|n| n == person))
                })
                .collect();
            prop_assert_eq!(found, expected, "entries about {}", person);
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn the_index_finds_exactly_the_entries_about_each_member(steps in prop::collection::vec(step(), 1..24)) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(run(steps))?;
    }
}

/// A caller's own error, as a service's would be.
#[derive(Debug)]
struct Wrapped(String);

impl From<StoreError> for Wrapped {
    fn from(err: StoreError) -> Self {
        Wrapped(err.to_string())
    }
}

#[tokio::test]
async fn a_subject_that_cannot_be_read_stops_the_catch_up_where_it_is() {
    let store = MemoryStore::new();
    let s = stream("access");
    let drafts = (0..3)
        .map(|n| {
            Draft::new(
                Kind::new("test.access").unwrap(),
                Payload::new(&n).unwrap(),
                at(0),
            )
        })
        .collect();
    store.append(&s, 0, drafts).await.unwrap();
    let refuse = |body: &EntryBody| -> Result<Vec<SubjectId>, String> {
        Err(format!("entry {} names nobody", body.seq()))
    };
    let err = catch_up(&store, &store, &s, |body: &EntryBody| {
        refuse(body).map_err(Wrapped)
    })
    .await
    .unwrap_err();
    assert_eq!(err.0, "entry 0 names nobody");
    assert_eq!(store.indexed_to(&s).await.unwrap(), 0, "the mark stays");
}
