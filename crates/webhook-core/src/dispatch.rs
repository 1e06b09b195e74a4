//! The dispatcher: verifies a delivery, routes it by event name, parses it only for the
//! handlers that want it, runs them, and says what happened.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::HeaderMap;

use crate::handler::{DeliveryInfo, EventOf, HandlerEvent, HandlerFuture, IntoHandler, Route};
use crate::payload::PayloadError;
use crate::provider::{DeliveryError, Provider};
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
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider, S: Send + Sync + 'static> Dispatcher<P, S> {
    /// A dispatcher with no handlers yet. Pass `()` as `state` when handlers need none.
    #[must_use]
    pub fn new(verifier: Verifier, state: S) -> Self {
        Self {
            verifier,
            state,
            by_event: HashMap::new(),
            all_events: Vec::new(),
            unhandled: Vec::new(),
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
    /// `tracing` span when that span declares them. Never panics, whatever the input; a panicking handler becomes
    /// [`Outcome::HandlerFailed`].
    pub async fn dispatch(&self, headers: HeaderMap, body: Bytes) -> Outcome {
        let received_at = SystemTime::now();
        let (event_name, delivery_id, scheme) = match P::receive(&self.verifier, &headers, &body) {
            Ok(delivery) => (
                delivery.event_name.into_owned(),
                delivery.delivery_id.map(std::borrow::Cow::into_owned),
                delivery.scheme.name,
            ),
            Err(DeliveryError::Unauthorized(err)) => return Outcome::Unauthorized(err),
            Err(DeliveryError::BadPayload(err)) => return Outcome::BadPayload(err),
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
            return Outcome::Ignored { event: event_name };
        }

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
            return Outcome::BadPayload(PayloadError::NotUtf8 { offset: 0 });
        };

        // Parse for every group before running any handler: a bad payload runs none.
        let mut started = Vec::new();
        for group in groups {
            match group.start(info.event_name(), text, &self.state, &info) {
                Ok(calls) => started.extend(calls),
                Err(err) => return Outcome::BadPayload(err),
            }
        }

        let handlers = started.len();
        let mut failures = Vec::new();
        for (handler, future) in started {
            let failure = match AssertUnwindSafe(future).catch_unwind().await {
                Ok(Ok(())) => continue,
                Ok(Err(message)) => Failure::Error(message),
                Err(panic) => Failure::Panic(panic_message(panic.as_ref())),
            };
            failures.push(HandlerFailure { handler, failure });
        }
        let event = info.event_name().to_owned();
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
            | Self::Handled { event, .. }
            | Self::HandlerFailed { event, .. } => Some(event),
        }
    }

    /// Whether the platform should consider the delivery done (handled or ignored).
    #[must_use]
    pub fn is_acknowledged(&self) -> bool {
        matches!(self, Self::Ignored { .. } | Self::Handled { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unauthorized(err) => write!(f, "unauthorized: {err}"),
            Self::BadPayload(err) => write!(f, "bad payload: {err}"),
            Self::Ignored { event } => write!(f, "ignored `{event}`: no handler"),
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
