//! The conformance suite from andel-testkit, on both backends.

mod sqlite {
    andel_testkit::journal_store_tests!(async { Some(crate::support::SqliteHarness::new()) });
}

mod postgres {
    andel_testkit::journal_store_tests!(async { crate::support::PostgresHarness::new() });
}

mod sqlite_ballots {
    andel_testkit::ballot_box_tests!(async { Some(crate::support::SqliteHarness::new()) });
}

mod postgres_ballots {
    andel_testkit::ballot_box_tests!(async { crate::support::PostgresHarness::new() });
}
