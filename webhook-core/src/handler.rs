//! What a handler is: an async function taking an event, then extractors, and returning
//! `()` or `Result<(), E>`. These traits are what `#[webhook_handler]` checks a signature
//! against, and what [`Dispatcher::handler`](crate::Dispatcher::handler) accepts.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::HeaderMap;

use crate::payload::PayloadError;
use crate::provider::{Event, Provider, UnknownEvent};
use crate::store::DeliveryKey;

/// Which deliveries a handler receives, decided by the type of its first parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Deliveries of the event with this name (a typed event such as `MemberBanned`).
    Event(&'static str),
    /// Every delivery of the provider (the provider's event enum).
    AllEvents,
    /// Deliveries whose event has no typed handler in the dispatcher ([`UnknownEvent`]).
    Unhandled,
}

/// A type a handler can take as its first parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook event type",
    label = "expected an event type here",
    note = "the first parameter of a webhook handler must implement `HandlerEvent`: an event such as `talkplus::MemberBanned`, a provider's event enum such as `talkplus::TalkPlusEvent`, or its `UnknownEvent`"
)]
pub trait HandlerEvent: Sized + Clone + Send + 'static {
    /// The provider whose deliveries carry this event.
    type Provider: Provider;
    /// Which deliveries the handler receives.
    const ROUTE: Route;

    /// Reads the event from a verified body whose event name is `name`.
    ///
    /// # Errors
    /// [`PayloadError`] when the body does not have the event's documented shape.
    fn from_body(name: &str, body: &str) -> Result<Self, PayloadError>;

    /// When the event happened, by its own timestamp, if it carries a reliable one.
    fn occurred_at(&self) -> Option<SystemTime> {
        None
    }
}

impl<E: Event + Clone> HandlerEvent for E {
    type Provider = E::Provider;
    const ROUTE: Route = Route::Event(E::NAME);

    fn from_body(_name: &str, body: &str) -> Result<Self, PayloadError> {
        E::parse(body)
    }

    fn occurred_at(&self) -> Option<SystemTime> {
        Event::occurred_at(self)
    }
}

impl<P: Provider> HandlerEvent for UnknownEvent<P> {
    type Provider = P;
    const ROUTE: Route = Route::Unhandled;

    fn from_body(name: &str, body: &str) -> Result<Self, PayloadError> {
        Self::parse(name, body)
    }
}

/// Ties an event type to its provider, so that a handler registered on another
/// provider's dispatcher is a compile error that says so.
///
/// Implemented for every event of this crate; a provider written elsewhere implements it
/// for each of its event types (one line each).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an event of `{P}`",
    label = "this handler takes an event of another provider",
    note = "a dispatcher of `{P}` only runs handlers of `{P}` events; register this handler on the dispatcher of its own provider"
)]
pub trait EventOf<P: Provider>: HandlerEvent<Provider = P> {}

impl<P: Provider> EventOf<P> for UnknownEvent<P> {}

/// A type a handler can take after the event.
///
/// Marker for `#[webhook_handler]`'s check; [`FromDelivery`] does the work.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of a webhook handler",
    label = "not an extractor",
    note = "after the event, a webhook handler may take `State<T>` (the dispatcher's state) and `DeliveryInfo` (provider, event name, body, headers, delivery id, time received)"
)]
pub trait Extractor {}

/// Builds a handler parameter from the delivery and the dispatcher's state `S`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be taken by a handler of a dispatcher with state `{S}`",
    label = "not available from this dispatcher",
    note = "`State<T>` needs a dispatcher whose state is `T`"
)]
pub trait FromDelivery<S>: Extractor + Sized + Send + 'static {
    /// The parameter's value for this delivery.
    fn from_delivery(state: &S, info: &DeliveryInfo) -> Self;
}

/// The dispatcher's shared state, cloned for each handler call (wrap large state in an
/// `Arc`).
#[derive(Debug, Clone, Copy, Default)]
pub struct State<T>(pub T);

impl<T> Extractor for State<T> {}

impl<T: Clone + Send + Sync + 'static> FromDelivery<T> for State<T> {
    fn from_delivery(state: &T, _info: &DeliveryInfo) -> Self {
        Self(state.clone())
    }
}

/// Everything about a delivery besides its event: provider, event name, delivery id,
/// signature scheme, raw body, headers and time received. Cheap to clone.
#[derive(Clone)]
pub struct DeliveryInfo(Arc<DeliveryInfoInner>);

struct DeliveryInfoInner {
    provider: &'static str,
    event_name: String,
    delivery_id: Option<String>,
    key: Option<DeliveryKey>,
    scheme: &'static str,
    headers: HeaderMap,
    body: Bytes,
    received_at: SystemTime,
    attempt: u32,
}

/// The facts of one delivery, to build a [`DeliveryInfo`] from.
#[derive(Debug, Clone)]
pub struct DeliveryFacts {
    /// The provider's name.
    pub provider: &'static str,
    /// The event name.
    pub event_name: String,
    /// The platform's delivery id, in the form safe to show.
    pub delivery_id: Option<String>,
    /// The key the delivery is recorded under, when it is recorded.
    pub key: Option<DeliveryKey>,
    /// The name of the signature scheme that verified it.
    pub scheme: &'static str,
    /// The request headers.
    pub headers: HeaderMap,
    /// The verified body.
    pub body: Bytes,
    /// When it was received.
    pub received_at: SystemTime,
    /// Which attempt this is, from 1.
    pub attempt: u32,
}

impl DeliveryInfo {
    /// Collects the facts of one delivery.
    #[must_use]
    pub fn new(facts: DeliveryFacts) -> Self {
        let DeliveryFacts {
            provider,
            event_name,
            delivery_id,
            key,
            scheme,
            headers,
            body,
            received_at,
            attempt,
        } = facts;
        Self(Arc::new(DeliveryInfoInner {
            provider,
            event_name,
            delivery_id,
            key,
            scheme,
            headers,
            body,
            received_at,
            attempt,
        }))
    }

    /// Which attempt at the delivery this is: 1 the first time, more when it is run again
    /// (the platform's retry of a failed delivery, the inbox's retry, a replay).
    #[must_use]
    pub fn attempt(&self) -> u32 {
        self.0.attempt
    }

    /// The key the delivery is recorded (and deduplicated) under: the same for every copy
    /// of it, in inline and inbox mode alike — an idempotency key for the handler's own
    /// writes. `None` when the dispatcher records nothing (`without_store`).
    #[must_use]
    pub fn key(&self) -> Option<&DeliveryKey> {
        self.0.key.as_ref()
    }

    /// The provider's name (`"talkplus"`).
    #[must_use]
    pub fn provider(&self) -> &'static str {
        self.0.provider
    }

    /// The event name as the platform spells it.
    #[must_use]
    pub fn event_name(&self) -> &str {
        &self.0.event_name
    }

    /// The platform's delivery id, stable across its retries, when it sends one; a
    /// signature used as an id (TalkPlus) is shortened, since the whole one would let a
    /// reader of your logs replay the delivery. [`Self::key`] is the full identity.
    #[must_use]
    pub fn delivery_id(&self) -> Option<&str> {
        self.0.delivery_id.as_deref()
    }

    /// The name of the signature scheme that verified the delivery.
    #[must_use]
    pub fn scheme(&self) -> &'static str {
        self.0.scheme
    }

    /// The request headers; empty when the delivery is run from the inbox, which does not
    /// keep them (a proxy may add credentials to them).
    #[must_use]
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// The verified raw body.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.0.body
    }

    /// When the delivery was received.
    #[must_use]
    pub fn received_at(&self) -> SystemTime {
        self.0.received_at
    }
}

impl std::fmt::Debug for DeliveryInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Headers are left out: an upstream proxy may add credentials to them.
        f.debug_struct("DeliveryInfo")
            .field("provider", &self.0.provider)
            .field("event_name", &self.0.event_name)
            .field("delivery_id", &self.0.delivery_id)
            .field("scheme", &self.0.scheme)
            .field("body_len", &self.0.body.len())
            .field("received_at", &self.0.received_at)
            .field("attempt", &self.0.attempt)
            .finish_non_exhaustive()
    }
}

impl Extractor for DeliveryInfo {}

impl<S> FromDelivery<S> for DeliveryInfo {
    fn from_delivery(_state: &S, info: &DeliveryInfo) -> Self {
        info.clone()
    }
}

/// What a handler may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid return type of a webhook handler",
    label = "expected `()` or `Result<(), E>`",
    note = "a webhook handler returns `()` or `Result<(), E>` where `E: Display`; an `Err` fails the delivery so the platform retries it"
)]
pub trait HandlerReturn {
    /// `Err` with the error's text when the handler failed.
    ///
    /// # Errors
    /// The handler's own error, displayed.
    fn into_result(self) -> Result<(), String>;
}

impl HandlerReturn for () {
    fn into_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: Display> HandlerReturn for Result<(), E> {
    fn into_result(self) -> Result<(), String> {
        self.map_err(|err| err.to_string())
    }
}

/// The future of one handler call.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// An async function usable as a handler on a dispatcher with state `S`.
///
/// Implemented for every `async fn(E, T1, …, Tn)` (n ≤ 4) whose first parameter is a
/// [`HandlerEvent`] and whose other parameters are [`FromDelivery<S>`]. Which provider's
/// dispatcher accepts it is checked separately, through [`EventOf`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook handler for a dispatcher with state `{S}`",
    note = "a handler is an `async fn` taking an event, then `State<{S}>` or `DeliveryInfo`, and returning `()` or `Result<(), E>`; `#[webhook_handler]` on it explains what is wrong"
)]
pub trait IntoHandler<Args, S>: Clone + Send + Sync + 'static {
    /// The event the handler takes.
    type Event: HandlerEvent;

    /// Starts the handler for one delivery.
    fn call(&self, event: Self::Event, state: &S, info: &DeliveryInfo) -> HandlerFuture;
}

macro_rules! impl_into_handler {
    ($($extractor:ident),*) => {
        impl<F, Fut, E, S, $($extractor,)*> IntoHandler<(E, $($extractor,)*), S> for F
        where
            F: Fn(E, $($extractor,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: HandlerReturn,
            E: HandlerEvent,
            $($extractor: FromDelivery<S>,)*
        {
            type Event = E;

            #[allow(non_snake_case, unused_variables)]
            fn call(&self, event: E, state: &S, info: &DeliveryInfo) -> HandlerFuture {
                $(let $extractor = $extractor::from_delivery(state, info);)*
                // Called inside the future, so even a handler's synchronous part runs
                // under the dispatcher's panic guard.
                let handler = self.clone();
                Box::pin(async move { handler(event, $($extractor,)*).await.into_result() })
            }
        }
    };
}

impl_into_handler!();
impl_into_handler!(T1);
impl_into_handler!(T1, T2);
impl_into_handler!(T1, T2, T3);
impl_into_handler!(T1, T2, T3, T4);
