//! Inline mode's guarantees: the time budget, dead letters for what fails, leases that
//! outlive slow handlers, and the maximum age.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use webhook_core::amity::{self, Amity};
use webhook_core::store::{DeliveryState, Filter};
use webhook_core::talkplus::{self, MemberBanned, MessageSent, TalkPlus};
use webhook_core::{
    Dispatcher, Failure, Inbox, MemoryStore, Outcome, Provider, Shared, Store, webhook_handler,
};

const KEY: &str = "guarantees-key";

/// Serves `route` at `/hook` on a free loopback port.
async fn serve(route: axum::routing::MethodRouter) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        async move { axum::serve(listener, axum::Router::new().route("/hook", route)).await },
    );
    addr
}

/// Posts a signed delivery to `/hook`.
async fn post(
    client: &reqwest::Client,
    addr: std::net::SocketAddr,
    headers: HeaderMap,
    body: Bytes,
) -> reqwest::Response {
    client
        .post(format!("http://{addr}/hook"))
        .headers(headers)
        .body(body)
        .send()
        .await
        .expect("sent")
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

fn delivery(tag: &str) -> (HeaderMap, Bytes) {
    signed(format!(
        r#"{{"event":"member_banned","channel":{{"id":"{tag}"}},"users":[]}}"#
    ))
}

/// Handlers wait for a permit of `gate` (so tests decide when they finish), then count.
#[derive(Clone)]
struct Gate {
    gate: Arc<Semaphore>,
    started: Arc<AtomicUsize>,
    done: Arc<AtomicUsize>,
}

impl Gate {
    fn closed() -> Self {
        Self {
            gate: Arc::new(Semaphore::new(0)),
            started: Arc::new(AtomicUsize::new(0)),
            done: Arc::new(AtomicUsize::new(0)),
        }
    }
    fn open() -> Self {
        let gate = Self::closed();
        gate.gate.add_permits(1_000);
        gate
    }
    fn started(&self) -> usize {
        self.started.load(Ordering::SeqCst)
    }
    fn done(&self) -> usize {
        self.done.load(Ordering::SeqCst)
    }
}

#[webhook_handler]
async fn gated(ev: MemberBanned, Shared(gate): Shared<Gate>) -> Result<(), String> {
    gate.started.fetch_add(1, Ordering::SeqCst);
    gate.gate.acquire().await.expect("gate stays open").forget();
    if ev.channel.id.starts_with("failing") {
        return Err("database down".to_owned());
    }
    gate.done.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

fn dispatcher(gate: &Gate, store: &Arc<dyn Store>) -> Dispatcher<TalkPlus, Gate> {
    Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), gate.clone())
        .handler(gated)
        .store(Arc::clone(store))
}

#[tokio::test]
async fn a_handler_past_the_time_budget_fails_and_its_retry_runs() {
    let gate = Gate::closed();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let dispatcher = dispatcher(&gate, &store).timeout(Some(Duration::from_millis(100)));
    let (headers, body) = delivery("slow");
    let started = std::time::Instant::now();
    let outcome = dispatcher.dispatch(headers.clone(), body.clone()).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the budget bounds the wait"
    );
    let Outcome::HandlerFailed { failures, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(failures[0].failure, Failure::TimedOut);
    assert!(outcome.to_string().contains("time budget"), "{outcome}");

    // The timed-out attempt was not remembered as done: the retry runs.
    gate.gate.add_permits(1);
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled { .. }
    ));
    assert_eq!(gate.done(), 1);
}

#[tokio::test]
async fn a_failed_delivery_is_a_dead_letter_that_a_replay_runs_once() {
    let gate = Gate::open();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let dispatcher = Arc::new(dispatcher(&gate, &store));
    let addr = serve(webhook_axum::webhook(Arc::clone(&dispatcher))).await;

    let (headers, body) = delivery("failing-once");
    let response = post(&reqwest::Client::new(), addr, headers, body).await;
    assert_eq!(response.status(), 500);
    let dead = store
        .list(&Filter {
            state: Some(DeliveryState::Dead),
            ..Filter::default()
        })
        .await
        .expect("list");
    assert_eq!(dead.len(), 1, "kept as a dead letter");
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(error.contains("database down"), "{error}");

    // "Fix" the handler, as a new release would: this channel now succeeds. A replay runs
    // it through the fixed dispatcher, once.
    assert_eq!(store.replay(dead[0].id).await, Ok(true));
    let fixed = Gate::open();
    let fixed_dispatcher = Arc::new(
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), fixed.clone())
            .handler(gated_fixed)
            .store(Arc::clone(&store)),
    );
    let inbox = Inbox::new(Arc::clone(&store));
    inbox.serve(fixed_dispatcher);
    assert_eq!(inbox.run_due().await, 1);
    assert_eq!(inbox.run_due().await, 0, "nothing left to run");
    assert_eq!(fixed.done(), 1);
    let record = store.get(dead[0].id).await.expect("get").expect("kept");
    assert_eq!((record.state, record.attempts), (DeliveryState::Done, 2));
}

#[webhook_handler]
async fn gated_fixed(_ev: MemberBanned, Shared(gate): Shared<Gate>) {
    gate.done.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_is_400_and_a_dead_letter_naming_the_path() {
    let gate = Gate::open();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let addr = serve(webhook_axum::webhook(dispatcher(&gate, &store))).await;
    let (headers, body) = signed(r#"{"event":"member_banned","channel":{"id":7}}"#.to_owned());
    let response = post(&reqwest::Client::new(), addr, headers, body).await;
    assert_eq!(response.status(), 400);
    let dead = store.list(&Filter::default()).await.expect("list");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].state, DeliveryState::Dead);
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(error.contains("channel.id"), "the JSON path: {error}");
    assert_eq!(gate.started(), 0);
}

#[tokio::test]
async fn a_verified_body_without_a_readable_event_name_is_400_and_a_dead_letter() {
    let gate = Gate::open();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let addr = serve(webhook_axum::webhook(dispatcher(&gate, &store))).await;
    let client = reqwest::Client::new();
    let bodies = [
        ("hello", "expected value"),
        (r#"{"channel":{"id":"c"}}"#, "event"),
        ("[1,2]", "object"),
    ];
    for (body, _) in bodies {
        let (headers, body) = signed(body.to_owned());
        assert_eq!(post(&client, addr, headers, body).await.status(), 400);
    }
    // The same verified body again is the same delivery: still one record each.
    let (headers, body) = signed("hello".to_owned());
    assert_eq!(post(&client, addr, headers, body).await.status(), 400);

    let mut dead = store.list(&Filter::default()).await.expect("list");
    dead.sort_by_key(|record| record.id);
    assert_eq!(dead.len(), bodies.len(), "{dead:?}");
    // Found by the name the list shows them under.
    let unreadable = Filter {
        event: Some(webhook_core::store::event_from_shown("(unreadable)").to_owned()),
        ..Filter::default()
    };
    assert_eq!(
        store.list(&unreadable).await.expect("list").len(),
        bodies.len()
    );
    for (record, (body, reason)) in dead.iter().zip(bodies) {
        assert_eq!(record.state, DeliveryState::Dead);
        assert_eq!(record.event, webhook_core::store::UNREADABLE_EVENT);
        assert_eq!(record.event_shown(), "(unreadable)");
        let kept = store.get(record.id).await.expect("get").expect("kept");
        assert_eq!(kept.body.as_deref(), Some(body.as_bytes()));
        let error = record.last_error.as_deref().unwrap_or_default();
        assert!(error.contains(reason), "{error}");
    }
    // Its delivery id is TalkPlus's: the signature, shortened.
    assert!(
        dead[0]
            .shown_id
            .as_deref()
            .is_some_and(|id| id.ends_with('…'))
    );
    assert_eq!(gate.started(), 0);

    // A replay reads the envelope again: it fails the same way, and stays a dead letter.
    let inbox = Inbox::new(Arc::clone(&store));
    inbox.serve(Arc::new(dispatcher(&gate, &store)));
    assert_eq!(store.replay(dead[0].id).await, Ok(true));
    assert_eq!(inbox.run_due().await, 1);
    let record = store.get(dead[0].id).await.expect("get").expect("kept");
    assert_eq!((record.state, record.attempts), (DeliveryState::Dead, 1));
    assert_eq!(gate.started(), 0);
}

#[tokio::test]
async fn unreadable_amity_bodies_sharing_a_request_id_are_kept_each() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let dispatcher = Dispatcher::new(Amity::verifier(["secret"]).expect("key"), ())
        .handler(any_amity_event)
        .store(Arc::clone(&store));
    for event in [1, 2] {
        let body = format!(r#"{{"requestId":"shared-req","event":{event}}}"#);
        let mut headers = HeaderMap::new();
        let signature = amity::SIGNATURE.sign(b"secret", body.as_bytes());
        headers.insert(
            "x-amity-signature",
            HeaderValue::from_str(&signature).expect("base64"),
        );
        let outcome = dispatcher.dispatch(headers, Bytes::from(body)).await;
        assert_eq!(outcome.status(), 400, "{outcome}");
    }
    let dead = store.list(&Filter::default()).await.expect("list");
    assert_eq!(dead.len(), 2, "one requestId, two bodies: two dead letters");
}

#[webhook_handler]
async fn any_amity_event(_ev: amity::AmityEvent) {}

#[tokio::test]
async fn a_verified_body_that_cannot_be_kept_is_503_not_400() {
    // A real Redis client with nothing listening: the store cannot be reached.
    let store: Arc<dyn Store> =
        Arc::new(webhook_core::store::redis::RedisStore::new("redis://127.0.0.1:1/").expect("URL"));
    let gate = Gate::open();
    let addr = serve(webhook_axum::webhook(dispatcher(&gate, &store))).await;
    let client = reqwest::Client::new();
    for body in [
        "not json",
        r#"{"event":"member_banned","channel":{"id":7}}"#,
    ] {
        let (headers, body) = signed(body.to_owned());
        let response = post(&client, addr, headers, body).await;
        assert_eq!(response.status(), 503, "the platform may try again");
        assert_eq!(response.headers()["retry-after"], "5");
    }
    assert_eq!(gate.started(), 0);
}

/// A state whose `Clone` panics while armed: the handler's set-up (its `Shared`
/// extractor) panics before the handler runs.
#[derive(Default)]
struct FragileState {
    armed: Arc<std::sync::atomic::AtomicBool>,
    ran: Arc<AtomicUsize>,
}

impl Clone for FragileState {
    fn clone(&self) -> Self {
        assert!(
            !self.armed.load(Ordering::SeqCst),
            "the state cannot be cloned"
        );
        Self {
            armed: Arc::clone(&self.armed),
            ran: Arc::clone(&self.ran),
        }
    }
}

#[webhook_handler]
async fn needs_fragile_state(_ev: MemberBanned, Shared(state): Shared<FragileState>) {
    state.ran.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test]
async fn handlers_whose_set_up_panics_leave_a_dead_letter_to_replay() {
    let state = FragileState::default();
    let (armed, ran) = (Arc::clone(&state.armed), Arc::clone(&state.ran));
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let dispatcher = Arc::new(
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), state)
            .handler(needs_fragile_state)
            .store(Arc::clone(&store)),
    );
    armed.store(true, Ordering::SeqCst);
    let (headers, body) = delivery("fragile");
    let outcome = dispatcher.dispatch(headers, body).await;
    assert!(
        matches!(outcome, Outcome::HandlerFailed { .. }),
        "{outcome}"
    );
    assert_eq!(outcome.status(), 500);
    let dead = store.list(&Filter::default()).await.expect("list");
    assert_eq!(dead.len(), 1, "kept: TalkPlus never retries a 500");
    assert_eq!(dead[0].state, DeliveryState::Dead);
    let error = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(error.contains("cannot be cloned"), "{error}");

    // Fixed: a replay runs it once.
    armed.store(false, Ordering::SeqCst);
    let inbox = Inbox::new(Arc::clone(&store));
    inbox.serve(dispatcher);
    assert_eq!(store.replay(dead[0].id).await, Ok(true));
    assert_eq!(inbox.run_due().await, 1);
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    let record = store.get(dead[0].id).await.expect("get").expect("kept");
    assert_eq!(record.state, DeliveryState::Done);
}

#[tokio::test]
async fn a_duplicate_still_running_elsewhere_after_the_budget_is_503_and_runs_nothing() {
    // Two instances sharing one store: the first runs a slow attempt with no budget, the
    // second receives the platform's retry with a short budget.
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let slow = Gate::closed();
    let first = Arc::new(dispatcher(&slow, &store).timeout(None));
    let second_runs = Gate::open();
    let second = dispatcher(&second_runs, &store).timeout(Some(Duration::from_millis(150)));
    let addr = serve(webhook_axum::webhook(second)).await;

    let (headers, body) = delivery("held-elsewhere");
    let running = tokio::spawn({
        let (first, headers, body) = (Arc::clone(&first), headers.clone(), body.clone());
        async move { first.dispatch(headers, body).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let response = post(&reqwest::Client::new(), addr, headers, body).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "5");
    assert!(
        response
            .text()
            .await
            .expect("reply")
            .contains("retry later")
    );
    assert_eq!(
        second_runs.started(),
        0,
        "the duplicate did not run the handlers"
    );

    slow.gate.add_permits(1);
    assert!(matches!(
        running.await.expect("task"),
        Outcome::Handled { .. }
    ));
    assert_eq!(slow.done(), 1);
}

#[tokio::test]
async fn a_handler_running_past_its_lease_is_not_run_a_second_time() {
    // The lease is renewed while the handler runs: a copy arriving on another instance
    // long after the lease would have ended finds it still held.
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let slow = Gate::closed();
    let lease = Duration::from_millis(150);
    let first = Arc::new(dispatcher(&slow, &store).timeout(None).lease(lease));
    let other = Gate::open();
    let second = dispatcher(&other, &store)
        .timeout(Some(Duration::from_millis(100)))
        .lease(lease);

    let (headers, body) = delivery("outlives-its-lease");
    let running = tokio::spawn({
        let (first, headers, body) = (Arc::clone(&first), headers.clone(), body.clone());
        async move { first.dispatch(headers, body).await }
    });
    for _ in 0..4 {
        tokio::time::sleep(lease).await;
        let outcome = second.dispatch(headers.clone(), body.clone()).await;
        assert!(matches!(outcome, Outcome::InProgress { .. }), "{outcome:?}");
    }
    assert_eq!(other.started(), 0, "never run a second time");
    slow.gate.add_permits(1);
    assert!(matches!(
        running.await.expect("task"),
        Outcome::Handled { .. }
    ));
    assert!(matches!(
        second.dispatch(headers, body).await,
        Outcome::Duplicate { .. }
    ));
    assert_eq!((slow.done(), other.started()), (1, 0));
}

#[derive(Clone, Default)]
struct Seen(Arc<AtomicUsize>);

#[webhook_handler]
async fn count_messages(_ev: MessageSent, Shared(seen): Shared<Seen>) {
    seen.0.fetch_add(1, Ordering::SeqCst);
}

fn message_created_at(created_at_millis: u128, tag: &str) -> (HeaderMap, Bytes) {
    signed(format!(
        r#"{{"event":"message","channel":{{"id":"{tag}"}},"message":{{"id":"{tag}","createdAt":{created_at_millis}}}}}"#
    ))
}

#[tokio::test]
async fn the_maximum_age_refuses_an_old_event_with_422_and_accepts_a_fresh_one() {
    let seen = Seen::default();
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), seen.clone())
        .handler(count_messages)
        .max_age(Duration::from_secs(3600));
    let addr = serve(webhook_axum::webhook(dispatcher)).await;
    let client = reqwest::Client::new();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis();

    let (headers, body) = message_created_at(now - 2 * 3600 * 1000, "old");
    let response = post(&client, addr, headers, body).await;
    assert_eq!(response.status(), 422);
    let reply = response.text().await.expect("reply");
    assert!(
        reply.contains("older than the accepted maximum age"),
        "{reply}"
    );
    assert_eq!(seen.0.load(Ordering::SeqCst), 0);

    let (headers, body) = message_created_at(now - 60 * 1000, "fresh");
    assert_eq!(post(&client, addr, headers, body).await.status(), 200);
    // Seconds, as some of the platform's samples write them.
    let (headers, body) = message_created_at(now / 1000 - 60, "fresh-seconds");
    assert_eq!(post(&client, addr, headers, body).await.status(), 200);
    assert_eq!(seen.0.load(Ordering::SeqCst), 2);
}

#[webhook_handler]
async fn count_amity_messages(
    _ev: webhook_core::amity::MessageDidCreate,
    Shared(seen): Shared<Seen>,
) {
    seen.0.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test]
async fn the_maximum_age_reads_amity_times_too() {
    use webhook_core::amity::{self, Amity};
    let seen = Seen::default();
    let dispatcher = Dispatcher::new(Amity::verifier(["secret"]).expect("key"), seen.clone())
        .handler(count_amity_messages)
        .max_age(Duration::from_secs(600));
    let now = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    for (created_at, expected) in [("2018-11-30T11:39:20.149Z", 422), (now.as_str(), 200)] {
        let body = format!(
            r#"{{"event":"message.didCreate","data":{{"messages":[{{"messageId":"m-{created_at}","createdAt":"{created_at}"}}]}}}}"#
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amity-signature",
            HeaderValue::from_str(&amity::SIGNATURE.sign(b"secret", body.as_bytes())).expect("b64"),
        );
        let outcome = dispatcher.dispatch(headers, Bytes::from(body)).await;
        assert_eq!(
            outcome.status().as_u16(),
            expected,
            "{created_at}: {outcome}"
        );
    }
    assert_eq!(seen.0.load(Ordering::SeqCst), 1);
    // The v5 shape as the specification gives it: a message feed under `messages`, whose
    // old creation time is not the event's.
    let body = r#"{"event":"message.didCreate","data":{"messages":[{"messageFeedId":"f","createdAt":"2018-11-30T11:39:20.149Z"}]}}"#;
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-amity-signature",
        HeaderValue::from_str(&amity::SIGNATURE.sign(b"secret", body.as_bytes())).expect("b64"),
    );
    let outcome = dispatcher.dispatch(headers, Bytes::from(body)).await;
    assert_eq!(outcome.status().as_u16(), 200, "{outcome}");
    assert_eq!(seen.0.load(Ordering::SeqCst), 2);
}
