//! Comments and the `data` of `v3.comment.*` events.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{DataType, File, FileType, Mentionee, Reactor, TargetType, User};
use super::community::CommunityUser;
use crate::lenient::{
    empty_object_as_none, first_spelling_wins, int, null_as_default, number, one_or_many,
    open_string_enum,
};

open_string_enum! {
    /// What a comment is attached to.
    pub enum CommentReferenceType {
        /// A post.
        Post = "post",
        /// A piece of content.
        Content = "content",
        /// A story.
        Story = "story",
    }
}

first_spelling_wins! {
    /// A comment on a post, a piece of content or a story; a reply is a comment with a parent.
    ///
    /// The flag bookkeeping is sent as `hashFlag` or `hashflag`; when a body carries both, the
    /// first one in the body wins.
    pub struct Comment("Comment") spells [("hashFlag", "hashflag")] {
        /// Comment id.
        #[serde(default, deserialize_with = "null_as_default")]
        pub comment_id: String,
        /// Internal id of the comment's record (real-time events).
        #[serde(rename = "_id")]
        pub record_id: Option<String>,
        /// Path of the comment's record (real-time events).
        pub path: Option<String>,
        /// Id of the author.
        pub user_id: Option<String>,
        /// Public id of the author.
        pub user_public_id: Option<String>,
        /// Internal id of the author.
        pub user_internal_id: Option<String>,
        /// Id of the comment this one replies to.
        pub parent_id: Option<String>,
        /// Id of the first comment of the thread.
        pub root_id: Option<String>,
        /// Id of what the comment is attached to.
        pub reference_id: Option<String>,
        /// Kind of what the comment is attached to.
        pub reference_type: Option<CommentReferenceType>,
        /// Kind of content.
        pub data_type: Option<DataType>,
        /// Kinds of content, for a comment that holds several.
        #[serde(default, deserialize_with = "one_or_many")]
        pub data_types: Vec<DataType>,
        /// Content, e.g. `{"text": "nice"}`; any JSON.
        #[serde(default)]
        pub data: Value,
        /// Application metadata, any JSON.
        #[serde(default)]
        pub metadata: Value,
        /// Number of replies.
        #[serde(default, deserialize_with = "number")]
        pub children_number: Option<f64>,
        /// Ids of the replies.
        #[serde(default, deserialize_with = "one_or_many")]
        pub children: Vec<String>,
        /// Sequence number among the comments of its parent.
        #[serde(default, deserialize_with = "int")]
        pub segment_number: Option<i64>,
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
        /// Mentions.
        #[serde(default, deserialize_with = "one_or_many")]
        pub mentionees: Vec<Mentionee>,
        /// Attached images.
        #[serde(default, deserialize_with = "one_or_many")]
        pub attachments: Vec<CommentAttachment>,
        /// Id of the feed's owner (a user or a community).
        pub target_id: Option<String>,
        /// Kind of the feed's owner.
        pub target_type: Option<TargetType>,
        /// Whether the comment is deleted.
        pub is_deleted: Option<bool>,
        /// Last edit time.
        pub edited_at: Option<String>,
        /// Creation time.
        pub created_at: Option<String>,
        /// Last update time.
        pub updated_at: Option<String>,
    }
}

/// A file attached to a comment.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentAttachment {
    /// Id of the file.
    #[serde(default, deserialize_with = "null_as_default")]
    pub file_id: String,
    /// Kind of file.
    #[serde(rename = "type")]
    pub attachment_type: Option<FileType>,
}

/// The `data` of a `v3.comment.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentData {
    /// The comments concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub comments: Vec<Comment>,
    /// Their replies.
    #[serde(default, deserialize_with = "one_or_many")]
    pub comment_children: Vec<Comment>,
    /// Memberships of the users in the community of the comments.
    #[serde(default, deserialize_with = "one_or_many")]
    pub community_users: Vec<CommunityUser>,
    /// The users concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub users: Vec<User>,
    /// Files of the comments and users.
    #[serde(default, deserialize_with = "one_or_many")]
    pub files: Vec<File>,
    /// Who reacted (`v3.comment.didAddReaction`, `v3.comment.didRemoveReaction`).
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub reactor: Option<Reactor>,
    /// Whose comment was flagged (`v3.comment.didFlag`, `v3.comment.didUnflag`).
    pub flagged_user_id: Option<String>,
}

impl CommentData {
    /// The first (usually only) comment of the event.
    #[must_use]
    pub fn first_comment(&self) -> Option<&Comment> {
        self.comments.first()
    }
}
