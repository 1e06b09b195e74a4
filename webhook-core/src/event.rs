//! The one event concept: what a handler takes as its first parameter.
//!
//! Every type a handler can take is an [`Event`]: a provider's typed event
//! (`talkplus::MemberBanned`), its enum of every event (`talkplus::TalkPlusEvent`), its
//! [`UnknownEvent`], or a type of your own for an event named in the attribute
//! (`#[webhook_handler(event = "v3.post.didCreate")]`, read through [`Custom`]). Its
//! [`Route`] says which deliveries it receives.

use std::fmt;
use std::marker::PhantomData;
use std::time::SystemTime;

use serde::de::DeserializeOwned;

use crate::payload::{PayloadError, parse_body};
use crate::provider::Provider;

/// Which deliveries a handler receives, decided by the type of its first parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Deliveries of the event with this name (a typed event such as `MemberBanned`, or
    /// a custom event).
    Named(&'static str),
    /// Every delivery of the provider (the provider's event enum).
    Every,
    /// Deliveries of events this crate has no type for and no handler names
    /// ([`UnknownEvent`]).
    Unknown,
}

impl Route {
    /// The event name of a [`Route::Named`].
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        match self {
            Self::Named(name) => Some(name),
            Self::Every | Self::Unknown => None,
        }
    }
}

/// What a handler takes as its first parameter: an event of one provider.
///
/// Implemented by every event type of this crate, by each provider's enum of events, by
/// [`UnknownEvent`] and by [`Custom`]. A provider written elsewhere implements it for its
/// own events (see `tests/custom_provider.rs`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a webhook event type",
    label = "expected an event here, such as `talkplus::MemberBanned`",
    note = "a handler's first parameter is an event: a provider's event type such as `talkplus::MemberBanned`, its enum of every event such as `talkplus::TalkPlusEvent`, its `UnknownEvent`, or a type of your own named in `#[webhook_handler(event = \"...\")]`"
)]
pub trait Event: Sized + Clone + Send + 'static {
    /// The provider that sends this event.
    type Provider: Provider;
    /// Which deliveries a handler of this event receives.
    const ROUTE: Route;

    /// Reads the event from a verified body whose event name is `name`.
    ///
    /// # Errors
    /// [`PayloadError`] when the body does not have the event's documented shape.
    fn from_body(name: &str, body: &str) -> Result<Self, PayloadError>;

    /// When the event happened, by its own timestamp, for events that carry a reliable one
    /// ([`Dispatcher::max_age`](crate::Dispatcher::max_age) checks it); `None` otherwise.
    fn occurred_at(&self) -> Option<SystemTime> {
        None
    }
}

/// An event this crate has no type for: a new event of the platform, or one of another
/// product. It keeps the name and the whole body, so nothing is lost.
///
/// A handler taking it receives the deliveries whose event the crate does not know and no
/// handler names; a known event that nobody handles is acknowledged without it (take the
/// provider's event enum to see every delivery).
pub struct UnknownEvent<P> {
    /// The event name as the platform spells it.
    pub name: String,
    /// The whole body.
    pub raw: serde_json::Value,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> UnknownEvent<P> {
    /// An unknown event named `name` with body `raw`.
    #[must_use]
    pub fn new(name: impl Into<String>, raw: serde_json::Value) -> Self {
        Self {
            name: name.into(),
            raw,
            provider: PhantomData,
        }
    }

    /// Reads a verified body as an unknown event named `name`.
    ///
    /// # Errors
    /// [`PayloadError::NotJson`] when the body is not JSON.
    pub fn parse(name: &str, body: &str) -> Result<Self, PayloadError> {
        let raw = serde_json::from_str(body)
            .or_else(|err| {
                // Read as the typed events are (see `parse_body`).
                crate::payload::lone_surrogates_replaced(body)
                    .map_or(Err(err), |repaired| serde_json::from_str(&repaired))
            })
            .map_err(|err| PayloadError::NotJson {
                reason: err.to_string(),
            })?;
        Ok(Self::new(name, raw))
    }
}

impl<P: Provider> Event for UnknownEvent<P> {
    type Provider = P;
    const ROUTE: Route = Route::Unknown;

    fn from_body(name: &str, body: &str) -> Result<Self, PayloadError> {
        Self::parse(name, body)
    }
}

impl<P> fmt::Debug for UnknownEvent<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownEvent")
            .field("name", &self.name)
            .field("raw", &self.raw)
            .finish()
    }
}

impl<P> Clone for UnknownEvent<P> {
    fn clone(&self) -> Self {
        Self {
            name: self.name.clone(),
            raw: self.raw.clone(),
            provider: PhantomData,
        }
    }
}

impl<P> PartialEq for UnknownEvent<P> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.raw == other.raw
    }
}

/// An event named in `#[webhook_handler(event = "...")]`, read into a type of your own.
///
/// The attribute declares `N` (the name and its provider) and unwraps the value, so the
/// handler takes `T` itself; this type is what routes, deduplicates and retries it like a
/// built-in event.
pub struct Custom<T, N> {
    /// The event, as the handler's own type.
    pub event: T,
    name: PhantomData<fn() -> N>,
}

impl<T, N> Custom<T, N> {
    /// Wraps an event.
    pub fn new(event: T) -> Self {
        Self {
            event,
            name: PhantomData,
        }
    }
}

impl<T: Clone, N> Clone for Custom<T, N> {
    fn clone(&self) -> Self {
        Self::new(self.event.clone())
    }
}

impl<T: fmt::Debug, N> fmt::Debug for Custom<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Custom").field(&self.event).finish()
    }
}

/// The name and provider of a [`Custom`] event; declared by `#[webhook_handler(event =
/// "...")]`.
pub trait CustomEventName: 'static {
    /// The provider that sends it.
    type Provider: Provider;
    /// The event name as the platform spells it.
    const NAME: &'static str;
}

/// What a type of your own needs to be read from a delivery's body: the event of a handler
/// marked `#[webhook_handler(event = "...")]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a delivery's body",
    label = "the event type of a handler with `event = \"...\"`",
    note = "derive `serde::Deserialize` and `Clone` for it (and it must be `Send`): the delivery's body is read into it"
)]
pub trait CustomEvent: DeserializeOwned + Clone + Send + 'static {}

impl<T: DeserializeOwned + Clone + Send + 'static> CustomEvent for T {}

impl<T: CustomEvent, N: CustomEventName> Event for Custom<T, N> {
    type Provider = N::Provider;
    const ROUTE: Route = Route::Named(N::NAME);

    fn from_body(_name: &str, body: &str) -> Result<Self, PayloadError> {
        parse_body(N::NAME, body).map(Self::new)
    }
}
