//! The routing table: which handlers run for an event name, with the body parsed once per
//! event type however many handlers take it.

use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::time::SystemTime;

use crate::event::{Event, Route};
use crate::handler::{DeliverySource, HandlerFuture};
use crate::payload::PayloadError;

/// One handler ready to run: its name and its future.
pub(crate) type Call = (&'static str, HandlerFuture);

/// A delivery's calls: nearly always one handler, kept inline so that no list is allocated.
pub(crate) type Calls = smallvec::SmallVec<[Call; 1]>;

/// A handler of events `E`, its parameters built from the dispatcher's state (type-erased)
/// and the delivery; `None` when the state is not what its parameters read.
pub(crate) type Run<E> =
    fn(E, &(dyn Any + Send + Sync), &DeliverySource<'_>) -> Option<HandlerFuture>;

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

/// What the table made of one delivery: the calls to run and the event's own time.
pub(crate) struct Started {
    pub(crate) calls: Calls,
    pub(crate) occurred_at: Option<SystemTime>,
}

/// The handlers of one event type: the body is parsed once for all of them.
trait HandlerGroup: Send + Sync {
    /// Parses the body and starts each handler's call into `calls`; returns when the
    /// event says it happened.
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &AnyState,
        delivery: &DeliverySource<'_>,
        calls: &mut Calls,
        wants_time: bool,
    ) -> Result<Option<SystemTime>, StartError>;

    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<E: Event> HandlerGroup for TypedGroup<E> {
    fn start(
        &self,
        event_name: &str,
        body: &str,
        state: &AnyState,
        delivery: &DeliverySource<'_>,
        calls: &mut Calls,
        wants_time: bool,
    ) -> Result<Option<SystemTime>, StartError> {
        let event = E::from_body(event_name, body).map_err(StartError::BadPayload)?;
        let occurred_at = if wants_time {
            event.occurred_at()
        } else {
            None
        };
        if let Some((last, rest)) = self.handlers.split_last() {
            for handler in rest {
                calls.push((
                    handler.name,
                    start_one(handler, event.clone(), state, delivery)?,
                ));
            }
            calls.push((last.name, start_one(last, event, state, delivery)?));
        }
        Ok(occurred_at)
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

fn start_one<E>(
    handler: &Registered<E>,
    event: E,
    state: &AnyState,
    delivery: &DeliverySource<'_>,
) -> Result<HandlerFuture, StartError> {
    (handler.run)(event, state, delivery).ok_or_else(|| {
        StartError::Panic(format!(
            "{}: the dispatcher's state is not of the type its parameters read",
            handler.name
        ))
    })
}

pub(crate) enum StartError {
    /// The body does not have the shape of an event a handler takes.
    BadPayload(PayloadError),
    /// Building a handler's parameters panicked or found the wrong state.
    Panic(String),
}

/// Every handler of one dispatcher, by route. Built once, at start-up.
#[doc(hidden)]
pub struct Routes {
    /// Every event name the provider sends or a handler names, with the groups of the
    /// handlers taking its type (none for an event nobody handles by type).
    by_event: HashMap<&'static str, Vec<Box<dyn HandlerGroup>>, foldhash::fast::RandomState>,
    every: Vec<Box<dyn HandlerGroup>>,
    unknown: Vec<Box<dyn HandlerGroup>>,
}

/// Where one event name leads, looked up once per delivery.
#[derive(Clone, Copy)]
pub(crate) struct Routed<'r> {
    named: &'r [Box<dyn HandlerGroup>],
    known: bool,
}

impl Routes {
    pub(crate) fn new(known: &[&'static str]) -> Self {
        Self {
            by_event: known.iter().map(|name| (*name, Vec::new())).collect(),
            every: Vec::new(),
            unknown: Vec::new(),
        }
    }

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

    /// The route of `event`, and its name as the table holds it: borrowed for good when
    /// the provider or a handler knows the name, so the routine delivery copies no name.
    pub(crate) fn route(&self, event: Cow<'_, str>) -> (Cow<'static, str>, Routed<'_>) {
        match self.by_event.get_key_value(event.as_ref()) {
            Some((name, named)) => (Cow::Borrowed(*name), Routed { named, known: true }),
            None => (
                Cow::Owned(event.into_owned()),
                Routed {
                    named: &[],
                    known: false,
                },
            ),
        }
    }

    /// The groups that take a delivery routed to `route`, in the order they run: its named
    /// handlers, then the handlers of every event, then (only for an event no handler
    /// names and the provider's types do not know) the handlers of unknown events.
    fn groups<'a>(&'a self, route: Routed<'a>) -> impl Iterator<Item = &'a dyn HandlerGroup> {
        let unknown = if route.known {
            &[][..]
        } else {
            &self.unknown[..]
        };
        route
            .named
            .iter()
            .chain(&self.every)
            .chain(unknown)
            .map(AsRef::as_ref)
    }

    /// Whether any handler takes a delivery routed to `route`.
    pub(crate) fn wants(&self, route: Routed<'_>) -> bool {
        self.groups(route).next().is_some()
    }

    pub(crate) fn start(
        &self,
        route: Routed<'_>,
        event: &str,
        body: &str,
        state: &AnyState,
        delivery: &DeliverySource<'_>,
        wants_time: bool,
    ) -> Result<Started, StartError> {
        let mut started = Started {
            calls: Calls::new(),
            occurred_at: None,
        };
        for group in self.groups(route) {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                group.start(event, body, state, delivery, &mut started.calls, wants_time)
            }));
            match result {
                Ok(Ok(occurred_at)) => started.occurred_at = started.occurred_at.or(occurred_at),
                Ok(Err(err)) => return Err(err),
                Err(panic) => {
                    return Err(StartError::Panic(super::run::panic_message(panic.as_ref())));
                }
            }
        }
        Ok(started)
    }

    pub(crate) fn events(&self) -> Vec<&'static str> {
        let mut events: Vec<&str> = self
            .by_event
            .iter()
            .filter(|(_, groups)| !groups.is_empty())
            .map(|(name, _)| *name)
            .collect();
        events.sort_unstable();
        events
    }

    /// How many handler groups take every event, and how many are fallbacks.
    pub(crate) fn catch_all_counts(&self) -> (usize, usize) {
        (self.every.len(), self.unknown.len())
    }
}
