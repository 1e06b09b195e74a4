//! The stores in this process: memory and the embedded file, each held to the contract
//! every store keeps (`support/store_contract.rs`) and to the deduplication a dispatcher
//! gives with it (`support/dedup_semantics.rs`). Redis is in `tests/redis/`.

#[macro_use]
#[path = "support/store_contract.rs"]
mod contract;
#[macro_use]
#[path = "support/dedup_semantics.rs"]
mod semantics;

mod memory {
    use std::sync::Arc;
    use std::time::Duration;

    use webhook_core::store::{Claim, DeliveryKey, Settlement};
    use webhook_core::{MemoryStore, Store};

    use crate::contract::Sample;

    fn fresh() -> Option<Arc<dyn Store>> {
        Some(Arc::new(MemoryStore::new()))
    }

    store_contract_tests!(fresh());
    dedup_semantics_tests!(fresh());

    #[tokio::test]
    async fn never_grows_past_its_capacity_and_keeps_the_newest() {
        let store = MemoryStore::with_limits(100, Duration::from_secs(3600));
        let lease = Duration::from_secs(60);
        for index in 0..1_000 {
            let sample = Sample::new("talkplus", &format!("k{index}"));
            let Ok(Claim::Claimed(claimed)) = store.claim(sample.record(), lease).await else {
                panic!("claim {index}")
            };
            store
                .settle(&claimed, Settlement::Done)
                .await
                .expect("memory store");
            assert!(store.len() <= 100, "{} records after {index}", store.len());
        }
        assert_eq!(store.len(), 100);
        let newest = Sample::new("talkplus", "k998");
        assert_eq!(store.claim(newest.record(), lease).await, Ok(Claim::Done));
        let oldest = Sample::new("talkplus", "k0");
        assert!(matches!(
            store.claim(oldest.record(), lease).await,
            Ok(Claim::Claimed(_))
        ));
    }

    #[tokio::test]
    async fn handled_deliveries_are_forgotten_after_their_window() {
        let store = MemoryStore::with_limits(10, Duration::from_millis(50));
        let sample = Sample::new("talkplus", "ttl");
        let lease = Duration::from_secs(60);
        let Ok(Claim::Claimed(claimed)) = store.claim(sample.record(), lease).await else {
            panic!("claim")
        };
        store
            .settle(&claimed, Settlement::Done)
            .await
            .expect("settle");
        assert_eq!(store.claim(sample.record(), lease).await, Ok(Claim::Done));
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert!(matches!(
            store.claim(sample.record(), lease).await,
            Ok(Claim::Claimed(_))
        ));
    }

    #[test]
    fn keys_hash_the_delivery_id_and_event_or_the_body() {
        let by_id = DeliveryKey::new("amity", Some("req-1"), "channel.didJoin", b"{}");
        assert_eq!(
            by_id,
            DeliveryKey::new("amity", Some("req-1"), "channel.didJoin", b"other body")
        );
        assert!(by_id.as_str().starts_with("amity:"), "{by_id}");
        assert!(!by_id.as_str().contains("req-1"), "ids are hashed: {by_id}");
        // One request id, two events: two deliveries.
        assert_ne!(
            by_id,
            DeliveryKey::new("amity", Some("req-1"), "channel.didCreate", b"{}")
        );
        // The separator keeps id and event apart.
        assert_ne!(
            DeliveryKey::new("amity", Some("req-1c"), "hannel.didJoin", b""),
            DeliveryKey::new("amity", Some("req-1"), "channel.didJoin", b"")
        );
        let by_body = DeliveryKey::new("amity", None, "channel.didJoin", b"{}");
        assert!(by_body.as_str().starts_with("amity:body:"), "{by_body}");
        assert_ne!(
            by_body,
            DeliveryKey::new("amity", None, "channel.didJoin", b"{} ")
        );
        assert_ne!(
            DeliveryKey::new("talkplus", Some("x"), "e", b""),
            DeliveryKey::new("amity", Some("x"), "e", b"")
        );
        let huge = "x".repeat(100_000);
        assert!(
            DeliveryKey::new("custom", Some(&huge), &huge, b"")
                .as_str()
                .len()
                < 64
        );
    }
}

mod sqlite {
    use std::path::PathBuf;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use webhook_core::Store;
    use webhook_core::store::sqlite::SqliteStore;
    use webhook_core::store::{Claim, DeliveryState, Settlement};

    use crate::contract::Sample;

    /// A new file in a directory of its own under cargo's temporary directory.
    fn path() -> PathBuf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "stores-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        dir.join("inbox.db")
    }

    fn fresh() -> Option<Arc<dyn Store>> {
        Some(Arc::new(SqliteStore::open(path()).expect("open the store")))
    }

    store_contract_tests!(fresh());
    dedup_semantics_tests!(fresh());

    #[tokio::test]
    async fn what_is_recorded_survives_reopening_and_is_shared_with_another_connection() {
        let path = path();
        let store = SqliteStore::open(&path).expect("open");
        let sample = Sample::new("talkplus", "reopen");
        let lease = Duration::from_secs(60);
        let Ok(Claim::Claimed(claimed)) = store.claim(sample.record(), lease).await else {
            panic!("claim")
        };
        store
            .settle(&claimed, Settlement::Done)
            .await
            .expect("settle");
        // A second opening while the first is live: what the command line does.
        let other = SqliteStore::open(&path).expect("open again");
        assert_eq!(other.claim(sample.record(), lease).await, Ok(Claim::Done));
        let dead = Sample::new("talkplus", "reopen-dead");
        assert_eq!(other.reject(dead.record(), "bad shape").await, Ok(true));
        drop(store);
        drop(other);
        let reopened = SqliteStore::open(&path).expect("reopen");
        let counts = reopened.counts().await.expect("counts");
        assert_eq!((counts.done, counts.dead), (1, 1));
        let listed = reopened.list(&Default::default()).await.expect("list");
        assert_eq!(listed[0].state, DeliveryState::Dead);
    }

    #[tokio::test]
    async fn concurrent_writes_are_grouped_and_all_kept() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(path()).expect("open"));
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..200 {
            let store = Arc::clone(&store);
            tasks.spawn(async move {
                let sample = Sample::new("talkplus", &format!("batch-{n}"));
                store.append(sample.record()).await
            });
        }
        while let Some(appended) = tasks.join_next().await {
            assert!(appended.expect("task").is_ok());
        }
        assert_eq!(store.unsettled().await, Ok(200));
    }

    #[test]
    fn a_file_that_is_not_a_store_is_refused_with_its_path() {
        let path = path();
        std::fs::write(
            &path,
            b"not a database, just text that is long enough to look at",
        )
        .expect("write");
        let err = SqliteStore::open(&path).expect_err("not SQLite");
        assert!(err.to_string().contains("inbox.db"), "{err}");
    }
}

#[test]
fn the_redis_stores_command_hint_never_holds_its_url() {
    use webhook_core::store::cli_command;
    use webhook_core::store::redis::RedisStore;

    let store = RedisStore::new("redis://:hunter2-password@127.0.0.1:1/3")
        .expect("a Redis URL")
        .with_prefix("team a:");
    let hint = cli_command(&store, "inbox replay 7").expect("another process can open it");
    assert!(
        !hint.contains("hunter2") && !hint.contains("redis://"),
        "{hint}"
    );
    assert_eq!(
        hint,
        "`webhook-cli inbox replay 7 --redis-prefix='team a:'` (with the server's REDIS_URL set)"
    );
    let plain = RedisStore::new("redis://127.0.0.1:1/").expect("a Redis URL");
    assert_eq!(
        cli_command(&plain, "inbox list").as_deref(),
        Some("`webhook-cli inbox list --redis-prefix=webhook:` (with the server's REDIS_URL set)")
    );
}
