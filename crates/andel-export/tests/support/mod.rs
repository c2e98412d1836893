//! Reading and writing zips as given, around the archive code under test.

use std::io::{Cursor, Read, Write};

use proptest::prelude::*;

use zip::write::SimpleFileOptions;
use zip::{ZipArchive, ZipWriter};

/// Every entry of a zip: its name and its bytes.
pub(crate) fn contents(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().to_string(), data)
        })
        .collect()
}

/// A zip of `files`, as given.
pub(crate) fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        zip.start_file(name.as_str(), SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// What a fuzzer does to a file: flip bytes, cut it short, or splice in bytes.
#[derive(Debug, Clone)]
pub(crate) enum Damage {
    Flip(Vec<(prop::sample::Index, u8)>),
    Cut(prop::sample::Index),
    Insert(prop::sample::Index, Vec<u8>),
}

impl Damage {
    /// `bytes`, damaged.
    pub(crate) fn done_to(&self, bytes: &[u8]) -> Vec<u8> {
        let mut bytes = bytes.to_vec();
        match self {
            Damage::Flip(flips) => {
                for (at, flip) in flips {
                    let at = at.index(bytes.len());
                    bytes[at] ^= flip;
                }
            }
            Damage::Cut(at) => bytes.truncate(at.index(bytes.len())),
            Damage::Insert(at, extra) => {
                let at = at.index(bytes.len());
                bytes.splice(at..at, extra.iter().copied());
            }
        }
        bytes
    }
}

pub(crate) fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..8)
            .prop_map(Damage::Flip),
        any::<prop::sample::Index>().prop_map(Damage::Cut),
        (
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(at, bytes)| Damage::Insert(at, bytes)),
    ]
}
