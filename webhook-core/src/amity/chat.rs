//! Chat: channels, messages, message feeds and the `data` of `channel.*`, `message.*`,
//! `user.*` and `moderation.didBan` events.
//!
//! Every field but the objects' ids may be absent or `null`. Times are ISO-8601 strings,
//! kept as sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{File, LatestReaction, Mentionee, NotificationMode, Reaction, Reactor, User};
use crate::lenient::{
    empty_object_as_none, first_spelling_wins, int, null_as_default, number, one_or_many,
    open_string_enum,
};

open_string_enum! {
    /// The kind of a channel.
    pub enum ChannelType {
        /// A standard group channel.
        Standard = "standard",
        /// A private group channel.
        Private = "private",
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
        /// An image with clickable areas.
        Imagemap = "imagemap",
    }
}

/// An Amity channel.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Channel id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_id: String,
    /// Internal id of the channel's record (real-time events).
    #[serde(rename = "_id")]
    pub record_id: Option<String>,
    /// Path of the channel's record (real-time events).
    pub path: Option<String>,
    /// The platform's internal channel id.
    pub channel_internal_id: Option<String>,
    /// The channel id shown to clients.
    pub channel_public_id: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Kind of channel.
    #[serde(rename = "type")]
    pub channel_type: Option<ChannelType>,
    /// Whether this is the one distinct channel of its members.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_distinct: bool,
    /// Whether anyone may find and join the channel.
    pub is_public: Option<bool>,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub metadata: Value,
    /// Tags.
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    /// Whether the channel is muted.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_muted: bool,
    /// When the mute ends.
    pub mute_timeout: Option<String>,
    /// Whether sending is rate limited.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_rate_limited: bool,
    /// Messages allowed per rate limit window.
    #[serde(default, deserialize_with = "int")]
    pub rate_limit: Option<i64>,
    /// Rate limit window in milliseconds.
    #[serde(default, deserialize_with = "int")]
    pub rate_limit_window: Option<i64>,
    /// When the rate limit ends.
    pub rate_limit_timeout: Option<String>,
    /// Whether messages are deleted once flagged often enough.
    pub message_auto_delete_enabled: Option<bool>,
    /// How many flags delete a message.
    #[serde(default, deserialize_with = "number")]
    pub auto_delete_message_by_flag_limit: Option<f64>,
    /// Number of members.
    #[serde(default, deserialize_with = "int")]
    pub member_count: Option<i64>,
    /// Number of messages.
    #[serde(default, deserialize_with = "int")]
    pub message_count: Option<i64>,
    /// The avatar file.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub avatar: Option<File>,
    /// Id of the avatar file.
    pub avatar_file_id: Option<String>,
    /// Id of the message shown as the channel's preview.
    pub message_preview_id: Option<String>,
    /// Who is notified of the channel's activity.
    pub notification_mode: Option<NotificationMode>,
    /// Whether the channel is deleted.
    pub is_deleted: Option<bool>,
    /// Time of the last activity.
    pub last_activity: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

first_spelling_wins! {
    /// An Amity message.
    ///
    /// The flag bookkeeping is sent as `hashFlag` or `hashflag`; when a body carries both, the
    /// first one in the body wins.
    pub struct Message("Message") spells [("hashFlag", "hashflag")] {
        /// Message id.
        #[serde(default, deserialize_with = "null_as_default")]
        pub message_id: String,
        /// Channel the message belongs to.
        #[serde(default, deserialize_with = "null_as_default")]
        pub channel_id: String,
        /// Sender's user id.
        #[serde(default, deserialize_with = "null_as_default")]
        pub user_id: String,
        /// Internal id of the message's record (real-time events).
        #[serde(rename = "_id")]
        pub record_id: Option<String>,
        /// Path of the message's record (real-time events).
        pub path: Option<String>,
        /// Kind of message.
        #[serde(rename = "type")]
        pub message_type: Option<MessageType>,
        /// Content, e.g. `{"text": "hi"}`; any JSON.
        #[serde(default)]
        pub data: Value,
        /// Id of the attached file.
        pub file_id: Option<String>,
        /// Application metadata, any JSON.
        #[serde(default)]
        pub metadata: Value,
        /// Tags.
        #[serde(default, deserialize_with = "one_or_many")]
        pub tags: Vec<String>,
        /// Whether the message is deleted.
        #[serde(default, deserialize_with = "null_as_default")]
        pub is_deleted: bool,
        /// Sequence number within the channel.
        #[serde(default, deserialize_with = "int")]
        pub channel_segment: Option<i64>,
        /// Id of the message this one replies to.
        pub parent_id: Option<String>,
        /// Number of replies.
        #[serde(default, deserialize_with = "int")]
        pub children_number: Option<i64>,
        /// Number of flags.
        #[serde(default, deserialize_with = "int")]
        pub flag_count: Option<i64>,
        /// Flag bookkeeping (`{"bits", "hashes", "hash"}`), kept as sent: its inner shape is
        /// the platform's business. Sent as `hashFlag` or `hashflag`; the first one wins.
        #[serde(default, rename = "hashFlag")]
        pub hash_flag: Value,
        /// Reaction counts by name, e.g. `{"like": 2}`; any JSON.
        #[serde(default)]
        pub reactions: Value,
        /// Total number of reactions.
        #[serde(default, deserialize_with = "int")]
        pub reactions_count: Option<i64>,
        /// The receiving user's own reactions.
        #[serde(default, deserialize_with = "one_or_many")]
        pub my_reactions: Vec<String>,
        /// The latest reaction.
        #[serde(default, deserialize_with = "empty_object_as_none")]
        pub latest_reaction: Option<LatestReaction>,
        /// Mentions.
        #[serde(default, deserialize_with = "one_or_many")]
        pub mentionees: Vec<Mentionee>,
        /// Creation time.
        pub created_at: Option<String>,
        /// Last update time.
        pub updated_at: Option<String>,
        /// Last edit time.
        pub edited_at: Option<String>,
    }
}

/// A message feed: a thread of messages within a channel (v5 message events).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageFeed {
    /// Message feed id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub message_feed_id: String,
    /// Channel the feed belongs to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_id: String,
    /// The channel id shown to clients.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_public_id: String,
    /// Kind of channel.
    pub channel_type: Option<ChannelType>,
    /// Feed name.
    pub name: Option<String>,
    /// Id of the user who created the feed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub creator_id: String,
    /// Path of the feed's record.
    pub path: Option<String>,
    /// Id of the latest message.
    pub last_message_id: Option<String>,
    /// Time of the latest message.
    pub last_message_timestamp: Option<String>,
    /// Id of the message shown as the feed's preview.
    pub message_preview_id: Option<String>,
    /// Number of messages.
    #[serde(default, deserialize_with = "int")]
    pub child_count: Option<i64>,
    /// Whether the feed is deleted.
    pub is_deleted: Option<bool>,
    /// Last edit time.
    pub edited_at: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

first_spelling_wins! {
    /// The `data` of a `channel.*` event.
    ///
    /// The channels are sent as `channel` or `channels`; when a body carries both, the first
    /// one in the body wins.
    pub struct ChannelData("ChannelData") spells [("channel", "channels")] {
        /// The channels concerned: the seed sends one object, the current specification an
        /// array; both read as a list. Sent as `channel` or `channels`; the first one wins.
        #[serde(default, deserialize_with = "one_or_many")]
        pub channel: Vec<Channel>,
        /// Ids of the users concerned (members, joiners, added or removed users).
        #[serde(default, deserialize_with = "one_or_many")]
        pub user_ids: Vec<String>,
        /// The users concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub users: Vec<User>,
        /// Who added users; one id or several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub adder_id: Vec<String>,
        /// Who removed users; one id or several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub remover_id: Vec<String>,
        /// Who acted (ban, close, update); one id or several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub actor_id: Vec<String>,
        /// The user the event is about; one id or several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub user_id: Vec<String>,
    }
}

impl ChannelData {
    /// The first (usually only) channel of the event.
    #[must_use]
    pub fn first_channel(&self) -> Option<&Channel> {
        self.channel.first()
    }
}

first_spelling_wins! {
    /// The `data` of a `message.*` event, in both shapes the platform sends it.
    ///
    /// The chat shape carries `messages` and `users` (plus `files` and `reactor` on reaction
    /// events). The v5 shape, sent under the same event names (`message.didCreate`,
    /// `message.didUpdate`, `message.didDelete`), adds `messageFeeds` and `reactions`. Both
    /// read into this one type, so a handler of [`MessageDidCreate`](super::MessageDidCreate)
    /// receives either.
    ///
    /// The specification gives the two arrays of the v5 shape each other's item schemas
    /// (`messages` as message feeds, `messageFeeds` as messages). This type reads them as
    /// their names say, which is what the chat shape sends too; since every field of
    /// [`Message`] and [`MessageFeed`] is optional, a body that follows the specification to
    /// the letter parses as well, keeping the fields the two share (`channelId`, `path`,
    /// `isDeleted` and the times).
    ///
    /// The messages are sent as `messages` or `message`; when a body carries both, the first
    /// one in the body wins.
    pub struct MessageData("MessageData") spells [("messages", "message")] {
        /// The messages concerned, one or several (sent as `messages` or `message`; the first
        /// one wins).
        #[serde(default, deserialize_with = "one_or_many")]
        pub messages: Vec<Message>,
        /// The message feeds (threads) of the messages (v5 shape).
        #[serde(default, deserialize_with = "one_or_many")]
        pub message_feeds: Vec<MessageFeed>,
        /// The users concerned, usually the senders.
        #[serde(default, deserialize_with = "one_or_many")]
        pub users: Vec<User>,
        /// Files attached to the messages.
        #[serde(default, deserialize_with = "one_or_many")]
        pub files: Vec<File>,
        /// The reactions to the messages (v5 shape).
        #[serde(default, deserialize_with = "one_or_many")]
        pub reactions: Vec<Reaction>,
        /// Who reacted (reaction events).
        #[serde(default, deserialize_with = "empty_object_as_none")]
        pub reactor: Option<Reactor>,
    }
}

impl MessageData {
    /// The first (usually only) message of the event.
    #[must_use]
    pub fn first_message(&self) -> Option<&Message> {
        self.messages.first()
    }

    /// The first message when it is one: an item with no `messageId` is a message feed
    /// (the specification's reading of the v5 shape), whose times are the feed's, not the
    /// event's, so the maximum age must not read them.
    pub(crate) fn first_message_itself(&self) -> Option<&Message> {
        self.first_message()
            .filter(|message| !message.message_id.is_empty())
    }
}

first_spelling_wins! {
    /// The `data` of a `user.*` or `moderation.didBan` event.
    ///
    /// The users are sent as `users` or `user`; when a body carries both, the first one in the
    /// body wins.
    pub struct UserData("UserData") spells [("users", "user")] {
        /// The users concerned (sent as `users` or `user`, one or several; the first one wins).
        #[serde(default, deserialize_with = "one_or_many")]
        pub users: Vec<User>,
        /// Files of the users, e.g. avatars.
        #[serde(default, deserialize_with = "one_or_many")]
        pub files: Vec<File>,
        /// The channels where a message broke the rules (`moderation.didBan`).
        #[serde(default, deserialize_with = "one_or_many")]
        pub channel: Vec<Channel>,
        /// The user the event is about, e.g. who sent the banned message; one id or several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub user_id: Vec<String>,
        /// Ids of the users concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub user_ids: Vec<String>,
        /// Who acted; one id or several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub actor_id: Vec<String>,
    }
}
