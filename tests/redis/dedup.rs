//! Deduplication with the Redis store. Each test uses its own key prefix.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::outside::redis_url;
use crate::semantics;

use webhook_core::DeliveryStore;
use webhook_core::redis_store::RedisStore;

fn store(url: &str, test: &str) -> Arc<dyn DeliveryStore> {
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let prefix = format!("webhook-test:{run}:{test}:");
    Arc::new(RedisStore::new(url).expect("valid URL").with_prefix(prefix))
}

#[tokio::test]
async fn duplicate_after_success_is_acknowledged_without_running() {
    let Some(url) = redis_url() else { return };
    semantics::duplicate_after_success_is_acknowledged_without_running(
        store(url, "success"),
        "success",
    )
    .await;
}

#[tokio::test]
async fn duplicate_after_failure_runs_again() {
    let Some(url) = redis_url() else { return };
    semantics::duplicate_after_failure_runs_again(store(url, "failure"), "failure").await;
}

#[tokio::test]
async fn concurrent_identical_deliveries_run_once() {
    let Some(url) = redis_url() else { return };
    semantics::concurrent_identical_deliveries_run_once(store(url, "concurrent"), "concurrent")
        .await;
}

#[tokio::test]
async fn concurrent_duplicate_of_a_failing_attempt_runs_it_again() {
    let Some(url) = redis_url() else { return };
    semantics::concurrent_duplicate_of_a_failing_attempt_runs_it_again(
        store(url, "concurrent-failing"),
        "cf",
    )
    .await;
}

#[tokio::test]
async fn many_concurrent_identical_deliveries_run_once() {
    let Some(url) = redis_url() else { return };
    semantics::many_concurrent_identical_deliveries_run_once(store(url, "many"), "many").await;
}

#[tokio::test]
async fn amity_copies_with_each_signature_header_run_once() {
    let Some(url) = redis_url() else { return };
    semantics::amity_copies_with_each_signature_header_run_once(store(url, "amity"), "amity").await;
}

#[tokio::test]
async fn two_instances_sharing_redis_run_a_delivery_once() {
    let Some(url) = redis_url() else { return };
    // Two dispatchers (two server instances) with two store clients on one Redis.
    let prefix = format!(
        "webhook-test:{}:shared:",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_nanos()
    );
    let first: Arc<dyn DeliveryStore> = Arc::new(
        RedisStore::new(url)
            .expect("url")
            .with_prefix(prefix.clone()),
    );
    let second: Arc<dyn DeliveryStore> =
        Arc::new(RedisStore::new(url).expect("url").with_prefix(prefix));
    semantics::duplicate_after_success_is_acknowledged_without_running(first, "shared").await;
    // The second instance sees the first one's success.
    let (headers, body) = semantics::delivery("shared");
    let key = webhook_core::dedup::delivery_key(
        "talkplus",
        headers
            .get("x-talkplus-signature")
            .and_then(|v| v.to_str().ok()),
        &body,
    );
    assert_eq!(
        second.claim(&key).await,
        Ok(webhook_core::dedup::Claim::Done)
    );
}

#[tokio::test]
async fn unreachable_redis_processes_by_default_or_rejects() {
    // Nothing listens on port 1.
    let store: Arc<dyn DeliveryStore> =
        Arc::new(RedisStore::new("redis://127.0.0.1:1/").expect("valid URL"));
    semantics::unreachable_store_processes_by_default_or_rejects(store).await;
}
