//! The time budget of a delivery and the acknowledge-first mode.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use webhook_core::talkplus::{self, MemberBanned, TalkPlus};
use webhook_core::{
    DeliveryQueue, Dispatcher, Failure, MemoryStore, Outcome, Provider, State, webhook_handler,
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

fn delivery(tag: &str) -> (HeaderMap, Bytes) {
    let body = format!(r#"{{"event":"member_banned","channel":{{"id":"{tag}"}},"users":[]}}"#);
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(KEY.as_bytes(), body.as_bytes());
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    (headers, Bytes::from(body))
}

/// Handlers wait for a permit of `gate` (so tests decide when they finish), then count.
#[derive(Clone)]
struct Gate {
    gate: Arc<Semaphore>,
    done: Arc<AtomicUsize>,
}

impl Gate {
    fn closed() -> Self {
        Self {
            gate: Arc::new(Semaphore::new(0)),
            done: Arc::new(AtomicUsize::new(0)),
        }
    }
    fn done(&self) -> usize {
        self.done.load(Ordering::SeqCst)
    }
}

#[webhook_handler]
async fn gated(_ev: MemberBanned, State(gate): State<Gate>) {
    gate.gate.acquire().await.expect("gate stays open").forget();
    gate.done.fetch_add(1, Ordering::SeqCst);
}

#[tokio::test]
async fn a_handler_past_the_time_budget_fails_and_its_retry_runs() {
    let gate = Gate::closed();
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), gate.clone())
        .handler(gated)
        .timeout(Some(Duration::from_millis(100)))
        .deduplicate(Arc::new(MemoryStore::new()));
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
async fn acknowledge_first_answers_at_once_runs_later_and_rejects_when_full() {
    let gate = Gate::closed();
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), gate.clone())
        .handler(gated)
        .timeout(None);
    let queue = DeliveryQueue::start(2, 1);

    let mut queued = 0;
    let mut full = 0;
    for index in 0..10 {
        let (headers, body) = delivery(&format!("ack-{index}"));
        match dispatcher.dispatch_queued(headers, body, &queue).await {
            Outcome::Queued { .. } => queued += 1,
            Outcome::QueueFull { .. } => full += 1,
            other => panic!("unexpected {other:?}"),
        }
        tokio::task::yield_now().await;
    }
    // One running, one held by the pump waiting for a slot, two in the channel.
    assert!((2..=4).contains(&queued), "queued {queued}");
    assert_eq!(queued + full, 10);
    assert_eq!(
        gate.done(),
        0,
        "nothing ran before the handlers were let through"
    );

    // Shutdown refuses new work and drains everything accepted.
    gate.gate.add_permits(100);
    queue.shutdown().await;
    assert_eq!(gate.done(), queued);
    let (headers, body) = delivery("after-shutdown");
    assert!(matches!(
        dispatcher.dispatch_queued(headers, body, &queue).await,
        Outcome::QueueFull { .. }
    ));
}

#[tokio::test]
async fn acknowledge_first_still_rejects_what_it_cannot_verify_or_read() {
    let gate = Gate::closed();
    let dispatcher =
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), gate.clone()).handler(gated);
    let queue = DeliveryQueue::start(8, 2);
    let (_, body) = delivery("unsigned");
    assert!(matches!(
        dispatcher
            .dispatch_queued(HeaderMap::new(), body, &queue)
            .await,
        Outcome::Unauthorized(_)
    ));
    let body = r#"{"event":"member_banned","channel":"x"}"#;
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&talkplus::SIGNATURE.sign(KEY.as_bytes(), body.as_bytes()))
            .expect("b64"),
    );
    assert!(matches!(
        dispatcher
            .dispatch_queued(headers, Bytes::from_static(body.as_bytes()), &queue)
            .await,
        Outcome::BadPayload(_)
    ));
    queue.shutdown().await;
    assert_eq!(gate.done(), 0);
}

#[tokio::test]
async fn acknowledge_first_over_http_is_202_then_503_when_full() {
    let gate = Gate::closed();
    let dispatcher =
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), gate.clone()).handler(gated);
    let queue = Arc::new(DeliveryQueue::start(1, 1));
    let route = webhook_axum::Webhook::new(dispatcher)
        .acknowledge_first(Arc::clone(&queue))
        .into_method_router();
    let addr = serve(route).await;

    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for index in 0..6 {
        let (headers, body) = delivery(&format!("http-{index}"));
        let response = post(&client, addr, headers, body).await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[0], 202, "{statuses:?}");
    assert!(
        statuses.contains(&503),
        "a full queue answers 503: {statuses:?}"
    );
    let accepted = statuses.iter().filter(|status| **status == 202).count();
    gate.gate.add_permits(100);
    queue.shutdown().await;
    assert_eq!(gate.done(), accepted);
}

#[tokio::test]
async fn a_duplicate_still_running_elsewhere_after_the_budget_is_503_and_runs_nothing() {
    // Two instances sharing one store: the first runs a slow attempt with no budget, the
    // second receives the platform's retry with a short budget.
    let store: Arc<dyn webhook_core::DeliveryStore> = Arc::new(MemoryStore::new());
    let slow = Gate::closed();
    let first = Arc::new(
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), slow.clone())
            .handler(gated)
            .timeout(None)
            .deduplicate(Arc::clone(&store)),
    );
    let second_runs = Gate::closed();
    second_runs.gate.add_permits(100);
    let second = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), second_runs.clone())
        .handler(gated)
        .timeout(Some(Duration::from_millis(150)))
        .deduplicate(store);
    let route = webhook_axum::webhook(second);
    let addr = serve(route).await;

    let (headers, body) = delivery("held-elsewhere");
    let running = tokio::spawn({
        let (first, headers, body) = (Arc::clone(&first), headers.clone(), body.clone());
        async move { first.dispatch(headers, body).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let response = post(&reqwest::Client::new(), addr, headers, body).await;
    assert_eq!(response.status(), 503);
    assert!(
        response
            .text()
            .await
            .expect("reply")
            .contains("retry later")
    );
    assert_eq!(
        second_runs.done(),
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
