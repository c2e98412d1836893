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

/// One ballot box per tenant, as the journal stores above.
#[derive(Default)]
struct MemoryBoxes(Mutex<HashMap<TenantId, Arc<andel_decisions::secret::MemoryBallotBox>>>);

#[async_trait::async_trait]
impl andel_testkit::BallotBoxHarness for MemoryBoxes {
    async fn open_box(&self, tenant: &TenantId) -> Arc<dyn andel_decisions::secret::BallotBox> {
        let mut tenants = self.0.lock().unwrap();
        tenants.entry(tenant.clone()).or_default().clone()
    }
}

mod ballots {
    andel_testkit::ballot_box_tests!(async { Some(super::MemoryBoxes::default()) });
}
