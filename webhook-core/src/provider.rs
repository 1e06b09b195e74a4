//! What makes a platform a provider: its signature schemes, where it puts the event name
//! and the delivery id, and its typed events. A new platform implements [`Provider`] in its
//! own crate; nothing here changes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use http::{HeaderMap, HeaderValue};

use crate::envelope::{self, EventNameSource, NestedName};
use crate::event::Event;
use crate::payload::{self, PayloadError};
use crate::verify::{SignatureScheme, Verifier, VerifyError};

/// A platform that sends webhooks.
///
/// See `tests/custom_provider.rs` at the workspace root for a provider written outside
/// this crate.
pub trait Provider: Send + Sync + Sized + 'static {
    /// Stable lowercase name, used in logs and metrics (`"talkplus"`).
    const NAME: &'static str;
    /// The signature schemes accepted by default, in priority order.
    const SCHEMES: &'static [SignatureScheme];
    /// The top-level body field that names the event.
    const EVENT_FIELD: &'static str;
    /// Another envelope, for bodies without [`Self::EVENT_FIELD`] (Amity's push
    /// notifications); none by default.
    const NESTED_EVENT_NAME: Option<NestedName> = None;
    /// Where a delivery's id lives, stable across the platform's retries.
    const DELIVERY_ID: DeliveryIdSource;
    /// The enum of every event of this provider, unknown ones included (a provider without
    /// one uses [`UnknownEvent<Self>`](crate::UnknownEvent)).
    type Event: Event<Provider = Self>;
    /// Every event name this provider's types know; a delivery of any other goes to the
    /// handlers of [`UnknownEvent`](crate::UnknownEvent). Empty by default.
    const EVENT_NAMES: &'static [&'static str] = &[];

    /// A verifier of this provider's deliveries, with its default schemes and the given
    /// keys.
    ///
    /// # Errors
    /// [`crate::ConfigError`] when no key is given or a key is empty.
    fn verifier<K: Into<crate::SigningKey>>(
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Verifier<Self>, crate::ConfigError> {
        Verifier::new(Self::SCHEMES.iter().copied(), keys)
    }

    /// A verifier of this provider's deliveries accepting only `schemes` (in priority
    /// order), e.g. Amity's current scheme without the legacy one.
    ///
    /// # Errors
    /// [`crate::ConfigError`] when no scheme or no key is given, or a key is empty.
    fn verifier_with<K: Into<crate::SigningKey>>(
        schemes: impl IntoIterator<Item = SignatureScheme>,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<Verifier<Self>, crate::ConfigError> {
        Verifier::new(schemes, keys)
    }

    /// Verifies a delivery, then reads its envelope (event name, delivery id).
    ///
    /// Nothing is parsed before the signature has been checked over the raw bytes.
    ///
    /// # Errors
    /// [`DeliveryError::Unauthorized`] when the signature does not verify,
    /// [`DeliveryError::BadPayload`] when the verified body has no readable envelope.
    fn receive<'a>(
        verifier: &Verifier<Self>,
        headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> Result<VerifiedDelivery<'a, Self>, DeliveryError> {
        let (scheme, signature) = verifier.verify_header(headers, body)?;
        let text = payload::utf8(body)?;
        let envelope = read_envelope::<Self>(text)?;
        Ok(VerifiedDelivery {
            event_name: envelope.event,
            delivery_id: delivery_id::<Self>(headers, scheme, signature, envelope.delivery_id),
            scheme,
            body: text,
            provider: PhantomData,
        })
    }
}

/// Reads the envelope (event name, and the delivery id field met on the way) of a body laid
/// out as `P`'s.
pub(crate) fn read_envelope<P: Provider>(
    text: &str,
) -> Result<envelope::Envelope<'_>, PayloadError> {
    let body_field = match P::DELIVERY_ID {
        DeliveryIdSource::BodyField(field) => Some(field),
        _ => None,
    };
    let source = EventNameSource {
        field: P::EVENT_FIELD,
        nested: P::NESTED_EVENT_NAME,
    };
    envelope::read(text, source, body_field)
}

/// The id of a delivery, from where `P` puts it; `from_body` is the body's id field when
/// it was read, `signature` the header value that `scheme` verified.
pub(crate) fn delivery_id<'a, P: Provider>(
    headers: &'a HeaderMap,
    scheme: SignatureScheme,
    signature: &'a HeaderValue,
    from_body: Option<Cow<'a, str>>,
) -> Option<Cow<'a, str>> {
    match P::DELIVERY_ID {
        DeliveryIdSource::None => None,
        DeliveryIdSource::BodyField(_) => from_body,
        DeliveryIdSource::Header(name) => header_text(headers, name),
        DeliveryIdSource::Signature => signature.to_str().ok().map(|text| scheme.canonical(text)),
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<Cow<'a, str>> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(Cow::Borrowed)
}

/// Where a provider puts the id of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryIdSource {
    /// The platform sends no id.
    None,
    /// A request header, e.g. Stream Chat's `x-webhook-id`.
    Header(&'static str),
    /// A top-level body field, e.g. Amity's `requestId`.
    BodyField(&'static str),
    /// The signature header's value: a retried body carries the same one (TalkPlus).
    Signature,
}

impl DeliveryIdSource {
    /// Longest id shown in logs and the inbox.
    const SHOWN_LEN: usize = 64;
    /// Characters of a signature shown: enough to tell deliveries apart, too few to
    /// replay one.
    const SHOWN_SIGNATURE_LEN: usize = 12;

    /// `id` as logs, `Debug` output and the inbox show it: a signature shortened to its
    /// first characters (the whole one, with the body, would let a reader replay the
    /// delivery), anything else cut to 64 characters.
    #[must_use]
    pub fn shown(self, id: &str) -> String {
        let keep = match self {
            Self::Signature => Self::SHOWN_SIGNATURE_LEN,
            _ => Self::SHOWN_LEN,
        };
        match id.char_indices().nth(keep) {
            Some((end, _)) => format!("{}…", &id[..end]),
            None => id.to_owned(),
        }
    }
}

/// A delivery whose signature has been checked and whose envelope has been read.
pub struct VerifiedDelivery<'a, P> {
    /// The event name as the platform spells it.
    pub event_name: Cow<'a, str>,
    /// The delivery's id, when the provider sends one.
    pub delivery_id: Option<Cow<'a, str>>,
    /// The scheme whose signature verified.
    pub scheme: SignatureScheme,
    /// The verified body.
    pub body: &'a str,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> VerifiedDelivery<'_, P> {
    /// Parses the body into the provider's event enum (unknown events included).
    ///
    /// # Errors
    /// [`PayloadError`] when a known event does not have its documented shape.
    pub fn parse(&self) -> Result<P::Event, PayloadError> {
        P::Event::from_body(&self.event_name, self.body)
    }

    /// Parses the body into one typed event, after checking the name matches.
    ///
    /// Returns `None` when the delivery carries another event.
    ///
    /// # Errors
    /// [`PayloadError`] when the body does not have the event's documented shape.
    pub fn parse_as<E: Event<Provider = P>>(&self) -> Option<Result<E, PayloadError>> {
        match E::ROUTE {
            crate::event::Route::Named(name) if name == self.event_name => {
                Some(E::from_body(&self.event_name, self.body))
            }
            _ => None,
        }
    }
}

impl<P: Provider> fmt::Debug for VerifiedDelivery<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedDelivery")
            .field("provider", &P::NAME)
            .field("event_name", &self.event_name)
            .field(
                "delivery_id",
                &self
                    .delivery_id
                    .as_deref()
                    .map(|id| P::DELIVERY_ID.shown(id)),
            )
            .field("scheme", &self.scheme.name)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Why a delivery was turned away before any handler ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// The signature did not verify: the delivery is not from the platform (HTTP 401).
    #[error("unauthorized: {0}")]
    Unauthorized(#[from] VerifyError),
    /// The signature verified but the body cannot be read (HTTP 400).
    #[error("bad payload: {0}")]
    BadPayload(#[from] PayloadError),
}
