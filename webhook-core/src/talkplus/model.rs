//! The objects TalkPlus events are built from: channels, users, messages, reactions.
//!
//! Every field but the objects' ids may be absent or `null`; timestamps are integers, in
//! milliseconds in most places and in seconds in some of the platform's samples.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient::{null_as_default, open_string_enum};

open_string_enum! {
    /// Who may join a channel.
    pub enum ChannelType {
        /// Anyone may join.
        Public = "public",
        /// Members are added by others.
        Private = "private",
        /// Joining takes an invitation code.
        InvitationOnly = "invitationOnly",
    }
}

open_string_enum! {
    /// The kind of a message.
    pub enum MessageType {
        /// A text message.
        Text = "text",
        /// A message hidden from other members.
        Hidden = "hidden",
        /// A message with application-defined content.
        Custom = "custom",
        /// A message sent by an administrator.
        Admin = "admin",
        /// An administrator's message hidden from other members.
        AdminHidden = "admin_hidden",
    }
}

/// A TalkPlus channel.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Channel id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// Display name.
    pub name: Option<String>,
    /// Id of the owning user.
    pub owner_id: Option<String>,
    /// Who may join.
    #[serde(rename = "type")]
    pub channel_type: Option<ChannelType>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Invitation code of an `invitationOnly` channel.
    pub invitation_code: Option<String>,
    /// Whether sending is frozen.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_frozen: bool,
    /// Whether new members see messages sent before they joined.
    #[serde(default, deserialize_with = "null_as_default")]
    pub hide_messages_before_join: bool,
    /// Application-defined category.
    pub category: Option<String>,
    /// Application-defined subcategory.
    pub subcategory: Option<String>,
    /// Application-defined private tag.
    pub private_tag: Option<String>,
    /// Number of members.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub member_count: Option<i64>,
    /// Member limit.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub max_member_count: Option<i64>,
    /// Application metadata; documented as string to string, read as any JSON.
    #[serde(default)]
    pub data: Value,
    /// Per-user private metadata, any JSON.
    #[serde(default)]
    pub private_data: Value,
    /// Members, with their per-channel fields.
    #[serde(default, deserialize_with = "null_as_default")]
    pub members: Vec<User>,
    /// Muted users, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub muted_users: Vec<Value>,
    /// Banned users, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub banned_users: Vec<Value>,
    /// Bots in the channel, as sent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub bots: Vec<Value>,
    /// Whether push notifications are off for the channel.
    pub push_notification_disabled: Option<bool>,
    /// Android push notification sound.
    #[serde(rename = "pushNotificationSoundAOS")]
    pub push_notification_sound_aos: Option<String>,
    /// iOS push notification sound.
    #[serde(rename = "pushNotificationSoundIOS")]
    pub push_notification_sound_ios: Option<String>,
    /// Unread message count.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub unread_count: Option<i64>,
    /// Last read time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub last_read_at: Option<i64>,
    /// Last message time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub last_sent_at: Option<i64>,
    /// Last update time (`0` when never updated).
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub updated_at: Option<i64>,
    /// Creation time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub created_at: Option<i64>,
    /// The latest message, `None` when the channel has none (absent, `null` or `{}`).
    #[serde(default, deserialize_with = "crate::lenient::empty_object_as_none")]
    pub last_message: Option<Box<Message>>,
}

/// A TalkPlus user; as a channel member it also carries the per-channel fields.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// User name.
    pub username: Option<String>,
    /// Profile image URL.
    pub profile_image_url: Option<String>,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub data: Value,
    /// Whether the user turned push notifications off.
    pub disable_push_notification: Option<bool>,
    /// Per-channel member data, any JSON (members only).
    #[serde(default)]
    pub member_info: Value,
    /// When a mute ends (muted members only).
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub mute_expires_at: Option<i64>,
    /// Last read time in the channel (members only).
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub last_read_at: Option<i64>,
    /// Last send time in the channel (members only).
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub last_sent_at: Option<i64>,
    /// Last update time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub updated_at: Option<i64>,
    /// Creation time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub created_at: Option<i64>,
}

/// A TalkPlus message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Message id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// Channel the message belongs to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_id: String,
    /// Sender's user id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user_id: String,
    /// Sender's user name.
    pub username: Option<String>,
    /// Sender's profile image URL.
    pub profile_image_url: Option<String>,
    /// Kind of message.
    #[serde(rename = "type")]
    pub message_type: Option<MessageType>,
    /// Text content.
    pub text: Option<String>,
    /// Translations, any JSON.
    #[serde(default)]
    pub translations: Value,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub data: Value,
    /// Reactions by name (an empty `[]` reads as none).
    #[serde(default, deserialize_with = "crate::lenient::map_or_empty_array")]
    pub reactions: BTreeMap<String, Reaction>,
    /// Attached file URL (file messages).
    pub file_url: Option<String>,
    /// Id of the message this one replies to.
    pub parent_message_id: Option<String>,
    /// Creation time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub created_at: Option<i64>,
    /// Last update time.
    #[serde(default, deserialize_with = "crate::lenient::int")]
    pub updated_at: Option<i64>,
}

/// Who reacted with one reaction, in whichever shape the platform sent.
///
/// The webhook sample sends one user id (`{"happy": "user123"}`), the JavaScript docs a
/// list (`{"happy": ["user1"]}`), the REST docs a count (`{"happy": 1}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Reaction {
    /// The ids of the users who reacted.
    Users(Vec<String>),
    /// How many users reacted.
    Count(u64),
}

impl Reaction {
    /// How many users reacted.
    #[must_use]
    pub fn count(&self) -> u64 {
        match self {
            Self::Users(users) => users.len() as u64,
            Self::Count(count) => *count,
        }
    }

    /// The ids of the users who reacted, when the platform sent them.
    #[must_use]
    pub fn users(&self) -> &[String] {
        match self {
            Self::Users(users) => users,
            Self::Count(_) => &[],
        }
    }
}

impl<'de> Deserialize<'de> for Reaction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ReactionVisitor;

        impl<'de> Visitor<'de> for ReactionVisitor {
            type Value = Reaction;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a user id, a list of user ids or a count")
            }

            fn visit_str<E: de::Error>(self, user: &str) -> Result<Reaction, E> {
                Ok(Reaction::Users(vec![user.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Reaction, A::Error> {
                let mut users = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(user) = seq.next_element()? {
                    users.push(user);
                }
                Ok(Reaction::Users(users))
            }

            fn visit_u64<E: de::Error>(self, count: u64) -> Result<Reaction, E> {
                Ok(Reaction::Count(count))
            }

            fn visit_i64<E: de::Error>(self, count: i64) -> Result<Reaction, E> {
                // A negative count cannot be meant; read it as none.
                Ok(Reaction::Count(u64::try_from(count).unwrap_or(0)))
            }

            fn visit_f64<E: de::Error>(self, count: f64) -> Result<Reaction, E> {
                // Some JSON encoders write whole numbers as `1.0`.
                if count.fract() == 0.0 && (0.0..=9.0e15).contains(&count) {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    Ok(Reaction::Count(count as u64))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(count), &self))
                }
            }

            fn visit_unit<E: de::Error>(self) -> Result<Reaction, E> {
                Ok(Reaction::Users(Vec::new()))
            }
        }

        deserializer.deserialize_any(ReactionVisitor)
    }
}
