//! The routing table: which handlers run for an event name, with the body parsed once per
//! event type however many handlers take it.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::time::SystemTime;

use crate::event::{Event, Route};
use crate::handler::{DeliveryInfo, HandlerFuture};
use crate::payload::PayloadError;

/// One handler ready to run: its name and its future.
pub(crate) type Call = (&'static str, HandlerFuture);

/// A handler of events `E`, its parameters built from the dispatcher's state (type-erased)
/// and the delivery; `None` when the state is not what its parameters read.
pub(crate) type Run<E> = fn(E, &(dyn Any + Send + Sync), &DeliveryInfo) -> Option<HandlerFuture>;

/// The dispatcher's state, its type erased.
pub(crate) type AnyState = dyn Any + Send + Sync;

struct Registered<E> {
    name: &'static str,
    run: Run<E>,
}

/// The handlers of one event type: the body is parsed once for all of them.
struct TypedGroup<E> {
    handlers: Vec<Registered<E>>,
}

/// What a group made of one delivery: the calls to run and the event's own time.
pub(crate) struct Started {
    pub(crate) calls: Vec<Call>,
    pub(crate) occurred_at: Option<SystemTime>,
}

trait HandlerGroup: Send + Sync {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &AnyState,
        info: &DeliveryInfo,
    ) -> Result<Started, StartError>;

    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<E: Event> HandlerGroup for TypedGroup<E> {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &AnyState,
        info: &DeliveryInfo,
    ) -> Result<Started, StartError> {
        let event = E::from_body(event_name, body).map_err(StartError::BadPayload)?;
        let occurred_at = event.occurred_at();
        let mut calls = Vec::with_capacity(self.handlers.len());
        if let Some((last, rest)) = self.handlers.split_last() {
            for handler in rest {
                calls.push((
                    handler.name,
                    start_one(handler, event.clone(), state, info)?,
                ));
            }
            calls.push((last.name, start_one(last, event, state, info)?));
        }
        Ok(Started { calls, occurred_at })
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

fn start_one<E>(
    handler: &Registered<E>,
    event: E,
    state: &AnyState,
    info: &DeliveryInfo,
) -> Result<HandlerFuture, StartError> {
    (handler.run)(event, state, info).ok_or_else(|| {
        StartError::Panic(format!(
            "{}: the dispatcher's state is not of the type its parameters read",
            handler.name
        ))
    })
}

/// Why the handlers of a delivery could not be started.
pub(crate) enum StartError {
    /// The body does not have the shape of an event a handler takes.
    BadPayload(PayloadError),
    /// Building a handler's parameters panicked or found the wrong state.
    Panic(String),
}

/// Every handler of one dispatcher, by route. Built once, at start-up.
#[doc(hidden)]
pub struct Routes {
    by_event: HashMap<&'static str, Vec<Box<dyn HandlerGroup>>>,
    every: Vec<Box<dyn HandlerGroup>>,
    unknown: Vec<Box<dyn HandlerGroup>>,
    /// The event names the provider's types know: not [`Route::Unknown`].
    known: HashSet<&'static str>,
}

impl Routes {
    pub(crate) fn new(known: &[&'static str]) -> Self {
        Self {
            by_event: HashMap::new(),
            every: Vec::new(),
            unknown: Vec::new(),
            known: known.iter().copied().collect(),
        }
    }

    /// Adds a handler of events `E`, in the group of its event type.
    pub(crate) fn add<E: Event>(&mut self, name: &'static str, run: Run<E>) {
        let groups = match E::ROUTE {
            Route::Named(event) => self.by_event.entry(event).or_default(),
            Route::Every => &mut self.every,
            Route::Unknown => &mut self.unknown,
        };
        let registered = Registered { name, run };
        if let Some(group) = groups
            .iter_mut()
            .find_map(|group| group.as_any_mut().downcast_mut::<TypedGroup<E>>())
        {
            group.handlers.push(registered);
        } else {
            groups.push(Box::new(TypedGroup {
                handlers: vec![registered],
            }));
        }
    }

    /// The groups that run for `event`, in order: its named handlers, then the handlers of
    /// every event, then (only for an event no handler names and the provider's types do
    /// not know) the handlers of unknown events.
    fn groups_for<'a>(&'a self, event: &str) -> impl Iterator<Item = &'a dyn HandlerGroup> {
        let named = self.by_event.get(event);
        let unknown = if named.is_none() && !self.known.contains(event) {
            &self.unknown[..]
        } else {
            &[]
        };
        named
            .into_iter()
            .flatten()
            .chain(&self.every)
            .chain(unknown)
            .map(AsRef::as_ref)
    }

    /// Whether a delivery of `event` runs at least one handler.
    pub(crate) fn wants(&self, event: &str) -> bool {
        self.groups_for(event).next().is_some()
    }

    /// Parses the body for every group and starts each handler's call. A bad payload
    /// starts none. Parameters are built here, under a panic guard like the handlers'.
    pub(crate) fn start(
        &self,
        event: &str,
        body: &str,
        state: &AnyState,
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
                Ok(Err(err)) => return Err(err),
                Err(panic) => {
                    return Err(StartError::Panic(super::run::panic_message(panic.as_ref())));
                }
            }
        }
        Ok(all)
    }

    /// The event names with typed handlers, sorted.
    pub(crate) fn events(&self) -> Vec<&'static str> {
        let mut events: Vec<&str> = self.by_event.keys().copied().collect();
        events.sort_unstable();
        events
    }

    /// How many handler groups take every event, and how many are fallbacks.
    pub(crate) fn catch_all_counts(&self) -> (usize, usize) {
        (self.every.len(), self.unknown.len())
    }
}
