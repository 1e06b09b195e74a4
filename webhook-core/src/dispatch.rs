//! The dispatcher: verifies a delivery, routes it by event name, parses it only for the
//! handlers that want it, runs them, and says what happened.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::HeaderMap;

use crate::dedup::{Claim, DeliveryStore, OnStoreError, delivery_key};
use crate::handler::{DeliveryInfo, EventOf, HandlerEvent, HandlerFuture, IntoHandler, Route};
use crate::payload::PayloadError;
use crate::provider::{DeliveryError, Provider};
use crate::queue::DeliveryQueue;
use crate::verify::{Verifier, VerifyError};

/// Runs the handlers of one provider.
///
/// Built once at start-up with one line per handler; `dispatch` is then called for each
/// delivery. It needs no web framework: give it the headers and the body.
///
/// # Which handlers run, and in what order
///
/// 1. the handlers taking this event's type (e.g. `MemberBanned`), in registration order;
/// 2. the handlers taking the provider's event enum (e.g. `TalkPlusEvent`), in
///    registration order;
/// 3. only when no handler of step 1 exists for the event: the handlers taking the
///    provider's `UnknownEvent`, in registration order.
///
/// Handlers run one after another; a failing or panicking handler does not stop the ones
/// after it, and any failure makes the whole delivery [`Outcome::HandlerFailed`]. A
/// delivery that no handler wants is [`Outcome::Ignored`] and is never parsed past its
/// event name.
pub struct Dispatcher<P, S = ()> {
    verifier: Verifier,
    state: S,
    by_event: HashMap<&'static str, Vec<Box<dyn HandlerGroup<S>>>>,
    all_events: Vec<Box<dyn HandlerGroup<S>>>,
    unhandled: Vec<Box<dyn HandlerGroup<S>>>,
    timeout: Option<Duration>,
    dedup: Option<Dedup>,
    provider: PhantomData<fn() -> P>,
}

/// Deduplication settings of a dispatcher.
#[derive(Clone)]
struct Dedup {
    store: Arc<dyn DeliveryStore>,
    on_error: OnStoreError,
}

impl<P: Provider, S: Send + Sync + 'static> Dispatcher<P, S> {
    /// Default time budget of a delivery's handlers.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A dispatcher with no handlers yet, no deduplication and the default time budget.
    /// Pass `()` as `state` when handlers need none.
    #[must_use]
    pub fn new(verifier: Verifier, state: S) -> Self {
        Self {
            verifier,
            state,
            by_event: HashMap::new(),
            all_events: Vec::new(),
            unhandled: Vec::new(),
            timeout: Some(Self::DEFAULT_TIMEOUT),
            dedup: None,
            provider: PhantomData,
        }
    }

    /// Registers a handler; its first parameter's type decides which deliveries it gets.
    #[must_use]
    pub fn handler<Args, H>(mut self, handler: H) -> Self
    where
        H: IntoHandler<Args, S>,
        H::Event: EventOf<P>,
        Args: 'static,
    {
        let groups = match <H::Event as HandlerEvent>::ROUTE {
            Route::Event(name) => self.by_event.entry(name).or_default(),
            Route::AllEvents => &mut self.all_events,
            Route::Unhandled => &mut self.unhandled,
        };
        let registered = Registered {
            name: std::any::type_name::<H>(),
            call: Box::new(move |event, state: &S, info: &DeliveryInfo| {
                handler.call(event, state, info)
            }),
        };
        // Handlers of the same event type share one parse of the body.
        if let Some(group) = groups
            .iter_mut()
            .find_map(|group| group.as_any_mut().downcast_mut::<TypedGroup<H::Event, S>>())
        {
            group.handlers.push(registered);
        } else {
            groups.push(Box::new(TypedGroup {
                handlers: vec![registered],
            }));
        }
        self
    }

    /// Sets the time budget of a delivery's handlers, all together; a handler still
    /// running when it is spent fails with [`Failure::TimedOut`]. `None`: no budget.
    #[must_use]
    pub fn timeout(mut self, budget: Option<Duration>) -> Self {
        self.timeout = budget;
        self
    }

    /// Handles each delivery once, remembering handled ones in `store` (see
    /// [`crate::dedup`]). When the store cannot be reached the delivery is processed and
    /// the error logged; [`Self::on_store_error`] changes that.
    #[must_use]
    pub fn deduplicate(mut self, store: Arc<dyn DeliveryStore>) -> Self {
        self.dedup = Some(Dedup {
            store,
            on_error: OnStoreError::default(),
        });
        self
    }

    /// What to do when the deduplication store cannot be reached (no effect without
    /// [`Self::deduplicate`]).
    #[must_use]
    pub fn on_store_error(mut self, policy: OnStoreError) -> Self {
        if let Some(dedup) = &mut self.dedup {
            dedup.on_error = policy;
        }
        self
    }

    /// The state handed to handlers.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The verifier checking each delivery.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Whether a delivery of `event_name` would run at least one handler.
    #[must_use]
    pub fn handles(&self, event_name: &str) -> bool {
        !self.all_events.is_empty()
            || self.by_event.contains_key(event_name)
            || !self.unhandled.is_empty()
    }

    /// Verifies, parses and handles one delivery.
    ///
    /// Records `event` and `delivery_id` (its first 16 characters) on the current
    /// `tracing` span when that span declares them. Never panics, whatever the input; a
    /// panicking handler becomes [`Outcome::HandlerFailed`]. The time budget and
    /// deduplication need a tokio runtime.
    pub async fn dispatch(&self, headers: HeaderMap, body: Bytes) -> Outcome {
        match self.prepare(headers, body, WhenInProgress::Wait).await {
            Prepared::Run(job) => job.run().await,
            Prepared::Finished(outcome) => outcome,
        }
    }

    /// Verifies and parses a delivery, then hands its handlers to `queue` and returns at
    /// once with [`Outcome::Queued`], or [`Outcome::QueueFull`] when the queue is full.
    /// See [`DeliveryQueue`] for what this mode trades away.
    pub async fn dispatch_queued(
        &self,
        headers: HeaderMap,
        body: Bytes,
        queue: &DeliveryQueue,
    ) -> Outcome {
        match self
            .prepare(headers, body, WhenInProgress::Acknowledge)
            .await
        {
            Prepared::Run(job) => queue.push(job),
            Prepared::Finished(outcome) => outcome,
        }
    }

    /// Everything up to running the handlers: verification, routing, parsing and, with
    /// deduplication, claiming the delivery's key.
    async fn prepare(
        &self,
        headers: HeaderMap,
        body: Bytes,
        in_progress: WhenInProgress,
    ) -> Prepared {
        let received_at = SystemTime::now();
        let (event_name, delivery_id, scheme) = match P::receive(&self.verifier, &headers, &body) {
            Ok(delivery) => (
                delivery.event_name.into_owned(),
                delivery.delivery_id.map(std::borrow::Cow::into_owned),
                delivery.scheme.name,
            ),
            Err(DeliveryError::Unauthorized(err)) => {
                return Prepared::Finished(Outcome::Unauthorized(err));
            }
            Err(DeliveryError::BadPayload(err)) => {
                return Prepared::Finished(Outcome::BadPayload(err));
            }
        };
        let span = tracing::Span::current();
        span.record("event", event_name.as_str());
        if let Some(id) = &delivery_id {
            // A TalkPlus id is its whole signature: a prefix identifies it in logs.
            span.record("delivery_id", id.get(..16).unwrap_or(id));
        }

        let typed = self.by_event.get(event_name.as_str());
        let fallback = if typed.is_none() {
            &self.unhandled[..]
        } else {
            &[]
        };
        let groups: Vec<&dyn HandlerGroup<S>> = typed
            .into_iter()
            .flatten()
            .chain(&self.all_events)
            .chain(fallback)
            .map(AsRef::as_ref)
            .collect();
        if groups.is_empty() {
            return Prepared::Finished(Outcome::Ignored { event: event_name });
        }

        let key = self
            .dedup
            .as_ref()
            .map(|_| delivery_key(P::NAME, delivery_id.as_deref(), &body));
        let info = DeliveryInfo::new(
            P::NAME,
            event_name,
            delivery_id,
            scheme,
            headers,
            body,
            received_at,
        );
        // `receive` checked the body is UTF-8, so this cannot fail.
        let Ok(text) = std::str::from_utf8(info.body()) else {
            return Prepared::Finished(Outcome::BadPayload(PayloadError::NotUtf8 { offset: 0 }));
        };

        // Parse for every group before running any handler: a bad payload runs none.
        // Extractors run here too, so a panicking one is caught like a handler's panic.
        let mut calls = Vec::new();
        for group in groups {
            let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
                group.start(info.event_name(), text, &self.state, &info)
            }));
            match started {
                Ok(Ok(started)) => calls.extend(started),
                Ok(Err(err)) => return Prepared::Finished(Outcome::BadPayload(err)),
                Err(panic) => {
                    return Prepared::Finished(Outcome::HandlerFailed {
                        event: info.event_name().to_owned(),
                        handlers: 0,
                        failures: vec![HandlerFailure {
                            handler: "handler set-up (extractors)",
                            failure: Failure::Panic(panic_message(panic.as_ref())),
                        }],
                    });
                }
            }
        }
        let event = info.event_name().to_owned();

        let claim = match (&self.dedup, key) {
            (Some(dedup), Some(key)) => match self.claim(dedup, key, &event, in_progress).await {
                Ok(claim) => claim,
                Err(outcome) => return Prepared::Finished(outcome),
            },
            _ => None,
        };
        Prepared::Run(Job {
            event,
            calls,
            timeout: self.timeout,
            claim,
        })
    }

    /// Claims `key`; `Ok(None)` means "run without a claim" (store down, policy Process).
    async fn claim(
        &self,
        dedup: &Dedup,
        key: String,
        event: &str,
        in_progress: WhenInProgress,
    ) -> Result<Option<ClaimGuard>, Outcome> {
        let wait_limit = self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT);
        let deadline = tokio::time::Instant::now() + wait_limit;
        loop {
            match dedup.store.claim(&key).await {
                Ok(Claim::Claimed) => {
                    return Ok(Some(ClaimGuard {
                        store: Arc::clone(&dedup.store),
                        key: Some(key),
                    }));
                }
                Ok(Claim::Done) => {
                    return Err(Outcome::Duplicate {
                        event: event.to_owned(),
                    });
                }
                Ok(Claim::InProgress) => {
                    if in_progress == WhenInProgress::Acknowledge {
                        return Err(Outcome::Duplicate {
                            event: event.to_owned(),
                        });
                    }
                    let now = tokio::time::Instant::now();
                    if now >= deadline {
                        return Err(Outcome::InProgress {
                            event: event.to_owned(),
                        });
                    }
                    dedup.store.wait(&key, deadline - now).await;
                }
                Err(err) => {
                    return match dedup.on_error {
                        OnStoreError::Process => {
                            tracing::warn!(error = %err, "deduplication skipped: processing the delivery anyway");
                            Ok(None)
                        }
                        OnStoreError::Reject => Err(Outcome::StoreUnavailable {
                            event: event.to_owned(),
                            reason: err.to_string(),
                        }),
                    };
                }
            }
        }
    }
}

/// What a duplicate does when an earlier attempt is still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhenInProgress {
    /// Wait for it (at most the time budget), so success is never reported early.
    Wait,
    /// Acknowledge at once: the acknowledge-first mode already answered the first.
    Acknowledge,
}

enum Prepared {
    Run(Job),
    Finished(Outcome),
}

/// The handlers of one verified, parsed delivery, ready to run; owns everything it needs.
pub(crate) struct Job {
    event: String,
    calls: Vec<(&'static str, HandlerFuture)>,
    timeout: Option<Duration>,
    claim: Option<ClaimGuard>,
}

impl Job {
    /// Runs the handlers one after another within the time budget, then records the
    /// attempt's success or failure in the store.
    pub(crate) async fn run(mut self) -> Outcome {
        let deadline = self
            .timeout
            .map(|budget| tokio::time::Instant::now() + budget);
        let handlers = self.calls.len();
        let mut failures = Vec::new();
        for (handler, future) in std::mem::take(&mut self.calls) {
            let guarded = AssertUnwindSafe(future).catch_unwind();
            let result = match deadline {
                Some(deadline) => tokio::time::timeout_at(deadline, guarded).await.ok(),
                None => Some(guarded.await),
            };
            let failure = match result {
                Some(Ok(Ok(()))) => continue,
                Some(Ok(Err(message))) => Failure::Error(message),
                Some(Err(panic)) => Failure::Panic(panic_message(panic.as_ref())),
                None => Failure::TimedOut,
            };
            failures.push(HandlerFailure { handler, failure });
        }
        if let Some(claim) = self.claim.take() {
            claim.finish(failures.is_empty()).await;
        }
        let event = std::mem::take(&mut self.event);
        if failures.is_empty() {
            Outcome::Handled { event, handlers }
        } else {
            Outcome::HandlerFailed {
                event,
                handlers,
                failures,
            }
        }
    }

    /// The event name.
    pub(crate) fn event(&self) -> &str {
        &self.event
    }
}

/// A claimed key. Finishing records the attempt; dropping it unfinished (the job was
/// cancelled) releases the key, so a retry is not turned away.
struct ClaimGuard {
    store: Arc<dyn DeliveryStore>,
    key: Option<String>,
}

impl ClaimGuard {
    async fn finish(mut self, success: bool) {
        let Some(key) = self.key.take() else { return };
        let result = if success {
            self.store.complete(&key).await
        } else {
            self.store.release(&key).await
        };
        if let Err(err) = result {
            tracing::warn!(error = %err, success, "could not record the attempt in the delivery store");
        }
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let store = Arc::clone(&self.store);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = store.release(&key).await;
            });
        }
    }
}

impl<P: Provider, S> fmt::Debug for Dispatcher<P, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut events: Vec<&str> = self.by_event.keys().copied().collect();
        events.sort_unstable();
        f.debug_struct("Dispatcher")
            .field("provider", &P::NAME)
            .field("verifier", &self.verifier)
            .field("events", &events)
            .field("all_events_handlers", &self.all_events.len())
            .field("unhandled_handlers", &self.unhandled.len())
            .finish_non_exhaustive()
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

/// What became of one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The signature did not verify; nothing was parsed and no handler ran.
    Unauthorized(VerifyError),
    /// The signature verified but the body cannot be read; no handler ran.
    BadPayload(PayloadError),
    /// Verified, but no handler wants this event: acknowledged and dropped on purpose.
    Ignored {
        /// The event name.
        event: String,
    },
    /// An earlier attempt of the same delivery succeeded (or, in acknowledge-first mode,
    /// was accepted): acknowledged without running the handlers again.
    Duplicate {
        /// The event name.
        event: String,
    },
    /// An earlier attempt of the same delivery is still running after the time budget;
    /// the handlers were not run again and the platform should retry later.
    InProgress {
        /// The event name.
        event: String,
    },
    /// The deduplication store could not be reached and the dispatcher is set to
    /// [`OnStoreError::Reject`]; the platform should retry later.
    StoreUnavailable {
        /// The event name.
        event: String,
        /// The store's error.
        reason: String,
    },
    /// Acknowledge-first mode: verified, parsed and queued; the handlers run later.
    Queued {
        /// The event name.
        event: String,
    },
    /// Acknowledge-first mode: the queue is full; the platform should retry later.
    QueueFull {
        /// The event name.
        event: String,
    },
    /// Every handler succeeded.
    Handled {
        /// The event name.
        event: String,
        /// How many handlers ran.
        handlers: usize,
    },
    /// At least one handler failed or panicked; the platform should retry.
    HandlerFailed {
        /// The event name.
        event: String,
        /// How many handlers ran.
        handlers: usize,
        /// The handlers that failed, in the order they ran.
        failures: Vec<HandlerFailure>,
    },
}

impl Outcome {
    /// The event name, when the delivery got far enough to have one.
    #[must_use]
    pub fn event(&self) -> Option<&str> {
        match self {
            Self::Unauthorized(_) | Self::BadPayload(_) => None,
            Self::Ignored { event }
            | Self::Duplicate { event }
            | Self::InProgress { event }
            | Self::StoreUnavailable { event, .. }
            | Self::Queued { event }
            | Self::QueueFull { event }
            | Self::Handled { event, .. }
            | Self::HandlerFailed { event, .. } => Some(event),
        }
    }

    /// Whether the platform should consider the delivery done: handled, ignored, a
    /// duplicate of a handled one, or queued.
    #[must_use]
    pub fn is_acknowledged(&self) -> bool {
        matches!(
            self,
            Self::Ignored { .. }
                | Self::Duplicate { .. }
                | Self::Queued { .. }
                | Self::Handled { .. }
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthorized(err) => write!(f, "unauthorized: {err}"),
            Self::BadPayload(err) => write!(f, "bad payload: {err}"),
            Self::Ignored { event } => write!(f, "ignored `{event}`: no handler"),
            Self::Duplicate { event } => write!(f, "duplicate `{event}`: already handled"),
            Self::InProgress { event } => {
                write!(f, "`{event}`: an earlier attempt is still running")
            }
            Self::StoreUnavailable { event, reason } => write!(f, "`{event}`: {reason}"),
            Self::Queued { event } => write!(f, "queued `{event}`"),
            Self::QueueFull { event } => write!(f, "`{event}`: the queue is full"),
            Self::Handled { event, handlers } => {
                write!(f, "handled `{event}` ({handlers} handlers)")
            }
            Self::HandlerFailed {
                event,
                handlers,
                failures,
            } => {
                write!(
                    f,
                    "`{event}`: {} of {handlers} handlers failed",
                    failures.len()
                )?;
                for failure in failures {
                    write!(f, "; {failure}")?;
                }
                Ok(())
            }
        }
    }
}

/// One handler that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerFailure {
    /// The handler's path, e.g. `my_app::on_member_banned`.
    pub handler: &'static str,
    /// What went wrong.
    pub failure: Failure,
}

impl fmt::Display for HandlerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            Failure::Error(message) => write!(f, "{} returned an error: {message}", self.handler),
            Failure::Panic(message) => write!(f, "{} panicked: {message}", self.handler),
            Failure::TimedOut => {
                write!(f, "{} ran out of the delivery's time budget", self.handler)
            }
        }
    }
}

/// How a handler failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It returned `Err`, shown here.
    Error(String),
    /// It panicked with this message.
    Panic(String),
    /// The delivery's time budget ran out before it finished (or started).
    TimedOut,
}

type ErasedCall<E, S> = Box<dyn Fn(E, &S, &DeliveryInfo) -> HandlerFuture + Send + Sync>;

struct Registered<E, S> {
    name: &'static str,
    call: ErasedCall<E, S>,
}

/// The handlers of one event type: the body is parsed once for all of them.
struct TypedGroup<E, S> {
    handlers: Vec<Registered<E, S>>,
}

trait HandlerGroup<S>: Send + Sync {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &S,
        info: &DeliveryInfo,
    ) -> Result<Vec<(&'static str, HandlerFuture)>, PayloadError>;

    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<E: HandlerEvent, S: 'static> HandlerGroup<S> for TypedGroup<E, S> {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &S,
        info: &DeliveryInfo,
    ) -> Result<Vec<(&'static str, HandlerFuture)>, PayloadError> {
        let event = E::from_body(event_name, body)?;
        let Some((last, rest)) = self.handlers.split_last() else {
            return Ok(Vec::new());
        };
        let mut calls = Vec::with_capacity(self.handlers.len());
        for handler in rest {
            calls.push((handler.name, (handler.call)(event.clone(), state, info)));
        }
        calls.push((last.name, (last.call)(event, state, info)));
        Ok(calls)
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
