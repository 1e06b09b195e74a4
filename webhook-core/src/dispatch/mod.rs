//! The dispatcher: verifies a delivery, routes it by event name, parses it only for the
//! handlers that want it, runs them, and says what happened.

mod claim;
mod outcome;
mod routing;
mod run;
mod settle;

use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::HeaderMap;

pub use outcome::{EventName, Failure, HandlerFailure, Outcome};
#[doc(hidden)]
pub use routing::Routes;
pub(crate) use settle::{Settling, settle, settle_window};

use crate::handler::{
    DeliveryFacts, DeliveryInfo, DeliverySource, HandlerFn, HandlerFunction, HandlerList,
    HandlerOf, LINKED, RegistrationError, RunsWith,
};
use crate::provider::{DeliveryError, DeliveryIdSource, Provider};
use crate::store::{
    DeliveryKey, Lease, MemoryStore, NewDelivery, Settlement, Store, StoredDelivery,
    UNREADABLE_EVENT,
};
use crate::verify::Verifier;
use routing::{Routed, StartError};

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
///
/// # Each delivery once
///
/// A dispatcher records the deliveries its handlers run in a [`Store`] — by default a
/// [`MemoryStore`] of its own; [`Self::store`] gives it a durable or shared one. A copy of
/// a handled delivery (the platform's retry, or a captured delivery sent again) is
/// [`Outcome::Duplicate`] and runs nothing; a copy arriving while the first runs waits for
/// it. A delivery whose handlers fail, or whose body does not have its event's shape, is
/// kept as a dead letter for replay (`webhook-cli inbox replay`).
pub struct Dispatcher<P, S = ()> {
    verifier: Verifier<P>,
    state: S,
    routes: Routes,
    budget: Option<Duration>,
    store: Option<Arc<dyn Store>>,
    on_store_error: OnStoreError,
    lease: Duration,
    max_age: Option<Duration>,
    /// Settles still being tried after their delivery was answered.
    settling: Arc<Settling>,
    provider: PhantomData<fn() -> P>,
}

/// What to do when the store cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnStoreError {
    /// Run the handlers anyway and log the error at ERROR: a delivery is never lost, at
    /// the risk of handling a copy twice while the store is down. The default, because
    /// TalkPlus never retries a delivery that was answered with an error.
    #[default]
    Process,
    /// Answer "unavailable" (HTTP 503) so the platform retries later: nothing runs twice,
    /// but a platform that does not retry loses the delivery.
    Reject,
}

/// A delivery whose signature verified, read as far as its event name; borrows the
/// request's headers and body.
pub(crate) struct Verified<'a> {
    pub(crate) event: EventName,
    pub(crate) route: Routed<'a>,
    pub(crate) delivery_id: Option<Cow<'a, str>>,
    id_source: DeliveryIdSource,
    /// Computed only when the delivery is recorded.
    pub(crate) key: Option<DeliveryKey>,
    pub(crate) scheme: &'static str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a Bytes,
    /// The body, checked to be UTF-8 once, when it was verified.
    pub(crate) text: &'a str,
    /// Read from the clock only when something uses it (a store, a maximum age).
    pub(crate) received_at: Option<SystemTime>,
}

impl<'a> Verified<'a> {
    pub(crate) fn received_at(&self) -> SystemTime {
        self.received_at.unwrap_or_else(SystemTime::now)
    }

    /// The delivery id in a form safe to show in logs and the inbox.
    pub(crate) fn shown_id(&self) -> Option<String> {
        self.delivery_id
            .as_deref()
            .map(|id| self.id_source.shown(id))
    }

    /// A body-field id the envelope scan did not reach (it stops at the event name), read
    /// from the rest of the body.
    fn id_after_event(&self) -> Option<Cow<'a, str>> {
        match self.id_source {
            DeliveryIdSource::BodyField(field) => crate::envelope::find_string(self.text, field),
            _ => None,
        }
    }

    pub(crate) fn record<'r>(
        &'r self,
        provider: &'r str,
        key: &'r DeliveryKey,
        shown_id: Option<&'r str>,
    ) -> NewDelivery<'r> {
        NewDelivery {
            key,
            provider,
            event: &self.event,
            shown_id,
            scheme: self.scheme,
            received_at: self.received_at(),
            body: self.body,
        }
    }

    /// Everything a handler taking [`DeliveryInfo`] sees, for attempt `attempt`.
    fn info(&self, provider: &'static str, attempt: u32) -> DeliveryInfo {
        DeliveryInfo::new(DeliveryFacts {
            provider,
            event_name: self.event.clone().into_owned(),
            delivery_id: self
                .shown_id()
                .or_else(|| self.id_after_event().map(|id| self.id_source.shown(&id))),
            key: self.key.clone(),
            scheme: self.scheme,
            headers: self.headers.clone(),
            body: self.body.clone(),
            received_at: self.received_at(),
            attempt,
        })
    }
}

impl<P: Provider, S: Send + Sync + 'static> Dispatcher<P, S> {
    /// Default time budget of a delivery's handlers.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    /// Default lease of a running delivery; renewed every third of it while the handlers
    /// run, so it only runs out when the process holding it is gone.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

    /// A dispatcher of the deliveries `verifier` checks, with no handlers yet, the default
    /// time budget, and a [`MemoryStore`] of its own for deduplication. Pass `()` as
    /// `state` when handlers need none; handlers read it with [`Shared<S>`](crate::Shared).
    #[must_use]
    pub fn new(verifier: Verifier<P>, state: S) -> Self {
        Self {
            verifier,
            state,
            routes: Routes::new(P::EVENT_NAMES),
            budget: Some(Self::DEFAULT_TIMEOUT),
            store: Some(Arc::new(MemoryStore::new())),
            on_store_error: OnStoreError::default(),
            lease: Self::DEFAULT_LEASE,
            max_age: None,
            settling: Arc::default(),
            provider: PhantomData,
        }
    }

    /// Registers a handler: a function marked `#[webhook_handler]`. Its first parameter's
    /// type decides which deliveries it gets.
    #[must_use]
    pub fn handler<Args, F>(mut self, handler: F) -> Self
    where
        F: HandlerFunction<Args>,
        F::Handler: HandlerOf<P> + RunsWith<S>,
    {
        drop(handler);
        self.routes.add::<<F::Handler as HandlerFn>::Event>(
            <F::Handler as HandlerFn>::PATH,
            <F::Handler as HandlerFn>::run,
        );
        self
    }

    /// Registers several handlers at once, in order: `.handlers(handlers![a, b, c])`.
    #[must_use]
    pub fn handlers<Args>(mut self, handlers: impl HandlerList<P, S, Args>) -> Self {
        handlers.add_to(&mut self.routes);
        self
    }

    /// Registers every `#[webhook_handler]` function of this provider linked into the
    /// program, from any module or crate, ordered by path (see
    /// [`LINKED`]).
    ///
    /// # Errors
    /// [`RegistrationError`] when a handler takes `Shared<T>` and `T` is not this
    /// dispatcher's state type (explicit registration checks that at compile time;
    /// collection can only check it here). With several dispatchers of one provider,
    /// collect each one's handlers with [`Self::linked_handlers_in`].
    pub fn linked_handlers(self) -> Result<Self, RegistrationError> {
        self.linked_handlers_in("")
    }

    /// Like [`Self::linked_handlers`], for the handlers whose path starts with `prefix`
    /// (`"my_app::talkplus"`): the handlers of one module tree.
    ///
    /// # Errors
    /// [`RegistrationError`] as [`Self::linked_handlers`].
    pub fn linked_handlers_in(mut self, prefix: &str) -> Result<Self, RegistrationError> {
        let mut linked: Vec<_> = LINKED
            .iter()
            .filter(|handler| handler.provider() == P::NAME && handler.path().starts_with(prefix))
            .collect();
        linked.sort_by_key(|handler| handler.path());
        for handler in linked {
            if let Some((wanted, wanted_name)) = handler.state_type()
                && wanted != std::any::TypeId::of::<S>()
            {
                return Err(RegistrationError {
                    handler: handler.path(),
                    wanted: wanted_name,
                    state: std::any::type_name::<S>(),
                });
            }
            handler.add_to(&mut self.routes);
        }
        Ok(self)
    }

    /// Sets the time budget of a delivery's handlers, all together; a handler still
    /// running when it is spent fails with [`Failure::TimedOut`]. `None`: no budget.
    ///
    /// The budget starts when the first handler has to wait (its first poll returns
    /// `Pending`): a budget can only end a handler at an `.await`, and handlers that never
    /// wait then cost no clock read and no timer.
    #[must_use]
    pub fn timeout(mut self, budget: Option<Duration>) -> Self {
        self.budget = budget;
        self
    }

    /// Records deliveries in `store` instead of the dispatcher's own memory: a durable
    /// store keeps deduplication and dead letters across restarts, a shared one across
    /// instances.
    #[must_use]
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// Records nothing: no deduplication, no dead letters. For benchmarks, or handlers
    /// that are idempotent and whose failures the platform retries.
    #[must_use]
    pub fn without_store(mut self) -> Self {
        self.store = None;
        self
    }

    /// What to do when the store cannot be reached (default [`OnStoreError::Process`]).
    #[must_use]
    pub fn on_store_error(mut self, policy: OnStoreError) -> Self {
        self.on_store_error = policy;
        self
    }

    /// How long a running delivery's lease lasts before another attempt may take it over
    /// (default 30 s, at least [`MIN_LEASE`](crate::store::MIN_LEASE)). It is renewed
    /// while the handlers run.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(crate::store::MIN_LEASE);
        self
    }

    /// Refuses (HTTP 422, [`Outcome::Stale`]) a delivery whose event says it happened more
    /// than `age` before it was received: a captured delivery sent again after the
    /// deduplication window. Only events that carry their own time can be checked; the
    /// `webhook-core` crate docs list them. Off by default.
    #[must_use]
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// The state handed to handlers.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The verifier checking each delivery.
    pub fn verifier(&self) -> &Verifier<P> {
        &self.verifier
    }

    /// The store deliveries are recorded in, if any.
    #[must_use]
    pub fn recorded_in(&self) -> Option<&Arc<dyn Store>> {
        self.store.as_ref()
    }

    /// Whether a delivery of `event_name` would run at least one handler.
    #[must_use]
    pub fn handles(&self, event_name: &str) -> bool {
        self.routes
            .wants(self.routes.route(Cow::Borrowed(event_name)).1)
    }

    /// Verifies, parses and handles one delivery, before answering (inline mode).
    ///
    /// Records `event` and `delivery_id` (shortened) on the current `tracing` span when
    /// that span declares them. Never panics, whatever the input; a panicking handler
    /// becomes [`Outcome::HandlerFailed`]. Needs a tokio runtime (time budget, leases).
    #[expect(
        clippy::manual_async_fn,
        reason = "an `async fn` keeps a second copy of its arguments in its future; this block holds the request once"
    )]
    pub fn dispatch(&self, headers: HeaderMap, body: Bytes) -> impl Future<Output = Outcome> + '_ {
        async move {
            let outcome = self.dispatch_inline(&headers, &body).await;
            crate::metrics::delivery(P::NAME, &outcome);
            outcome
        }
    }

    async fn dispatch_inline(&self, headers: &HeaderMap, body: &Bytes) -> Outcome {
        let verified = match self.verify(headers, body, self.store.is_some()) {
            Ok(verified) => verified,
            Err(outcome) => {
                if let (Outcome::BadPayload(err), Some(store)) = (&outcome, &self.store) {
                    return Box::pin(self.keep_unreadable(store.as_ref(), headers, body, err))
                        .await
                        .unwrap_or(outcome);
                }
                return outcome;
            }
        };
        if !self.routes.wants(verified.route) {
            return Outcome::Ignored {
                event: verified.event,
            };
        }
        // Parsed before claiming: a body that cannot be read never holds a lease.
        let started = self.start_attempt(&verified, 1);
        let (Some(store), Some(key)) = (&self.store, &verified.key) else {
            // Only what is used after the handlers ran is kept across their run.
            let (event, handlers, work) = match started {
                Ok(calls) => (
                    { verified }.event,
                    calls.len(),
                    run::run_calls(P::NAME, calls, self.budget),
                ),
                Err(outcome) => return outcome,
            };
            return Self::outcome(event, handlers, work.await);
        };
        // Boxed: the store's path holds far more across its waits than the plain one,
        // and a future the size of both would be copied whole wherever it moves.
        Box::pin(self.dispatch_recorded(store.as_ref(), key, &verified, started)).await
    }

    /// Inline mode with a store: claims the delivery's record, runs the calls under its
    /// lease and settles it; keeps a body that cannot be parsed as a dead letter.
    async fn dispatch_recorded(
        &self,
        store: &dyn Store,
        key: &DeliveryKey,
        verified: &Verified<'_>,
        started: Result<routing::Calls, Outcome>,
    ) -> Outcome {
        let calls = match started {
            Ok(calls) => calls,
            Err(outcome) => {
                // A body of the wrong shape, or handlers whose set-up panicked: nothing
                // ran, and nothing would run differently now; kept for a fix and a replay.
                let error = match &outcome {
                    Outcome::BadPayload(err) => Some(err.to_string()),
                    Outcome::HandlerFailed { .. } => Some(outcome.to_string()),
                    _ => None,
                };
                if let Some(error) = error
                    && let Err(err) = self.keep_rejected(store, verified, key, &error).await
                    && matches!(outcome, Outcome::BadPayload(_))
                {
                    // Not kept: the platform may try again rather than hear "never".
                    return Outcome::StoreUnavailable {
                        event: verified.event.clone(),
                        reason: err.to_string(),
                    };
                }
                return outcome;
            }
        };
        let wait_limit = self.budget.unwrap_or(Self::DEFAULT_TIMEOUT);
        let shown_id = verified.shown_id();
        let delivery = verified.record(P::NAME, key, shown_id.as_deref());
        let event = verified.event.clone();
        match claim::claim(store, delivery, self.lease, wait_limit).await {
            claim::Claimed::Lease(lease) => {
                // The calls were built for attempt 1; a later attempt rebuilds them.
                let calls = if lease.attempt == 1 {
                    calls
                } else {
                    drop(calls);
                    match self.start_attempt(verified, lease.attempt) {
                        Ok(calls) => calls,
                        Err(outcome) => {
                            self.settle_answered(store, &lease, &outcome).await;
                            return outcome;
                        }
                    }
                };
                self.finish(event, calls, Some((store, &lease))).await
            }
            claim::Claimed::Done => Outcome::Duplicate { event },
            claim::Claimed::InProgress => Outcome::InProgress { event },
            claim::Claimed::Unavailable(err) => match self.on_store_error {
                OnStoreError::Process => {
                    tracing::error!(error = %err, "store unreachable: handling the delivery without deduplication");
                    self.finish(event, calls, None).await
                }
                OnStoreError::Reject => Outcome::StoreUnavailable {
                    event,
                    reason: err.to_string(),
                },
            },
        }
    }

    /// Verifies the signature and reads the envelope; records the event and delivery id on
    /// the current span. With `needs_key`, also computes the key the delivery is recorded
    /// under (looking through the body for its id field when the envelope did not meet it).
    pub(crate) fn verify<'a>(
        &'a self,
        headers: &'a HeaderMap,
        body: &'a Bytes,
        needs_key: bool,
    ) -> Result<Verified<'a>, Outcome> {
        let received_at = (needs_key || self.max_age.is_some()).then(SystemTime::now);
        let delivery = match P::receive(&self.verifier, headers, body) {
            Ok(delivery) => delivery,
            Err(DeliveryError::Unauthorized(err)) => return Err(Outcome::Unauthorized(err)),
            Err(DeliveryError::BadPayload(err)) => return Err(Outcome::BadPayload(err)),
        };
        crate::metrics::verified(P::NAME, delivery.scheme.name, body.len());
        let (event, route) = self.routes.route(delivery.event_name);
        let mut verified = Verified {
            event,
            route,
            delivery_id: delivery.delivery_id,
            id_source: P::DELIVERY_ID,
            key: None,
            scheme: delivery.scheme.name,
            headers,
            body,
            text: delivery.body,
            received_at,
        };
        if needs_key && verified.delivery_id.is_none() {
            // The key needs the id even when it comes after the event name (the scan
            // stopped there); once found, logs and the record show it too.
            verified.delivery_id = verified.id_after_event();
        }
        let span = tracing::Span::current();
        if !span.is_disabled() {
            span.record("event", &*verified.event);
            span.record("scheme", verified.scheme);
            if let Some(shown) = verified.shown_id() {
                span.record("delivery_id", shown.as_str());
            }
        }
        let key = needs_key.then(|| {
            DeliveryKey::new(
                P::NAME,
                verified.delivery_id.as_deref(),
                &verified.event,
                body,
            )
        });
        Ok(Verified { key, ..verified })
    }

    /// [`Self::start`] for attempt `attempt` of a verified delivery.
    fn start_attempt(
        &self,
        verified: &Verified<'_>,
        attempt: u32,
    ) -> Result<routing::Calls, Outcome> {
        let info = || verified.info(P::NAME, attempt);
        let source = DeliverySource::new(&info);
        self.start(
            verified.route,
            &verified.event,
            verified.text,
            &source,
            verified.received_at,
        )
    }

    /// Parses the body for the handlers of `event` and starts their calls; checks the
    /// event's age against when it was received.
    fn start(
        &self,
        route: Routed<'_>,
        event: &EventName,
        text: &str,
        delivery: &DeliverySource<'_>,
        received_at: Option<SystemTime>,
    ) -> Result<routing::Calls, Outcome> {
        let wants_time = self.max_age.is_some();
        let started = match self
            .routes
            .start(route, event, text, &self.state, delivery, wants_time)
        {
            Ok(started) => started,
            Err(StartError::BadPayload(err)) => return Err(Outcome::BadPayload(err)),
            Err(StartError::Panic(message)) => {
                return Err(Outcome::HandlerFailed {
                    event: event.clone(),
                    handlers: 0,
                    failures: vec![HandlerFailure {
                        handler: "handler set-up (extractors)",
                        failure: Failure::Panic(message),
                    }],
                });
            }
        };
        if let (Some(max_age), Some(occurred_at), Some(received_at)) =
            (self.max_age, started.occurred_at, received_at)
            && let Ok(age) = received_at.duration_since(occurred_at)
            && age > max_age
        {
            // Debug: anyone holding one captured delivery can send it again and again; the
            // server's refusal line (rate-limited) is the warning.
            tracing::debug!(
                age_secs = age.as_secs(),
                max_age_secs = max_age.as_secs(),
                "delivery refused: the event is older than the maximum age (a replay?)"
            );
            return Err(Outcome::Stale {
                event: event.clone(),
                age,
            });
        }
        Ok(started.calls)
    }

    /// Runs the calls, renewing the lease (if any) for `duration` at a time, and says how
    /// it went; does not settle.
    async fn run_handlers(
        &self,
        event: EventName,
        calls: routing::Calls,
        lease: Option<(&dyn Store, &Lease)>,
        duration: Duration,
    ) -> Outcome {
        let handlers = calls.len();
        let work = run::run_calls(P::NAME, calls, self.budget);
        let failures = match lease {
            Some((store, lease)) => run::renewing(store, lease, duration, work).await.0,
            None => work.await,
        };
        Self::outcome(event, handlers, failures)
    }

    /// What running `handlers` calls came to.
    fn outcome(event: EventName, handlers: usize, failures: Vec<HandlerFailure>) -> Outcome {
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

    /// Runs the calls (renewing the lease, if any), settles the lease, and says how it went.
    async fn finish(
        &self,
        event: EventName,
        calls: routing::Calls,
        lease: Option<(&dyn Store, &Lease)>,
    ) -> Outcome {
        let outcome = self.run_handlers(event, calls, lease, self.lease).await;
        if let Some((store, lease)) = lease {
            self.settle_answered(store, lease, &outcome).await;
        }
        outcome
    }

    /// Settles an inline attempt by its outcome: done when acknowledged, else a dead
    /// letter. Tried once before the answer; while the store fails, again in the
    /// background within the lease, so the platform is not kept waiting and a store's
    /// hiccup does not run a handled delivery again.
    async fn settle_answered(&self, store: &dyn Store, lease: &Lease, outcome: &Outcome) {
        let settlement = if outcome.is_acknowledged() {
            Settlement::Done
        } else {
            tracing::error!(
                record = lease.id,
                "kept as a dead letter: {}",
                crate::store::replay_hint(store, lease.id)
            );
            crate::metrics::dead_letter(P::NAME, outcome.event().unwrap_or_default());
            Settlement::Dead {
                error: outcome.to_string(),
            }
        };
        match (store.settle(lease, settlement.clone()).await, &self.store) {
            (Err(err), Some(shared)) => {
                tracing::warn!(error = %err, record = lease.id, "could not record the end of an attempt; trying again in the background");
                let (shared, lease) = (Arc::clone(shared), lease.clone());
                let within = settle_window(self.lease);
                self.settling.spawn(async move {
                    settle(shared.as_ref(), &lease, settlement, within).await;
                });
            }
            (Ok(false), _) => tracing::warn!(
                record = lease.id,
                "this attempt's lease was taken over by another attempt; its result is not recorded"
            ),
            (Ok(true) | Err(_), _) => {}
        }
    }

    /// Keeps a delivery whose signature verified but whose envelope cannot be read (not
    /// UTF-8, not JSON, no event name) as a dead letter with an empty event name; a
    /// worker reads its envelope again when it is replayed. When it cannot be kept, the
    /// answer to give instead of 400: [`Outcome::StoreUnavailable`], so that the platform
    /// may try again.
    pub(crate) async fn keep_unreadable(
        &self,
        store: &dyn Store,
        headers: &HeaderMap,
        body: &Bytes,
        error: &crate::PayloadError,
    ) -> Option<Outcome> {
        // Checked a moment ago; checked again only on this rare path, for the scheme and
        // the signature (TalkPlus's delivery id).
        let Ok((scheme, signature)) = self.verifier.verify_header(headers, body) else {
            return None;
        };
        let from_body = match P::DELIVERY_ID {
            DeliveryIdSource::BodyField(field) => std::str::from_utf8(body)
                .ok()
                .and_then(|text| crate::envelope::find_string(text, field)),
            _ => None,
        };
        let id = crate::provider::delivery_id::<P>(headers, scheme, signature, from_body);
        // Keyed by the body: without an event name an id does not tell deliveries apart
        // (Amity gives several events one requestId).
        let key = DeliveryKey::new(P::NAME, None, UNREADABLE_EVENT, body);
        let shown_id = id.as_deref().map(|id| P::DELIVERY_ID.shown(id));
        let record = NewDelivery {
            key: &key,
            provider: P::NAME,
            event: UNREADABLE_EVENT,
            shown_id: shown_id.as_deref(),
            scheme: scheme.name,
            received_at: SystemTime::now(),
            body,
        };
        match store
            .reject(record, &Outcome::BadPayload(error.clone()).to_string())
            .await
        {
            Ok(true) => {
                crate::metrics::dead_letter(P::NAME, UNREADABLE_EVENT);
                tracing::warn!(
                    "kept as a dead letter: its verified body has no readable event name"
                );
                None
            }
            Ok(false) => {
                tracing::debug!("not kept again: a copy of it is handled or running");
                None
            }
            Err(err) => {
                tracing::error!(error = %err, "could not keep a verified delivery whose body cannot be read");
                Some(Outcome::StoreUnavailable {
                    // Empty, as every count of a delivery whose event was not read.
                    event: Cow::Borrowed(UNREADABLE_EVENT),
                    reason: err.to_string(),
                })
            }
        }
    }

    /// Keeps a delivery whose handlers could not start as a dead letter with `error`.
    async fn keep_rejected(
        &self,
        store: &dyn Store,
        verified: &Verified<'_>,
        key: &DeliveryKey,
        error: &str,
    ) -> Result<(), crate::StoreError> {
        let shown_id = verified.shown_id();
        match store
            .reject(verified.record(P::NAME, key, shown_id.as_deref()), error)
            .await
        {
            Ok(true) => {
                crate::metrics::dead_letter(P::NAME, &verified.event);
                tracing::warn!(%error, "kept as a dead letter: nothing ran");
                Ok(())
            }
            Ok(false) => {
                // The attempt running it, or the one that handled it, settles the record.
                tracing::warn!(%error, "nothing ran; not kept, as a copy of it is handled or running");
                Ok(())
            }
            Err(err) => {
                tracing::error!(error = %err, "could not keep a delivery that no handler could run");
                Err(err)
            }
        }
    }
}

/// A dispatcher with its types erased, as the inbox's workers run it.
pub(crate) trait Runner: Send + Sync {
    /// The provider's name.
    fn provider(&self) -> &'static str;

    /// Runs the handlers of a stored delivery under `lease`, renewing it for `duration`
    /// at a time; does not settle.
    fn run<'a>(
        &'a self,
        record: &'a StoredDelivery,
        lease: &'a Lease,
        duration: Duration,
        store: &'a dyn Store,
    ) -> BoxFuture<'a, Outcome>;

    /// Ends once no settle of an answered delivery is still being tried.
    fn settled(&self) -> BoxFuture<'_, ()>;
}

impl<P: Provider, S: Send + Sync + 'static> Runner for Dispatcher<P, S> {
    fn provider(&self) -> &'static str {
        P::NAME
    }

    fn settled(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.settling.finished())
    }

    fn run<'a>(
        &'a self,
        record: &'a StoredDelivery,
        lease: &'a Lease,
        duration: Duration,
        store: &'a dyn Store,
    ) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let span = tracing::Span::current();
            span.record("event", record.event.as_str());
            if let Some(shown) = &record.shown_id {
                span.record("delivery_id", shown.as_str());
            }
            let Some(body) = &record.body else {
                return Outcome::BadPayload(crate::payload::PayloadError::NotJson {
                    reason: "the store kept no body for this delivery".to_owned(),
                });
            };
            let text = match crate::payload::utf8(body) {
                Ok(text) => text,
                Err(err) => return Outcome::BadPayload(err),
            };
            // A body kept because its envelope could not be read is read again: it fails
            // the same way, unless this version reads what the one that kept it could not.
            let name = if record.event == UNREADABLE_EVENT {
                match crate::provider::read_envelope::<P>(text) {
                    Ok(envelope) => envelope.event,
                    Err(err) => return Outcome::BadPayload(err),
                }
            } else {
                Cow::Borrowed(record.event.as_str())
            };
            let (event, route) = self.routes.route(name);
            if !self.routes.wants(route) {
                return Outcome::Ignored { event };
            }
            let info = || {
                DeliveryInfo::new(DeliveryFacts {
                    provider: P::NAME,
                    event_name: event.to_string(),
                    delivery_id: record.shown_id.clone(),
                    key: Some(record.key.clone()),
                    scheme: "stored",
                    headers: HeaderMap::new(),
                    body: body.clone(),
                    received_at: record.received_at,
                    attempt: lease.attempt,
                })
            };
            let started = self.start(
                route,
                &event,
                text,
                &DeliverySource::new(&info),
                Some(record.received_at),
            );
            match started {
                Ok(calls) => {
                    self.run_handlers(event, calls, Some((store, lease)), duration)
                        .await
                }
                Err(outcome) => outcome,
            }
        })
    }
}

impl<P: Provider, S> std::fmt::Debug for Dispatcher<P, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (all_events, unhandled) = self.routes.catch_all_counts();
        f.debug_struct("Dispatcher")
            .field("provider", &P::NAME)
            .field("verifier", &self.verifier)
            .field("events", &self.routes.events())
            .field("all_events_handlers", &all_events)
            .field("unhandled_handlers", &unhandled)
            .field("store", &self.store.as_ref().map(|store| store.kind()))
            .finish_non_exhaustive()
    }
}
