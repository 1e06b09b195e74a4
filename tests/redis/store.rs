//! The Redis store held to the contract every store keeps, each test under its own prefix.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use webhook_core::Store;
use webhook_core::store::redis::RedisStore;

use crate::contract::Sample;
use crate::outside::redis_url;

/// A store under a prefix no other test (or run) uses; `None` without Redis.
pub(crate) fn fresh() -> Option<Arc<dyn Store>> {
    Some(Arc::new(fresh_store(&unique_prefix())?))
}

pub(crate) fn unique_prefix() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let run = nanos_since_epoch();
    SWEPT.call_once(|| sweep_earlier_runs(run));
    format!(
        "webhook-test:{run}:{}:",
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

fn nanos_since_epoch() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos()
}

/// Deletes the keys that runs started over an hour before `now` left in a shared Redis
/// (`REDIS_URL`), which would otherwise gather there run after run. A younger run's keys
/// are left alone: that run may still be going.
fn sweep_earlier_runs(now: u128) {
    const HOUR_NANOS: u128 = 3_600 * 1_000_000_000;
    let Some(url) = redis_url() else {
        return;
    };
    let Ok(mut connection) = redis::Client::open(url).and_then(|client| client.get_connection())
    else {
        return;
    };
    let stale: Vec<String> = match redis::cmd("SCAN")
        .cursor_arg(0)
        .arg("MATCH")
        .arg("webhook-test:*")
        .arg("COUNT")
        .arg(1000)
        .clone()
        .iter::<String>(&mut connection)
    {
        Ok(keys) => keys
            .filter_map(Result::ok)
            .filter(|key| {
                key.split(':')
                    .nth(1)
                    .and_then(|run| run.parse::<u128>().ok())
                    .is_some_and(|run| run + HOUR_NANOS < now)
            })
            .collect(),
        Err(_) => return,
    };
    for batch in stale.chunks(500) {
        let _: redis::RedisResult<usize> = redis::cmd("UNLINK").arg(batch).query(&mut connection);
    }
}

pub(crate) fn fresh_store(prefix: &str) -> Option<RedisStore> {
    let url = redis_url()?;
    Some(RedisStore::new(url).expect("valid URL").with_prefix(prefix))
}

store_contract_tests!(fresh());

/// How many entries the stream of `provider` holds under `prefix`.
async fn stream_length(prefix: &str, provider: &str) -> usize {
    let client = redis::Client::open(redis_url().expect("redis")).expect("valid URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    redis::cmd("XLEN")
        .arg(format!("{prefix}stream:{provider}"))
        .query_async(&mut connection)
        .await
        .expect("XLEN")
}

#[tokio::test]
async fn settled_deliveries_leave_nothing_in_the_stream() {
    use std::time::{Duration, SystemTime};
    use webhook_core::store::Settlement;

    let prefix = unique_prefix();
    let Some(store) = fresh_store(&prefix) else {
        return;
    };
    for n in 0..3 {
        let sample = Sample::new("talkplus", &format!("trim-{n}"));
        store.append(sample.record()).await.expect("append");
    }
    assert_eq!(stream_length(&prefix, "talkplus").await, 3);
    let lease = Duration::from_secs(60);
    let leased = store.lease(&["talkplus"], lease, 10).await.expect("lease");
    assert_eq!(leased.len(), 3);
    let settlements = [
        Settlement::Done,
        Settlement::Dead {
            error: "failed for good".to_owned(),
        },
        Settlement::Retry {
            at: SystemTime::now() + Duration::from_millis(200),
            error: "failed once".to_owned(),
        },
    ];
    for ((lease, _), settlement) in leased.iter().zip(settlements) {
        assert_eq!(store.settle(lease, settlement).await, Ok(true));
    }
    assert_eq!(
        stream_length(&prefix, "talkplus").await,
        0,
        "a settled attempt's entry is deleted, not only acknowledged"
    );
    // The retry comes back as a new entry when due, and goes when settled.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = store.lease(&["talkplus"], lease, 10).await.expect("lease");
    assert_eq!(again.len(), 1);
    assert_eq!(stream_length(&prefix, "talkplus").await, 1);
    assert_eq!(store.settle(&again[0].0, Settlement::Done).await, Ok(true));
    assert_eq!(stream_length(&prefix, "talkplus").await, 0);
}

/// The consumers holding the entries of `provider`'s stream under `prefix`, in entry order.
async fn entry_owners(prefix: &str, provider: &str) -> Vec<String> {
    let client = redis::Client::open(redis_url().expect("redis")).expect("valid URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let pending: Vec<(String, String, u64, u64)> = redis::cmd("XPENDING")
        .arg(format!("{prefix}stream:{provider}"))
        .arg("workers")
        .arg("-")
        .arg("+")
        .arg(100)
        .query_async(&mut connection)
        .await
        .expect("XPENDING");
    pending.into_iter().map(|(_, owner, _, _)| owner).collect()
}

#[tokio::test]
async fn an_ended_lease_is_taken_over_only_by_an_instance_serving_its_provider() {
    use std::time::Duration;

    let prefix = unique_prefix();
    let (Some(dead), Some(talkplus_only), Some(amity_too)) = (
        fresh_store(&prefix),
        fresh_store(&prefix),
        fresh_store(&prefix),
    ) else {
        return;
    };
    let short = Duration::from_millis(100);
    // Three amity leases, then one of talkplus: the amity ones end first.
    for n in 0..3 {
        let sample = Sample::new("amity", &format!("takeover-{n}"));
        dead.append(sample.record()).await.expect("append");
    }
    assert_eq!(
        dead.lease(&["amity"], short, 10)
            .await
            .expect("lease")
            .len(),
        3
    );
    let sample = Sample::new("talkplus", "takeover");
    dead.append(sample.record()).await.expect("append");
    assert_eq!(
        dead.lease(&["talkplus"], short, 10)
            .await
            .expect("lease")
            .len(),
        1
    );
    let owners = entry_owners(&prefix, "amity").await;
    assert_eq!(owners.len(), 3);
    // The leases run out without a renewal, as when their instance died.
    tokio::time::sleep(Duration::from_millis(250)).await;
    let long = Duration::from_secs(60);
    // One at a time: the amity leases that ended before it do not hide it.
    let taken = talkplus_only
        .lease(&["talkplus"], long, 1)
        .await
        .expect("lease");
    assert_eq!(taken.len(), 1, "the talkplus lease is taken over");
    assert_eq!(
        (taken[0].1.provider.as_str(), taken[0].0.attempt),
        ("talkplus", 2)
    );
    assert_eq!(
        entry_owners(&prefix, "amity").await,
        owners,
        "an instance that does not serve amity leaves its entries alone"
    );
    let taken = amity_too.lease(&["amity"], long, 10).await.expect("lease");
    assert_eq!(taken.len(), 3);
    assert!(taken.iter().all(|(lease, _)| lease.attempt == 2));
    assert!(
        entry_owners(&prefix, "amity")
            .await
            .iter()
            .all(|owner| !owners.contains(owner))
    );
}

/// Deletes `provider`'s stream under `prefix`, as Redis does when it evicts the key or
/// restarts without it.
async fn lose_stream(prefix: &str, provider: &str) {
    let client = redis::Client::open(redis_url().expect("redis")).expect("valid URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let deleted: usize = redis::cmd("DEL")
        .arg(format!("{prefix}stream:{provider}"))
        .query_async(&mut connection)
        .await
        .expect("DEL");
    assert_eq!(deleted, 1);
}

#[tokio::test]
async fn a_stream_lost_by_redis_is_made_again_with_what_was_waiting_in_it() {
    use std::time::Duration;
    use webhook_core::store::Settlement;

    let prefix = unique_prefix();
    let Some(store) = fresh_store(&prefix) else {
        return;
    };
    let lease = Duration::from_secs(60);
    let running = Sample::new("talkplus", "lost-stream-running");
    store.append(running.record()).await.expect("append");
    let leased = store.lease(&["talkplus"], lease, 10).await.expect("lease");
    assert_eq!(leased.len(), 1);
    // Accepted and not yet read by any worker when Redis loses the stream.
    let waiting = Sample::new("talkplus", "lost-stream-waiting");
    store.append(waiting.record()).await.expect("append");
    // Redis loses the stream, with its consumer group; the next append makes the stream
    // again, without the group.
    lose_stream(&prefix, "talkplus").await;
    let after = Sample::new("talkplus", "lost-stream-after");
    store.append(after.record()).await.expect("append");
    // The running attempt can still renew and settle its lease.
    assert_eq!(store.renew(&leased[0].0, lease).await, Ok(true));
    assert_eq!(store.settle(&leased[0].0, Settlement::Done).await, Ok(true));
    // The group is made again, and both the delivery appended after the loss and the
    // one that was waiting in the lost stream are leased.
    let again = store.lease(&["talkplus"], lease, 10).await.expect("lease");
    let mut ids: Vec<u64> = again.iter().map(|(lease, _)| lease.id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids.len(),
        2,
        "the waiting delivery and the one after the loss"
    );
    for (lease, _) in &again {
        assert_eq!(store.settle(lease, Settlement::Done).await, Ok(true));
    }
    assert!(
        store
            .lease(&["talkplus"], lease, 10)
            .await
            .expect("lease")
            .is_empty()
    );
}

/// The consumers of the group on `provider`'s stream under `prefix`, by name.
async fn consumers(prefix: &str, provider: &str) -> Vec<String> {
    let client = redis::Client::open(redis_url().expect("redis")).expect("valid URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let info: Vec<std::collections::HashMap<String, redis::Value>> = redis::cmd("XINFO")
        .arg("CONSUMERS")
        .arg(format!("{prefix}stream:{provider}"))
        .arg("workers")
        .query_async(&mut connection)
        .await
        .expect("XINFO CONSUMERS");
    let mut names: Vec<String> = info
        .into_iter()
        .map(|mut consumer| {
            redis::from_redis_value(consumer.remove("name").expect("a name")).expect("a name")
        })
        .collect();
    names.sort_unstable();
    names
}

/// Appends a delivery named `name` and leases it from `store`.
async fn lease_one(store: &RedisStore, name: &str) -> webhook_core::store::Lease {
    let sample = Sample::new("talkplus", name);
    store.append(sample.record()).await.expect("append");
    let mut leased = store
        .lease(&["talkplus"], std::time::Duration::from_secs(60), 10)
        .await
        .expect("lease");
    assert_eq!(leased.len(), 1);
    leased.remove(0).0
}

#[tokio::test]
async fn pruning_deletes_the_idle_consumers_of_stopped_instances_but_not_one_holding_a_lease() {
    use std::time::Duration;
    use webhook_core::store::{Retention, Settlement};

    let prefix = unique_prefix();
    let Some(stopped) = fresh_store(&prefix) else {
        return;
    };
    // An instance that handled its delivery and stopped.
    let handled = lease_one(&stopped, "consumer-stopped").await;
    assert_eq!(stopped.settle(&handled, Settlement::Done).await, Ok(true));
    let stopped_name = consumers(&prefix, "talkplus").await;
    assert_eq!(stopped_name.len(), 1);
    // An instance that died holding a lease: its entry must stay for a takeover.
    let died = fresh_store(&prefix).expect("redis");
    let _held = lease_one(&died, "consumer-died").await;
    let died_name: Vec<String> = consumers(&prefix, "talkplus")
        .await
        .into_iter()
        .filter(|name| !stopped_name.contains(name))
        .collect();
    // The live instance that prunes.
    let live = fresh_store(&prefix)
        .expect("redis")
        .with_consumer_idle_limit(Duration::from_millis(200));
    let own = lease_one(&live, "consumer-live").await;
    assert_eq!(live.settle(&own, Settlement::Done).await, Ok(true));
    assert_eq!(consumers(&prefix, "talkplus").await.len(), 3);

    tokio::time::sleep(Duration::from_millis(400)).await;
    live.prune(Retention::DURABLE).await.expect("prune");
    let left = consumers(&prefix, "talkplus").await;
    assert_eq!(left.len(), 2, "left: {left:?}");
    assert!(
        !left.contains(&stopped_name[0]),
        "the idle consumer holding nothing is deleted: {left:?}"
    );
    assert!(
        left.contains(&died_name[0]),
        "the consumer holding a lease stays: {left:?}"
    );
    assert_eq!(entry_owners(&prefix, "talkplus").await, died_name);

    // A deleted consumer that was still in use is made again by its next read.
    let again = lease_one(&stopped, "consumer-stopped-again").await;
    assert_eq!(stopped.settle(&again, Settlement::Done).await, Ok(true));
    assert_eq!(consumers(&prefix, "talkplus").await.len(), 3);
}

#[tokio::test]
async fn a_filtered_list_finds_a_match_behind_ten_thousand_newer_records() {
    use webhook_core::store::Filter;

    let prefix = unique_prefix();
    let Some(store) = fresh_store(&prefix) else {
        return;
    };
    let old = Sample::new("amity", "filtered-old");
    store.append(old.record()).await.expect("append");
    for n in 0..10_100 {
        let sample = Sample::new("talkplus", &format!("filtered-newer-{n}"));
        store.append(sample.record()).await.expect("append");
    }
    let filter = Filter {
        provider: Some("amity".to_owned()),
        ..Filter::default()
    };
    let found = store.list(&filter).await.expect("list");
    assert_eq!(
        found.len(),
        1,
        "the older match is found, not cut off by a scan limit"
    );
    assert_eq!(found[0].provider, "amity");
    // A page of the newer ones is still the newest first, and the next page goes on.
    let page = store
        .list(&Filter {
            provider: Some("talkplus".to_owned()),
            limit: 3,
            ..Filter::default()
        })
        .await
        .expect("list");
    assert_eq!(page.len(), 3);
    assert!(page[0].id > page[1].id && page[1].id > page[2].id);
    let next = store
        .list(&Filter {
            provider: Some("talkplus".to_owned()),
            limit: 3,
            before_id: Some(page[2].id),
            ..Filter::default()
        })
        .await
        .expect("list");
    assert_eq!(next[0].id, page[2].id - 1);
}

#[tokio::test]
async fn a_lost_id_counter_never_hands_out_the_id_of_a_kept_record() {
    use webhook_core::store::Appended;

    let prefix = unique_prefix();
    let Some(store) = fresh_store(&prefix) else {
        return;
    };
    let first = Sample::new("talkplus", "counter-first");
    let Appended::Accepted(first_id) = store.append(first.record()).await.expect("append") else {
        panic!("a new delivery is accepted");
    };
    // Redis loses the counter (an eviction, a partial restore) but keeps the record.
    let client = redis::Client::open(redis_url().expect("redis")).expect("valid URL");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}seq"))
        .query_async(&mut connection)
        .await
        .expect("DEL");
    let second = Sample::new("talkplus", "counter-second");
    let Appended::Accepted(second_id) = store.append(second.record()).await.expect("append") else {
        panic!("a new delivery is accepted");
    };
    assert_eq!(
        second_id,
        first_id + 1,
        "ids go on from the newest kept record's, so lists stay newest first"
    );
    let kept = store
        .get(first_id)
        .await
        .expect("get")
        .expect("still there");
    let body = kept.body.expect("kept with its body");
    assert!(
        String::from_utf8_lossy(&body).contains("counter-first"),
        "the first record is not overwritten"
    );
}
