//! Amity (formerly Eko, now also social.plus): its provider, signature schemes and
//! events.
//!
//! Amity signs with `x-amity-signature` (base64 of HMAC-SHA256 over the raw body, keyed with
//! the webhook secret) and, in its older form, `X-EKO-Signature: sha1=<hex HMAC-SHA1>`. A
//! delivery may carry both; the current one then decides, as Amity's documentation says.
//!
//! Every event of Amity's webhook specification has a type, grouped by family: chat
//! (`channel.*`, `message.*`, `user.*`, `moderation.didBan`), social (`v3.post.*`,
//! `v3.comment.*`, `v3.community.*`, `follow.*`, `poll.*`, `video-streaming.*`) and push
//! notifications (`push-notification/*`). An event outside the specification arrives as
//! [`AmityEvent::Unknown`] with its name and body.
//!
//! # Reading what Amity sends
//!
//! A real delivery is never refused for its shape when it can be read at all:
//! - every field but the objects' ids may be absent or `null`; ids then read as `""`;
//! - unknown fields are ignored, and string enums keep values this crate does not know in
//!   their `Other` variant;
//! - times are kept as the strings sent; integers are `Option<i64>` and also accept a
//!   string holding one (`"memberCount": "3"`); `number` fields are `Option<f64>`;
//! - an optional object sent as `""` or `{}` reads as absent; a list may also be sent as
//!   one value;
//! - free-form objects (`metadata`, a message's `data`) are [`serde_json::Value`];
//! - a field sent under two spellings (`hashFlag`/`hashflag`, `channel`/`channels`,
//!   `messages`/`message`, `users`/`user`, `userPublicIdId`/`userPublicId`) is read under
//!   either; when a body carries both, **the first one in the body wins** and the other is
//!   skipped unread.
//!
//! v5 message events arrive under the chat names and read into [`MessageData`], which
//! holds both shapes. Push notifications have their own envelope and are named
//! `push-notification/<eventName>`; see [`PushChannelCreated`] and the `*PushData` types.

mod chat;
mod comment;
mod common;
mod community;
mod events;
mod follow;
mod poll;
mod post;
mod push;
mod video;

pub use chat::{
    Channel, ChannelData, ChannelType, Message, MessageData, MessageFeed, MessageType, UserData,
};
pub use comment::{Comment, CommentAttachment, CommentData, CommentReferenceType};
pub use common::{
    DataType, File, FileAttributes, FileMetadata, FileType, LatestReaction, Mentionee,
    MentioneeType, NotificationMode, Permission, Reaction, Reactor, TargetType, User,
};
pub use community::{
    Community, CommunityCategory, CommunityData, CommunityUser, Feed, FeedType, Membership,
};
pub use events::*;
pub use follow::{Follow, FollowStatus};
pub use poll::{Poll, PollAnswer, PollData};
pub use post::{Post, PostContent, PostData, VideoFileIds};
pub use push::{
    ChannelPushData, CommentPushData, FollowPushData, MessagePushData, PostPushData,
    VideoStreamingPushData,
};
pub use video::{
    Recording, RecordingFile, Resolution, StreamPlatform, StreamStatus, StreamUrl,
    StreamUrlComponents, VideoStreaming, VideoStreamingData, WatcherUrls,
};

use crate::envelope::NestedName;
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
    const EVENT_NAMES: &'static [&'static str] = EVENT_NAMES;
    const NESTED_EVENT_NAME: Option<NestedName> = Some(NestedName {
        type_field: "eventType",
        object: "data",
        name_field: "eventName",
        delivery_id: Some("id"),
    });
    const DELIVERY_ID: DeliveryIdSource = DeliveryIdSource::BodyField("requestId");
    type Event = AmityEvent;
}

/// An Amity event this crate has no type for.
pub type UnknownEvent = crate::UnknownEvent<Amity>;
