//! Communities, their members, categories and feeds, and the `data` of `v3.community.*`
//! events.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{File, NotificationMode, Permission, TargetType, User};
use crate::lenient::{int, null_as_default, number, one_or_many, open_string_enum};

open_string_enum! {
    /// A user's standing in a community.
    pub enum Membership {
        /// Not a member.
        None = "none",
        /// A member.
        Member = "member",
        /// Banned from the community.
        Banned = "banned",
    }
}

open_string_enum! {
    /// Which posts of a community a feed holds.
    pub enum FeedType {
        /// Published posts.
        Published = "published",
        /// Posts awaiting review.
        Reviewing = "reviewing",
        /// Declined posts.
        Declined = "declined",
    }
}

/// A community: a group with its own feed and chat channel.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Community {
    /// Community id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub community_id: String,
    /// Id of the community's chat channel.
    #[serde(default, deserialize_with = "null_as_default")]
    pub channel_id: String,
    /// Internal id of the community's record (real-time events).
    #[serde(rename = "_id")]
    pub record_id: Option<String>,
    /// Path of the community's record (real-time events).
    pub path: Option<String>,
    /// Id of the creator.
    pub user_id: Option<String>,
    /// Public id of the creator.
    pub user_public_id: Option<String>,
    /// Internal id of the creator.
    pub user_internal_id: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Id of the avatar file.
    pub avatar_file_id: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Whether the community is official.
    pub is_official: Option<bool>,
    /// Whether anyone may find and join the community.
    pub is_public: Option<bool>,
    /// Whether only administrators may post.
    pub only_admin_can_post: Option<bool>,
    /// Whether posts wait for approval.
    pub need_approval_on_post_creation: Option<bool>,
    /// Whether stories of the community may be commented on.
    pub allow_comment_in_story: Option<bool>,
    /// Tags.
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub metadata: Value,
    /// Number of posts.
    #[serde(default, deserialize_with = "int")]
    pub posts_count: Option<i64>,
    /// Number of members.
    #[serde(default, deserialize_with = "int")]
    pub members_count: Option<i64>,
    /// Number of moderators.
    #[serde(default, deserialize_with = "int")]
    pub moderator_member_count: Option<i64>,
    /// Whether the receiving user is a member.
    pub is_joined: Option<bool>,
    /// Ids of the community's categories.
    #[serde(default, deserialize_with = "one_or_many")]
    pub category_ids: Vec<String>,
    /// Whether a comment in the community is flagged.
    pub has_flagged_comment: Option<bool>,
    /// Whether a post in the community is flagged.
    pub has_flagged_post: Option<bool>,
    /// Who is notified of the community's activity.
    pub notification_mode: Option<NotificationMode>,
    /// Whether the community is deleted.
    pub is_deleted: Option<bool>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// A user's membership in a community.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunityUser {
    /// Id of the user.
    pub user_id: Option<String>,
    /// Public id of the user.
    pub user_public_id: Option<String>,
    /// Internal id of the user.
    pub user_internal_id: Option<String>,
    /// Id of the community.
    pub community_id: Option<String>,
    /// Id of the community's chat channel.
    pub channel_id: Option<String>,
    /// The user's standing in the community.
    pub community_membership: Option<Membership>,
    /// Whether the user is banned from the community.
    pub is_banned: Option<bool>,
    /// Roles in the community.
    #[serde(default, deserialize_with = "one_or_many")]
    pub roles: Vec<String>,
    /// What the user may do in the community.
    #[serde(default, deserialize_with = "one_or_many")]
    pub permissions: Vec<Permission>,
    /// Time of the user's last activity in the community.
    pub last_activity: Option<String>,
    /// When the user joined.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// A category communities are listed under.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunityCategory {
    /// Category id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub category_id: String,
    /// Name.
    pub name: Option<String>,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub metadata: Value,
    /// Id of the avatar file.
    pub avatar_file_id: Option<String>,
    /// Whether the category is deleted.
    pub is_deleted: Option<bool>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// A feed: the posts of a user or a community in one state.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Feed {
    /// Feed id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub feed_id: String,
    /// Which posts the feed holds.
    pub feed_type: Option<FeedType>,
    /// Id of the feed's owner.
    pub target_id: Option<String>,
    /// Kind of the feed's owner.
    pub target_type: Option<TargetType>,
    /// Number of posts.
    #[serde(default, deserialize_with = "number")]
    pub post_count: Option<f64>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// The `data` of a `v3.community.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunityData {
    /// The communities concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub communities: Vec<Community>,
    /// Memberships of the users concerned (joined, left, added, removed, banned).
    #[serde(default, deserialize_with = "one_or_many")]
    pub community_users: Vec<CommunityUser>,
    /// Files of the communities and users.
    #[serde(default, deserialize_with = "one_or_many")]
    pub files: Vec<File>,
    /// The users concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub users: Vec<User>,
    /// Categories of the communities.
    #[serde(default, deserialize_with = "one_or_many")]
    pub categories: Vec<CommunityCategory>,
    /// Feeds of the communities.
    #[serde(default, deserialize_with = "one_or_many")]
    pub feeds: Vec<Feed>,
}

impl CommunityData {
    /// The first (usually only) community of the event.
    #[must_use]
    pub fn first_community(&self) -> Option<&Community> {
        self.communities.first()
    }
}
