//! Shared builders.

use andel_consent::{Action, Charter, MemberId, Policy, Schema};
use chrono::{DateTime, Utc};

pub(crate) fn member(name: &str) -> MemberId {
    name.parse().unwrap()
}

pub(crate) fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A kanban service: boards and cards, every action on both.
pub(crate) fn kanban() -> Schema {
    Schema::new()
        .kind("board".parse().unwrap(), Action::ALL)
        .kind("card".parse().unwrap(), Action::ALL)
}

pub(crate) fn policy(text: &str) -> Policy {
    Policy::from_toml("test.toml", text, &kanban(), &Charter::default())
        .unwrap_or_else(|err| panic!("{err}"))
}
