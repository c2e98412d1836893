//! The book's chapters, compiled and run as doctests against the real crates, so that
//! every `rust` block in the book keeps working (`mdbook test` cannot see workspace
//! crates). The tidy test checks that every chapter with a `rust` block is listed here.

#[cfg(doctest)]
#[doc = include_str!("../../book/src/introduction.md")]
mod introduction {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/concepts/journal.md")]
mod concepts_journal {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/formats/journal-file.md")]
mod formats_journal_file {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/guides/storage.md")]
mod guides_storage {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/guides/decisions.md")]
mod guides_decisions {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/guides/membership-ledger.md")]
mod guides_membership_ledger {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/guides/voting-methods.md")]
mod guides_voting_methods {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/guides/data-and-consent.md")]
mod guides_data_and_consent {}

#[cfg(doctest)]
#[doc = include_str!("../../book/src/guides/web-services.md")]
mod guides_web_services {}
