//! A settle that meets a brief Redis outage is tried again, so a handled delivery does not
//! run a second time once its lease runs out, and a shutdown waits for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use webhook_core::store::{DeliveryState, Filter};
use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{
    Dispatcher, Inbox, InboxSettings, Outcome, Provider, Shared, Store, webhook_handler,
};

use webhook_core::store::redis::RedisStore;

use crate::outside::RedisServer;
use crate::semantics;

/// Counts runs; the first one pauses the writes of the Redis at `url` as it ends, so its
/// settle fails.
#[derive(Clone)]
struct PausesRedis {
    url: String,
    runs: Arc<AtomicUsize>,
}

#[webhook_handler]
async fn pauses_redis_writes(_ev: MemberBanned, Shared(probe): Shared<PausesRedis>) {
    if probe.runs.fetch_add(1, Ordering::SeqCst) == 0 {
        let client = redis::Client::open(probe.url.as_str()).expect("valid URL");
        let mut connection = client
            .get_multiplexed_async_connection()
            .await
            .expect("connect");
        // Longer than the store's call timeout (1 s): the settle's call fails.
        let () = redis::cmd("CLIENT")
            .arg("PAUSE")
            .arg(1_300)
            .arg("WRITE")
            .query_async(&mut connection)
            .await
            .expect("CLIENT PAUSE");
    }
}

/// A store on `server` and a dispatcher on it whose handler's first run pauses the
/// server's writes as it ends.
fn pausing(
    server: &RedisServer,
    lease: Duration,
) -> (
    Arc<dyn Store>,
    PausesRedis,
    Arc<Dispatcher<TalkPlus, PausesRedis>>,
) {
    let store: Arc<dyn Store> = Arc::new(RedisStore::new(&server.url()).expect("url"));
    let probe = PausesRedis {
        url: server.url(),
        runs: Arc::default(),
    };
    let dispatcher = Arc::new(
        Dispatcher::new(
            TalkPlus::verifier([semantics::KEY]).expect("key"),
            probe.clone(),
        )
        .handler(pauses_redis_writes)
        .store(Arc::clone(&store))
        .lease(lease),
    );
    (store, probe, dispatcher)
}

#[tokio::test]
async fn a_settle_during_a_short_outage_is_retried_and_the_delivery_runs_once() {
    // A server of its own: a pause of the shared one would stall the other tests.
    let Some(server) = RedisServer::start() else {
        return;
    };
    let lease = Duration::from_secs(5);
    let (store, probe, dispatcher) = pausing(&server, lease);
    // The inbox would run again a delivery whose lease ran out unsettled.
    let mut settings = InboxSettings::default();
    settings.lease = lease;
    settings.poll_interval = Duration::from_millis(100);
    let inbox = Inbox::with_settings(Arc::clone(&store), settings);
    inbox.serve(Arc::clone(&dispatcher));
    inbox.start();

    let (headers, body) = semantics::delivery("settle-outage");
    let outcome = dispatcher.dispatch(headers, body).await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome}");
    // Past the lease, and the inbox's sweep of expired inline leases.
    tokio::time::sleep(lease + Duration::from_secs(2)).await;
    assert_eq!(probe.runs.load(Ordering::SeqCst), 1, "ran once");
    let records = store.list(&Filter::default()).await.expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(
        (records[0].state, records[0].attempts),
        (DeliveryState::Done, 1)
    );
    inbox.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn a_shutdown_waits_for_a_settle_still_being_retried() {
    let Some(server) = RedisServer::start() else {
        return;
    };
    let (store, _, dispatcher) = pausing(&server, Dispatcher::<TalkPlus>::DEFAULT_LEASE);
    let inbox = Inbox::new(Arc::clone(&store));
    inbox.serve(Arc::clone(&dispatcher));

    let (headers, body) = semantics::delivery("settle-at-shutdown");
    let outcome = dispatcher.dispatch(headers, body).await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome}");
    // Answered with its settle failed once and retried in the background; the process
    // stops now.
    let shutdown = inbox.shutdown(Duration::from_secs(10)).await;
    assert!(shutdown.drained);
    // Read by a client of its own: the store above may still be cooling down from the
    // outage, and the pause stops writes only.
    let reader = RedisStore::new(&server.url()).expect("url");
    let records = reader.list(&Filter::default()).await.expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].state,
        DeliveryState::Done,
        "recorded as handled before the shutdown ended"
    );
}
