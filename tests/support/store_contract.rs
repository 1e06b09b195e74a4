//! What every `Store` must do, run against each store: `tests/stores.rs` (memory, the
//! embedded file) and `tests/redis/` (Redis). Each function takes a fresh, empty store.
// Each test file uses the cases its store supports.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use webhook_core::Store;
use webhook_core::store::{
    Appended, Claim, DeliveryKey, DeliveryState, Filter, Lease, NewDelivery, Purge, Retention,
    Settlement,
};

/// A delivery of `provider` whose key and body are made from `tag`.
pub(crate) struct Sample {
    key: DeliveryKey,
    provider: &'static str,
    body: Bytes,
}

impl Sample {
    pub(crate) fn new(provider: &'static str, tag: &str) -> Self {
        Self {
            key: DeliveryKey::new(provider, Some(tag), "member_banned", b""),
            provider,
            body: Bytes::from(format!(r#"{{"event":"member_banned","tag":"{tag}"}}"#)),
        }
    }

    pub(crate) fn record(&self) -> NewDelivery<'_> {
        NewDelivery {
            key: &self.key,
            provider: self.provider,
            event: "member_banned",
            shown_id: Some("shown"),
            scheme: "test",
            received_at: SystemTime::now(),
            body: &self.body,
        }
    }
}

const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_millis(150);

async fn claimed(store: &dyn Store, sample: &Sample, lease: Duration) -> Lease {
    match store.claim(sample.record(), lease).await {
        Ok(Claim::Claimed(lease)) => lease,
        other => panic!("expected a claim, got {other:?}"),
    }
}

/// The id of a new talkplus record made from `tag`, claimed and settled with `settlement`.
async fn settled(store: &dyn Store, tag: &str, settlement: Settlement) -> u64 {
    let lease = claimed(store, &Sample::new("talkplus", tag), LONG).await;
    assert_eq!(store.settle(&lease, settlement).await, Ok(true));
    lease.id
}

fn failed() -> Settlement {
    Settlement::Dead {
        error: "failed".to_owned(),
    }
}

async fn state(store: &dyn Store, id: u64) -> DeliveryState {
    store
        .get(id)
        .await
        .expect("store answers")
        .expect("record kept")
        .state
}

pub(crate) async fn a_claimed_delivery_is_in_progress_then_done(store: Arc<dyn Store>) {
    let sample = Sample::new("talkplus", "claim");
    let lease = claimed(store.as_ref(), &sample, LONG).await;
    assert_eq!(lease.attempt, 1);
    assert_eq!(
        store.claim(sample.record(), LONG).await,
        Ok(Claim::InProgress)
    );
    assert_eq!(store.settle(&lease, Settlement::Done).await, Ok(true));
    assert_eq!(store.claim(sample.record(), LONG).await, Ok(Claim::Done));
    let record = store.get(lease.id).await.expect("get").expect("kept");
    assert_eq!(
        (record.state, record.attempts, record.event.as_str()),
        (DeliveryState::Done, 1, "member_banned")
    );
    assert_eq!(record.shown_id.as_deref(), Some("shown"));
}

/// The owner rule: only the token holding a lease can renew, settle or release it; an
/// attempt that outlived its lease changes nothing, not even after the delivery is done.
pub(crate) async fn a_stale_attempt_cannot_touch_the_lease_or_done_marker_of_another(
    store: Arc<dyn Store>,
) {
    let sample = Sample::new("talkplus", "stale");
    let stale = claimed(store.as_ref(), &sample, SHORT).await;
    tokio::time::sleep(SHORT + Duration::from_millis(100)).await;
    let current = claimed(store.as_ref(), &sample, LONG).await;
    assert_eq!((current.id, current.attempt), (stale.id, 2));

    assert_eq!(store.renew(&stale, LONG).await, Ok(false));
    assert_eq!(store.settle(&stale, Settlement::Release).await, Ok(false));
    let dead = Settlement::Dead {
        error: "stale".to_owned(),
    };
    assert_eq!(store.settle(&stale, dead.clone()).await, Ok(false));
    assert_eq!(
        state(store.as_ref(), current.id).await,
        DeliveryState::Leased
    );
    assert_eq!(
        store.claim(sample.record(), LONG).await,
        Ok(Claim::InProgress),
        "the current attempt still holds it"
    );

    assert_eq!(store.settle(&current, Settlement::Done).await, Ok(true));
    assert_eq!(store.settle(&stale, Settlement::Release).await, Ok(false));
    assert_eq!(store.settle(&stale, dead).await, Ok(false));
    assert_eq!(store.settle(&current, Settlement::Release).await, Ok(false));
    assert_eq!(state(store.as_ref(), current.id).await, DeliveryState::Done);
    assert_eq!(store.claim(sample.record(), LONG).await, Ok(Claim::Done));
}

pub(crate) async fn a_failed_attempt_is_a_dead_letter_that_a_copy_runs_again(
    store: Arc<dyn Store>,
) {
    let sample = Sample::new("amity", "dead");
    let first = claimed(store.as_ref(), &sample, LONG).await;
    let error = "handler failed: database down".to_owned();
    assert_eq!(
        store
            .settle(
                &first,
                Settlement::Dead {
                    error: error.clone()
                }
            )
            .await,
        Ok(true)
    );
    let record = store.get(first.id).await.expect("get").expect("kept");
    assert_eq!(record.state, DeliveryState::Dead);
    assert_eq!(record.last_error, Some(error));
    assert_eq!(record.body.as_deref(), Some(&sample.body[..]));
    let again = claimed(store.as_ref(), &sample, LONG).await;
    assert_eq!((again.id, again.attempt), (first.id, 2));
}

pub(crate) async fn renewal_keeps_a_lease(store: Arc<dyn Store>) {
    let sample = Sample::new("talkplus", "renew");
    let lease = claimed(store.as_ref(), &sample, SHORT).await;
    for _ in 0..5 {
        tokio::time::sleep(SHORT / 2).await;
        assert_eq!(store.renew(&lease, SHORT).await, Ok(true));
    }
    assert_eq!(
        store.claim(sample.record(), LONG).await,
        Ok(Claim::InProgress)
    );
    assert!(
        store
            .lease(&["talkplus"], LONG, 10)
            .await
            .expect("lease")
            .is_empty()
    );
}

pub(crate) async fn an_appended_delivery_is_pending_once_and_leased_with_its_body(
    store: Arc<dyn Store>,
) {
    let sample = Sample::new("talkplus", "append");
    let Ok(Appended::Accepted(id)) = store.append(sample.record()).await else {
        panic!("accepted")
    };
    assert_eq!(
        store.append(sample.record()).await,
        Ok(Appended::Duplicate(DeliveryState::Pending))
    );
    let leased = store.lease(&["talkplus"], LONG, 10).await.expect("lease");
    assert_eq!(leased.len(), 1);
    let (lease, record) = &leased[0];
    assert_eq!((lease.id, lease.attempt, record.id), (id, 1, id));
    assert_eq!(record.body.as_deref(), Some(&sample.body[..]));
    assert!(
        store
            .lease(&["talkplus"], LONG, 10)
            .await
            .expect("lease")
            .is_empty(),
        "a live lease is not leased twice"
    );
    assert_eq!(
        store.append(sample.record()).await,
        Ok(Appended::Duplicate(DeliveryState::Leased))
    );
    assert_eq!(store.settle(lease, Settlement::Done).await, Ok(true));
    assert_eq!(
        store.append(sample.record()).await,
        Ok(Appended::Duplicate(DeliveryState::Done))
    );
    assert_eq!(store.claim(sample.record(), LONG).await, Ok(Claim::Done));
}

pub(crate) async fn leases_follow_providers_and_due_times(store: Arc<dyn Store>) {
    let talkplus = Sample::new("talkplus", "due-t");
    let amity = Sample::new("amity", "due-a");
    store.append(talkplus.record()).await.expect("append");
    store.append(amity.record()).await.expect("append");
    let leased = store.lease(&["amity"], LONG, 10).await.expect("lease");
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].1.provider, "amity");
    let (lease, _) = &leased[0];
    let retry = Settlement::Retry {
        at: SystemTime::now() + Duration::from_millis(400),
        error: "first attempt failed".to_owned(),
    };
    assert_eq!(store.settle(lease, retry).await, Ok(true));
    assert!(
        store
            .lease(&["amity"], LONG, 10)
            .await
            .expect("lease")
            .is_empty(),
        "not due yet"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let again = store.lease(&["amity"], LONG, 10).await.expect("lease");
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].0.id, again[0].0.attempt), (lease.id, 2));
    assert_eq!(
        again[0].1.last_error.as_deref(),
        Some("first attempt failed")
    );
    let talkplus_leased = store.lease(&["talkplus"], LONG, 10).await.expect("lease");
    assert_eq!(talkplus_leased.len(), 1);
}

pub(crate) async fn a_lease_never_hands_out_more_than_asked_across_providers(
    store: Arc<dyn Store>,
) {
    let samples: Vec<Sample> = (0..3)
        .flat_map(|n| {
            [
                Sample::new("talkplus", &format!("max-t{n}")),
                Sample::new("amity", &format!("max-a{n}")),
            ]
        })
        .collect();
    for sample in &samples {
        store.append(sample.record()).await.expect("append");
    }
    let mut ids = std::collections::BTreeSet::new();
    for _ in 0..3 {
        // The inbox asks for as many as it has free workers: one more would run nobody.
        let leased = store
            .lease(&["talkplus", "amity"], LONG, 2)
            .await
            .expect("lease");
        assert_eq!(leased.len(), 2, "exactly the free slots, while any is due");
        for (lease, _) in &leased {
            assert_eq!(lease.attempt, 1);
            assert!(ids.insert(lease.id), "leased once");
        }
    }
    assert_eq!(ids.len(), samples.len(), "every delivery, each once");
    let leased = store.lease(&["talkplus", "amity"], LONG, 2).await;
    assert!(leased.expect("lease").is_empty());
}

pub(crate) async fn an_expired_lease_is_taken_over(store: Arc<dyn Store>) {
    let sample = Sample::new("talkplus", "expired");
    store.append(sample.record()).await.expect("append");
    let first = store.lease(&["talkplus"], SHORT, 10).await.expect("lease");
    assert_eq!(first.len(), 1);
    tokio::time::sleep(SHORT + Duration::from_millis(150)).await;
    let second = store.lease(&["talkplus"], LONG, 10).await.expect("lease");
    assert_eq!(second.len(), 1, "the expired lease is taken over");
    let (stale, _) = &first[0];
    let (current, _) = &second[0];
    assert_eq!((current.id, current.attempt), (stale.id, 2));
    assert_eq!(store.settle(stale, Settlement::Done).await, Ok(false));
    assert_eq!(store.settle(current, Settlement::Done).await, Ok(true));
}

pub(crate) async fn a_released_lease_is_pending_again(store: Arc<dyn Store>) {
    let sample = Sample::new("talkplus", "release");
    store.append(sample.record()).await.expect("append");
    let leased = store.lease(&["talkplus"], LONG, 10).await.expect("lease");
    let (lease, _) = &leased[0];
    assert_eq!(store.settle(lease, Settlement::Release).await, Ok(true));
    assert_eq!(
        state(store.as_ref(), lease.id).await,
        DeliveryState::Pending
    );
    let again = store.lease(&["talkplus"], LONG, 10).await.expect("lease");
    assert_eq!(again.len(), 1);
    assert_eq!(
        again[0].0.attempt, lease.attempt,
        "a released attempt is not counted"
    );
}

pub(crate) async fn a_rejected_copy_leaves_a_running_attempt_alone(store: Arc<dyn Store>) {
    let sample = Sample::new("talkplus", "reject-running");
    let lease = claimed(store.as_ref(), &sample, LONG).await;
    assert_eq!(
        store.reject(sample.record(), "set-up panicked").await,
        Ok(false),
        "left alone"
    );
    assert_eq!(state(store.as_ref(), lease.id).await, DeliveryState::Leased);
    assert_eq!(store.settle(&lease, Settlement::Done).await, Ok(true));
    assert_eq!(state(store.as_ref(), lease.id).await, DeliveryState::Done);
}

pub(crate) async fn dead_letters_are_replayed_one_or_all_and_purged(store: Arc<dyn Store>) {
    let samples: Vec<Sample> = (0..3)
        .map(|n| Sample::new("talkplus", &format!("replay-{n}")))
        .collect();
    for sample in &samples {
        assert_eq!(
            store
                .reject(
                    sample.record(),
                    "`member_banned` payload at `channel`: invalid type",
                )
                .await,
            Ok(true),
            "kept"
        );
    }
    let dead = store
        .list(&Filter {
            state: Some(DeliveryState::Dead),
            ..Filter::default()
        })
        .await
        .expect("list");
    assert_eq!(dead.len(), 3);
    assert!(
        dead.iter().all(|record| record.body.is_none()),
        "lists leave bodies out"
    );
    assert!(dead.iter().all(|record| {
        record
            .last_error
            .as_deref()
            .is_some_and(|error| error.contains("channel"))
    }));
    let one = dead[0].id;
    assert_eq!(store.replay(one).await, Ok(true));
    assert_eq!(store.replay(one).await, Ok(false), "no longer dead");
    assert_eq!(state(store.as_ref(), one).await, DeliveryState::Pending);
    assert_eq!(store.replay_dead().await, Ok(2));
    let counts = store.counts().await.expect("counts");
    assert_eq!((counts.pending, counts.dead), (3, 0));
    assert_eq!(store.unsettled().await, Ok(3));
    let leased = store.lease(&["talkplus"], LONG, 10).await.expect("lease");
    assert_eq!(leased.len(), 3);
    for (lease, _) in &leased {
        let settlement = Settlement::Dead {
            error: "again".to_owned(),
        };
        assert_eq!(store.settle(lease, settlement).await, Ok(true));
    }
    assert_eq!(store.purge(Purge::Done).await, Ok(0));
    assert_eq!(store.purge(Purge::Dead).await, Ok(3));
    assert_eq!(store.counts().await.expect("counts"), Default::default());
}

pub(crate) async fn a_rejected_delivery_never_undoes_a_handled_one(store: Arc<dyn Store>) {
    let sample = Sample::new("talkplus", "reject-done");
    let lease = claimed(store.as_ref(), &sample, LONG).await;
    assert_eq!(store.settle(&lease, Settlement::Done).await, Ok(true));
    assert_eq!(
        store.reject(sample.record(), "bad").await,
        Ok(false),
        "left alone"
    );
    assert_eq!(state(store.as_ref(), lease.id).await, DeliveryState::Done);
}

pub(crate) async fn a_dead_letter_appended_again_is_pending_again(store: Arc<dyn Store>) {
    let sample = Sample::new("amity", "dead-append");
    let lease = claimed(store.as_ref(), &sample, LONG).await;
    let dead = Settlement::Dead {
        error: "failed".to_owned(),
    };
    assert_eq!(store.settle(&lease, dead).await, Ok(true));
    assert_eq!(
        store.append(sample.record()).await,
        Ok(Appended::Duplicate(DeliveryState::Dead))
    );
    assert_eq!(
        state(store.as_ref(), lease.id).await,
        DeliveryState::Pending
    );
    let leased = store.lease(&["amity"], LONG, 10).await.expect("lease");
    assert_eq!(leased.len(), 1);
}

pub(crate) async fn prune_keeps_unsettled_deliveries_and_bounds_settled_ones(
    store: Arc<dyn Store>,
) {
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(settled(store.as_ref(), &format!("prune-{n}"), Settlement::Done).await);
    }
    let running = Sample::new("talkplus", "prune-running");
    let running = claimed(store.as_ref(), &running, LONG).await;
    let pending = Sample::new("talkplus", "prune-pending");
    store.append(pending.record()).await.expect("append");

    let keep_three = Retention {
        max_settled: 3,
        ..Retention::DURABLE
    };
    assert_eq!(store.prune(keep_three).await, Ok(2));
    assert!(
        store.get(ids[0]).await.expect("get").is_none(),
        "oldest first"
    );
    assert!(store.get(ids[4]).await.expect("get").is_some());

    tokio::time::sleep(Duration::from_millis(20)).await;
    let by_age = Retention {
        done_for: Duration::from_millis(10),
        dead_for: Duration::from_millis(10),
        max_settled: 1_000,
    };
    assert_eq!(store.prune(by_age).await, Ok(3));
    let counts = store.counts().await.expect("counts");
    assert_eq!((counts.pending, counts.leased, counts.done), (1, 1, 0));
    assert_eq!(
        state(store.as_ref(), running.id).await,
        DeliveryState::Leased
    );
}

pub(crate) async fn pruning_by_count_takes_done_records_before_dead_letters(store: Arc<dyn Store>) {
    // The oldest settled record is a dead letter; handled deliveries come after it.
    let dead_id = settled(store.as_ref(), "count-dead", failed()).await;
    let mut done_ids = Vec::new();
    for n in 0..3 {
        let tag = format!("count-done-{n}");
        done_ids.push(settled(store.as_ref(), &tag, Settlement::Done).await);
    }
    let keep_two = Retention {
        max_settled: 2,
        ..Retention::DURABLE
    };
    assert_eq!(store.prune(keep_two).await, Ok(2));
    assert_eq!(
        state(store.as_ref(), dead_id).await,
        DeliveryState::Dead,
        "a dead letter, never handled, outlives handled deliveries"
    );
    assert!(store.get(done_ids[0]).await.expect("get").is_none());
    assert!(store.get(done_ids[1]).await.expect("get").is_none());
    assert!(store.get(done_ids[2]).await.expect("get").is_some());
    // With no done record left to take, the count reaches dead letters too.
    let keep_none = Retention {
        max_settled: 0,
        ..Retention::DURABLE
    };
    assert_eq!(store.prune(keep_none).await, Ok(2));
    assert!(store.get(dead_id).await.expect("get").is_none());
}

pub(crate) async fn pruning_by_count_takes_the_longest_settled_first(store: Arc<dyn Store>) {
    // The first delivery to arrive is the last to be handled (a retry, a replay).
    let late = Sample::new("talkplus", "count-late");
    let late_lease = claimed(store.as_ref(), &late, LONG).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let early_id = settled(store.as_ref(), "count-early", Settlement::Done).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(store.settle(&late_lease, Settlement::Done).await, Ok(true));
    assert!(late_lease.id < early_id);
    let keep_one = Retention {
        max_settled: 1,
        ..Retention::DURABLE
    };
    assert_eq!(store.prune(keep_one).await, Ok(1));
    assert!(store.get(early_id).await.expect("get").is_none());
    assert_eq!(
        store.claim(late.record(), LONG).await,
        Ok(Claim::Done),
        "the delivery handled last is still known"
    );
}

pub(crate) async fn pruning_by_age_comes_before_the_count(store: Arc<dyn Store>) {
    let mut done_ids = Vec::new();
    for n in 0..2 {
        let tag = format!("age-done-{n}");
        done_ids.push(settled(store.as_ref(), &tag, Settlement::Done).await);
    }
    let dead_id = settled(store.as_ref(), "age-dead", failed()).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The dead letter is past its age; what is left is within the count.
    let retention = Retention {
        done_for: Duration::from_secs(3_600),
        dead_for: Duration::from_millis(10),
        max_settled: 2,
    };
    assert_eq!(store.prune(retention).await, Ok(1));
    assert!(store.get(dead_id).await.expect("get").is_none());
    for id in done_ids {
        assert_eq!(state(store.as_ref(), id).await, DeliveryState::Done);
    }
}

pub(crate) async fn lists_filter_and_page_newest_first(store: Arc<dyn Store>) {
    for n in 0..4 {
        let provider = if n % 2 == 0 { "talkplus" } else { "amity" };
        let sample = Sample::new(provider, &format!("list-{n}"));
        store.append(sample.record()).await.expect("append");
    }
    let all = store.list(&Filter::default()).await.expect("list");
    let ids: Vec<u64> = all.iter().map(|record| record.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first");
    assert_eq!(ids.len(), 4);
    let amity = store
        .list(&Filter {
            provider: Some("amity".to_owned()),
            ..Filter::default()
        })
        .await
        .expect("list");
    assert_eq!(amity.len(), 2);
    let page = store
        .list(&Filter {
            before_id: Some(ids[1]),
            limit: 1,
            ..Filter::default()
        })
        .await
        .expect("list");
    assert_eq!(
        page.iter().map(|record| record.id).collect::<Vec<_>>(),
        [ids[2]]
    );
    let none = store
        .list(&Filter {
            event: Some("no-such-event".to_owned()),
            ..Filter::default()
        })
        .await
        .expect("list");
    assert!(none.is_empty());
}

/// One `#[tokio::test]` per case above, each on a fresh store made by `$fresh` (an
/// expression giving an `Arc<dyn Store>`, evaluated once per test).
macro_rules! store_contract_tests {
    ($fresh:expr) => {
        store_contract_tests!(@each $fresh;
            a_claimed_delivery_is_in_progress_then_done,
            a_stale_attempt_cannot_touch_the_lease_or_done_marker_of_another,
            a_failed_attempt_is_a_dead_letter_that_a_copy_runs_again,
            renewal_keeps_a_lease,
            an_appended_delivery_is_pending_once_and_leased_with_its_body,
            leases_follow_providers_and_due_times,
            a_lease_never_hands_out_more_than_asked_across_providers,
            an_expired_lease_is_taken_over,
            a_released_lease_is_pending_again,
            dead_letters_are_replayed_one_or_all_and_purged,
            a_rejected_delivery_never_undoes_a_handled_one,
            a_rejected_copy_leaves_a_running_attempt_alone,
            a_dead_letter_appended_again_is_pending_again,
            prune_keeps_unsettled_deliveries_and_bounds_settled_ones,
            pruning_by_count_takes_done_records_before_dead_letters,
            pruning_by_count_takes_the_longest_settled_first,
            pruning_by_age_comes_before_the_count,
            lists_filter_and_page_newest_first
        );
    };
    (@each $fresh:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(store) = $fresh {
                    crate::contract::$case(store).await;
                }
            }
        )*
    };
}
