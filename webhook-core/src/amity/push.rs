//! Push notifications: the `data` of `push-notification/*` events.
//!
//! A push notification has its own envelope, without an `event` field:
//! `{"eventType": "push-notification.created", "id", "networkId", "path", "senderId",
//! "sentTime", "version", "data": {"eventName", ...}}`. This crate names each such event
//! `push-notification/<eventName>`, e.g. `push-notification/channel.created`.
//!
//! Every notification's `data` carries the notification itself (`eventName`, `title`,
//! `body`, whom to notify) and the objects it is about, which differ by family.

use serde::{Deserialize, Serialize};

use super::chat::{Channel, Message};
use super::comment::Comment;
use super::common::{File, User};
use super::community::{Community, CommunityUser};
use super::follow::Follow;
use super::post::Post;
use super::video::VideoStreaming;
use crate::lenient::{null_as_default, one_or_many};

/// Declares a push notification's `data` struct: the notification's own fields, then the
/// family's objects.
macro_rules! push_data {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// What happened, e.g. `channel.created`; the event's name without its
            /// `push-notification/` prefix.
            #[serde(default, deserialize_with = "null_as_default")]
            pub event_name: String,
            /// Whether every user of the network is notified rather than `target_ids`.
            pub is_broadcast: Option<bool>,
            /// Ids of the users to notify.
            #[serde(default, deserialize_with = "one_or_many")]
            pub target_ids: Vec<String>,
            /// Whether the users in `target_ids` should be notified.
            pub notify: Option<bool>,
            /// The notification's title.
            pub title: Option<String>,
            /// The notification's text.
            pub body: Option<String>,
            /// The users concerned.
            #[serde(default, deserialize_with = "one_or_many")]
            pub users: Vec<User>,
            /// Files of the objects and users.
            #[serde(default, deserialize_with = "one_or_many")]
            pub files: Vec<File>,
            $($body)*
        }
    };
}

push_data! {
    /// The `data` of a channel push notification (`channel.created`, `channel.joined`).
    ChannelPushData {
        /// The channels concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub channels: Vec<Channel>,
    }
}

push_data! {
    /// The `data` of a message push notification (`message.created`).
    MessagePushData {
        /// The messages concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub messages: Vec<Message>,
    }
}

push_data! {
    /// The `data` of a post push notification (`post.*`, `mention-post.created`,
    /// `mention-user-feed-post.created`).
    PostPushData {
        /// The posts concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub posts: Vec<Post>,
        /// Communities the posts belong to.
        #[serde(default, deserialize_with = "one_or_many")]
        pub communities: Vec<Community>,
    }
}

push_data! {
    /// The `data` of a comment push notification (`comment.*`, `mention-comment.*`,
    /// `mention-user-feed-comment.*`).
    CommentPushData {
        /// The comments concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub comments: Vec<Comment>,
        /// The posts commented on.
        #[serde(default, deserialize_with = "one_or_many")]
        pub posts: Vec<Post>,
        /// Communities the posts belong to.
        #[serde(default, deserialize_with = "one_or_many")]
        pub communities: Vec<Community>,
        /// Memberships of the users in those communities.
        #[serde(default, deserialize_with = "one_or_many")]
        pub community_users: Vec<CommunityUser>,
    }
}

push_data! {
    /// The `data` of a follow push notification (`follow.*`).
    FollowPushData {
        /// The follows concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub follows: Vec<Follow>,
    }
}

push_data! {
    /// The `data` of a live stream push notification (`video-streaming.started`).
    VideoStreamingPushData {
        /// The streams concerned.
        #[serde(default, deserialize_with = "one_or_many")]
        pub video_streamings: Vec<VideoStreaming>,
    }
}
