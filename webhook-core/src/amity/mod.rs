//! Amity (formerly Eko, now also social.plus): its provider, signature schemes and chat
//! events.
//!
//! Amity signs with `x-amity-signature` (base64 of HMAC-SHA256 over the raw body, keyed with
//! the webhook secret) and, in its older form, `X-EKO-Signature: sha1=<hex HMAC-SHA1>`. A
//! delivery may carry both; the current one then decides, as Amity's documentation says.
//! Events outside chat (`follow.*`, `poll.*`, `v3.*`, `video-streaming.*`) arrive as
//! [`AmityEvent::Unknown`] with their name and body.

mod model;

pub use model::{
    Channel, ChannelData, ChannelType, Message, MessageData, MessageType, User, UserData,
};

use crate::events_macro::define_events;
use crate::provider::{DeliveryIdSource, Provider};
use crate::verify::{Algorithm, Encoding, SignatureScheme};

/// The Amity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amity;

/// `x-amity-signature`: HMAC-SHA256 over the body, keyed with the webhook secret, in base64
/// (Amity's reference page) or hex (Amity's use-case pages): both are accepted.
pub const SIGNATURE: SignatureScheme = SignatureScheme {
    name: "amity",
    header: "x-amity-signature",
    algorithm: Algorithm::HmacSha256,
    encoding: Encoding::Base64OrHex,
    prefix: "",
};

/// [`SIGNATURE`] written in hex, as Amity's use-case pages verify it: for tests and tools
/// that send what such a delivery looks like (receivers accept both with [`SIGNATURE`]).
pub const SIGNATURE_HEX: SignatureScheme = SignatureScheme {
    encoding: Encoding::Hex,
    ..SIGNATURE
};

/// `X-EKO-Signature: sha1=<hex>`: the legacy Eko scheme, HMAC-SHA1 over the body.
pub const LEGACY_SIGNATURE: SignatureScheme = SignatureScheme {
    name: "amity-legacy-sha1",
    header: "x-eko-signature",
    algorithm: Algorithm::HmacSha1,
    encoding: Encoding::Hex,
    prefix: "sha1=",
};

/// The schemes accepted by default: the current one first (it decides when both headers
/// are present), then the legacy one. Pass `[SIGNATURE]` to
/// [`Verifier::new`](crate::Verifier::new) to turn the legacy scheme off.
pub const SCHEMES: &[SignatureScheme] = &[SIGNATURE, LEGACY_SIGNATURE];

impl Provider for Amity {
    const NAME: &'static str = "amity";
    const SCHEMES: &'static [SignatureScheme] = SCHEMES;
    const EVENT_FIELD: &'static str = "event";
    const DELIVERY_ID: DeliveryIdSource = DeliveryIdSource::BodyField("requestId");
    type Event = AmityEvent;
}

/// An Amity event this crate has no type for.
pub type UnknownEvent = crate::UnknownEvent<Amity>;

define_events! {
    provider = Amity;

    /// Every Amity chat event, for handlers that take them all.
    enum AmityEvent;

    /// Users were added to a channel (`adderId` says who added them).
    "channel.didAddUsers" => ChannelDidAddUsers {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// Users were banned from a channel.
    "channel.didBan" => ChannelDidBan {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// A channel was closed.
    "channel.didClose" => ChannelDidClose {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// A channel was created.
    "channel.didCreate" => ChannelDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// Users joined a channel.
    "channel.didJoin" => ChannelDidJoin {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// Users left a channel.
    "channel.didLeave" => ChannelDidLeave {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// Users were removed from a channel (`removerId` says who removed them).
    "channel.didRemoveUsers" => ChannelDidRemoveUsers {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// A channel was updated.
    "channel.didUpdate" => ChannelDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// A channel's metadata was updated.
    "channel.didUpdateMeta" => ChannelDidUpdateMeta {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: ChannelData,
    }

    /// A user reacted to a message.
    "message.didAddReaction" => MessageDidAddReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A message's flags were cleared (the platform spells it with a lowercase f).
    "message.didClearflag" => MessageDidClearFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A message was sent.
    "message.didCreate" => MessageDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A message was deleted.
    "message.didDelete" => MessageDidDelete {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A message was flagged.
    "message.didFlag" => MessageDidFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A user took back a reaction.
    "message.didRemoveReaction" => MessageDidRemoveReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A flag was removed from a message.
    "message.didUnflag" => MessageDidUnflag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A message was edited.
    "message.didUpdate" => MessageDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: MessageData,
    }

    /// A user's flags were cleared.
    "user.didClearFlag" => UserDidClearFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: UserData,
    }

    /// A user was created.
    "user.didCreate" => UserDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: UserData,
    }

    /// A user was flagged.
    "user.didFlag" => UserDidFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: UserData,
    }

    /// A flag was removed from a user.
    "user.didUnflag" => UserDidUnflag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: UserData,
    }

    /// A user was updated.
    "user.didUpdate" => UserDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: UserData,
    }

    /// Users were banned across the application.
    "moderation.didBan" => ModerationDidBan {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent or `null` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub data: UserData,
    }
}
