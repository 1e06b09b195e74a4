//! Deduplication with the in-memory store, plus its memory bound and time to live.

#[path = "support/dedup_semantics.rs"]
mod semantics;

use std::sync::Arc;
use std::time::Duration;

use webhook_core::dedup::{Claim, DeliveryStore, MemoryStore, delivery_key};

fn store() -> Arc<dyn DeliveryStore> {
    Arc::new(MemoryStore::new())
}

#[tokio::test]
async fn duplicate_after_success_is_acknowledged_without_running() {
    semantics::duplicate_after_success_is_acknowledged_without_running(store(), "success").await;
}

#[tokio::test]
async fn duplicate_after_failure_runs_again() {
    semantics::duplicate_after_failure_runs_again(store(), "failure").await;
}

#[tokio::test]
async fn concurrent_identical_deliveries_run_once() {
    semantics::concurrent_identical_deliveries_run_once(store(), "concurrent").await;
}

#[tokio::test]
async fn concurrent_duplicate_of_a_failing_attempt_runs_it_again() {
    semantics::concurrent_duplicate_of_a_failing_attempt_runs_it_again(
        store(),
        "concurrent-failing",
    )
    .await;
}

#[tokio::test]
async fn many_concurrent_identical_deliveries_run_once() {
    semantics::many_concurrent_identical_deliveries_run_once(store(), "many").await;
}

#[tokio::test]
async fn amity_copies_with_each_signature_header_run_once() {
    semantics::amity_copies_with_each_signature_header_run_once(store(), "amity-copies").await;
}

#[tokio::test]
async fn never_grows_past_its_capacity() {
    let store = MemoryStore::with_limits(100, Duration::from_secs(3600));
    for index in 0..1_000 {
        let key = format!("k{index}");
        assert_eq!(store.claim(&key).await, Ok(Claim::Claimed));
        if index % 2 == 0 {
            store.complete(&key).await.expect("memory store");
        }
        assert!(
            store.len() <= 100,
            "{} keys after {index} inserts",
            store.len()
        );
    }
    assert_eq!(store.len(), 100);
    // The newest keys are the ones kept.
    assert_eq!(store.claim("k998").await, Ok(Claim::Done));
    assert_eq!(store.claim("k0").await, Ok(Claim::Claimed));
}

#[tokio::test]
async fn keys_expire_after_their_time_to_live() {
    let store = MemoryStore::with_limits(10, Duration::from_millis(50));
    assert_eq!(store.claim("k").await, Ok(Claim::Claimed));
    store.complete("k").await.expect("memory store");
    assert_eq!(store.claim("k").await, Ok(Claim::Done));
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(store.claim("k").await, Ok(Claim::Claimed));
}

#[test]
fn keys_are_the_delivery_id_or_a_body_digest() {
    assert_eq!(delivery_key("amity", Some("req-1"), b"{}"), "amity:req-1");
    let digest = delivery_key("amity", None, b"{}");
    assert!(
        digest.starts_with("amity:sha256:") && digest.len() == "amity:sha256:".len() + 64,
        "{digest}"
    );
    assert_ne!(digest, delivery_key("amity", None, b"{} "));
    assert_ne!(
        delivery_key("talkplus", Some("x"), b""),
        delivery_key("amity", Some("x"), b"")
    );
}
