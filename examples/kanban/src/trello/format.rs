//! The second pass: Trello's export in the shapes an import reads, the fields it
//! takes and no others, and the lenient readers that take `null`, a number in text or
//! a value of an unexpected type without refusing the export.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::bounds::Many;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello board export")]
pub(super) struct Export {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) closed: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) labels: Vec<TrelloLabel>,
    #[serde(deserialize_with = "nullable")]
    pub(super) lists: Vec<TrelloList>,
    #[serde(deserialize_with = "nullable")]
    pub(super) cards: Vec<TrelloCard>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) checklists: Vec<TrelloChecklist>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) actions: Vec<TrelloAction>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) members: Vec<TrelloMember>,
    #[serde(default)]
    pub(super) custom_fields: Many,
    #[serde(default)]
    pub(super) power_ups: Many,
    #[serde(default)]
    pub(super) plugin_data: Many,
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello label")]
pub(super) struct TrelloLabel {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default)]
    pub(super) color: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello list")]
pub(super) struct TrelloList {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) closed: bool,
    #[serde(default, deserialize_with = "position")]
    pub(super) pos: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello card")]
pub(super) struct TrelloCard {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) id_list: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) desc: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) closed: bool,
    #[serde(default, deserialize_with = "position")]
    pub(super) pos: f64,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) due: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) id_labels: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) id_members: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) attachments: Vec<TrelloAttachment>,
    #[serde(default)]
    pub(super) stickers: Many,
    #[serde(default)]
    pub(super) id_members_voted: Many,
    #[serde(default)]
    pub(super) custom_field_items: Many,
    #[serde(default)]
    pub(super) plugin_data: Many,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello attachment")]
pub(super) struct TrelloAttachment {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) url: String,
    #[serde(default, deserialize_with = "position")]
    pub(super) pos: f64,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) id_member: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello checklist")]
pub(super) struct TrelloChecklist {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) id_card: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "position")]
    pub(super) pos: f64,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) check_items: Vec<TrelloItem>,
}

#[derive(Deserialize)]
#[serde(expecting = "a Trello checklist item")]
pub(super) struct TrelloItem {
    pub(super) id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub(super) name: String,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) state: String,
    #[serde(default, deserialize_with = "position")]
    pub(super) pos: f64,
}

/// An action: Trello's history. Read loosely (a field of an unexpected type is taken
/// as missing), since actions come in many kinds and only two are used.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a Trello action")]
pub(super) struct TrelloAction {
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) id: String,
    #[serde(rename = "type", default, deserialize_with = "loose_text")]
    pub(super) kind: String,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) date: String,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) id_member_creator: String,
    #[serde(default, deserialize_with = "loose")]
    pub(super) data: ActionData,
    #[serde(default, deserialize_with = "loose")]
    pub(super) member_creator: TrelloMember,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "an action's data")]
pub(super) struct ActionData {
    #[serde(default, deserialize_with = "loose")]
    pub(super) card: CardRef,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) text: String,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "a card")]
pub(super) struct CardRef {
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) id: String,
}

#[derive(Default, Deserialize)]
#[serde(expecting = "a Trello member")]
pub(super) struct TrelloMember {
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) id: String,
    #[serde(default, deserialize_with = "loose_text")]
    pub(super) username: String,
}

/// A value taken as its default when it is `null`.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// An object taken as its default when it is anything but an object.
fn loose<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    deserializer.deserialize_any(Loose::<T>(PhantomData))
}

/// Text, or empty when it is anything else.
fn loose_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Scalar::deserialize(deserializer)? {
        Scalar::Text(text) => text,
        _ => String::new(),
    })
}

/// A position: a number, or a number in text; anything else (or not finite) is 0.
fn position<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    let pos = match Scalar::deserialize(deserializer)? {
        Scalar::Number(pos) => pos,
        Scalar::Text(text) => text.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    };
    Ok(if pos.is_finite() { pos } else { 0.0 })
}

/// A JSON value as the loose readers take it.
enum Scalar {
    Text(String),
    Number(f64),
    Other,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(text))
    }

    fn visit_f64<E>(self, number: f64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number as f64))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Scalar, E> {
        Ok(Scalar::Number(number as f64))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// Reads an object as `T`, and anything else as `T`'s default.
struct Loose<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for Loose<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(T::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(T::default())
    }
}
