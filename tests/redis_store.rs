//! Deduplication with the Redis store, against a real `redis-server`.
//!
//! Uses `REDIS_URL` when set (CI starts a server and sets it); otherwise starts its own
//! `redis-server` on a free loopback port. Each run uses its own key prefix.

#[path = "support/dedup_semantics.rs"]
mod semantics;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use webhook_core::DeliveryStore;
use webhook_core::redis_store::RedisStore;

/// A server started by these tests, stopped when the test binary exits.
struct OwnServer(Child);

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn redis_url() -> &'static str {
    static URL: OnceLock<(String, Option<OwnServer>)> = OnceLock::new();
    &URL.get_or_init(|| {
        if let Ok(url) = std::env::var("REDIS_URL") {
            return (url, None);
        }
        let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        assert!(
            Command::new("redis-server")
                .arg("--version")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|status| status.success()),
            "the Redis tests need redis-server on PATH (apt-get install -y redis-server) or REDIS_URL"
        );
        // A watchdog stops the server when this test process is gone, however it ends.
        let watchdog = format!(
            "redis-server --bind 127.0.0.1 --port {port} --save '' --appendonly no >/dev/null & server=$!; \
             while kill -0 {test} 2>/dev/null; do sleep 0.5; done; kill $server",
            test = std::process::id()
        );
        let child = Command::new("sh").args(["-c", &watchdog]).spawn().expect("start redis-server");
        let url = format!("redis://127.0.0.1:{port}/");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        (url, Some(OwnServer(child)))
    })
    .0
}

fn store(test: &str) -> Arc<dyn DeliveryStore> {
    let run = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let prefix = format!("webhook-test:{run}:{test}:");
    Arc::new(
        RedisStore::new(redis_url())
            .expect("valid URL")
            .with_prefix(prefix),
    )
}

#[tokio::test]
async fn duplicate_after_success_is_acknowledged_without_running() {
    semantics::duplicate_after_success_is_acknowledged_without_running(store("success"), "success")
        .await;
}

#[tokio::test]
async fn duplicate_after_failure_runs_again() {
    semantics::duplicate_after_failure_runs_again(store("failure"), "failure").await;
}

#[tokio::test]
async fn concurrent_identical_deliveries_run_once() {
    semantics::concurrent_identical_deliveries_run_once(store("concurrent"), "concurrent").await;
}

#[tokio::test]
async fn concurrent_duplicate_of_a_failing_attempt_runs_it_again() {
    semantics::concurrent_duplicate_of_a_failing_attempt_runs_it_again(
        store("concurrent-failing"),
        "cf",
    )
    .await;
}

#[tokio::test]
async fn many_concurrent_identical_deliveries_run_once() {
    semantics::many_concurrent_identical_deliveries_run_once(store("many"), "many").await;
}

#[tokio::test]
async fn amity_copies_with_each_signature_header_run_once() {
    semantics::amity_copies_with_each_signature_header_run_once(store("amity"), "amity").await;
}

#[tokio::test]
async fn two_instances_sharing_redis_run_a_delivery_once() {
    // Two dispatchers (two server instances) with two store clients on one Redis.
    let prefix = format!(
        "webhook-test:{}:shared:",
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_nanos()
    );
    let first: Arc<dyn DeliveryStore> = Arc::new(
        RedisStore::new(redis_url())
            .expect("url")
            .with_prefix(prefix.clone()),
    );
    let second: Arc<dyn DeliveryStore> = Arc::new(
        RedisStore::new(redis_url())
            .expect("url")
            .with_prefix(prefix),
    );
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
