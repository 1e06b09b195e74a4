//! What a handler takes after its event: [`Shared`] (the dispatcher's state) and
//! [`DeliveryInfo`] (everything about the delivery besides its event).

use std::any::{Any, TypeId};
use std::cell::OnceCell;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::HeaderMap;

use crate::store::DeliveryKey;

/// A type a handler can take after its event.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of a webhook handler",
    label = "not something a delivery can give",
    note = "after its event, a webhook handler may take `Shared<T>` (the dispatcher's state) and `DeliveryInfo` (provider, event name, body, headers, delivery id, attempt, time received)"
)]
pub trait Extractor: Sized + Send + 'static {
    /// The type the dispatcher's state must be for this parameter, if it reads the state.
    fn state_type() -> Option<(TypeId, &'static str)>;

    /// The parameter's value for one delivery; `None` when the dispatcher's state is not
    /// of [`Self::state_type`] (a registration checks that first).
    fn extract(state: &(dyn Any + Send + Sync), delivery: &DeliverySource<'_>) -> Option<Self>;
}

/// A parameter a dispatcher with state `S` can give: checked when a handler is registered.
#[diagnostic::on_unimplemented(
    message = "a handler taking `{Self}` cannot run on a dispatcher whose state is `{S}`",
    label = "this handler's parameters do not fit the dispatcher's state",
    note = "`Shared<T>` needs a dispatcher built with a state of type `T`: `Dispatcher::new(verifier, state)`"
)]
pub trait FromDelivery<S> {}

/// The dispatcher's shared state, cloned for each handler call (wrap large state in an
/// `Arc`). Named so as not to clash with `axum::extract::State` in the same file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shared<T>(pub T);

impl<T: Clone + Send + Sync + 'static> Extractor for Shared<T> {
    fn state_type() -> Option<(TypeId, &'static str)> {
        Some((TypeId::of::<T>(), std::any::type_name::<T>()))
    }

    fn extract(state: &(dyn Any + Send + Sync), _delivery: &DeliverySource<'_>) -> Option<Self> {
        state.downcast_ref::<T>().cloned().map(Self)
    }
}

impl<T: Clone + Send + Sync + 'static> FromDelivery<T> for Shared<T> {}

/// The delivery a handler's parameters are taken from. Its [`DeliveryInfo`] is put
/// together when a parameter first asks for it, so a delivery whose handlers take only
/// their event copies nothing of it.
pub struct DeliverySource<'a> {
    build: &'a (dyn Fn() -> DeliveryInfo + Sync),
    info: OnceCell<DeliveryInfo>,
}

impl<'a> DeliverySource<'a> {
    /// A source whose [`DeliveryInfo`] `build` makes, at most once.
    #[must_use]
    pub fn new(build: &'a (dyn Fn() -> DeliveryInfo + Sync)) -> Self {
        Self {
            build,
            info: OnceCell::new(),
        }
    }

    /// Everything about the delivery besides its event.
    #[must_use]
    pub fn info(&self) -> &DeliveryInfo {
        self.info.get_or_init(self.build)
    }
}

impl fmt::Debug for DeliverySource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliverySource")
            .field("info", &self.info.get())
            .finish()
    }
}

/// Everything about a delivery besides its event: provider, event name, delivery id,
/// signature scheme, raw body, headers and time received. Cheap to clone.
#[derive(Clone)]
pub struct DeliveryInfo(Arc<DeliveryFacts>);

/// The facts of one delivery, to build a [`DeliveryInfo`] from.
#[derive(Clone)]
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
        Self(Arc::new(facts))
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

impl fmt::Debug for DeliveryInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.debug_fields(f, "DeliveryInfo")
    }
}

impl fmt::Debug for DeliveryFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_fields(f, "DeliveryFacts")
    }
}

impl DeliveryFacts {
    /// Headers are left out: they hold the signature (which a TalkPlus delivery's id is),
    /// and an upstream proxy may add credentials to them.
    fn debug_fields(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        f.debug_struct(name)
            .field("provider", &self.provider)
            .field("event_name", &self.event_name)
            .field("delivery_id", &self.delivery_id)
            .field("scheme", &self.scheme)
            .field("body_len", &self.body.len())
            .field("received_at", &self.received_at)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl Extractor for DeliveryInfo {
    fn state_type() -> Option<(TypeId, &'static str)> {
        None
    }

    fn extract(_state: &(dyn Any + Send + Sync), delivery: &DeliverySource<'_>) -> Option<Self> {
        Some(delivery.info().clone())
    }
}

impl<S> FromDelivery<S> for DeliveryInfo {}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use bytes::Bytes;
    use http::{HeaderMap, HeaderValue};

    use super::{DeliveryFacts, DeliveryInfo};

    #[test]
    fn debug_output_leaves_the_headers_and_their_signature_out() {
        let signature = "i7a/Z+7iS1P6kNpnmw6P0ZSmq83LGnrtacwaffTvIdo=";
        let mut headers = HeaderMap::new();
        headers.insert("x-talkplus-signature", HeaderValue::from_static(signature));
        let facts = DeliveryFacts {
            provider: "talkplus",
            event_name: "message".to_owned(),
            delivery_id: Some("i7a/Z+7iS1P6".to_owned()),
            key: None,
            scheme: "talkplus",
            headers,
            body: Bytes::from_static(b"{}"),
            received_at: SystemTime::UNIX_EPOCH,
            attempt: 1,
        };
        let shown = [
            format!("{facts:?}"),
            format!("{:?}", DeliveryInfo::new(facts)),
        ];
        for text in shown {
            assert!(!text.contains(signature), "{text}");
            assert!(text.contains("event_name: \"message\""), "{text}");
        }
    }
}
