//! The table of Amity events: one row per event gives its name, its struct and its
//! variant of [`AmityEvent`]. The `data` types live in the family modules.
//!
//! Every event of the platform's specification has a row. The v5 message events arrive
//! under the chat names (`message.didCreate`, ...) and read into the same types; push
//! notifications are named `push-notification/<eventName>`.

use super::Amity;
use super::chat::{ChannelData, MessageData, UserData};
use super::comment::CommentData;
use super::community::CommunityData;
use super::follow::Follow;
use super::poll::PollData;
use super::post::PostData;
use super::push::{
    ChannelPushData, CommentPushData, FollowPushData, MessagePushData, PostPushData,
    VideoStreamingPushData,
};
use super::video::VideoStreamingData;
use crate::events_macro::define_events;

define_events! {
    provider = Amity;

    /// Every Amity event: chat, social, and push notifications.
    enum AmityEvent;

    // Chat.

    /// Users were added to a channel (`adderId` says who added them).
    "channel.didAddUsers" => ChannelDidAddUsers {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// Users were banned from a channel.
    "channel.didBan" => ChannelDidBan {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// A channel was closed.
    "channel.didClose" => ChannelDidClose {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// A channel was created.
    "channel.didCreate" => ChannelDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }
    occurred_at(ev) = ev.data.first_channel().and_then(|channel| crate::event_time::rfc3339(channel.created_at.as_deref()));

    /// Users joined a channel.
    "channel.didJoin" => ChannelDidJoin {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// Users left a channel.
    "channel.didLeave" => ChannelDidLeave {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// Users were removed from a channel (`removerId` says who removed them).
    "channel.didRemoveUsers" => ChannelDidRemoveUsers {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// A channel was updated.
    "channel.didUpdate" => ChannelDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// A channel's metadata was updated.
    "channel.didUpdateMeta" => ChannelDidUpdateMeta {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelData,
    }

    /// A user reacted to a message.
    "message.didAddReaction" => MessageDidAddReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }

    /// A message's flags were cleared (the platform spells it with a lowercase f).
    "message.didClearflag" => MessageDidClearFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }

    /// A message was sent.
    ///
    /// Sent in the chat shape and in the v5 shape (with message feeds and reactions); both
    /// read into [`MessageData`].
    "message.didCreate" => MessageDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }
    occurred_at(ev) = ev.data.first_message_itself().and_then(|message| crate::event_time::rfc3339(message.created_at.as_deref()));

    /// A message was deleted.
    ///
    /// Sent in the chat shape and in the v5 shape; both read into [`MessageData`].
    "message.didDelete" => MessageDidDelete {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }

    /// A message was flagged.
    "message.didFlag" => MessageDidFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }

    /// A user took back a reaction.
    "message.didRemoveReaction" => MessageDidRemoveReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }

    /// A flag was removed from a message.
    "message.didUnflag" => MessageDidUnflag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }

    /// A message was edited.
    ///
    /// Sent in the chat shape and in the v5 shape; both read into [`MessageData`].
    "message.didUpdate" => MessageDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessageData,
    }
    occurred_at(ev) = ev.data.first_message_itself().and_then(|message| crate::event_time::rfc3339(message.updated_at.as_deref()));

    /// A user's flags were cleared.
    "user.didClearFlag" => UserDidClearFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: UserData,
    }

    /// A user was created.
    "user.didCreate" => UserDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: UserData,
    }

    /// A user was flagged.
    "user.didFlag" => UserDidFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: UserData,
    }

    /// A flag was removed from a user.
    "user.didUnflag" => UserDidUnflag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: UserData,
    }

    /// A user was updated.
    "user.didUpdate" => UserDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: UserData,
    }

    /// A user was banned across the application for a message matching the blocklist.
    "moderation.didBan" => ModerationDidBan {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: UserData,
    }

    // Social.

    /// A user reacted to a post (`reactor` says who).
    "v3.post.didAddReaction" => PostDidAddReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A post awaiting review was approved.
    "v3.post.didApprove" => PostDidApprove {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A post was created.
    "v3.post.didCreate" => PostDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }
    occurred_at(ev) = ev.data.posts.first().and_then(|post| crate::event_time::rfc3339(post.created_at.as_deref()));

    /// A post awaiting review was declined.
    "v3.post.didDecline" => PostDidDecline {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A post was deleted.
    "v3.post.didDelete" => PostDidDelete {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A post was flagged (`flaggedUserId` says whose).
    "v3.post.didFlag" => PostDidFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A user took back a reaction to a post.
    "v3.post.didRemoveReaction" => PostDidRemoveReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A flag was removed from a post.
    "v3.post.didUnflag" => PostDidUnflag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }

    /// A post was edited.
    "v3.post.didUpdate" => PostDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostData,
    }
    occurred_at(ev) = ev.data.posts.first().and_then(|post| crate::event_time::rfc3339(post.updated_at.as_deref()));

    /// A user reacted to a comment (`reactor` says who).
    "v3.comment.didAddReaction" => CommentDidAddReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }

    /// A comment was created.
    "v3.comment.didCreate" => CommentDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }
    occurred_at(ev) = ev.data.comments.first().and_then(|comment| crate::event_time::rfc3339(comment.created_at.as_deref()));

    /// A comment was deleted.
    "v3.comment.didDelete" => CommentDidDelete {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }

    /// A comment was flagged (`flaggedUserId` says whose).
    "v3.comment.didFlag" => CommentDidFlag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }

    /// A user took back a reaction to a comment.
    "v3.comment.didRemoveReaction" => CommentDidRemoveReaction {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }

    /// A comment was replied to.
    "v3.comment.didReply" => CommentDidReply {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }
    occurred_at(ev) = ev.data.comments.first().and_then(|comment| crate::event_time::rfc3339(comment.created_at.as_deref()));

    /// A flag was removed from a comment.
    "v3.comment.didUnflag" => CommentDidUnflag {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }

    /// A comment was edited.
    "v3.comment.didUpdate" => CommentDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentData,
    }
    occurred_at(ev) = ev.data.comments.first().and_then(|comment| crate::event_time::rfc3339(comment.updated_at.as_deref()));

    /// Users were added to a community.
    "v3.community.didAddUsers" => CommunityDidAddUsers {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// Users were banned from a community.
    "v3.community.didBan" => CommunityDidBan {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A community was created.
    "v3.community.didCreate" => CommunityDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A community was deleted.
    "v3.community.didDelete" => CommunityDidDelete {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A user joined a community.
    "v3.community.didJoin" => CommunityDidJoin {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A user left a community.
    "v3.community.didLeave" => CommunityDidLeave {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// Users were removed from a community.
    "v3.community.didRemoveUsers" => CommunityDidRemoveUsers {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A member's roles in a community changed.
    "v3.community.didRoleChange" => CommunityDidRoleChange {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// Users were unbanned from a community.
    "v3.community.didUnban" => CommunityDidUnban {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A community was updated.
    "v3.community.didUpdate" => CommunityDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommunityData,
    }

    /// A user accepted a follow request.
    "follow.didAcceptRequest" => FollowDidAcceptRequest {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A user cancelled their request to follow another.
    "follow.didCancelRequest" => FollowDidCancelRequest {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A user followed another.
    "follow.didCreate" => FollowDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A user declined a follow request.
    "follow.didDeclineRequest" => FollowDidDeclineRequest {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A user removed someone from their followers.
    "follow.didDeleteFollower" => FollowDidDeleteFollower {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A user asked to follow another.
    "follow.didRequest" => FollowDidRequest {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A user stopped following another.
    "follow.didUnfollow" => FollowDidUnfollow {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The follow after the event; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: Follow,
    }

    /// A poll was created.
    "poll.didCreate" => PollDidCreate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PollData,
    }

    /// A poll was updated.
    "poll.didUpdate" => PollDidUpdate {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PollData,
    }

    /// A user voted in a poll.
    "poll.didVote" => PollDidVote {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PollData,
    }

    /// A live stream's recording is ready.
    "video-streaming.didRecord" => VideoStreamingDidRecord {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: VideoStreamingData,
    }

    /// A live stream started.
    "video-streaming.didStart" => VideoStreamingDidStart {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: VideoStreamingData,
    }

    /// A live stream stopped.
    "video-streaming.didStop" => VideoStreamingDidStop {
        /// Id of this request, stable across retries (older deliveries).
        pub request_id: Option<String>,
        /// Id of the webhook configuration (older deliveries).
        pub webhook_id: Option<String>,
        /// The event's data; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: VideoStreamingData,
    }

    // Push notifications.

    /// A user should be told a channel was created for them.
    "push-notification/channel.created" => PushChannelCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told someone joined their channel.
    "push-notification/channel.joined" => PushChannelJoined {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: ChannelPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a new comment on their post.
    "push-notification/comment.created" => PushCommentCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a reaction to their comment.
    "push-notification/comment.reacted" => PushCommentReacted {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a reply to their comment.
    "push-notification/comment.replied" => PushCommentReplied {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told their follow request was accepted.
    "push-notification/follow.accepted" => PushFollowAccepted {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: FollowPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a new follower.
    "push-notification/follow.created" => PushFollowCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: FollowPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a follow request.
    "push-notification/follow.requested" => PushFollowRequested {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: FollowPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a new message.
    "push-notification/message.created" => PushMessageCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: MessagePushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told their post was approved.
    "push-notification/post.approved" => PushPostApproved {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a new post.
    "push-notification/post.created" => PushPostCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A moderator should be told a post awaits review.
    "push-notification/post.need-reviewing" => PushPostNeedReviewing {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told of a reaction to their post.
    "push-notification/post.reacted" => PushPostReacted {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// Users should be told a live stream started.
    "push-notification/video-streaming.started" => PushVideoStreamingStarted {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: VideoStreamingPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told they were mentioned in a comment.
    "push-notification/mention-comment.created" => PushMentionCommentCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told they were mentioned in a reply.
    "push-notification/mention-comment.replied" => PushMentionCommentReplied {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told they were mentioned in a post.
    "push-notification/mention-post.created" => PushMentionPostCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told they were mentioned in a comment in a user's feed.
    "push-notification/mention-user-feed-comment.created" => PushMentionUserFeedCommentCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told they were mentioned in a reply in a user's feed.
    "push-notification/mention-user-feed-comment.replied" => PushMentionUserFeedCommentReplied {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: CommentPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());

    /// A user should be told they were mentioned in a post in a user's feed.
    "push-notification/mention-user-feed-post.created" => PushMentionUserFeedPostCreated {
        /// Always `push-notification.created`.
        pub event_type: Option<String>,
        /// Id of this notification.
        #[serde(default, deserialize_with = "crate::lenient::null_as_default")]
        pub id: String,
        /// Id of the network (the application).
        pub network_id: Option<String>,
        /// Path of the notification's record.
        pub path: Option<String>,
        /// Id of the user whose action caused the notification.
        pub sender_id: Option<String>,
        /// When the notification was sent.
        pub sent_time: Option<String>,
        /// Version of the notification format.
        pub version: Option<String>,
        /// The notification and what it is about; absent, `null` or `""` reads as empty.
        #[serde(default, deserialize_with = "crate::lenient::empty_as_default")]
        pub data: PostPushData,
    }
    occurred_at(ev) = crate::event_time::rfc3339(ev.sent_time.as_deref());
}
