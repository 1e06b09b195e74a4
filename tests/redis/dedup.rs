//! Deduplication through a dispatcher with the Redis store, and Redis under faults.

use std::sync::Arc;

use webhook_core::Store;
use webhook_core::store::redis::RedisStore;
use webhook_core::store::{Claim, DeliveryKey};

use crate::semantics;
use crate::store::{fresh, fresh_store, unique_prefix};

dedup_semantics_tests!(fresh());

#[tokio::test]
async fn two_instances_sharing_redis_run_a_delivery_once() {
    // Two dispatchers (two server instances) with two store clients on one Redis.
    let prefix = unique_prefix();
    let (Some(first), Some(second)) = (fresh_store(&prefix), fresh_store(&prefix)) else {
        return;
    };
    let first: Arc<dyn Store> = Arc::new(first);
    semantics::duplicate_after_success_is_acknowledged_without_running(first, "shared").await;
    // The second instance sees the first one's success.
    let (headers, body) = semantics::delivery("shared");
    let signature = headers
        .get("x-talkplus-signature")
        .and_then(|value| value.to_str().ok());
    let key = DeliveryKey::new("talkplus", signature, "member_banned", &body);
    let record = webhook_core::store::NewDelivery {
        key: &key,
        provider: "talkplus",
        event: "member_banned",
        shown_id: None,
        scheme: "talkplus",
        received_at: std::time::SystemTime::now(),
        body: &body,
    };
    assert_eq!(
        second
            .claim(record, std::time::Duration::from_secs(5))
            .await,
        Ok(Claim::Done)
    );
}

#[tokio::test]
async fn unreachable_redis_processes_by_default_or_rejects() {
    // Nothing listens on port 1.
    let store: Arc<dyn Store> =
        Arc::new(RedisStore::new("redis://127.0.0.1:1/").expect("valid URL"));
    semantics::unreachable_store_processes_by_default_or_rejects(store).await;
}
