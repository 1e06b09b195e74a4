//! Typed events and signature verification for the webhooks of the TalkPlus (Klat) and
//! Amity (formerly Eko) chat platforms.
//!
//! A *delivery* is one HTTP request from a platform; the *event* is what it carries. This
//! crate checks that a delivery really came from the platform — over the raw body bytes,
//! in constant time, before anything is parsed — and turns it into a Rust value to match
//! on. An event the crate does not know yet is never an error: it arrives as
//! [`UnknownEvent`] with its name and body.
//!
//! ```
//! use http::HeaderMap;
//! use webhook_core::talkplus::{self, TalkPlus, TalkPlusEvent};
//! use webhook_core::Provider;
//!
//! let api_key = "92935b03e231483fc2cf75d9020f7e492c8fd9c7481eb4c79620ace7fe207d81";
//! let verifier = TalkPlus::verifier([api_key])?;
//!
//! // What TalkPlus would send.
//! let body = br#"{"event":"member_banned","appId":"app-1","channel":{"id":"lobby"},"users":[{"id":"troll"}]}"#;
//! let mut headers = HeaderMap::new();
//! headers.insert("x-talkplus-signature", talkplus::SIGNATURE.sign(api_key.as_bytes(), body).parse()?);
//!
//! let delivery = TalkPlus::receive(&verifier, &headers, body)?;
//! assert_eq!(delivery.event_name, "member_banned");
//! match delivery.parse()? {
//!     TalkPlusEvent::MemberBanned(ev) => {
//!         assert_eq!(ev.channel.id, "lobby");
//!         assert_eq!(ev.users[0].id, "troll");
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//!
//! // One byte changed and the delivery is refused before it is read.
//! let mut forged = body.to_vec();
//! forged[30] ^= 1;
//! assert!(TalkPlus::receive(&verifier, &headers, &forged).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Handlers and the dispatcher
//!
//! A handler is a plain `async fn` marked `#[webhook_handler]`: its first parameter is
//! the event it wants, further parameters are [`Shared`] and [`DeliveryInfo`], and it
//! returns `()` or `Result<(), E>`. A [`Dispatcher`] of one provider gets one line per
//! handler and then turns each delivery (headers and body) into an [`Outcome`].
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use webhook_core::talkplus::{self, MemberBanned, TalkPlus, TalkPlusEvent};
//! use webhook_core::{DeliveryInfo, Dispatcher, Outcome, Provider, Shared, webhook_handler};
//!
//! #[derive(Clone, Default)]
//! struct Moderation {
//!     bans: Arc<Mutex<Vec<String>>>,
//! }
//!
//! #[webhook_handler]
//! async fn on_member_banned(ev: MemberBanned, Shared(app): Shared<Moderation>) -> Result<(), String> {
//!     let mut bans = app.bans.lock().map_err(|_| "lock poisoned".to_owned())?;
//!     bans.extend(ev.users.into_iter().map(|user| user.id));
//!     Ok(())
//! }
//!
//! #[webhook_handler]
//! async fn audit(ev: TalkPlusEvent, info: DeliveryInfo) {
//!     println!("{} delivery of {} bytes: {}", info.provider(), info.body().len(), ev.name());
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Moderation::default();
//! let dispatcher = Dispatcher::new(TalkPlus::verifier(["app-api-key"])?, app.clone())
//!     .handler(on_member_banned)
//!     .handler(audit);
//!
//! let body = r#"{"event":"member_banned","channel":{"id":"lobby"},"users":[{"id":"troll"}]}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-talkplus-signature", talkplus::SIGNATURE.sign(b"app-api-key", body.as_bytes()).parse()?);
//!
//! let outcome = dispatcher.dispatch(headers, body.into()).await;
//! assert_eq!(outcome, Outcome::Handled { event: "member_banned".into(), handlers: 2 });
//! assert_eq!(*app.bans.lock().unwrap(), ["troll"]);
//!
//! // Unsigned: no handler runs.
//! let outcome = dispatcher.dispatch(http::HeaderMap::new(), body.into()).await;
//! assert!(matches!(outcome, Outcome::Unauthorized(_)));
//! # Ok(())
//! # }
//! ```
//!
//! [`Dispatcher`] documents which handlers run for a delivery and in what order.
//!
//! # Supported events
//!
//! The "from" column names where each type's shape comes from: for Amity, the path of the
//! event in Amity's webhook specification (a copy is in `fixtures/amity-spec/`; the v5
//! message events arrive under the chat names and read into the same types, and push
//! notifications, which carry no `event` field, are named `push-notification/<eventName>`).
//!
//! | platform | event name | Rust type | from |
//! |---|---|---|---|
//! | TalkPlus | `message` | [`talkplus::MessageSent`] | webhook page sample |
//! | TalkPlus | `message_deleted` | [`talkplus::MessageDeleted`] | webhook page sample |
//! | TalkPlus | `reaction_added` | [`talkplus::ReactionAdded`] | webhook page sample |
//! | TalkPlus | `reaction_deleted` | [`talkplus::ReactionDeleted`] | webhook page sample |
//! | TalkPlus | `channel_added` | [`talkplus::ChannelAdded`] | webhook page sample |
//! | TalkPlus | `channel_changed` | [`talkplus::ChannelChanged`] | webhook page sample |
//! | TalkPlus | `channel_removed` | [`talkplus::ChannelRemoved`] | webhook page sample |
//! | TalkPlus | `member_added` | [`talkplus::MemberAdded`] | webhook page sample |
//! | TalkPlus | `member_left` | [`talkplus::MemberLeft`] | webhook page sample |
//! | TalkPlus | `member_muted` | [`talkplus::MemberMuted`] | webhook page sample |
//! | TalkPlus | `member_unmuted` | [`talkplus::MemberUnmuted`] | webhook page sample |
//! | TalkPlus | `member_banned` | [`talkplus::MemberBanned`] | webhook page sample |
//! | TalkPlus | `member_unbanned` | [`talkplus::MemberUnbanned`] | webhook page sample |
//! | TalkPlus | `user_blocked` | [`talkplus::UserBlocked`] | webhook page sample |
//! | TalkPlus | `user_unblocked` | [`talkplus::UserUnblocked`] | webhook page sample |
//! | TalkPlus | any other | [`talkplus::UnknownEvent`] (in [`talkplus::TalkPlusEvent::Unknown`]) | |
//! | Amity | `channel.didAddUsers` | [`amity::ChannelDidAddUsers`] | `/webhook/channel.didAddUsers` |
//! | Amity | `channel.didBan` | [`amity::ChannelDidBan`] | `/webhook/channel.didBan` |
//! | Amity | `channel.didClose` | [`amity::ChannelDidClose`] | `/webhook/channel.didClose` |
//! | Amity | `channel.didCreate` | [`amity::ChannelDidCreate`] | `/webhook/channel.didCreate` |
//! | Amity | `channel.didJoin` | [`amity::ChannelDidJoin`] | `/webhook/channel.didJoin` |
//! | Amity | `channel.didLeave` | [`amity::ChannelDidLeave`] | `/webhook/channel.didLeave` |
//! | Amity | `channel.didRemoveUsers` | [`amity::ChannelDidRemoveUsers`] | `/webhook/channel.didRemoveUsers` |
//! | Amity | `channel.didUpdate` | [`amity::ChannelDidUpdate`] | `/webhook/channel.didUpdate` |
//! | Amity | `channel.didUpdateMeta` | [`amity::ChannelDidUpdateMeta`] | `/webhook/channel.didUpdateMeta` |
//! | Amity | `message.didAddReaction` | [`amity::MessageDidAddReaction`] | `/webhook/message.didAddReaction` |
//! | Amity | `message.didClearflag` | [`amity::MessageDidClearFlag`] | `/webhook/message.didClearflag` |
//! | Amity | `message.didCreate` | [`amity::MessageDidCreate`] | `/webhook/message.didCreate`, `/webhook/v5.message.didCreate` |
//! | Amity | `message.didDelete` | [`amity::MessageDidDelete`] | `/webhook/message.didDelete`, `/webhook/v5.message.didDelete` |
//! | Amity | `message.didFlag` | [`amity::MessageDidFlag`] | `/webhook/message.didFlag` |
//! | Amity | `message.didRemoveReaction` | [`amity::MessageDidRemoveReaction`] | `/webhook/message.didRemoveReaction` |
//! | Amity | `message.didUnflag` | [`amity::MessageDidUnflag`] | `/webhook/message.didUnflag` |
//! | Amity | `message.didUpdate` | [`amity::MessageDidUpdate`] | `/webhook/message.didUpdate`, `/webhook/v5.message.didUpdate` |
//! | Amity | `user.didClearFlag` | [`amity::UserDidClearFlag`] | `/webhook/user.didClearFlag` |
//! | Amity | `user.didCreate` | [`amity::UserDidCreate`] | `/webhook/user.didCreate` |
//! | Amity | `user.didFlag` | [`amity::UserDidFlag`] | `/webhook/user.didFlag` |
//! | Amity | `user.didUnflag` | [`amity::UserDidUnflag`] | `/webhook/user.didUnflag` |
//! | Amity | `user.didUpdate` | [`amity::UserDidUpdate`] | `/webhook/user.didUpdate` |
//! | Amity | `moderation.didBan` | [`amity::ModerationDidBan`] | `/webhook/moderation.didBan` |
//! | Amity | `v3.post.didAddReaction` | [`amity::PostDidAddReaction`] | `/webhook/v3.post.didAddReaction` |
//! | Amity | `v3.post.didApprove` | [`amity::PostDidApprove`] | `/webhook/v3.post.didApprove` |
//! | Amity | `v3.post.didCreate` | [`amity::PostDidCreate`] | `/webhook/v3.post.didCreate` |
//! | Amity | `v3.post.didDecline` | [`amity::PostDidDecline`] | `/webhook/v3.post.didDecline` |
//! | Amity | `v3.post.didDelete` | [`amity::PostDidDelete`] | `/webhook/v3.post.didDelete` |
//! | Amity | `v3.post.didFlag` | [`amity::PostDidFlag`] | `/webhook/v3.post.didFlag` |
//! | Amity | `v3.post.didRemoveReaction` | [`amity::PostDidRemoveReaction`] | `/webhook/v3.post.didRemoveReaction` |
//! | Amity | `v3.post.didUnflag` | [`amity::PostDidUnflag`] | `/webhook/v3.post.didUnflag` |
//! | Amity | `v3.post.didUpdate` | [`amity::PostDidUpdate`] | `/webhook/v3.post.didUpdate` |
//! | Amity | `v3.comment.didAddReaction` | [`amity::CommentDidAddReaction`] | `/webhook/v3.comment.didAddReaction` |
//! | Amity | `v3.comment.didCreate` | [`amity::CommentDidCreate`] | `/webhook/v3.comment.didCreate` |
//! | Amity | `v3.comment.didDelete` | [`amity::CommentDidDelete`] | `/webhook/v3.comment.didDelete` |
//! | Amity | `v3.comment.didFlag` | [`amity::CommentDidFlag`] | `/webhook/v3.comment.didFlag` |
//! | Amity | `v3.comment.didRemoveReaction` | [`amity::CommentDidRemoveReaction`] | `/webhook/v3.comment.didRemoveReaction` |
//! | Amity | `v3.comment.didReply` | [`amity::CommentDidReply`] | `/webhook/v3.comment.didReply` |
//! | Amity | `v3.comment.didUnflag` | [`amity::CommentDidUnflag`] | `/webhook/v3.comment.didUnflag` |
//! | Amity | `v3.comment.didUpdate` | [`amity::CommentDidUpdate`] | `/webhook/v3.comment.didUpdate` |
//! | Amity | `v3.community.didAddUsers` | [`amity::CommunityDidAddUsers`] | `/webhook/v3.community.didAddUsers` |
//! | Amity | `v3.community.didBan` | [`amity::CommunityDidBan`] | `/webhook/v3.community.didBan` |
//! | Amity | `v3.community.didCreate` | [`amity::CommunityDidCreate`] | `/webhook/v3.community.didCreate` |
//! | Amity | `v3.community.didDelete` | [`amity::CommunityDidDelete`] | `/webhook/v3.community.didDelete` |
//! | Amity | `v3.community.didJoin` | [`amity::CommunityDidJoin`] | `/webhook/v3.community.didJoin` |
//! | Amity | `v3.community.didLeave` | [`amity::CommunityDidLeave`] | `/webhook/v3.community.didLeave` |
//! | Amity | `v3.community.didRemoveUsers` | [`amity::CommunityDidRemoveUsers`] | `/webhook/v3.community.didRemoveUsers` |
//! | Amity | `v3.community.didRoleChange` | [`amity::CommunityDidRoleChange`] | `/webhook/v3.community.didRoleChange` |
//! | Amity | `v3.community.didUnban` | [`amity::CommunityDidUnban`] | `/webhook/v3.community.didUnban` |
//! | Amity | `v3.community.didUpdate` | [`amity::CommunityDidUpdate`] | `/webhook/v3.community.didUpdate` |
//! | Amity | `follow.didAcceptRequest` | [`amity::FollowDidAcceptRequest`] | `/webhook/follow.didAcceptRequest` |
//! | Amity | `follow.didCancelRequest` | [`amity::FollowDidCancelRequest`] | `/webhook/follow.didCancelRequest` |
//! | Amity | `follow.didCreate` | [`amity::FollowDidCreate`] | `/webhook/follow.didCreate` |
//! | Amity | `follow.didDeclineRequest` | [`amity::FollowDidDeclineRequest`] | `/webhook/follow.didDeclineRequest` |
//! | Amity | `follow.didDeleteFollower` | [`amity::FollowDidDeleteFollower`] | `/webhook/follow.didDeleteFollower` |
//! | Amity | `follow.didRequest` | [`amity::FollowDidRequest`] | `/webhook/follow.didRequest` |
//! | Amity | `follow.didUnfollow` | [`amity::FollowDidUnfollow`] | `/webhook/follow.didUnfollow` |
//! | Amity | `poll.didCreate` | [`amity::PollDidCreate`] | `/webhook/poll.didCreate` |
//! | Amity | `poll.didUpdate` | [`amity::PollDidUpdate`] | `/webhook/poll.didUpdate` |
//! | Amity | `poll.didVote` | [`amity::PollDidVote`] | `/webhook/poll.didVote` |
//! | Amity | `video-streaming.didRecord` | [`amity::VideoStreamingDidRecord`] | `/webhook/video-streaming.didRecord` |
//! | Amity | `video-streaming.didStart` | [`amity::VideoStreamingDidStart`] | `/webhook/video-streaming.didStart` |
//! | Amity | `video-streaming.didStop` | [`amity::VideoStreamingDidStop`] | `/webhook/video-streaming.didStop` |
//! | Amity | `push-notification/channel.created` | [`amity::PushChannelCreated`] | `/webhook/push-notification/channel.created` |
//! | Amity | `push-notification/channel.joined` | [`amity::PushChannelJoined`] | `/webhook/push-notification/channel.joined` |
//! | Amity | `push-notification/comment.created` | [`amity::PushCommentCreated`] | `/webhook/push-notification/comment.created` |
//! | Amity | `push-notification/comment.reacted` | [`amity::PushCommentReacted`] | `/webhook/push-notification/comment.reacted` |
//! | Amity | `push-notification/comment.replied` | [`amity::PushCommentReplied`] | `/webhook/push-notification/comment.replied` |
//! | Amity | `push-notification/follow.accepted` | [`amity::PushFollowAccepted`] | `/webhook/push-notification/follow.accepted` |
//! | Amity | `push-notification/follow.created` | [`amity::PushFollowCreated`] | `/webhook/push-notification/follow.created` |
//! | Amity | `push-notification/follow.requested` | [`amity::PushFollowRequested`] | `/webhook/push-notification/follow.requested` |
//! | Amity | `push-notification/message.created` | [`amity::PushMessageCreated`] | `/webhook/push-notification/message.created` |
//! | Amity | `push-notification/post.approved` | [`amity::PushPostApproved`] | `/webhook/push-notification/post.approved` |
//! | Amity | `push-notification/post.created` | [`amity::PushPostCreated`] | `/webhook/push-notification/post.created` |
//! | Amity | `push-notification/post.need-reviewing` | [`amity::PushPostNeedReviewing`] | `/webhook/push-notification/post.need-reviewing` |
//! | Amity | `push-notification/post.reacted` | [`amity::PushPostReacted`] | `/webhook/push-notification/post.reacted` |
//! | Amity | `push-notification/video-streaming.started` | [`amity::PushVideoStreamingStarted`] | `/webhook/push-notification/video-streaming.started` |
//! | Amity | `push-notification/mention-comment.created` | [`amity::PushMentionCommentCreated`] | `/webhook/push-notification/mention-comment.created` |
//! | Amity | `push-notification/mention-comment.replied` | [`amity::PushMentionCommentReplied`] | `/webhook/push-notification/mention-comment.replied` |
//! | Amity | `push-notification/mention-post.created` | [`amity::PushMentionPostCreated`] | `/webhook/push-notification/mention-post.created` |
//! | Amity | `push-notification/mention-user-feed-comment.created` | [`amity::PushMentionUserFeedCommentCreated`] | `/webhook/push-notification/mention-user-feed-comment.created` |
//! | Amity | `push-notification/mention-user-feed-comment.replied` | [`amity::PushMentionUserFeedCommentReplied`] | `/webhook/push-notification/mention-user-feed-comment.replied` |
//! | Amity | `push-notification/mention-user-feed-post.created` | [`amity::PushMentionUserFeedPostCreated`] | `/webhook/push-notification/mention-user-feed-post.created` |
//! | Amity | any other | [`amity::UnknownEvent`] (in [`amity::AmityEvent::Unknown`]) | |
//!
//! # Signature schemes
//!
//! | platform | header | value |
//! |---|---|---|
//! | TalkPlus | `x-talkplus-signature` | base64(HMAC-SHA256(body, App API Key)) — [`talkplus::SIGNATURE`] |
//! | Amity | `x-amity-signature` | HMAC-SHA256(body, secret) in base64 or in hex (Amity's own pages use both) — [`amity::SIGNATURE`]; decides when both headers are present |
//! | Amity (legacy, on by default) | `X-EKO-Signature` | `sha1=` hex(HMAC-SHA1(body, secret)) — [`amity::LEGACY_SIGNATURE`] |
//!
//! A platform not listed here implements [`Provider`] in its own crate.
//!
//! # Events that carry their own time
//!
//! [`Dispatcher::max_age`] refuses a delivery whose event happened too long before it was
//! received (a captured delivery sent again). Only these events say when they happened;
//! the others are never refused by age, nor is one of these read by its handler into a
//! type of the application's own (`#[webhook_handler(event = "...")]`), whose time this
//! crate does not know.
//!
//! | platform | event | its time |
//! |---|---|---|
//! | TalkPlus | `message` | `message.createdAt` (milliseconds or seconds) |
//! | TalkPlus | `channel_added` | `channel.createdAt` |
//! | Amity | `message.didCreate` | the first message's `createdAt` (none when that item has no `messageId`: a message feed, as the specification's v5 shape gives it) |
//! | Amity | `message.didUpdate` | the first message's `updatedAt` (the same) |
//! | Amity | `channel.didCreate` | the first channel's `createdAt` |
//! | Amity | `v3.post.didCreate`, `v3.post.didUpdate` | the first post's `createdAt`, `updatedAt` |
//! | Amity | `v3.comment.didCreate`, `v3.comment.didReply`, `v3.comment.didUpdate` | the first comment's `createdAt`, `createdAt`, `updatedAt` |
//! | Amity | every `push-notification/…` event | `sentTime` |
//!
//! Deletions, reactions and membership changes carry only the times of the objects they
//! concern (a message deleted today was created long ago), so they are not listed.

mod event_time;
mod events_macro;

pub mod amity;
pub mod dispatch;
pub mod envelope;
pub mod event;
pub mod handler;
pub mod inbox;
pub mod lenient;
pub mod metrics;
pub mod payload;
pub mod provider;
pub mod store;
pub mod talkplus;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verify;

/// Marks an `async fn` as a webhook handler and checks its signature; see the crate docs.
pub use webhook_macros::webhook_handler;

pub use dispatch::{Dispatcher, EventName, Failure, HandlerFailure, OnStoreError, Outcome};
pub use event::{Custom, CustomEvent, Event, Route, UnknownEvent};
pub use handler::{DeliveryInfo, Registration, RegistrationError, Shared};
pub use inbox::{Inbox, InboxSettings, RetryPolicy};
pub use payload::PayloadError;
pub use provider::{DeliveryError, DeliveryIdSource, Provider, VerifiedDelivery};
pub use store::{MemoryStore, Store, StoreError};
pub use verify::{ConfigError, SignatureScheme, SigningKey, Verifier, VerifyError};

/// What `#[webhook_handler]`'s expansion names. Not public API: it may change at any time.
#[doc(hidden)]
pub mod __private {
    pub use linkme;
}
