//! Verifying an archive: every file against the manifest, nothing unlisted, and each
//! module's own checks (the journal verifies and its roots are the ones listed; each of
//! a member's entries is proved against its stream's root).

use std::io::{self, Read, Seek};

use andel_journal::Summary;
use serde::Serialize;

use crate::Archive;
use crate::journal::{self, JOURNAL};
use crate::manifest::{MANIFEST, MANIFEST_SHA256};
use crate::member::{self, ENTRIES, MemberJournal};

/// One thing wrong with an archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The file it is about.
    pub path: String,
    /// What is wrong, in words.
    pub problem: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// What [`Archive::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// How many listed files were read and checked.
    pub files: usize,
    /// Everything wrong, in the manifest's order, then unlisted files, then the modules'
    /// checks.
    pub failures: Vec<Failure>,
    /// The journal's summary (every stream's size and root), when it verified.
    pub journal: Option<Summary>,
    /// The member's journal (their entries, each proved against its stream's root),
    /// when the archive holds one and it checked.
    pub member_journal: Option<MemberJournal>,
}

impl Report {
    /// Whether nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }
}

impl<R: Read + Seek> Archive<R> {
    /// Checks everything the archive says of itself: each file the manifest lists is
    /// there with its size and SHA-256, no other file is, and each module checks: the
    /// journal verifies entry by entry and every stream's root is the one listed in
    /// `journal/roots.json`; in a member's archive, every entry has its content's hash
    /// and its proof leads to its stream's listed root. Reads every byte once; memory
    /// stays constant (but for a member's entries, which it holds while checking).
    pub fn verify(&mut self) -> Report {
        let mut failures = Vec::new();
        let listed: Vec<String> = self
            .manifest()
            .files
            .iter()
            .map(|file| file.path.clone())
            .collect();
        for path in &listed {
            let read = self
                .file(path)
                .map_err(|err| err.to_string())
                .and_then(|mut file| {
                    io::copy(&mut file, &mut io::sink())
                        .map(drop)
                        .map_err(|err| err.to_string())
                });
            if let Err(problem) = read {
                failures.push(Failure {
                    path: path.clone(),
                    problem: problem.replace(&format!("`{path}` "), ""),
                });
            }
        }
        for name in self.names() {
            if name != MANIFEST && name != MANIFEST_SHA256 && !listed.contains(name) {
                failures.push(Failure {
                    path: name.clone(),
                    problem: "is not in the manifest".into(),
                });
            }
        }
        let mut summary = None;
        if listed.iter().any(|path| path == JOURNAL) && failures.is_empty() {
            match journal::check(self) {
                Ok(found) => summary = Some(found),
                Err((path, problem)) => failures.push(Failure { path, problem }),
            }
        }
        let mut member_journal = None;
        if listed.iter().any(|path| path == ENTRIES) && failures.is_empty() {
            match member::check(self) {
                Ok(found) => member_journal = Some(found),
                Err((path, problem)) => failures.push(Failure { path, problem }),
            }
        }
        Report {
            files: listed.len(),
            failures,
            journal: summary,
            member_journal,
        }
    }
}
