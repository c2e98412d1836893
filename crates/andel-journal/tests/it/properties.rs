//! Properties the journal promises, for random journals.

use andel_journal::file::{self, FileError, JournalReader, JournalWriter};
use andel_journal::{Entry, verify};
use proptest::prelude::*;

use crate::build::strategy::{build, steps};

fn write(entries: &[Entry]) -> Vec<u8> {
    let mut writer = JournalWriter::new(Vec::new());
    for entry in entries {
        writer.write(entry).unwrap();
    }
    writer.into_inner()
}

/// The 1-based line a file error points at.
fn error_line(err: &FileError) -> u64 {
    match err {
        FileError::Read(read) => read.line,
        FileError::Verify { line, .. } => *line,
        other => panic!("unexpected error {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_journals_verify(steps in steps(40)) {
        let journal = build(&steps);
        let summary = verify(&journal.entries).unwrap();
        prop_assert_eq!(summary.entries(), journal.entries.len() as u64);
        prop_assert_eq!(file::verify_file(&write(&journal.entries)[..]).unwrap(), summary);
    }

    #[test]
    fn read_of_write_is_identity(steps in steps(40)) {
        let journal = build(&steps);
        let bytes = write(&journal.entries);
        let back: Vec<Entry> = JournalReader::new(&bytes[..]).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(back, journal.entries);
    }

    /// Flip any one bit of any line of a journal file: the file no longer verifies, and
    /// the error points at the line that changed.
    #[test]
    fn any_bit_flip_is_detected_and_located(steps in steps(24), pick in any::<prop::sample::Index>(), bit in 0u8..8) {
        let journal = build(&steps);
        let mut bytes = write(&journal.entries);
        prop_assume!(!bytes.is_empty());
        let at = pick.index(bytes.len());
        bytes[at] ^= 1 << bit;
        let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count() as u64;
        let err = file::verify_file(&bytes[..]).unwrap_err();
        prop_assert_eq!(error_line(&err), line, "flip at byte {} bit {}: {}", at, bit, err);
    }

    /// Redact any subset: the journal still verifies, and no redacted payload or salt is
    /// left anywhere in the file.
    #[test]
    fn redaction_keeps_the_chain_and_removes_the_bytes(steps in steps(30), picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..10)) {
        let mut journal = build(&steps);
        let mut erased = Vec::new();
        for pick in picks {
            if journal.entries.is_empty() {
                break;
            }
            let position = pick.index(journal.entries.len());
            let target = journal.entries[position].clone();
            if journal.redact(position, "erasure request") {
                erased.push(target);
            }
        }
        let bytes = write(&journal.entries);
        let summary = file::verify_file(&bytes[..]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        for target in &erased {
            let payload = target.payload().unwrap();
            let token = payload.to_value()["token"].as_str().unwrap().to_owned();
            prop_assert!(!text.contains(&token), "token {} survived redaction", token);
            prop_assert!(!text.contains(&target.salt().unwrap().to_string()));
            prop_assert!(text.contains(&target.commitment().to_string()));
        }
        prop_assert_eq!(summary.redacted(), journal.entries.iter().filter(|e| e.is_redacted()).count() as u64);
    }

    /// Any change to a field of an entry in memory is found at that entry.
    #[test]
    fn any_field_change_is_located(steps in steps(24), pick in any::<prop::sample::Index>(), field in 0usize..7, bit in 0u32..64) {
        let journal = build(&steps);
        let mut entries = journal.entries;
        prop_assume!(!entries.is_empty());
        let position = pick.index(entries.len());
        let mut parts = entries[position].clone().into_parts();
        let flip = |d: &andel_journal::Digest| {
            let mut bytes = *d.as_bytes();
            bytes[(bit / 8) as usize % 32] ^= 1 << (bit % 8);
            andel_journal::Digest::from_bytes(bytes)
        };
        match field {
            0 => parts.seq ^= 1 << bit,
            1 => parts.commitment = flip(&parts.commitment),
            2 => parts.prev = flip(&parts.prev),
            3 => parts.hash = flip(&parts.hash),
            4 => {
                let t = parts.recorded_at.as_datetime() + chrono::Duration::nanoseconds(1 << (bit % 40));
                parts.recorded_at = andel_journal::Timestamp::new(t).unwrap();
            }
            5 => match &mut parts.content {
                andel_journal::Content::Present { salt, .. } => {
                    let mut bytes = *salt.as_bytes();
                    bytes[(bit / 8) as usize % 32] ^= 1 << (bit % 8);
                    *salt = andel_journal::Salt::from_bytes(bytes);
                }
                andel_journal::Content::Redacted => parts.hash = flip(&parts.hash),
            },
            _ => match &mut parts.content {
                andel_journal::Content::Present { payload, .. } => {
                    let mut value = payload.to_value();
                    value["changed"] = serde_json::Value::Bool(true);
                    *payload = andel_journal::Payload::from_value(&value).unwrap();
                }
                andel_journal::Content::Redacted => parts.prev = flip(&parts.prev),
            },
        }
        entries[position] = Entry::from_parts(parts);
        let err = verify(&entries).unwrap_err();
        prop_assert_eq!(err.position, position as u64, "{}", err);
    }
}
