//! Every metric family of the `metrics` module, recorded by a real dispatcher and inbox
//! into `metrics-util`'s debugging recorder (installed for this thread only, so the tests
//! do not see each other's figures).
#![cfg(all(feature = "metrics", feature = "testing"))]

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use http::HeaderMap;
use metrics::{SharedString, Unit};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};
use webhook_core::amity::{self, Amity, MessageDidCreate};
use webhook_core::inbox::{InboxSettings, RetryPolicy};
use webhook_core::store::MemoryStore;
use webhook_core::talkplus::{MemberBanned, MessageSent, TalkPlus};
use webhook_core::testing::TestDelivery;
use webhook_core::{Dispatcher, Inbox, Outcome, Provider, Shared, webhook_handler};

const KEY: &str = "metrics-test-key";

/// Runs `test` on a current-thread runtime with a recorder of its own; returns what was
/// recorded.
fn recorded<F: Future<Output = ()>>(test: impl FnOnce() -> F) -> Snapshot {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
            .block_on(test());
    });
    // Taken once: a snapshot drains what it reports.
    Snapshot(snapshotter.snapshot().into_vec())
}

struct Snapshot(Vec<(CompositeKey, Option<Unit>, Option<SharedString>, DebugValue)>);

impl Snapshot {
    /// The value of metric `name` whose labels include all of `labels`.
    fn value(&self, kind: MetricKind, name: &str, labels: &[(&str, &str)]) -> Option<&DebugValue> {
        self.0
            .iter()
            .find(|(key, _, _, _)| matches(key, kind, name, labels))
            .map(|(_, _, _, value)| value)
    }

    fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        match self.value(MetricKind::Counter, name, labels) {
            Some(DebugValue::Counter(count)) => *count,
            None => 0,
            Some(other) => panic!("{name} is not a counter: {other:?}"),
        }
    }

    fn histogram(&self, name: &str, labels: &[(&str, &str)]) -> Vec<f64> {
        match self.value(MetricKind::Histogram, name, labels) {
            Some(DebugValue::Histogram(values)) => values.iter().map(|v| v.0).collect(),
            None => Vec::new(),
            Some(other) => panic!("{name} is not a histogram: {other:?}"),
        }
    }

    fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        match self.value(MetricKind::Gauge, name, labels) {
            Some(DebugValue::Gauge(value)) => Some(value.0),
            None => None,
            Some(other) => panic!("{name} is not a gauge: {other:?}"),
        }
    }
}

fn matches(key: &CompositeKey, kind: MetricKind, name: &str, labels: &[(&str, &str)]) -> bool {
    key.kind() == kind
        && key.key().name() == name
        && labels.iter().all(|(label, value)| {
            key.key()
                .labels()
                .any(|have| have.key() == *label && have.value() == *value)
        })
}

#[webhook_handler]
async fn on_message(ev: MessageSent) {
    let _ = ev;
}

#[webhook_handler]
async fn slow_on_message(ev: MessageSent) {
    let _ = ev;
    tokio::time::sleep(Duration::from_millis(30)).await;
}

#[webhook_handler]
async fn failing_on_ban(ev: MemberBanned) -> Result<(), String> {
    let _ = ev;
    Err("the moderation service is down".to_owned())
}

#[webhook_handler]
async fn on_amity_message(ev: MessageDidCreate) {
    let _ = ev;
}

fn talkplus() -> Dispatcher<TalkPlus> {
    Dispatcher::new(TalkPlus::verifier([KEY]).expect("a key"), ())
        .handler(on_message)
        .handler(failing_on_ban)
}

#[test]
fn deliveries_are_counted_by_provider_event_and_outcome() {
    let snapshot = recorded(|| async {
        let dispatcher = talkplus().without_store();
        let message = TestDelivery::sample::<MessageSent>();
        for _ in 0..2 {
            let outcome = message.send(&dispatcher, KEY).await;
            assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
        }
        let ignored = TestDelivery::from_body(r#"{"event":"reaction_added"}"#);
        assert!(matches!(
            ignored.send(&dispatcher, KEY).await,
            Outcome::Ignored { .. }
        ));
    });
    let deliveries = |event, outcome| {
        snapshot.counter(
            "webhook_deliveries_total",
            &[
                ("provider", "talkplus"),
                ("event", event),
                ("outcome", outcome),
            ],
        )
    };
    assert_eq!(deliveries("message", "handled"), 2);
    assert_eq!(deliveries("reaction_added", "ignored"), 1);
    assert_eq!(deliveries("message", "ignored"), 0);
}

#[test]
fn event_names_read_from_bodies_become_at_most_two_hundred_labels() {
    const SENT: usize = 250;
    let snapshot = recorded(|| async {
        let dispatcher = talkplus().without_store();
        for n in 0..SENT {
            let unknown = TestDelivery::from_body(format!(r#"{{"event":"invented_{n}"}}"#));
            assert!(matches!(
                unknown.send(&dispatcher, KEY).await,
                Outcome::Ignored { .. }
            ));
        }
        let long = format!(r#"{{"event":"{}"}}"#, "x".repeat(5000));
        let long = TestDelivery::from_body(long);
        assert!(matches!(
            long.send(&dispatcher, KEY).await,
            Outcome::Ignored { .. }
        ));
    });
    let labels: Vec<(String, u64)> = snapshot
        .0
        .iter()
        .filter(|(key, _, _, _)| key.key().name() == "webhook_deliveries_total")
        .filter_map(|(key, _, _, value)| {
            let event = key.key().labels().find(|label| label.key() == "event")?;
            let DebugValue::Counter(count) = value else {
                return None;
            };
            Some((event.value().to_owned(), *count))
        })
        .collect();
    let invented = labels
        .iter()
        .filter(|(event, _)| event.starts_with("invented_"))
        .count();
    let other: u64 = labels
        .iter()
        .filter(|(event, _)| event == "(other)")
        .map(|(_, count)| count)
        .sum();
    assert!(invented <= 200, "{invented} labels");
    assert!(labels.iter().all(|(event, _)| event.len() <= 100));
    // Every delivery is still counted, the ones past the bound under `(other)`.
    let counted_invented: u64 = labels
        .iter()
        .filter(|(event, _)| event.starts_with("invented_"))
        .map(|(_, count)| count)
        .sum();
    assert_eq!(counted_invented + other, SENT as u64 + 1);
    assert!(other > 50, "{other}");
}

#[test]
fn signature_failures_are_counted_by_reason() {
    let snapshot = recorded(|| async {
        let dispatcher = talkplus().without_store();
        let body = TestDelivery::sample::<MessageSent>().body().clone();
        let missing = dispatcher.dispatch(HeaderMap::new(), body.clone()).await;
        assert!(matches!(missing, Outcome::Unauthorized(_)));
        let (headers, _) = TestDelivery::sample::<MessageSent>()
            .signed(webhook_core::talkplus::SIGNATURE, "another key");
        let mismatch = dispatcher.dispatch(headers, body.clone()).await;
        assert!(matches!(mismatch, Outcome::Unauthorized(_)));
        let mut malformed = HeaderMap::new();
        malformed.insert(
            "x-talkplus-signature",
            "not base64!".parse().expect("a value"),
        );
        let malformed = dispatcher.dispatch(malformed, body).await;
        assert!(matches!(malformed, Outcome::Unauthorized(_)));
    });
    for reason in ["missing", "mismatch", "malformed"] {
        assert_eq!(
            snapshot.counter(
                "webhook_signature_failures_total",
                &[("provider", "talkplus"), ("reason", reason)],
            ),
            1,
            "{reason}"
        );
    }
    assert_eq!(
        snapshot.counter(
            "webhook_deliveries_total",
            &[("outcome", "unauthorized"), ("event", "")]
        ),
        3
    );
}

#[test]
fn verified_deliveries_are_counted_by_scheme_so_legacy_signatures_show() {
    let snapshot = recorded(|| async {
        let dispatcher = Dispatcher::new(Amity::verifier([KEY]).expect("a key"), ())
            .without_store()
            .handler(on_amity_message);
        let delivery = TestDelivery::sample::<MessageDidCreate>();
        for scheme in [
            amity::SIGNATURE,
            amity::LEGACY_SIGNATURE,
            amity::LEGACY_SIGNATURE,
        ] {
            let outcome = delivery.send_with(&dispatcher, scheme, KEY).await;
            assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
        }
    });
    let verified = |scheme| {
        snapshot.counter(
            "webhook_verified_total",
            &[("provider", "amity"), ("scheme", scheme)],
        )
    };
    assert_eq!(verified(amity::SIGNATURE.name), 1);
    assert_eq!(verified(amity::LEGACY_SIGNATURE.name), 2);
}

#[test]
fn duplicates_are_counted() {
    let snapshot = recorded(|| async {
        let dispatcher = talkplus().store(Arc::new(MemoryStore::new()));
        let message = TestDelivery::sample::<MessageSent>();
        assert!(matches!(
            message.send(&dispatcher, KEY).await,
            Outcome::Handled { .. }
        ));
        for _ in 0..3 {
            assert!(matches!(
                message.send(&dispatcher, KEY).await,
                Outcome::Duplicate { .. }
            ));
        }
    });
    assert_eq!(
        snapshot.counter("webhook_duplicates_total", &[("provider", "talkplus")]),
        3
    );
}

#[test]
fn body_sizes_are_recorded() {
    let message = TestDelivery::sample::<MessageSent>();
    let size = message.body().len();
    let snapshot = recorded(|| async move {
        let dispatcher = talkplus().without_store();
        message.send(&dispatcher, KEY).await;
    });
    #[allow(clippy::cast_precision_loss)]
    let expected = vec![size as f64];
    assert_eq!(
        snapshot.histogram("webhook_body_size_bytes", &[("provider", "talkplus")]),
        expected
    );
}

#[test]
fn handler_durations_and_failures_are_recorded_by_handler_path() {
    let snapshot = recorded(|| async {
        let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("a key"), ())
            .without_store()
            .handler(slow_on_message)
            .handler(failing_on_ban);
        TestDelivery::sample::<MessageSent>()
            .send(&dispatcher, KEY)
            .await;
        TestDelivery::sample::<MemberBanned>()
            .send(&dispatcher, KEY)
            .await;
    });
    let slow = snapshot.histogram(
        "webhook_handler_duration_seconds",
        &[("handler", "metrics::slow_on_message")],
    );
    assert_eq!(slow.len(), 1);
    assert!(slow[0] >= 0.03, "the slow handler took {}s", slow[0]);
    assert_eq!(
        snapshot.counter(
            "webhook_handler_failures_total",
            &[("handler", "metrics::failing_on_ban")]
        ),
        1
    );
    assert_eq!(
        snapshot.counter(
            "webhook_handler_failures_total",
            &[("handler", "metrics::slow_on_message")]
        ),
        0
    );
}

#[derive(Clone, Default)]
struct Attempts(Arc<AtomicU32>);

#[webhook_handler]
async fn always_failing(
    ev: MemberBanned,
    Shared(attempts): Shared<Attempts>,
) -> Result<(), String> {
    let _ = ev;
    attempts.0.fetch_add(1, Ordering::SeqCst);
    Err("always".to_owned())
}

#[test]
fn retries_dead_letters_and_inbox_depth_are_recorded() {
    let snapshot = recorded(|| async {
        let store = Arc::new(MemoryStore::new());
        let attempts = Attempts::default();
        let dispatcher = Arc::new(
            Dispatcher::new(TalkPlus::verifier([KEY]).expect("a key"), attempts.clone())
                .store(Arc::clone(&store) as _)
                .handler(always_failing),
        );
        let mut settings = InboxSettings::default();
        settings.retry = RetryPolicy {
            max_attempts: 2,
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
        };
        settings.poll_interval = Duration::from_millis(10);
        let inbox = Inbox::with_settings(store, settings);
        inbox.serve(Arc::clone(&dispatcher));
        let (headers, body) =
            TestDelivery::sample::<MemberBanned>().signed(webhook_core::talkplus::SIGNATURE, KEY);
        let accepted = inbox.accept(&dispatcher, headers, body).await;
        assert!(matches!(accepted, Outcome::Accepted { .. }), "{accepted:?}");
        inbox.start();
        // Two attempts, then a dead letter; the depth is counted within 5 s of the start.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while attempts.0.load(Ordering::SeqCst) < 2 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_secs(6)).await;
        inbox.shutdown(Duration::from_secs(1)).await;
    });
    let labels = [("provider", "talkplus"), ("event", "member_banned")];
    assert_eq!(snapshot.counter("webhook_retries_total", &labels), 1);
    assert_eq!(snapshot.counter("webhook_dead_letters_total", &labels), 1);
    assert_eq!(
        snapshot.counter(
            "webhook_deliveries_total",
            &[("event", "member_banned"), ("outcome", "accepted")]
        ),
        1
    );
    assert_eq!(
        snapshot.gauge("webhook_inbox_deliveries", &[("state", "dead")]),
        Some(1.0)
    );
    assert_eq!(
        snapshot.gauge("webhook_inbox_deliveries", &[("state", "pending")]),
        Some(0.0)
    );
}

#[test]
fn an_inline_failure_kept_with_a_store_is_a_dead_letter() {
    let snapshot = recorded(|| async {
        let dispatcher = talkplus().store(Arc::new(MemoryStore::new()));
        let outcome = TestDelivery::sample::<MemberBanned>()
            .send(&dispatcher, KEY)
            .await;
        assert!(matches!(outcome, Outcome::HandlerFailed { .. }));
    });
    assert_eq!(
        snapshot.counter(
            "webhook_dead_letters_total",
            &[("provider", "talkplus"), ("event", "member_banned")]
        ),
        1
    );
}

#[test]
fn bodies_refused_before_verification_are_counted_as_deliveries() {
    let snapshot = recorded(|| async {
        webhook_core::metrics::body_refused("talkplus", "too_large");
        webhook_core::metrics::body_refused("talkplus", "timed_out");
        webhook_core::metrics::body_refused("talkplus", "timed_out");
    });
    let count = |outcome: &str| {
        snapshot.counter(
            "webhook_deliveries_total",
            &[
                ("provider", "talkplus"),
                ("event", ""),
                ("outcome", outcome),
            ],
        )
    };
    assert_eq!((count("too_large"), count("timed_out")), (1, 2));
}
