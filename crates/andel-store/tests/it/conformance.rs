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

/// `tenants` lists exactly the tenants that hold entries, on both backends: a tenant
/// nobody wrote to is not there, so a mistyped name can be told from a real one.
mod tenants {
    use andel_journal::{Draft, JournalStore, Kind, Payload, StreamId, TenantId};
    use andel_store::Database;

    async fn lists_only_tenants_with_entries(db: Database) {
        assert!(db.tenants().await.unwrap().is_empty());
        let stream = StreamId::new("members").unwrap();
        for tenant in ["solrosen", "fyrklovern"] {
            let draft = Draft::new(
                Kind::new("member.admitted").unwrap(),
                Payload::from_json_str("{}").unwrap(),
                "2026-03-01T09:00:00Z".parse().unwrap(),
            );
            let store = db.journal(TenantId::new(tenant).unwrap());
            store.append(&stream, 0, vec![draft]).await.unwrap();
        }
        // Reading a tenant creates nothing.
        let unused = db.journal(TenantId::new("solrosn").unwrap());
        assert!(unused.streams().await.unwrap().is_empty());
        let names: Vec<String> = db
            .tenants()
            .await
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, ["fyrklovern", "solrosen"]);
    }

    #[tokio::test]
    async fn on_sqlite() {
        let harness = crate::support::SqliteHarness::new();
        lists_only_tenants_with_entries(Database::Sqlite(harness.database().await)).await;
    }

    #[tokio::test]
    async fn on_postgres() {
        let Some(harness) = crate::support::PostgresHarness::new() else {
            return;
        };
        lists_only_tenants_with_entries(Database::Postgres(harness.database().await)).await;
        andel_testkit::Harness::finish(&harness).await;
    }
}
