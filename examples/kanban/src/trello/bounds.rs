//! Reading within bounds: an export's top level taken as an object only, the first
//! pass that counts its entries without keeping them, and the reader's errors with
//! their places.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::TrelloError;

pub(super) fn json_error(error: serde_json::Error) -> TrelloError {
    let (line, column) = (error.line(), error.column());
    let text = error.to_string();
    let place = format!(" at line {line} column {column}");
    let message = text.strip_suffix(&place).unwrap_or(&text).to_owned();
    // The reader counts columns of what it has read: before the first character, 0.
    let column = column.max(1);
    match error.classify() {
        serde_json::error::Category::Data => TrelloError::NotABoard {
            message,
            line,
            column,
        },
        _ => TrelloError::NotJson {
            message,
            line,
            column,
        },
    }
}

/// The line and column (from 1) of a byte offset in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, column)
}

/// A Trello board export's top level: a JSON object, and nothing else.
pub(super) struct TopLevel<T>(pub(super) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for TopLevel<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectOnly::<T>(PhantomData))
    }
}

struct ObjectOnly<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
    type Value = TopLevel<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Trello board export (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TopLevel<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(TopLevel)
    }
}

// ---------------------------------------------------------------------------------
// The first pass: how many entries the export holds.

/// How many entries an export holds, with checklist items and card attachments.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase", expecting = "a Trello board export")]
pub(super) struct Census {
    labels: Counted<IgnoredAny>,
    lists: Counted<IgnoredAny>,
    cards: Counted<CardCensus>,
    checklists: Counted<ChecklistCensus>,
    actions: Counted<IgnoredAny>,
    members: Counted<IgnoredAny>,
}

impl Census {
    pub(super) fn total(&self) -> usize {
        [
            self.labels.0,
            self.lists.0,
            self.cards.0,
            self.checklists.0,
            self.actions.0,
            self.members.0,
        ]
        .into_iter()
        .fold(0, usize::saturating_add)
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello card")]
struct CardCensus {
    #[serde(default)]
    attachments: Counted<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello checklist")]
struct ChecklistCensus {
    #[serde(default)]
    check_items: Counted<IgnoredAny>,
}

/// How many entries something stands for.
trait Weight {
    fn weight(&self) -> usize;
}

impl Weight for IgnoredAny {
    fn weight(&self) -> usize {
        1
    }
}

impl Weight for CardCensus {
    fn weight(&self) -> usize {
        self.attachments.0.saturating_add(1)
    }
}

impl Weight for ChecklistCensus {
    fn weight(&self) -> usize {
        self.check_items.0.saturating_add(1)
    }
}

/// The total weight of a JSON array's entries, read without keeping them; anything
/// but an array weighs nothing.
struct Counted<T>(usize, PhantomData<T>);

impl<T> Default for Counted<T> {
    fn default() -> Self {
        Counted(0, PhantomData)
    }
}

impl<'de, T: Deserialize<'de> + Weight> Deserialize<'de> for Counted<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(Tally::<T>(PhantomData))
            .map(|total| Counted(total, PhantomData))
    }
}

struct Tally<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Weight> Visitor<'de> for Tally<T> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut total = 0_usize;
        while let Some(entry) = seq.next_element::<T>()? {
            total = total.saturating_add(entry.weight());
        }
        Ok(total)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_none<E>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_unit<E>(self) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_str<E>(self, _: &str) -> Result<usize, E> {
        Ok(0)
    }
}

/// How many entries a JSON array holds (anything else: none), for what is counted in
/// the report and not imported.
#[derive(Default)]
pub(super) struct Many(pub(super) usize);

impl<'de> Deserialize<'de> for Many {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Counted::<IgnoredAny>::deserialize(deserializer).map(|counted| Many(counted.0))
    }
}
