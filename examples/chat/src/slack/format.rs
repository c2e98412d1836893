//! Slack's JSON in the shapes this reader takes: the fields it reads and no others
//! (the rest are passed over unread), each read leniently, so that a value of an
//! unexpected type is taken as missing and reported rather than refusing the export,
//! and each list kept no longer than its cap.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The lists Slack writes at an export's root.
pub(super) const LIST_FILES: [&str; 5] = [
    "users.json",
    "channels.json",
    "groups.json",
    "dms.json",
    "mpims.json",
];

/// Members kept for one conversation.
pub(super) const MAX_MEMBERS: usize = 100_000;
/// Reactions kept on one message.
pub(super) const MAX_REACTIONS: usize = 100;
/// Users kept for one reaction.
pub(super) const MAX_REACTION_USERS: usize = 10_000;
/// Files kept on one message.
pub(super) const MAX_MESSAGE_FILES: usize = 100;

/// An entry of `users.json`.
#[derive(Default, Deserialize)]
pub(super) struct RawUser {
    #[serde(default)]
    pub(super) id: Text,
    #[serde(default)]
    pub(super) name: Text,
    #[serde(default)]
    pub(super) real_name: Text,
    #[serde(default)]
    pub(super) deleted: Flag,
    #[serde(default)]
    pub(super) is_bot: Flag,
    #[serde(default)]
    pub(super) profile: Obj<RawProfile>,
}

#[derive(Default, Deserialize)]
pub(super) struct RawProfile {
    #[serde(default)]
    pub(super) real_name: Text,
}

/// An entry of `channels.json`, `groups.json`, `dms.json` or `mpims.json`.
#[derive(Default, Deserialize)]
pub(super) struct RawConversation {
    #[serde(default)]
    pub(super) id: Text,
    #[serde(default)]
    pub(super) name: Text,
    #[serde(default)]
    pub(super) created: Int,
    #[serde(default)]
    pub(super) creator: Text,
    #[serde(default)]
    pub(super) is_archived: Flag,
    #[serde(default)]
    pub(super) members: List<Text, MAX_MEMBERS>,
    #[serde(default)]
    pub(super) topic: Topic,
    #[serde(default)]
    pub(super) purpose: Topic,
}

/// A message of a day file.
#[derive(Default, Deserialize)]
pub(super) struct RawMessage {
    #[serde(default)]
    pub(super) ts: Text,
    #[serde(default)]
    pub(super) user: Text,
    #[serde(default)]
    pub(super) bot_id: Text,
    #[serde(default)]
    pub(super) username: Text,
    #[serde(default)]
    pub(super) text: Text,
    #[serde(default)]
    pub(super) subtype: Text,
    #[serde(default)]
    pub(super) thread_ts: Text,
    #[serde(default)]
    pub(super) edited: Obj<RawEdited>,
    #[serde(default)]
    pub(super) reactions: List<Obj<RawReaction>, MAX_REACTIONS>,
    #[serde(default)]
    pub(super) files: List<Obj<RawFile>, MAX_MESSAGE_FILES>,
}

#[derive(Default, Deserialize)]
pub(super) struct RawEdited {
    #[serde(default)]
    pub(super) user: Text,
    #[serde(default)]
    pub(super) ts: Text,
}

#[derive(Default, Deserialize)]
pub(super) struct RawReaction {
    #[serde(default)]
    pub(super) name: Text,
    #[serde(default)]
    pub(super) users: List<Text, MAX_REACTION_USERS>,
}

#[derive(Default, Deserialize)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) id: Text,
    #[serde(default)]
    pub(super) name: Text,
    #[serde(default)]
    pub(super) title: Text,
    #[serde(default)]
    pub(super) mimetype: Text,
    #[serde(default)]
    pub(super) size: Int,
    #[serde(default)]
    pub(super) url_private: Text,
}

// ---------------------------------------------------------------------------------
// The lenient readers.

/// The visits a lenient visitor answers with its value's default: the kinds of JSON
/// value it does not take. Lists and objects are read through, unkept.
macro_rules! default_visits {
    ($($kind:ident),* $(,)?) => { $(default_visit!($kind);)* };
}

macro_rules! default_visit {
    (scalars) => {
        fn visit_some<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
    (str) => {
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
    (seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Default::default())
        }
    };
    (map) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Default::default())
        }
    };
}

/// A JSON string, or `None` for anything else; and whether it was something else
/// than a string or `null` (a number, an object…), which callers may report.
#[derive(Debug, Default)]
pub(super) struct Text(pub(super) Option<String>, pub(super) bool);

impl Text {
    /// The text, or empty.
    pub(super) fn or_empty(self) -> String {
        self.0.unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ScalarVisitor)
            .map(|scalar| match scalar {
                Scalar::Text(text) => Text(Some(text), false),
                Scalar::Null => Text(None, false),
                _ => Text(None, true),
            })
    }
}

/// `true`, or `false` for anything else.
#[derive(Debug, Default)]
pub(super) struct Flag(pub(super) bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ScalarVisitor)
            .map(|scalar| Flag(matches!(scalar, Scalar::Bool(true))))
    }
}

/// A whole number, or `None` for anything else.
#[derive(Debug, Default)]
pub(super) struct Int(pub(super) Option<i64>);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ScalarVisitor)
            .map(|scalar| match scalar {
                Scalar::Int(number) => Int(Some(number)),
                _ => Int(None),
            })
    }
}

/// A JSON value as [`Text`], [`Flag`] and [`Int`] take it.
#[derive(Default)]
enum Scalar {
    Text(String),
    Int(i64),
    Bool(bool),
    Null,
    #[default]
    Other,
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

    fn visit_bool<E>(self, flag: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(flag))
    }

    fn visit_i64<E>(self, number: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(number))
    }

    fn visit_u64<E>(self, number: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(number).map_or(Scalar::Other, Scalar::Int))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    default_visits!(seq, map);
}

/// An object read as `T`, or `None` for anything else.
#[derive(Debug)]
pub(super) struct Obj<T>(pub(super) Option<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Obj(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjVisitor(PhantomData))
    }
}

struct ObjVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(|value| Obj(Some(value)))
    }

    default_visits!(scalars, str, seq);
}

/// A topic or purpose: `{"value": "…", "creator": …}`, or plain text.
#[derive(Debug, Default)]
pub(super) struct Topic(pub(super) Option<String>);

#[derive(Default, Deserialize)]
struct RawTopic {
    #[serde(default)]
    value: Text,
}

impl<'de> Deserialize<'de> for Topic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TopicVisitor)
    }
}

struct TopicVisitor;

impl<'de> Visitor<'de> for TopicVisitor {
    type Value = Topic;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Topic, A::Error> {
        RawTopic::deserialize(MapAccessDeserializer::new(map)).map(|topic| Topic(topic.value.0))
    }

    fn visit_str<E>(self, text: &str) -> Result<Topic, E> {
        Ok(Topic(Some(text.to_owned())))
    }

    default_visits!(scalars, seq);
}

/// A JSON array's first `MAX` entries, and how many more it had; anything but an
/// array is empty.
#[derive(Debug)]
pub(super) struct List<T, const MAX: usize> {
    pub(super) kept: Vec<T>,
    pub(super) more: usize,
}

impl<T, const MAX: usize> Default for List<T, MAX> {
    fn default() -> Self {
        List {
            kept: Vec::new(),
            more: 0,
        }
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for List<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T, const MAX: usize>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const MAX: usize> Visitor<'de> for ListVisitor<T, MAX> {
    type Value = List<T, MAX>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut list = List::default();
        while list.kept.len() < MAX {
            match seq.next_element::<T>()? {
                Some(value) => list.kept.push(value),
                None => return Ok(list),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {
            list.more = list.more.saturating_add(1);
        }
        Ok(list)
    }

    default_visits!(scalars, str, map);
}
