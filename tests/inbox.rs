//! Inbox mode in this process, over real HTTP, with the memory store and the embedded file:
//! answered once recorded, run by workers, retried, dead, replayed, bounded, shut down.
//! The same with killed processes is in `webhook-cli/tests/inbox.rs`.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use webhook_core::store::sqlite::SqliteStore;
use webhook_core::store::{
    Appended, Claim, Counts, DeliveryKey, DeliveryState, Filter, Lease, NewDelivery, Purge,
    Retention, Settlement, StoredDelivery,
};
use webhook_core::talkplus::{self, MemberBanned, TalkPlus};
use webhook_core::{
    Dispatcher, Inbox, InboxSettings, MemoryStore, Provider, RetryPolicy, Shared, Store,
    StoreError, webhook_handler,
};

const KEY: &str = "inbox-key";

fn delivery(tag: &str) -> (HeaderMap, Bytes) {
    let body = format!(r#"{{"event":"member_banned","channel":{{"id":"{tag}"}},"users":[]}}"#);
    signed(body)
}

fn signed(body: String) -> (HeaderMap, Bytes) {
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(KEY.as_bytes(), body.as_bytes());
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    (headers, Bytes::from(body))
}

/// What the handler does: waits for the gate, fails the first `fail_first` attempts of
/// channels named `flaky*`, always fails channels named `broken*`, counts runs.
#[derive(Clone)]
struct Handler {
    gate: Arc<Semaphore>,
    runs: Arc<AtomicUsize>,
    succeeded: Arc<AtomicUsize>,
    fail_first: u32,
}

impl Handler {
    fn new(open: bool, fail_first: u32) -> Self {
        let gate = Arc::new(Semaphore::new(if open { 1_000 } else { 0 }));
        Self {
            gate,
            runs: Arc::default(),
            succeeded: Arc::default(),
            fail_first,
        }
    }
    fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
    fn succeeded(&self) -> usize {
        self.succeeded.load(Ordering::SeqCst)
    }
}

#[webhook_handler]
async fn handle(
    ev: MemberBanned,
    Shared(handler): Shared<Handler>,
    info: webhook_core::DeliveryInfo,
) -> Result<(), String> {
    handler.runs.fetch_add(1, Ordering::SeqCst);
    handler.gate.acquire().await.expect("open").forget();
    let channel = ev.channel.id.as_str();
    if channel.starts_with("broken")
        || (channel.starts_with("flaky") && info.attempt() <= handler.fail_first)
    {
        return Err(format!("{channel} fails attempt {}", info.attempt()));
    }
    handler.succeeded.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

fn settings(max_attempts: u32) -> InboxSettings {
    let mut settings = InboxSettings::default();
    settings.retry = RetryPolicy {
        max_attempts,
        first_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
    };
    settings.poll_interval = Duration::from_millis(50);
    settings.lease = Duration::from_millis(300);
    settings
}

struct Server {
    url: String,
    inbox: Inbox,
    store: Arc<dyn Store>,
}

async fn server(store: Arc<dyn Store>, handler: &Handler, settings: InboxSettings) -> Server {
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), handler.clone())
        .handler(handle)
        .store(Arc::clone(&store));
    let inbox = Inbox::with_settings(Arc::clone(&store), settings);
    let route = webhook_axum::Webhook::new(dispatcher)
        .inbox(&inbox)
        .into_method_router();
    inbox.start();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        async move { axum::serve(listener, axum::Router::new().route("/hook", route)).await },
    );
    Server {
        url: format!("http://{addr}/hook"),
        inbox,
        store,
    }
}

impl Server {
    async fn post(&self, (headers, body): (HeaderMap, Bytes)) -> reqwest::Response {
        reqwest::Client::new()
            .post(&self.url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("sent")
    }

    async fn states(&self) -> Vec<DeliveryState> {
        let mut records = self.store.list(&Filter::default()).await.expect("list");
        records.sort_by_key(|record| record.id);
        records.into_iter().map(|record| record.state).collect()
    }
}

/// Waits (at most 10 s) until `done` holds.
async fn eventually(mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("did not happen within 10 s");
}

fn memory() -> Arc<dyn Store> {
    Arc::new(MemoryStore::new())
}

fn sqlite_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("inbox-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir.join("inbox.db")
}

#[tokio::test]
async fn answers_202_once_recorded_and_workers_run_the_handlers_after() {
    let handler = Handler::new(false, 0);
    let server = server(memory(), &handler, settings(3)).await;
    let response = server.post(delivery("slow")).await;
    assert_eq!(
        response.status(),
        202,
        "answered before the handler could finish"
    );
    assert_eq!(
        response.text().await.expect("reply"),
        "accepted: recorded in the inbox\n"
    );
    let copy = server.post(delivery("slow")).await;
    assert_eq!(copy.status(), 202, "a copy is acknowledged");
    assert_eq!(
        copy.text().await.expect("reply"),
        "accepted: already in the inbox\n",
        "not 'already handled': it has not run yet"
    );
    eventually(async || handler.runs() == 1).await;
    assert_eq!(handler.succeeded(), 0);
    handler.gate.add_permits(10);
    eventually(async || server.states().await == [DeliveryState::Done]).await;
    assert_eq!((handler.runs(), handler.succeeded()), (1, 1));
    // Once handled, a copy is a duplicate.
    let late = server.post(delivery("slow")).await;
    assert_eq!(late.status(), 200);
    assert_eq!(
        late.text().await.expect("reply"),
        "acknowledged: already handled\n"
    );
    assert_eq!(handler.runs(), 1);
}

#[tokio::test]
async fn a_handler_failing_once_is_retried_and_one_always_failing_ends_dead() {
    let handler = Handler::new(true, 1);
    let server = server(memory(), &handler, settings(3)).await;
    assert_eq!(server.post(delivery("flaky")).await.status(), 202);
    assert_eq!(server.post(delivery("broken")).await.status(), 202);
    eventually(async || server.states().await == [DeliveryState::Done, DeliveryState::Dead]).await;
    let records = server.store.list(&Filter::default()).await.expect("list");
    let broken = records
        .iter()
        .find(|record| record.state == DeliveryState::Dead)
        .expect("dead");
    let flaky = records
        .iter()
        .find(|record| record.state == DeliveryState::Done)
        .expect("done");
    assert_eq!(flaky.attempts, 2, "failed once, then succeeded");
    assert_eq!(broken.attempts, 3, "the configured attempts");
    let error = broken.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("broken fails attempt 3"), "{error}");
    assert_eq!(handler.runs(), 5);

    // The platform's retry of a dead letter puts it back to pending: it runs again.
    let retry = server.post(delivery("broken")).await;
    assert_eq!(retry.status(), 202);
    assert_eq!(
        retry.text().await.expect("reply"),
        "accepted: already in the inbox\n"
    );
    eventually(async || handler.runs() == 6).await;
    eventually(async || server.states().await == [DeliveryState::Done, DeliveryState::Dead]).await;
}

#[tokio::test]
async fn a_known_event_of_the_wrong_shape_is_accepted_then_a_dead_letter_naming_the_path() {
    let handler = Handler::new(true, 0);
    let server = server(memory(), &handler, settings(3)).await;
    let response = server
        .post(signed(
            r#"{"event":"member_banned","channel":{"id":7}}"#.to_owned(),
        ))
        .await;
    assert_eq!(response.status(), 202);
    eventually(async || server.states().await == [DeliveryState::Dead]).await;
    let record = &server.store.list(&Filter::default()).await.expect("list")[0];
    assert_eq!(
        record.attempts, 1,
        "never retried: the same body fails the same way"
    );
    let error = record.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("channel.id"), "{error}");
    assert_eq!(handler.runs(), 0);
}

#[tokio::test]
async fn a_verified_body_without_a_readable_event_name_is_400_and_a_dead_letter() {
    let handler = Handler::new(true, 0);
    let server = server(memory(), &handler, settings(3)).await;
    let response = server.post(signed("not json".to_owned())).await;
    assert_eq!(response.status(), 400);
    assert_eq!(server.states().await, [DeliveryState::Dead]);
    let record = &server.store.list(&Filter::default()).await.expect("list")[0];
    assert_eq!(record.event_shown(), "(unreadable)");
    let kept = server
        .store
        .get(record.id)
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(kept.body.as_deref(), Some(&b"not json"[..]));
    let error = record.last_error.as_deref().unwrap_or_default();
    assert!(error.contains("not a JSON object"), "{error}");
    assert_eq!(handler.runs(), 0);
}

#[tokio::test]
async fn what_is_not_verified_or_not_wanted_is_not_recorded() {
    let handler = Handler::new(true, 0);
    let server = server(memory(), &handler, settings(3)).await;
    let (_, body) = delivery("unsigned");
    assert_eq!(server.post((HeaderMap::new(), body)).await.status(), 401);
    let ignored = server
        .post(signed(
            r#"{"event":"channel_added","channel":{"id":"c"}}"#.to_owned(),
        ))
        .await;
    assert_eq!(ignored.status(), 200);
    assert!(server.states().await.is_empty());
}

#[tokio::test]
async fn a_full_inbox_answers_503_with_retry_after() {
    let handler = Handler::new(false, 0);
    let mut settings = settings(3);
    settings.max_unsettled = 2;
    settings.concurrency = 1;
    let server = server(memory(), &handler, settings).await;
    let mut statuses = Vec::new();
    for n in 0..4 {
        let response = server.post(delivery(&format!("full-{n}"))).await;
        if response.status() == 503 {
            assert_eq!(response.headers()["retry-after"], "5");
        }
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [202, 202, 503, 503]);
    handler.gate.add_permits(10);
    eventually(async || server.states().await == [DeliveryState::Done; 2]).await;
    // Counted again within a second: it accepts once more.
    eventually(async || server.inbox.is_accepting()).await;
    assert_eq!(server.post(delivery("full-later")).await.status(), 202);
}

#[tokio::test]
async fn shutdown_refuses_new_deliveries_and_gives_back_the_leases_of_stuck_ones() {
    let handler = Handler::new(false, 0);
    let server = server(memory(), &handler, settings(3)).await;
    assert_eq!(server.post(delivery("stuck")).await.status(), 202);
    eventually(async || handler.runs() == 1).await;
    let shutdown = server.inbox.shutdown(Duration::from_millis(200)).await;
    assert!(!shutdown.drained, "the handler never finished");
    assert_eq!(server.post(delivery("after")).await.status(), 503);
    assert_eq!(
        server.states().await,
        [DeliveryState::Pending],
        "given back, not lost: the next start runs it"
    );
}

#[tokio::test]
async fn shutdown_lets_running_handlers_finish_within_the_grace() {
    let handler = Handler::new(false, 0);
    let server = server(memory(), &handler, settings(3)).await;
    assert_eq!(server.post(delivery("finishing")).await.status(), 202);
    eventually(async || handler.runs() == 1).await;
    let gate = Arc::clone(&handler.gate);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        gate.add_permits(1);
    });
    let shutdown = server.inbox.shutdown(Duration::from_secs(5)).await;
    assert!(shutdown.drained);
    assert_eq!(server.states().await, [DeliveryState::Done]);
}

#[tokio::test]
async fn deliveries_recorded_before_a_restart_run_after_it_and_copies_are_acknowledged() {
    let path = sqlite_path("restart");
    let handler = Handler::new(false, 0);
    {
        // The first process: records, answers, and dies before any handler finishes.
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("open"));
        let server = server(store, &handler, settings(3)).await;
        for n in 0..3 {
            assert_eq!(
                server
                    .post(delivery(&format!("restart-{n}")))
                    .await
                    .status(),
                202
            );
        }
        server.inbox.shutdown(Duration::ZERO).await;
    }
    let after = Handler::new(true, 0);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("reopen"));
    let server = server(store, &after, settings(3)).await;
    eventually(async || server.states().await == [DeliveryState::Done; 3]).await;
    assert_eq!(after.succeeded(), 3, "each once");
    // The platform's retry of one of them is acknowledged without running.
    assert_eq!(server.post(delivery("restart-1")).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(after.runs(), 3);
}

#[tokio::test]
async fn a_slow_handler_holds_its_lease_against_another_instance() {
    let path = sqlite_path("lease");
    let slow = Handler::new(false, 0);
    let other = Handler::new(true, 0);
    let first = server(
        Arc::new(SqliteStore::open(&path).expect("open")),
        &slow,
        settings(3),
    )
    .await;
    assert_eq!(first.post(delivery("held")).await.status(), 202);
    eventually(async || slow.runs() == 1).await;
    let second = server(
        Arc::new(SqliteStore::open(&path).expect("open")),
        &other,
        settings(3),
    )
    .await;
    // Several lease lengths go by while the handler runs; the other instance never takes it.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(slow.runs() + other.runs(), 1);
    slow.gate.add_permits(1);
    eventually(async || first.states().await == [DeliveryState::Done]).await;
    assert_eq!(slow.runs() + other.runs(), 1);
    drop(second);
}

#[test]
fn one_inbox_refuses_a_second_dispatcher_of_the_same_provider() {
    let store = memory();
    let inbox = Inbox::new(Arc::clone(&store));
    let dispatcher = || {
        Arc::new(
            Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), ()).store(Arc::clone(&store)),
        )
    };
    let first = dispatcher();
    inbox.serve(Arc::clone(&first));
    // The same dispatcher again (mounted on a second route, say) is fine.
    inbox.serve(first);
    let second = dispatcher();
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inbox.serve(second)))
        .expect_err("a second talkplus dispatcher is refused");
    let message = refused.downcast_ref::<String>().map_or("", String::as_str);
    assert!(
        message.contains("another talkplus dispatcher") && message.contains("its own store"),
        "{message}"
    );
}

#[tokio::test]
async fn a_lease_set_to_zero_still_holds_a_running_delivery() {
    let handler = Handler::new(false, 0);
    let mut zero = settings(3);
    zero.lease = Duration::ZERO;
    zero.poll_interval = Duration::from_millis(10);
    let server = server(memory(), &handler, zero).await;
    assert_eq!(server.post(delivery("zero-lease")).await.status(), 202);
    eventually(async || handler.runs() == 1).await;
    // Idle workers look every 10 ms; a lease that ended at once would be taken again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(handler.runs(), 1, "taken again while running");
    handler.gate.add_permits(1);
    eventually(async || server.states().await == [DeliveryState::Done]).await;
    assert_eq!(handler.runs(), 1);
}

#[tokio::test]
async fn without_started_workers_the_limit_counts_what_run_due_left() {
    let handler = Handler::new(true, 0);
    let store = memory();
    let mut limited = settings(3);
    limited.max_unsettled = 2;
    let inbox = Inbox::with_settings(Arc::clone(&store), limited);
    let dispatcher = Arc::new(
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), handler.clone())
            .handler(handle)
            .store(Arc::clone(&store)),
    );
    inbox.serve(Arc::clone(&dispatcher));
    // Never started: the program runs what is due itself, one delivery at a time.
    for n in 0..5 {
        let (headers, body) = delivery(&format!("run-due-{n}"));
        let outcome = inbox.accept(&dispatcher, headers, body).await;
        assert_eq!(outcome.status(), 202, "delivery {n}: {outcome}");
        assert_eq!(inbox.run_due().await, 1, "delivery {n}");
    }
    assert_eq!(handler.succeeded(), 5);
    assert_eq!(inbox.unsettled(), 0);
}

/// A store call's future, as the `Store` trait has it.
type Call<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The memory store, whose leases the test holds back until it lets them go.
struct HeldLeases {
    store: MemoryStore,
    gate: Semaphore,
    leasing: tokio::sync::Notify,
}

impl Store for HeldLeases {
    fn kind(&self) -> &'static str {
        "memory, leases held"
    }
    fn is_durable(&self) -> bool {
        false
    }
    fn claim<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        lease: Duration,
    ) -> Call<'a, Result<Claim, StoreError>> {
        self.store.claim(delivery, lease)
    }
    fn append<'a>(&'a self, delivery: NewDelivery<'a>) -> Call<'a, Result<Appended, StoreError>> {
        self.store.append(delivery)
    }
    fn reject<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        error: &'a str,
    ) -> Call<'a, Result<bool, StoreError>> {
        self.store.reject(delivery, error)
    }
    fn wait<'a>(&'a self, key: &'a DeliveryKey, timeout: Duration) -> Call<'a, ()> {
        self.store.wait(key, timeout)
    }
    fn lease<'a>(
        &'a self,
        providers: &'a [&'a str],
        lease: Duration,
        max: usize,
    ) -> Call<'a, Result<Vec<(Lease, StoredDelivery)>, StoreError>> {
        Box::pin(async move {
            self.leasing.notify_one();
            self.gate.acquire().await.expect("open").forget();
            self.store.lease(providers, lease, max).await
        })
    }
    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> Call<'a, Result<bool, StoreError>> {
        self.store.renew(lease, duration)
    }
    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        settlement: Settlement,
    ) -> Call<'a, Result<bool, StoreError>> {
        self.store.settle(lease, settlement)
    }
    fn list<'a>(&'a self, filter: &'a Filter) -> Call<'a, Result<Vec<StoredDelivery>, StoreError>> {
        self.store.list(filter)
    }
    fn get(&self, id: u64) -> Call<'_, Result<Option<StoredDelivery>, StoreError>> {
        self.store.get(id)
    }
    fn replay(&self, id: u64) -> Call<'_, Result<bool, StoreError>> {
        self.store.replay(id)
    }
    fn replay_dead(&self) -> Call<'_, Result<u64, StoreError>> {
        self.store.replay_dead()
    }
    fn purge(&self, which: Purge) -> Call<'_, Result<u64, StoreError>> {
        self.store.purge(which)
    }
    fn prune(&self, retention: Retention) -> Call<'_, Result<u64, StoreError>> {
        self.store.prune(retention)
    }
    fn counts(&self) -> Call<'_, Result<Counts, StoreError>> {
        self.store.counts()
    }
    fn unsettled(&self) -> Call<'_, Result<u64, StoreError>> {
        self.store.unsettled()
    }
}

#[tokio::test]
async fn a_lease_taken_while_shutdown_begins_is_given_back_not_run() {
    let handler = Handler::new(true, 0);
    let held = Arc::new(HeldLeases {
        store: MemoryStore::new(),
        gate: Semaphore::new(0),
        leasing: tokio::sync::Notify::new(),
    });
    let store: Arc<dyn Store> = held.clone();
    let server = server(Arc::clone(&store), &handler, settings(3)).await;
    assert_eq!(
        server.post(delivery("leased-at-shutdown")).await.status(),
        202
    );
    // The workers are inside the store's lease call, which has not answered yet.
    held.leasing.notified().await;
    let inbox = server.inbox.clone();
    let shutdown = tokio::spawn(async move { inbox.shutdown(Duration::from_secs(5)).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    held.gate.add_permits(1_000);
    let drained = shutdown.await.expect("shutdown").drained;
    assert!(drained);
    assert_eq!(handler.runs(), 0, "nothing starts once shutdown began");
    assert_eq!(
        server.states().await,
        [DeliveryState::Pending],
        "given back"
    );
}
