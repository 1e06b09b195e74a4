//! Redis going away: a bounded wait for all deliveries together, not one per delivery.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use webhook_core::store::redis::RedisStore;
use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Outcome, Provider, Shared, Store, webhook_handler};

use crate::outside::RedisServer;
use crate::semantics;

#[webhook_handler]
async fn count(_ev: MemberBanned, Shared(runs): Shared<Arc<AtomicUsize>>) {
    runs.fetch_add(1, Ordering::SeqCst);
}

/// Redis gone away, two ways.
#[derive(Clone, Copy, Debug)]
enum Outage {
    /// The server is stopped: connections are refused at once.
    Stopped,
    /// The server is frozen: connections hang until the call's timeout, as with a hung
    /// Redis or a network that drops packets.
    Frozen,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_stopped_a_hundred_deliveries_cost_a_few_connect_timeouts_in_all() {
    a_hundred_deliveries_during(Outage::Stopped).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_frozen_a_hundred_deliveries_cost_a_few_call_timeouts_in_all() {
    a_hundred_deliveries_during(Outage::Frozen).await;
}

async fn a_hundred_deliveries_during(outage: Outage) {
    let Some(mut server) = RedisServer::start() else {
        return;
    };
    let store: Arc<dyn Store> = Arc::new(RedisStore::new(&server.url()).expect("url"));
    let runs = Arc::new(AtomicUsize::new(0));
    let dispatcher = Dispatcher::new(
        TalkPlus::verifier(["dedup-test-key"]).expect("key"),
        Arc::clone(&runs),
    )
    .handler(count)
    .store(store);
    let (headers, body) = semantics::delivery("before-the-outage");
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled { .. }
    ));

    match outage {
        Outage::Stopped => server.stop(),
        Outage::Frozen => server.pause(),
    }
    let started = Instant::now();
    for n in 0..100 {
        let (headers, body) = semantics::delivery(&format!("outage-{n}"));
        let outcome = dispatcher.dispatch(headers, body).await;
        // The default policy: handled without deduplication rather than lost.
        assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
    }
    let took = started.elapsed();
    println!("100 deliveries with Redis {outage:?} took {took:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 101);
    // One call's timeout is a second: one per delivery would be 100 s.
    assert!(
        took < Duration::from_secs(5 * RedisStore::CALL_TIMEOUT.as_secs()),
        "took {took:?}"
    );

    // Back: deduplication works again once Redis answers.
    match outage {
        Outage::Stopped => server.resume(),
        Outage::Frozen => server.unpause(),
    }
    tokio::time::sleep(RedisStore::COOLDOWN).await;
    let (headers, body) = semantics::delivery("after-the-outage");
    let mut outcome = dispatcher.dispatch(headers.clone(), body.clone()).await;
    for _ in 0..10 {
        if matches!(outcome, Outcome::Handled { .. }) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        outcome = dispatcher.dispatch(headers.clone(), body.clone()).await;
    }
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Duplicate { .. }
    ));
}
