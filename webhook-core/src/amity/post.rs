//! Social posts and the `data` of `v3.post.*` events.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::comment::Comment;
use super::common::{DataType, File, Mentionee, Reactor, TargetType, User};
use super::community::{Community, CommunityCategory, CommunityUser, Feed};
use super::video::VideoStreaming;
use crate::lenient::{
    empty_object_as_none, first_spelling_wins, int, null_as_default, one_or_many,
};

first_spelling_wins! {
    /// A post in a user's or a community's feed.
    ///
    /// The flag bookkeeping is sent as `hashFlag` or `hashflag`; when a body carries both, the
    /// first one in the body wins.
    pub struct Post("Post") spells [("hashFlag", "hashflag")] {
        /// Post id.
        #[serde(default, deserialize_with = "null_as_default")]
        pub post_id: String,
        /// Internal id of the post's record (real-time events).
        #[serde(rename = "_id")]
        pub record_id: Option<String>,
        /// Path of the post's record (real-time events).
        pub path: Option<String>,
        /// Id of the post this one is a child of (an image or file of a multi-part post).
        pub parent_post_id: Option<String>,
        /// Id of the author.
        pub posted_user_id: Option<String>,
        /// Public id of the author.
        pub posted_user_public_id: Option<String>,
        /// Internal id of the author.
        pub posted_user_internal_id: Option<String>,
        /// Id of the user who shared the post.
        pub shared_user_id: Option<String>,
        /// Number of shares.
        #[serde(default, deserialize_with = "int")]
        pub shared_count: Option<i64>,
        /// Id of the feed's owner (a user or a community).
        pub target_id: Option<String>,
        /// Public id of the feed's owner.
        pub target_public_id: Option<String>,
        /// Internal id of the feed's owner.
        pub target_internal_id: Option<String>,
        /// Kind of the feed's owner.
        pub target_type: Option<TargetType>,
        /// Kind of content.
        pub data_type: Option<DataType>,
        /// Content.
        #[serde(default, deserialize_with = "empty_object_as_none")]
        pub data: Option<PostContent>,
        /// Application metadata, any JSON.
        #[serde(default)]
        pub metadata: Value,
        /// Number of flags.
        #[serde(default, deserialize_with = "int")]
        pub flag_count: Option<i64>,
        /// Flag bookkeeping, kept as sent. Sent as `hashFlag` or `hashflag`; the first one wins.
        #[serde(default, rename = "hashFlag")]
        pub hash_flag: Value,
        /// Reaction counts by name, e.g. `{"like": 1}`; any JSON.
        #[serde(default)]
        pub reactions: Value,
        /// Total number of reactions.
        #[serde(default, deserialize_with = "int")]
        pub reactions_count: Option<i64>,
        /// The receiving user's own reactions.
        #[serde(default, deserialize_with = "one_or_many")]
        pub my_reactions: Vec<String>,
        /// Number of comments.
        #[serde(default, deserialize_with = "int")]
        pub comments_count: Option<i64>,
        /// Ids of the latest comments.
        #[serde(default, deserialize_with = "one_or_many")]
        pub comments: Vec<String>,
        /// Ids of the child posts.
        #[serde(default, deserialize_with = "one_or_many")]
        pub children: Vec<String>,
        /// Whether the post is deleted.
        pub is_deleted: Option<bool>,
        /// Whether a comment on the post is flagged.
        pub has_flagged_comment: Option<bool>,
        /// Whether a child post is flagged.
        pub has_flagged_children: Option<bool>,
        /// Id of the feed holding the post.
        pub feed_id: Option<String>,
        /// Tags.
        #[serde(default, deserialize_with = "one_or_many")]
        pub tags: Vec<String>,
        /// Mentions.
        #[serde(default, deserialize_with = "one_or_many")]
        pub mentionees: Vec<Mentionee>,
        /// Number of times the post was seen.
        #[serde(default, deserialize_with = "int")]
        pub impression: Option<i64>,
        /// Number of users who saw the post.
        #[serde(default, deserialize_with = "int")]
        pub reach: Option<i64>,
        /// Last edit time.
        pub edited_at: Option<String>,
        /// Creation time.
        pub created_at: Option<String>,
        /// Last update time.
        pub updated_at: Option<String>,
    }
}

/// The content of a post.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostContent {
    /// Text.
    pub text: Option<String>,
    /// Id of the image or file.
    pub file_id: Option<String>,
    /// Id of the video's thumbnail image.
    pub thumbnail_file_id: Option<String>,
    /// Ids of the video in each quality.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub video_file_id: Option<VideoFileIds>,
    /// Id of the live stream.
    pub stream_id: Option<String>,
    /// Fields the specification does not list, as sent: custom posts carry their own.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The ids of one video in each quality.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoFileIds {
    /// As uploaded.
    pub original: Option<String>,
    /// Low quality.
    pub low: Option<String>,
    /// Medium quality.
    pub medium: Option<String>,
    /// High quality.
    pub high: Option<String>,
}

/// The `data` of a `v3.post.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PostData {
    /// The posts concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub posts: Vec<Post>,
    /// Their child posts.
    #[serde(default, deserialize_with = "one_or_many")]
    pub post_children: Vec<Post>,
    /// Comments on the posts.
    #[serde(default, deserialize_with = "one_or_many")]
    pub comments: Vec<Comment>,
    /// The users concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub users: Vec<User>,
    /// Files of the posts and users.
    #[serde(default, deserialize_with = "one_or_many")]
    pub files: Vec<File>,
    /// Communities the posts belong to.
    #[serde(default, deserialize_with = "one_or_many")]
    pub communities: Vec<Community>,
    /// Memberships of the users in those communities.
    #[serde(default, deserialize_with = "one_or_many")]
    pub community_users: Vec<CommunityUser>,
    /// Categories of those communities.
    #[serde(default, deserialize_with = "one_or_many")]
    pub categories: Vec<CommunityCategory>,
    /// Feeds holding the posts.
    #[serde(default, deserialize_with = "one_or_many")]
    pub feeds: Vec<Feed>,
    /// Live streams of the posts.
    #[serde(default, deserialize_with = "one_or_many")]
    pub video_streamings: Vec<VideoStreaming>,
    /// Who reacted (`v3.post.didAddReaction`, `v3.post.didRemoveReaction`).
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub reactor: Option<Reactor>,
    /// Whose post was flagged (`v3.post.didFlag`, `v3.post.didUnflag`).
    pub flagged_user_id: Option<String>,
}

impl PostData {
    /// The first (usually only) post of the event.
    #[must_use]
    pub fn first_post(&self) -> Option<&Post> {
        self.posts.first()
    }
}
