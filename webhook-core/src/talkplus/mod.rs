//! TalkPlus (Klat): its provider, signature scheme and 15 events.
//!
//! TalkPlus signs each delivery with `x-talkplus-signature`: base64 of HMAC-SHA256 over the
//! raw body, keyed with the App API Key's UTF-8 bytes. The event name is the body's
//! `event` field. There is no delivery id; a retried body carries the same signature.

mod model;

pub use model::{Channel, ChannelType, Message, MessageType, Reaction, User};

use crate::events_macro::define_events;
use crate::lenient::empty_object_as_none;
use crate::provider::{DeliveryIdSource, Provider};
use crate::verify::{Algorithm, Encoding, SignatureScheme};

/// The TalkPlus provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TalkPlus;

/// `x-talkplus-signature`: base64 of HMAC-SHA256 over the body, keyed with the App API Key.
pub const SIGNATURE: SignatureScheme = SignatureScheme {
    name: "talkplus",
    header: "x-talkplus-signature",
    algorithm: Algorithm::HmacSha256,
    encoding: Encoding::Base64,
    prefix: "",
};

impl Provider for TalkPlus {
    const NAME: &'static str = "talkplus";
    const SCHEMES: &'static [SignatureScheme] = &[SIGNATURE];
    const EVENT_FIELD: &'static str = "event";
    const EVENT_NAMES: &'static [&'static str] = EVENT_NAMES;
    const DELIVERY_ID: DeliveryIdSource = DeliveryIdSource::Signature;
    type Event = TalkPlusEvent;
}

/// A TalkPlus event this crate has no type for.
pub type UnknownEvent = crate::UnknownEvent<TalkPlus>;

define_events! {
    provider = TalkPlus;

    /// Every TalkPlus event, for handlers that take them all.
    enum TalkPlusEvent;

    /// A message was sent in a channel.
    "message" => MessageSent {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The sender.
        #[serde(default, deserialize_with = "empty_object_as_none")]
        pub sender: Option<User>,
        /// The message.
        pub message: Message,
    }
    occurred_at(ev) = crate::event_time::epoch(ev.message.created_at);

    /// A message was deleted.
    "message_deleted" => MessageDeleted {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// Who deleted it; the platform may send it absent, `null` or `{}`.
        #[serde(default, deserialize_with = "empty_object_as_none")]
        pub sender: Option<User>,
        /// The deleted message.
        pub message: Message,
    }

    /// A user reacted to a message.
    "reaction_added" => ReactionAdded {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// Who reacted.
        pub user: User,
        /// The message, with its reactions after the change.
        pub message: Message,
        /// The reaction's name.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub reaction: String,
    }

    /// A user took back a reaction.
    "reaction_deleted" => ReactionDeleted {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// Who took the reaction back.
        pub user: User,
        /// The message, with its reactions after the change.
        pub message: Message,
        /// The reaction's name.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub reaction: String,
    }

    /// A channel was created.
    "channel_added" => ChannelAdded {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The new channel.
        pub channel: Channel,
    }
    occurred_at(ev) = crate::event_time::epoch(ev.channel.created_at);

    /// A channel was changed.
    "channel_changed" => ChannelChanged {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel after the change.
        pub channel: Channel,
    }

    /// A channel was deleted.
    "channel_removed" => ChannelRemoved {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The deleted channel.
        pub channel: Channel,
    }

    /// Users were added to a channel.
    "member_added" => MemberAdded {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The users added.
        #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
        pub users: Vec<User>,
    }

    /// Users left a channel or were removed from it.
    "member_left" => MemberLeft {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The users who left.
        #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
        pub users: Vec<User>,
    }

    /// Members were muted.
    "member_muted" => MemberMuted {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The users muted.
        #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
        pub users: Vec<User>,
    }

    /// Members were unmuted.
    "member_unmuted" => MemberUnmuted {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The users unmuted.
        #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
        pub users: Vec<User>,
    }

    /// Members were banned from a channel.
    "member_banned" => MemberBanned {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The users banned.
        #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
        pub users: Vec<User>,
    }

    /// Members were unbanned.
    "member_unbanned" => MemberUnbanned {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// The channel.
        pub channel: Channel,
        /// The users unbanned.
        #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
        pub users: Vec<User>,
    }

    /// A user blocked another user.
    "user_blocked" => UserBlocked {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// Who blocked.
        pub user: User,
        /// Who was blocked.
        pub blocked_user: User,
    }

    /// A user unblocked another user.
    "user_unblocked" => UserUnblocked {
        /// Your application's id.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub app_id: String,
        /// Who unblocked.
        pub user: User,
        /// Who was unblocked.
        pub blocked_user: User,
    }
}
