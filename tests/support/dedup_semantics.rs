//! The deduplication every store must give through a dispatcher, run against each store by
//! `tests/stores.rs` (memory, the embedded file) and `tests/redis/` (Redis).
// Each test file uses the cases its store supports.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use webhook_core::amity::{self, Amity};
use webhook_core::talkplus::{self, MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Outcome, Provider, Shared, Store, webhook_handler};

pub(crate) const KEY: &str = "dedup-test-key";

/// Counts handler runs; fails the first `fail_first` runs; sleeps `delay` in each run.
#[derive(Clone, Default)]
pub(crate) struct Probe {
    runs: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    fail_first: usize,
    delay: Duration,
}

impl Probe {
    pub(crate) fn new(fail_first: usize, delay: Duration) -> Self {
        Self {
            fail_first,
            delay,
            ..Self::default()
        }
    }
    pub(crate) fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
    pub(crate) fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }
}

#[webhook_handler]
async fn probed(_ev: MemberBanned, Shared(probe): Shared<Probe>) -> Result<(), String> {
    let run = probe.runs.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::time::sleep(probe.delay).await;
    probe.finished.fetch_add(1, Ordering::SeqCst);
    if run <= probe.fail_first {
        Err(format!("attempt {run} fails"))
    } else {
        Ok(())
    }
}

fn dispatcher(store: &Arc<dyn Store>, probe: &Probe) -> Arc<Dispatcher<TalkPlus, Probe>> {
    Arc::new(
        Dispatcher::new(TalkPlus::verifier([KEY]).expect("valid key"), probe.clone())
            .handler(probed)
            .store(Arc::clone(store)),
    )
}

/// A signed `member_banned` delivery; `tag` makes distinct deliveries distinct.
pub(crate) fn delivery(tag: &str) -> (HeaderMap, Bytes) {
    let body = format!(r#"{{"event":"member_banned","channel":{{"id":"{tag}"}},"users":[]}}"#);
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(KEY.as_bytes(), body.as_bytes());
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    (headers, Bytes::from(body))
}

pub(crate) async fn duplicate_after_success_is_acknowledged_without_running(
    store: Arc<dyn Store>,
    tag: &str,
) {
    let probe = Probe::default();
    let dispatcher = dispatcher(&store, &probe);
    let (headers, body) = delivery(tag);
    let first = dispatcher.dispatch(headers.clone(), body.clone()).await;
    assert_eq!(
        first,
        Outcome::Handled {
            event: "member_banned".into(),
            handlers: 1
        }
    );
    let second = dispatcher.dispatch(headers, body).await;
    assert_eq!(
        second,
        Outcome::Duplicate {
            event: "member_banned".into()
        }
    );
    assert!(second.is_acknowledged());
    assert_eq!(probe.runs(), 1);
    // Another delivery is not a duplicate.
    let (headers, body) = delivery(&format!("{tag}-other"));
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled { .. }
    ));
    assert_eq!(probe.runs(), 2);
}

pub(crate) async fn duplicate_after_failure_runs_again(store: Arc<dyn Store>, tag: &str) {
    let probe = Probe::new(1, Duration::ZERO);
    let dispatcher = dispatcher(&store, &probe);
    let (headers, body) = delivery(tag);
    assert!(matches!(
        dispatcher.dispatch(headers.clone(), body.clone()).await,
        Outcome::HandlerFailed { .. }
    ));
    assert!(matches!(
        dispatcher.dispatch(headers.clone(), body.clone()).await,
        Outcome::Handled { .. }
    ));
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Duplicate { .. }
    ));
    assert_eq!(
        probe.runs(),
        2,
        "the retry after the failure ran, the one after success did not"
    );
}

pub(crate) async fn concurrent_identical_deliveries_run_once(store: Arc<dyn Store>, tag: &str) {
    let probe = Probe::new(0, Duration::from_millis(300));
    let dispatcher = dispatcher(&store, &probe);
    let (headers, body) = delivery(tag);
    let first = tokio::spawn({
        let (dispatcher, headers, body) = (Arc::clone(&dispatcher), headers.clone(), body.clone());
        async move { dispatcher.dispatch(headers, body).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let duplicate = dispatcher.dispatch(headers, body).await;
    // The duplicate did not report success before the first attempt had finished.
    assert_eq!(
        probe.finished(),
        1,
        "duplicate answered before the first attempt ended"
    );
    assert_eq!(
        duplicate,
        Outcome::Duplicate {
            event: "member_banned".into()
        }
    );
    assert!(matches!(
        first.await.expect("task"),
        Outcome::Handled { .. }
    ));
    assert_eq!(probe.runs(), 1);
}

pub(crate) async fn concurrent_duplicate_of_a_failing_attempt_runs_it_again(
    store: Arc<dyn Store>,
    tag: &str,
) {
    let probe = Probe::new(1, Duration::from_millis(300));
    let dispatcher = dispatcher(&store, &probe);
    let (headers, body) = delivery(tag);
    let first = tokio::spawn({
        let (dispatcher, headers, body) = (Arc::clone(&dispatcher), headers.clone(), body.clone());
        async move { dispatcher.dispatch(headers, body).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let duplicate = dispatcher.dispatch(headers, body).await;
    assert!(matches!(
        first.await.expect("task"),
        Outcome::HandlerFailed { .. }
    ));
    assert!(
        matches!(duplicate, Outcome::Handled { .. }),
        "{duplicate:?}"
    );
    assert_eq!(probe.runs(), 2);
}

pub(crate) async fn many_concurrent_identical_deliveries_run_once(
    store: Arc<dyn Store>,
    tag: &str,
) {
    let probe = Probe::new(0, Duration::from_millis(100));
    let dispatcher = dispatcher(&store, &probe);
    let (headers, body) = delivery(tag);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (dispatcher, headers, body) = (Arc::clone(&dispatcher), headers.clone(), body.clone());
        tasks.spawn(async move { dispatcher.dispatch(headers, body).await });
    }
    let mut handled = 0;
    while let Some(outcome) = tasks.join_next().await {
        match outcome.expect("task") {
            Outcome::Handled { .. } => handled += 1,
            Outcome::Duplicate { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((handled, probe.runs()), (1, 1));
}

#[webhook_handler]
async fn count_joins(_ev: amity::ChannelDidJoin, Shared(runs): Shared<Arc<AtomicUsize>>) {
    runs.fetch_add(1, Ordering::SeqCst);
}

/// Amity may send one event twice, once per signature header: handled once, keyed by
/// `requestId` when present and by the body otherwise.
pub(crate) async fn amity_copies_with_each_signature_header_run_once(
    store: Arc<dyn Store>,
    tag: &str,
) {
    let runs = Arc::new(AtomicUsize::new(0));
    let dispatcher = Dispatcher::new(
        Amity::verifier(["secret"]).expect("valid"),
        Arc::clone(&runs),
    )
    .handler(count_joins)
    .store(store);
    for body in [
        format!(r#"{{"requestId":"{tag}","event":"channel.didJoin","data":{{}}}}"#),
        format!(r#"{{"event":"channel.didJoin","data":{{"userIds":["{tag}"]}}}}"#),
    ] {
        let mut current = HeaderMap::new();
        current.insert(
            "x-amity-signature",
            amity::SIGNATURE
                .sign(b"secret", body.as_bytes())
                .parse()
                .expect("b64"),
        );
        let mut legacy = HeaderMap::new();
        legacy.insert(
            "x-eko-signature",
            amity::LEGACY_SIGNATURE
                .sign(b"secret", body.as_bytes())
                .parse()
                .expect("hex"),
        );
        assert!(matches!(
            dispatcher
                .dispatch(current, Bytes::from(body.clone()))
                .await,
            Outcome::Handled { .. }
        ));
        assert!(matches!(
            dispatcher.dispatch(legacy, Bytes::from(body)).await,
            Outcome::Duplicate { .. }
        ));
    }
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

/// A store that is down: by default the delivery is processed (never dropped).
pub(crate) async fn unreachable_store_processes_by_default_or_rejects(store: Arc<dyn Store>) {
    let probe = Probe::default();
    let dispatcher = dispatcher(&store, &probe);
    let (headers, body) = delivery("store-down");
    assert!(matches!(
        dispatcher.dispatch(headers.clone(), body.clone()).await,
        Outcome::Handled { .. }
    ));
    assert_eq!(probe.runs(), 1);

    let rejecting = Dispatcher::new(TalkPlus::verifier([KEY]).expect("valid key"), probe.clone())
        .handler(probed)
        .store(store)
        .on_store_error(webhook_core::OnStoreError::Reject);
    let outcome = rejecting.dispatch(headers, body).await;
    assert!(
        matches!(outcome, Outcome::StoreUnavailable { .. }),
        "{outcome:?}"
    );
    assert!(!outcome.is_acknowledged());
    assert_eq!(probe.runs(), 1);
}

/// One `#[tokio::test]` per store-generic case above, each on a fresh store made by
/// `$fresh` (an expression giving an `Option<Arc<dyn Store>>`; `None` skips).
macro_rules! dedup_semantics_tests {
    ($fresh:expr) => {
        dedup_semantics_tests!(@each $fresh;
            duplicate_after_success_is_acknowledged_without_running,
            duplicate_after_failure_runs_again,
            concurrent_identical_deliveries_run_once,
            concurrent_duplicate_of_a_failing_attempt_runs_it_again,
            many_concurrent_identical_deliveries_run_once,
            amity_copies_with_each_signature_header_run_once
        );
    };
    (@each $fresh:expr; $($case:ident),*) => {
        $(
            #[tokio::test]
            async fn $case() {
                if let Some(store) = $fresh {
                    crate::semantics::$case(store, stringify!($case)).await;
                }
            }
        )*
    };
}
