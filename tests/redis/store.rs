//! The Redis store held to the contract every store keeps, each test under its own prefix.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use webhook_core::Store;
use webhook_core::store::redis::RedisStore;

use crate::outside::redis_url;

/// A store under a prefix no other test (or run) uses; `None` without Redis.
pub(crate) fn fresh() -> Option<Arc<dyn Store>> {
    Some(Arc::new(fresh_store(&unique_prefix())?))
}

pub(crate) fn unique_prefix() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    format!(
        "webhook-test:{run}:{}:",
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

pub(crate) fn fresh_store(prefix: &str) -> Option<RedisStore> {
    let url = redis_url()?;
    Some(RedisStore::new(url).expect("valid URL").with_prefix(prefix))
}

store_contract_tests!(fresh());
