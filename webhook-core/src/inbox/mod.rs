//! The inbox: verified deliveries recorded durably before the platform is answered, then
//! run by workers with retries, backoff and dead letters.
//!
//! ```text
//! delivery ─► verify ─► append to the store ─► 202 ─► worker leases it ─► handlers
//!                                                         │
//!          done ◄── success ◄───────────────────────────────┤
//!          pending again, after a backoff ◄── failure ◄─────┤
//!          dead letter ◄── last attempt failed, or a body that cannot be parsed
//! ```
//!
//! Inbox mode answers the platform as soon as the delivery is in the store, so slow
//! handlers never make the platform give up (Amity waits 1.5 s), and a failing handler is
//! retried by the inbox instead of depending on the platform's retries (TalkPlus never
//! retries an error). A delivery the store has accepted survives the process: when the
//! process dies, its leases run out and another worker (after a restart, or on another
//! instance sharing Redis) takes them over.
//!
//! The same workers run the dead letters a person replays (`webhook-cli inbox replay`), so
//! an inline-mode server runs an inbox too.

mod retry;

pub use retry::RetryPolicy;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderMap;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinHandle;
use tracing::Instrument as _;

use crate::dispatch::{Dispatcher, Outcome, Runner, settle, settle_window};
use crate::provider::Provider;
use crate::store::{
    Appended, DeliveryState, Lease, Retention, Settlement, Store, StoreError, StoredDelivery,
};

/// How an inbox runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxSettings {
    /// Deliveries run at the same time (default 8).
    pub concurrency: usize,
    /// How long a worker's lease lasts before another may take the delivery over; renewed
    /// while the handlers run (default 30 s; a shorter one than
    /// [`MIN_LEASE`](crate::store::MIN_LEASE) is raised to it).
    pub lease: Duration,
    /// Retries of failing deliveries.
    pub retry: RetryPolicy,
    /// Most unsettled (pending or running) deliveries; past it new ones are answered 503 so
    /// the platform retries later (default 10 000).
    pub max_unsettled: u64,
    /// How often idle workers look for deliveries recorded by other processes (replays
    /// from the command line, other instances); this process's own appends wake them at
    /// once (default 500 ms).
    pub poll_interval: Duration,
    /// How long settled deliveries are kept.
    pub retention: Retention,
    /// How often settled deliveries past the retention are deleted (default 10 minutes;
    /// the first time a minute after [`Inbox::start`], or after this when it is shorter).
    pub prune_every: Duration,
}

impl Default for InboxSettings {
    fn default() -> Self {
        Self {
            concurrency: 8,
            lease: Duration::from_secs(30),
            retry: RetryPolicy::DEFAULT,
            max_unsettled: 10_000,
            poll_interval: Duration::from_millis(500),
            retention: Retention::DURABLE,
            prune_every: Duration::from_secs(600),
        }
    }
}

/// Where the inbox's workers are in their life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    /// No new leases; running deliveries finish.
    Draining,
    /// Running deliveries stop and give their lease back.
    Abort,
}

/// A durable inbox and its workers. Cheap to clone: clones share everything.
#[derive(Clone)]
pub struct Inbox {
    shared: Arc<Shared>,
}

struct Shared {
    store: Arc<dyn Store>,
    settings: InboxSettings,
    runners: RwLock<Vec<Arc<dyn Runner>>>,
    wake: Notify,
    accepting: AtomicBool,
    unsettled: AtomicU64,
    phase: watch::Sender<Phase>,
    slots: Arc<Semaphore>,
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

/// What [`Inbox::shutdown`] came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shutdown {
    /// Whether every running delivery finished, and every settle still being retried
    /// ended, within the grace period; when not, the deliveries still running were
    /// stopped and their leases given back (they run again at the next start, or on
    /// another instance).
    pub drained: bool,
}

impl Inbox {
    /// An inbox on `store` with the default settings. Workers start with [`Self::start`].
    #[must_use]
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_settings(store, InboxSettings::default())
    }

    /// An inbox on `store` with `settings`.
    #[must_use]
    pub fn with_settings(store: Arc<dyn Store>, mut settings: InboxSettings) -> Self {
        settings.lease = settings.lease.max(crate::store::MIN_LEASE);
        let slots = Arc::new(Semaphore::new(settings.concurrency.max(1)));
        Self {
            shared: Arc::new(Shared {
                store,
                settings,
                runners: RwLock::default(),
                wake: Notify::new(),
                accepting: AtomicBool::new(true),
                unsettled: AtomicU64::new(0),
                phase: watch::Sender::new(Phase::Running),
                slots,
                tasks: std::sync::Mutex::default(),
            }),
        }
    }

    /// Runs the deliveries of `dispatcher`'s provider with its handlers. Serving the same
    /// dispatcher again does nothing.
    ///
    /// # Panics
    ///
    /// When another dispatcher of the same provider is served already. A record names
    /// only its provider, so the inbox could not tell which of the two a delivery came in
    /// through, and one dispatcher would run (or ignore, as an event it has no handler
    /// for) the other's deliveries. Give each dispatcher of one provider its own store (a
    /// file, or a Redis prefix) and its own inbox.
    pub fn serve<P: Provider, S: Send + Sync + 'static>(&self, dispatcher: Arc<Dispatcher<P, S>>) {
        let dispatcher: Arc<dyn Runner> = dispatcher;
        let mut runners = self
            .shared
            .runners
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(served) = runners.iter().find(|runner| runner.provider() == P::NAME) {
            let same = std::ptr::addr_eq(Arc::as_ptr(served), Arc::as_ptr(&dispatcher));
            drop(runners);
            assert!(
                same,
                "this inbox serves another {provider} dispatcher already; a record names only \
                 its provider, so one inbox cannot tell two {provider} dispatchers' deliveries \
                 apart: give each its own store (a file, or a Redis prefix) and its own inbox",
                provider = P::NAME
            );
            return;
        }
        runners.push(dispatcher);
        drop(runners);
        self.shared.wake.notify_one();
    }

    /// Starts the workers and the housekeeping (retention, depth) in the background. Needs
    /// a tokio runtime. Calling it again does nothing.
    pub fn start(&self) {
        let mut tasks = self
            .shared
            .tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !tasks.is_empty() {
            return;
        }
        tasks.push(tokio::spawn(lease_loop(Arc::clone(&self.shared))));
        tasks.push(tokio::spawn(housekeeping(Arc::clone(&self.shared))));
    }

    /// The store the inbox keeps deliveries in.
    #[must_use]
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.shared.store
    }

    /// The inbox's settings.
    #[must_use]
    pub fn settings(&self) -> &InboxSettings {
        &self.shared.settings
    }

    /// Unsettled (pending or running) deliveries, as last counted (every second) plus
    /// those accepted since.
    #[must_use]
    pub fn unsettled(&self) -> u64 {
        self.shared.unsettled.load(Ordering::Relaxed)
    }

    /// Whether new deliveries are accepted: not shutting down, not over
    /// [`InboxSettings::max_unsettled`].
    #[must_use]
    pub fn is_accepting(&self) -> bool {
        self.shared.accepting.load(Ordering::Acquire)
            && self.unsettled() < self.shared.settings.max_unsettled
    }

    /// Inbox mode's receipt of a delivery: verifies it, and when a handler wants its event,
    /// records it as pending and wakes a worker. The answer to give the platform:
    /// [`Outcome::Accepted`] (202) once the delivery is in the store,
    /// [`Outcome::AlreadyQueued`] (202) for a copy of one in the inbox (a dead letter's is
    /// put back to pending), [`Outcome::Duplicate`] (200) for a copy of a handled one, [`Outcome::Ignored`] when no
    /// handler wants it, [`Outcome::InboxFull`] or [`Outcome::StoreUnavailable`] (503)
    /// when it cannot be recorded now. The body is not parsed here: a body that does not
    /// have its event's shape becomes a dead letter when a worker reads it. A verified body
    /// with no readable event name is [`Outcome::BadPayload`] (400), kept as a dead letter
    /// at once ([`Outcome::StoreUnavailable`], 503, when it cannot be kept).
    ///
    /// `dispatcher` need not be served here ([`Self::serve`]): an instance may only take
    /// deliveries in while others run them. Deliveries of a provider that no inbox on
    /// the store serves stay pending, and count toward `max_unsettled`, until one does.
    pub async fn accept<P: Provider, S: Send + Sync + 'static>(
        &self,
        dispatcher: &Dispatcher<P, S>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Outcome {
        let outcome = self.record(dispatcher, &headers, &body).await;
        crate::metrics::delivery(P::NAME, &outcome);
        outcome
    }

    async fn record<P: Provider, S: Send + Sync + 'static>(
        &self,
        dispatcher: &Dispatcher<P, S>,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Outcome {
        let verified = match dispatcher.verify(headers, body, true) {
            Ok(verified) => verified,
            Err(outcome) => {
                if let Outcome::BadPayload(err) = &outcome {
                    return dispatcher
                        .keep_unreadable(self.shared.store.as_ref(), headers, body, err)
                        .await
                        .unwrap_or(outcome);
                }
                return outcome;
            }
        };
        let Some(key) = &verified.key else {
            return Outcome::StoreUnavailable {
                event: verified.event,
                reason: "no key to record the delivery under".to_owned(),
            };
        };
        let event = verified.event.clone();
        if !dispatcher.handles(&event) {
            return Outcome::Ignored { event };
        }
        if !self.is_accepting() {
            return Outcome::InboxFull { event };
        }
        let shown_id = verified.shown_id();
        match self
            .shared
            .store
            .append(verified.record(P::NAME, key, shown_id.as_deref()))
            .await
        {
            Ok(Appended::Accepted(id)) => {
                tracing::Span::current().record("record", id);
                self.shared.unsettled.fetch_add(1, Ordering::Relaxed);
                self.shared.wake.notify_one();
                Outcome::Accepted { event }
            }
            Ok(Appended::Duplicate(DeliveryState::Done)) => Outcome::Duplicate { event },
            Ok(Appended::Duplicate(state)) => {
                if state == DeliveryState::Dead {
                    // The platform's retry of a dead letter runs it again.
                    self.shared.wake.notify_one();
                }
                Outcome::AlreadyQueued { event }
            }
            Err(err) => Outcome::StoreUnavailable {
                event,
                reason: err.to_string(),
            },
        }
    }

    /// Puts dead letter `id` back to pending and wakes a worker for it; `false` when `id`
    /// is not a dead letter.
    ///
    /// # Errors
    /// The store's, when it cannot be reached.
    pub async fn replay(&self, id: u64) -> Result<bool, StoreError> {
        let replayed = self.shared.store.replay(id).await?;
        if replayed {
            self.shared.wake.notify_one();
        }
        Ok(replayed)
    }

    /// Puts every dead letter back to pending and wakes the workers; returns how many.
    ///
    /// # Errors
    /// The store's, when it cannot be reached.
    pub async fn replay_dead(&self) -> Result<u64, StoreError> {
        let replayed = self.shared.store.replay_dead().await?;
        if replayed > 0 {
            self.shared.wake.notify_waiters();
            self.shared.wake.notify_one();
        }
        Ok(replayed)
    }

    /// Runs every delivery that is due now, in this task, and returns how many ran. For
    /// programs without background workers, and for tests.
    pub async fn run_due(&self) -> usize {
        let mut ran = 0;
        loop {
            let providers = self.shared.providers();
            let names: Vec<&str> = providers.iter().map(|runner| runner.provider()).collect();
            let batch = match self
                .shared
                .store
                .lease(
                    &names,
                    self.shared.settings.lease,
                    self.shared.settings.concurrency,
                )
                .await
            {
                Ok(batch) if !batch.is_empty() => batch,
                Ok(_) => break,
                Err(err) => {
                    tracing::warn!(error = %err, "could not read the inbox");
                    break;
                }
            };
            ran += batch.len();
            let runs = batch
                .into_iter()
                .map(|(lease, record)| run_one(Arc::clone(&self.shared), lease, record, None));
            futures_util::future::join_all(runs).await;
        }
        // The limit's count only goes up as deliveries are accepted; without started
        // workers (whose housekeeping reads it again every second) read it here.
        if let Ok(unsettled) = self.shared.store.unsettled().await {
            self.shared.unsettled.store(unsettled, Ordering::Relaxed);
        }
        ran
    }

    /// Stops taking deliveries (new ones are answered 503), lets running ones finish for
    /// at most `grace`, then stops those still running and gives their leases back. The
    /// settles that the served dispatchers still retry for answered inline deliveries
    /// get the same time, so a handled delivery is not left to run again.
    pub async fn shutdown(&self, grace: Duration) -> Shutdown {
        let shared = &self.shared;
        shared.accepting.store(false, Ordering::Release);
        shared.phase.send_replace(Phase::Draining);
        let all = u32::try_from(shared.settings.concurrency.max(1)).unwrap_or(u32::MAX);
        let runners = shared.providers();
        let idle = || async {
            let _ = shared.slots.acquire_many(all).await;
            futures_util::future::join_all(runners.iter().map(|runner| runner.settled())).await;
        };
        let drained = tokio::time::timeout(grace, idle()).await.is_ok();
        if !drained {
            shared.phase.send_replace(Phase::Abort);
            // Giving a lease back is one store call per delivery.
            let _ = tokio::time::timeout(Duration::from_secs(5), idle()).await;
        }
        let tasks =
            std::mem::take(&mut *shared.tasks.lock().unwrap_or_else(PoisonError::into_inner));
        for task in tasks {
            task.abort();
        }
        Shutdown { drained }
    }
}

impl std::fmt::Debug for Inbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbox")
            .field("store", &self.shared.store.kind())
            .field("settings", &self.shared.settings)
            .field("unsettled", &self.unsettled())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn providers(&self) -> Vec<Arc<dyn Runner>> {
        self.runners
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn runner(&self, provider: &str) -> Option<Arc<dyn Runner>> {
        self.runners
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|runner| runner.provider() == provider)
            .cloned()
    }

    fn phase(&self) -> Phase {
        *self.phase.borrow()
    }
}

/// Takes leases on due deliveries whenever a slot is free, and runs each on its own task.
async fn lease_loop(shared: Arc<Shared>) {
    let mut phase = shared.phase.subscribe();
    let mut backoff = Duration::from_millis(100);
    loop {
        if shared.phase() != Phase::Running {
            return;
        }
        let first = tokio::select! {
            permit = Arc::clone(&shared.slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = phase.changed() => continue,
        };
        let mut permits = vec![first];
        while let Ok(permit) = Arc::clone(&shared.slots).try_acquire_owned() {
            permits.push(permit);
        }
        let runners = shared.providers();
        let names: Vec<&str> = runners.iter().map(|runner| runner.provider()).collect();
        let leased = if names.is_empty() {
            Ok(Vec::new())
        } else {
            shared
                .store
                .lease(&names, shared.settings.lease, permits.len())
                .await
        };
        match leased {
            Ok(batch) if shared.phase() != Phase::Running => {
                // Shutdown began while leasing: give these back rather than start
                // handlers that the drain would wait for or cut off. Tried for a few
                // seconds: a store that just failed (the reason a batch can come back
                // short) may refuse the first try.
                for (lease, _) in batch {
                    settle(
                        shared.store.as_ref(),
                        &lease,
                        Settlement::Release,
                        RELEASE_WINDOW,
                    )
                    .await;
                }
                return;
            }
            Ok(batch) if !batch.is_empty() => {
                backoff = Duration::from_millis(100);
                let mut batch = batch.into_iter();
                // Permits first: `zip` then takes no lease it has no worker for.
                for (permit, (lease, record)) in permits.into_iter().zip(batch.by_ref()) {
                    tokio::spawn(run_one(Arc::clone(&shared), lease, record, Some(permit)));
                }
                // A store that leased more than it was asked for: give the rest back at
                // once rather than let them wait out their lease with no worker.
                for (lease, _) in batch {
                    tracing::warn!(
                        record = lease.id,
                        "the store leased more deliveries than asked for; giving one back"
                    );
                    settle(
                        shared.store.as_ref(),
                        &lease,
                        Settlement::Release,
                        Duration::ZERO,
                    )
                    .await;
                }
            }
            Ok(_) => {
                drop(permits);
                tokio::select! {
                    () = shared.wake.notified() => {}
                    () = tokio::time::sleep(shared.settings.poll_interval) => {}
                    _ = phase.changed() => {}
                }
            }
            Err(err) => {
                drop(permits);
                tracing::warn!(error = %err, "could not read the inbox; trying again");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    _ = phase.changed() => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Runs one leased delivery and settles it: done, retried after a backoff, or dead.
async fn run_one(
    shared: Arc<Shared>,
    lease: Lease,
    record: StoredDelivery,
    permit: Option<OwnedSemaphorePermit>,
) {
    let span = tracing::info_span!(
        "webhook_delivery",
        provider = %record.provider,
        event = tracing::field::Empty,
        delivery_id = tracing::field::Empty,
        scheme = tracing::field::Empty,
        record = record.id,
        attempt = lease.attempt,
        mode = "inbox",
        outcome = tracing::field::Empty,
    );
    async move {
        let store = shared.store.as_ref();
        let Some(runner) = shared.runner(&record.provider) else {
            settle(store, &lease, Settlement::Release, Duration::ZERO).await;
            return;
        };
        let mut phase = shared.phase.subscribe();
        let aborted = async move {
            while *phase.borrow_and_update() != Phase::Abort {
                if phase.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
        };
        let outcome = tokio::select! {
            outcome = runner.run(&record, &lease, shared.settings.lease, store) => outcome,
            () = aborted => {
                tracing::Span::current().record("outcome", "released");
                tracing::warn!("stopped at shutdown; the lease is given back and it runs again later");
                settle(store, &lease, Settlement::Release, Duration::ZERO).await;
                return;
            }
        };
        tracing::Span::current().record("outcome", outcome.label());
        let settlement = settlement_for(&outcome, lease.attempt, &shared.settings.retry);
        match &settlement {
            Settlement::Done => tracing::info!(%outcome, "inbox delivery handled"),
            Settlement::Retry { at, .. } => {
                crate::metrics::retry(&record.provider, &record.event);
                let wait = at.duration_since(SystemTime::now()).unwrap_or_default();
                tracing::warn!(%outcome, retry_in_ms = wait.as_millis(), "inbox delivery failed; it will be retried");
            }
            Settlement::Dead { .. } => {
                crate::metrics::dead_letter(&record.provider, &record.event);
                tracing::error!(
                    %outcome,
                    "inbox delivery is a dead letter: {}",
                    crate::store::replay_hint(store, record.id)
                );
            }
            Settlement::Release => {}
        }
        let within = settle_window(shared.settings.lease);
        settle(store, &lease, settlement, within).await;
    }
    .instrument(span)
    .await;
    drop(permit);
}

/// How long the lease loop tries to give back leases it took as shutdown began.
const RELEASE_WINDOW: Duration = Duration::from_secs(3);

/// How long after the start the inbox first prunes, at most.
const FIRST_PRUNE_AFTER: Duration = Duration::from_secs(60);

/// How an attempt's outcome settles its delivery.
fn settlement_for(outcome: &Outcome, attempt: u32, retry: &RetryPolicy) -> Settlement {
    match outcome {
        Outcome::Handled { .. } | Outcome::Ignored { .. } | Outcome::Duplicate { .. } => {
            Settlement::Done
        }
        // The same body fails the same way every time.
        Outcome::BadPayload(_) | Outcome::Stale { .. } | Outcome::Unauthorized(_) => {
            Settlement::Dead {
                error: outcome.to_string(),
            }
        }
        _ if retry.exhausted(attempt) => Settlement::Dead {
            error: outcome.to_string(),
        },
        _ => Settlement::Retry {
            at: SystemTime::now() + retry.jittered_delay(attempt),
            error: outcome.to_string(),
        },
    }
}

/// Counts unsettled deliveries every second, and prunes settled ones past the retention:
/// first a minute after the start (sooner when `prune_every` is shorter), so that a
/// process restarted more often than `prune_every` still prunes.
async fn housekeeping(shared: Arc<Shared>) {
    let every = shared.settings.prune_every;
    let mut last_prune = tokio::time::Instant::now()
        .checked_sub(every.saturating_sub(FIRST_PRUNE_AFTER))
        .unwrap_or_else(tokio::time::Instant::now);
    let mut last_count: Option<tokio::time::Instant> = None;
    loop {
        if crate::metrics::counts_inbox()
            && last_count.is_none_or(|at| at.elapsed() >= Duration::from_secs(5))
        {
            last_count = Some(tokio::time::Instant::now());
            match shared.store.counts().await {
                Ok(counts) => crate::metrics::inbox_depth(&counts),
                Err(err) => tracing::debug!(error = %err, "could not count the inbox by state"),
            }
        }
        match shared.store.unsettled().await {
            Ok(unsettled) => shared.unsettled.store(unsettled, Ordering::Relaxed),
            Err(err) => tracing::debug!(error = %err, "could not count the inbox"),
        }
        if last_prune.elapsed() >= shared.settings.prune_every {
            last_prune = tokio::time::Instant::now();
            match shared.store.prune(shared.settings.retention).await {
                Ok(0) => {}
                Ok(pruned) => {
                    tracing::info!(pruned, "deleted settled deliveries past the retention")
                }
                Err(err) => tracing::warn!(error = %err, "could not prune the inbox"),
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
