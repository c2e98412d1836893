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
    use andel_journal::{Draft, Kind, Payload, StreamId, TenantId};
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

/// Many processes opening a new SQLite database at once (40 `andel` commands started
/// together): each brings the tables up to date or finds them so, and none fails
/// because another created a table first.
#[test]
fn concurrent_first_opens_of_a_new_sqlite_database_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let opens: Vec<_> = (0..40)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let db = andel_store::SqliteDatabase::open(&path).await?;
                    db.close().await;
                    Ok::<_, andel_store::OpenError>(())
                })
            })
        })
        .collect();
    let failed: Vec<String> = opens
        .into_iter()
        .filter_map(|t| t.join().unwrap().err().map(|e| e.to_string()))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of 40 opens failed: {:?}",
        failed.len(),
        failed.first()
    );
}

/// The same on PostgreSQL, in a new schema: the schema and the tables are made once.
#[test]
fn concurrent_first_opens_of_a_new_postgres_schema_all_succeed() {
    let Some(harness) = crate::support::PostgresHarness::new() else {
        return;
    };
    let opens: Vec<_> = (0..20)
        .map(|_| {
            let (url, schema) = (harness.url.clone(), harness.schema.clone());
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let db = andel_store::PostgresDatabase::open_in_schema(&url, &schema).await?;
                    db.close().await;
                    Ok::<_, andel_store::OpenError>(())
                })
            })
        })
        .collect();
    let failed: Vec<String> = opens
        .into_iter()
        .filter_map(|t| t.join().unwrap().err().map(|e| e.to_string()))
        .collect();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(andel_testkit::Harness::finish(&harness));
    assert!(
        failed.is_empty(),
        "{} of 20 opens failed: {:?}",
        failed.len(),
        failed.first()
    );
}
