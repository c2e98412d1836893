//! The conformance suite against the in-memory store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use andel_journal::{MemoryStore, TenantId};
use andel_testkit::{Harness, TestStore};

/// One `MemoryStore` per tenant; "reopening" hands out the same one.
#[derive(Default)]
struct Memory(Mutex<HashMap<TenantId, Arc<MemoryStore>>>);

#[async_trait::async_trait]
impl Harness for Memory {
    async fn open(&self, tenant: &TenantId) -> Arc<dyn TestStore> {
        let mut tenants = self.0.lock().unwrap();
        tenants.entry(tenant.clone()).or_default().clone()
    }
}

andel_testkit::journal_store_tests!(async { Some(Memory::default()) });
