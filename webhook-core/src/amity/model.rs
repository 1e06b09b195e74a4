//! The objects Amity events are built from: channels, messages, users.
//!
//! Every field but the objects' ids may be absent or `null`. Times are ISO-8601 strings,
//! kept as sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient::{null_as_default, open_string_enum};

open_string_enum! {
    /// The kind of a channel.
    pub enum ChannelType {
        /// A standard group channel.
        Standard = "standard",
        /// A community channel.
        Community = "community",
        /// A live channel.
        Live = "live",
        /// A broadcast channel.
        Broadcast = "broadcast",
        /// A one-to-one or small group conversation.
        Conversation = "conversation",
    }
}

open_string_enum! {
    /// The kind of a message.
    pub enum MessageType {
        /// A text message.
        Text = "text",
        /// An image message.
        Image = "image",
        /// A file message.
        File = "file",
        /// A video message.
        Video = "video",
        /// An audio message.
        Audio = "audio",
        /// A message with application-defined content.
        Custom = "custom",
    }
}

/// An Amity channel.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Channel id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_id: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Kind of channel.
    #[serde(rename = "type")]
    pub channel_type: Option<ChannelType>,
    /// Whether this is the one distinct channel of its members.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_distinct: bool,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub metadata: Value,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Whether the channel is muted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_muted: bool,
    /// Whether sending is rate limited.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_rate_limited: bool,
    /// Rate limit window in milliseconds.
    pub rate_limit_window: Option<i64>,
    /// Number of members.
    pub member_count: Option<i64>,
    /// Number of messages.
    pub message_count: Option<i64>,
    /// Time of the last activity.
    pub last_activity: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// An Amity message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Message id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message_id: String,
    /// Channel the message belongs to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_id: String,
    /// Sender's user id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_id: String,
    /// Kind of message.
    #[serde(rename = "type")]
    pub message_type: Option<MessageType>,
    /// Content, e.g. `{"text": "hi"}`; any JSON.
    #[serde(default)]
    pub data: Value,
    /// Tags.
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Whether the message is deleted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_deleted: bool,
    /// Sequence number within the channel.
    pub channel_segment: Option<i64>,
    /// Id of the message this one replies to.
    pub parent_id: Option<String>,
    /// Number of flags.
    pub flag_count: Option<i64>,
    /// Flag bookkeeping, any JSON (sent as `hashFlag` or `hashflag`).
    #[serde(default, rename = "hashFlag", alias = "hashflag")]
    pub hash_flag: Value,
    /// Reactions by name, any JSON.
    #[serde(default)]
    pub reactions: Value,
    /// Total number of reactions.
    pub reactions_count: Option<i64>,
    /// Mentioned users, any JSON.
    #[serde(default)]
    pub mentionees: Value,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
    /// Last edit time.
    pub edited_at: Option<String>,
}

/// An Amity user.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_id: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Roles.
    #[serde(default, deserialize_with = "null_as_default")]
    pub roles: Vec<String>,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub metadata: Value,
    /// Number of flags.
    pub flag_count: Option<i64>,
    /// Flag bookkeeping, any JSON (sent as `hashFlag` or `hashflag`).
    #[serde(default, rename = "hashFlag", alias = "hashflag")]
    pub hash_flag: Value,
    /// Whether the user is deleted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_deleted: bool,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// The `data` of a `channel.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelData {
    /// The channels concerned: the seed sends one object, the current specification an
    /// array; both read as a list.
    #[serde(
        default,
        alias = "channels",
        deserialize_with = "crate::lenient::one_or_many"
    )]
    pub channel: Vec<Channel>,
    /// Ids of the users concerned (members, joiners, added or removed users).
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub user_ids: Vec<String>,
    /// The users concerned.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub users: Vec<User>,
    /// Who added users; one id or several.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub adder_id: Vec<String>,
    /// Who removed users; one id or several.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub remover_id: Vec<String>,
    /// Who acted (ban, close, update); one id or several.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub actor_id: Vec<String>,
    /// The user the event is about; one id or several.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub user_id: Vec<String>,
}

impl ChannelData {
    /// The first (usually only) channel of the event.
    #[must_use]
    pub fn first_channel(&self) -> Option<&Channel> {
        self.channel.first()
    }
}

/// The `data` of a `message.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageData {
    /// The messages concerned (sent as `messages`, or `message`; one or several).
    #[serde(
        default,
        alias = "message",
        deserialize_with = "crate::lenient::one_or_many"
    )]
    pub messages: Vec<Message>,
    /// The users concerned, usually the senders.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub users: Vec<User>,
    /// Files attached to the messages, any JSON (reaction events).
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub files: Vec<Value>,
    /// Who reacted, as sent (reaction events).
    pub reactor: Option<Value>,
}

impl MessageData {
    /// The first (usually only) message of the event.
    #[must_use]
    pub fn first_message(&self) -> Option<&Message> {
        self.messages.first()
    }
}

/// The `data` of a `user.*` or `moderation.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserData {
    /// The users concerned (sent as `users`, or `user`; one or several).
    #[serde(
        default,
        alias = "user",
        deserialize_with = "crate::lenient::one_or_many"
    )]
    pub users: Vec<User>,
    /// Ids of the users concerned.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub user_ids: Vec<String>,
    /// Who acted; one id or several.
    #[serde(default, deserialize_with = "crate::lenient::one_or_many")]
    pub actor_id: Vec<String>,
}
