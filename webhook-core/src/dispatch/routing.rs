//! The routing table: which handlers run for an event name, with the body parsed once per
//! event type however many handlers take it.

use std::any::Any;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::time::SystemTime;

use crate::handler::{DeliveryInfo, HandlerEvent, HandlerFuture, Route};
use crate::payload::PayloadError;

/// One handler ready to run: its name and its future.
pub(crate) type Call = (&'static str, HandlerFuture);

/// A handler of events `E` with state `S`, its type erased.
type ErasedCall<E, S> = Box<dyn Fn(E, &S, &DeliveryInfo) -> HandlerFuture + Send + Sync>;

struct Registered<E, S> {
    name: &'static str,
    call: ErasedCall<E, S>,
}

/// The handlers of one event type: the body is parsed once for all of them.
struct TypedGroup<E, S> {
    handlers: Vec<Registered<E, S>>,
}

/// What a group made of one delivery: the calls to run and the event's own time.
pub(crate) struct Started {
    pub(crate) calls: Vec<Call>,
    pub(crate) occurred_at: Option<SystemTime>,
}

trait HandlerGroup<S>: Send + Sync {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &S,
        info: &DeliveryInfo,
    ) -> Result<Started, PayloadError>;

    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<E: HandlerEvent, S: 'static> HandlerGroup<S> for TypedGroup<E, S> {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &S,
        info: &DeliveryInfo,
    ) -> Result<Started, PayloadError> {
        let event = E::from_body(event_name, body)?;
        let occurred_at = event.occurred_at();
        let mut calls = Vec::with_capacity(self.handlers.len());
        if let Some((last, rest)) = self.handlers.split_last() {
            for handler in rest {
                calls.push((handler.name, (handler.call)(event.clone(), state, info)));
            }
            calls.push((last.name, (last.call)(event, state, info)));
        }
        Ok(Started { calls, occurred_at })
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Why the handlers of a delivery could not be started.
pub(crate) enum StartError {
    /// The body does not have the shape of an event a handler takes.
    BadPayload(PayloadError),
    /// An extractor panicked while building a handler's parameters.
    Panic(String),
}

/// Every handler of one dispatcher, by route.
pub(crate) struct Routes<S> {
    by_event: HashMap<&'static str, Vec<Box<dyn HandlerGroup<S>>>>,
    all_events: Vec<Box<dyn HandlerGroup<S>>>,
    unhandled: Vec<Box<dyn HandlerGroup<S>>>,
}

impl<S: Send + Sync + 'static> Routes<S> {
    pub(crate) fn new() -> Self {
        Self {
            by_event: HashMap::new(),
            all_events: Vec::new(),
            unhandled: Vec::new(),
        }
    }

    /// Adds a handler of events `E`, in the group of its event type.
    pub(crate) fn add<E: HandlerEvent>(
        &mut self,
        name: &'static str,
        call: impl Fn(E, &S, &DeliveryInfo) -> HandlerFuture + Send + Sync + 'static,
    ) {
        let groups = match E::ROUTE {
            Route::Event(event) => self.by_event.entry(event).or_default(),
            Route::AllEvents => &mut self.all_events,
            Route::Unhandled => &mut self.unhandled,
        };
        let registered = Registered {
            name,
            call: Box::new(call),
        };
        if let Some(group) = groups
            .iter_mut()
            .find_map(|group| group.as_any_mut().downcast_mut::<TypedGroup<E, S>>())
        {
            group.handlers.push(registered);
        } else {
            groups.push(Box::new(TypedGroup {
                handlers: vec![registered],
            }));
        }
    }

    /// The groups that run for `event`, in order: its typed handlers, then the handlers of
    /// every event, then (only when it has no typed handler) the fallback handlers.
    fn groups_for<'a>(&'a self, event: &str) -> impl Iterator<Item = &'a dyn HandlerGroup<S>> {
        let typed = self.by_event.get(event);
        let fallback = if typed.is_none() {
            &self.unhandled[..]
        } else {
            &[]
        };
        typed
            .into_iter()
            .flatten()
            .chain(&self.all_events)
            .chain(fallback)
            .map(AsRef::as_ref)
    }

    /// Whether a delivery of `event` runs at least one handler.
    pub(crate) fn wants(&self, event: &str) -> bool {
        self.groups_for(event).next().is_some()
    }

    /// Parses the body for every group and starts each handler's call. A bad payload
    /// starts none. Extractors run here, under a panic guard like the handlers'.
    pub(crate) fn start(
        &self,
        event: &str,
        body: &str,
        state: &S,
        info: &DeliveryInfo,
    ) -> Result<Started, StartError> {
        let mut all = Started {
            calls: Vec::new(),
            occurred_at: None,
        };
        for group in self.groups_for(event) {
            let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
                group.start(event, body, state, info)
            }));
            match started {
                Ok(Ok(started)) => {
                    all.calls.extend(started.calls);
                    all.occurred_at = all.occurred_at.or(started.occurred_at);
                }
                Ok(Err(err)) => return Err(StartError::BadPayload(err)),
                Err(panic) => {
                    return Err(StartError::Panic(super::run::panic_message(panic.as_ref())));
                }
            }
        }
        Ok(all)
    }
}

impl<S> Routes<S> {
    /// The event names with typed handlers, sorted.
    pub(crate) fn events(&self) -> Vec<&'static str> {
        let mut events: Vec<&str> = self.by_event.keys().copied().collect();
        events.sort_unstable();
        events
    }

    /// How many handler groups take every event, and how many are fallbacks.
    pub(crate) fn catch_all_counts(&self) -> (usize, usize) {
        (self.all_events.len(), self.unhandled.len())
    }
}
