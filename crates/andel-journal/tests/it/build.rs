//! Builds journals for tests: several interleaved streams, with redactions.

use std::collections::HashMap;

use andel_journal::{
    AuthorId, Draft, Entry, Kind, Payload, Redaction, Salt, StreamHead, StreamId, Timestamp,
};

/// A journal under construction: entries in input order, and each stream's head.
#[derive(Default)]
pub(crate) struct Journal {
    pub(crate) entries: Vec<Entry>,
    heads: HashMap<StreamId, StreamHead>,
}

pub(crate) fn at(seconds: i64) -> Timestamp {
    Timestamp::new(chrono::DateTime::from_timestamp(1_780_000_000 + seconds, 0).unwrap()).unwrap()
}

pub(crate) fn stream(name: &str) -> StreamId {
    StreamId::new(name).unwrap()
}

impl Journal {
    /// Appends a payload to a stream; returns the entry's position.
    pub(crate) fn append(
        &mut self,
        stream_name: &str,
        payload: Payload,
        author: Option<&str>,
        salt: Option<[u8; 32]>,
    ) -> usize {
        let n = self.entries.len() as i64;
        let mut draft = Draft::new(Kind::new("test.event").unwrap(), payload, at(n));
        if let Some(author) = author {
            draft = draft.by(AuthorId::new(author).unwrap());
        }
        if let Some(salt) = salt {
            draft = draft.with_salt(Salt::from_bytes(salt));
        }
        let head = self
            .heads
            .entry(stream(stream_name))
            .or_insert_with(|| StreamHead::new(stream(stream_name)));
        let entry = head.seal(head.next_seq(), draft).unwrap();
        head.advance(&entry);
        self.entries.push(entry);
        self.entries.len() - 1
    }

    /// Redacts the entry at `position`, appending the record; false if it cannot be.
    pub(crate) fn redact(&mut self, position: usize, reason: &str) -> bool {
        let target = self.entries[position].clone();
        let head = self.heads.get_mut(target.stream()).unwrap();
        let redaction =
            Redaction::new(reason, at(self.entries.len() as i64)).by(AuthorId::new("dpo").unwrap());
        let Ok(record) = head.seal_redaction(&target, redaction) else {
            return false;
        };
        head.advance(&record);
        self.entries[position] = target.redacted();
        self.entries.push(record);
        true
    }
}

pub(crate) mod strategy {
    //! proptest strategies for journals.

    use proptest::prelude::*;

    use super::Journal;
    use andel_journal::Payload;

    /// One step: append to stream `stream` with a payload holding a unique token, or
    /// redact an earlier entry.
    #[derive(Debug, Clone)]
    pub(crate) enum Step {
        Append {
            stream: usize,
            author: Option<usize>,
            text: String,
            number: i32,
        },
        Redact {
            pick: usize,
        },
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0usize..3, proptest::option::of(0usize..2), "[ -~é€😀\n\"\\\\]{0,12}", any::<i32>())
                .prop_map(|(stream, author, text, number)| Step::Append { stream, author, text, number }),
            1 => any::<usize>().prop_map(|pick| Step::Redact { pick }),
        ]
    }

    pub(crate) fn steps(max: usize) -> impl Strategy<Value = Vec<Step>> {
        proptest::collection::vec(step(), 1..max)
    }

    /// Builds the journal; payloads carry a unique `token` so tests can look for them.
    pub(crate) fn build(steps: &[Step]) -> Journal {
        let mut journal = Journal::default();
        for (i, step) in steps.iter().enumerate() {
            match step {
                Step::Append {
                    stream,
                    author,
                    text,
                    number,
                } => {
                    let payload = Payload::new(&serde_json::json!({
                        "token": format!("tok{i:06}tok"),
                        "text": text,
                        "n": number,
                    }))
                    .unwrap();
                    let author = author.map(|a| ["alice", "board@coop"][a]);
                    journal.append(
                        ["members", "capital", "coop-7/ballots"][*stream],
                        payload,
                        author,
                        None,
                    );
                }
                Step::Redact { pick } => {
                    if !journal.entries.is_empty() {
                        let position = pick % journal.entries.len();
                        journal.redact(position, "erasure request");
                    }
                }
            }
        }
        journal
    }
}
