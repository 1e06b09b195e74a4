//! Objects that every Amity event family shares: users, files, reactions, mentions and the
//! open string enums they use.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient::{
    empty_object_as_none, first_spelling_wins, int, null_as_default, number, one_or_many,
    open_string_enum,
};

open_string_enum! {
    /// What a user may do; a role grants a set of them.
    pub enum Permission {
        /// Mute channel.
        MuteChannel = "MUTE_CHANNEL",
        /// Close channel.
        CloseChannel = "CLOSE_CHANNEL",
        /// Edit channel.
        EditChannel = "EDIT_CHANNEL",
        /// Edit channel ratelimit.
        EditChannelRatelimit = "EDIT_CHANNEL_RATELIMIT",
        /// Edit message.
        EditMessage = "EDIT_MESSAGE",
        /// Delete message.
        DeleteMessage = "DELETE_MESSAGE",
        /// Ban user from channel.
        BanUserFromChannel = "BAN_USER_FROM_CHANNEL",
        /// Mute user inside channel.
        MuteUserInsideChannel = "MUTE_USER_INSIDE_CHANNEL",
        /// Add channel user.
        AddChannelUser = "ADD_CHANNEL_USER",
        /// Remove channel user.
        RemoveChannelUser = "REMOVE_CHANNEL_USER",
        /// Edit channel user.
        EditChannelUser = "EDIT_CHANNEL_USER",
        /// Assign channel user role.
        AssignChannelUserRole = "ASSIGN_CHANNEL_USER_ROLE",
        /// Ban user.
        BanUser = "BAN_USER",
        /// Edit user.
        EditUser = "EDIT_USER",
        /// Assign user role.
        AssignUserRole = "ASSIGN_USER_ROLE",
        /// Edit user feed post.
        EditUserFeedPost = "EDIT_USER_FEED_POST",
        /// Delete user feed post.
        DeleteUserFeedPost = "DELETE_USER_FEED_POST",
        /// Edit user feed comment.
        EditUserFeedComment = "EDIT_USER_FEED_COMMENT",
        /// Delete user feed comment.
        DeleteUserFeedComment = "DELETE_USER_FEED_COMMENT",
        /// Add community user.
        AddCommunityUser = "ADD_COMMUNITY_USER",
        /// Remove community user.
        RemoveCommunityUser = "REMOVE_COMMUNITY_USER",
        /// Edit community user.
        EditCommunityUser = "EDIT_COMMUNITY_USER",
        /// Ban community user.
        BanCommunityUser = "BAN_COMMUNITY_USER",
        /// Mute community user.
        MuteCommunityUser = "MUTE_COMMUNITY_USER",
        /// Edit community.
        EditCommunity = "EDIT_COMMUNITY",
        /// Delete community.
        DeleteCommunity = "DELETE_COMMUNITY",
        /// Edit community post.
        EditCommunityPost = "EDIT_COMMUNITY_POST",
        /// Delete community post.
        DeleteCommunityPost = "DELETE_COMMUNITY_POST",
        /// Pin community post.
        PinCommunityPost = "PIN_COMMUNITY_POST",
        /// Edit community comment.
        EditCommunityComment = "EDIT_COMMUNITY_COMMENT",
        /// Delete community comment.
        DeleteCommunityComment = "DELETE_COMMUNITY_COMMENT",
        /// Assign community user role.
        AssignCommunityUserRole = "ASSIGN_COMMUNITY_USER_ROLE",
        /// Create community category.
        CreateCommunityCategory = "CREATE_COMMUNITY_CATEGORY",
        /// Edit community category.
        EditCommunityCategory = "EDIT_COMMUNITY_CATEGORY",
        /// Delete community category.
        DeleteCommunityCategory = "DELETE_COMMUNITY_CATEGORY",
        /// Create role.
        CreateRole = "CREATE_ROLE",
        /// Edit role.
        EditRole = "EDIT_ROLE",
        /// Delete role.
        DeleteRole = "DELETE_ROLE",
        /// Manage community story.
        ManageCommunityStory = "MANAGE_COMMUNITY_STORY",
    }
}

open_string_enum! {
    /// The kind of an uploaded file.
    pub enum FileType {
        /// An image.
        Image = "image",
        /// Any other file.
        File = "file",
        /// A video.
        Video = "video",
    }
}

open_string_enum! {
    /// The kind of content a post, a comment or a poll answer holds.
    pub enum DataType {
        /// Text.
        Text = "text",
        /// An image.
        Image = "image",
        /// A file.
        File = "file",
        /// A video.
        Video = "video",
        /// A live stream.
        LiveStream = "liveStream",
    }
}

open_string_enum! {
    /// Where a post, comment or feed lives.
    pub enum TargetType {
        /// A user's own feed.
        User = "user",
        /// A community.
        Community = "community",
        /// A piece of content.
        Content = "content",
    }
}

open_string_enum! {
    /// Who is notified of a channel's or community's activity.
    pub enum NotificationMode {
        /// The network's default.
        Default = "default",
        /// Nobody.
        Silent = "silent",
        /// Those who subscribed.
        Subscribe = "subscribe",
    }
}

open_string_enum! {
    /// What a mention refers to.
    pub enum MentioneeType {
        /// Named users.
        User = "user",
        /// Everyone in the channel.
        Channel = "channel",
    }
}

first_spelling_wins! {
    /// An Amity user, as chat and social events send it.
    ///
    /// The flag bookkeeping is sent as `hashFlag` or `hashflag`; when a body carries both, the
    /// first one in the body wins.
    pub struct User("User") spells [("hashFlag", "hashflag")] {
        /// User id.
        #[serde(default, deserialize_with = "null_as_default")]
        pub user_id: String,
        /// Internal id of the user's record (real-time events).
        #[serde(rename = "_id")]
        pub record_id: Option<String>,
        /// Path of the user's record (real-time events).
        pub path: Option<String>,
        /// The platform's internal user id.
        pub user_internal_id: Option<String>,
        /// The user id shown to clients.
        pub user_public_id: Option<String>,
        /// Display name.
        pub display_name: Option<String>,
        /// Free-text description.
        pub description: Option<String>,
        /// Roles.
        #[serde(default, deserialize_with = "one_or_many")]
        pub roles: Vec<String>,
        /// What the user may do.
        #[serde(default, deserialize_with = "one_or_many")]
        pub permissions: Vec<Permission>,
        /// Id of the avatar file.
        pub avatar_file_id: Option<String>,
        /// URL of an avatar hosted elsewhere.
        pub avatar_custom_url: Option<String>,
        /// Application metadata, any JSON.
        #[serde(default)]
        pub metadata: Value,
        /// Number of flags.
        #[serde(default, deserialize_with = "int")]
        pub flag_count: Option<i64>,
        /// Flag bookkeeping (`{"bits", "hashes", "hash"}`), kept as sent: its inner shape is
        /// the platform's business. Sent as `hashFlag` or `hashflag`; the first one wins.
        #[serde(default, rename = "hashFlag")]
        pub hash_flag: Value,
        /// Whether the user is banned across the network.
        pub is_global_ban: Option<bool>,
        /// Whether this is a brand account.
        pub is_brand: Option<bool>,
        /// Whether the user is deleted.
        #[serde(default, deserialize_with = "null_as_default")]
        pub is_deleted: bool,
        /// Creation time.
        pub created_at: Option<String>,
        /// Last update time.
        pub updated_at: Option<String>,
    }
}

/// An uploaded file: attachments, avatars, thumbnails.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct File {
    /// File id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub file_id: String,
    /// Download URL.
    pub file_url: Option<String>,
    /// Kind of file.
    #[serde(rename = "type")]
    pub file_type: Option<FileType>,
    /// Name, size and type.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub attributes: Option<FileAttributes>,
    /// Upload time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// What the platform knows of a file's content.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileAttributes {
    /// File name.
    pub name: Option<String>,
    /// File name extension.
    pub extension: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "number")]
    pub size: Option<f64>,
    /// MIME type.
    pub mime_type: Option<String>,
    /// Image details.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub metadata: Option<FileMetadata>,
}

/// Details of an image file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileMetadata {
    /// EXIF data, any JSON.
    #[serde(default)]
    pub exif: Value,
    /// Location data, any JSON.
    #[serde(default)]
    pub gps: Value,
    /// Height in pixels.
    #[serde(default, deserialize_with = "number")]
    pub height: Option<f64>,
    /// Width in pixels.
    #[serde(default, deserialize_with = "number")]
    pub width: Option<f64>,
    /// Whether this is the full-size image.
    pub is_full: Option<bool>,
}

first_spelling_wins! {
    /// Who reacted, with which reaction (reaction events).
    ///
    /// The public user id is specified as `userPublicIdId`; it is also read as `userPublicId`,
    /// and when a body carries both, the first one in the body wins.
    pub struct Reactor("Reactor") spells [("userPublicIdId", "userPublicId")] {
        /// Reaction id.
        #[serde(default, deserialize_with = "null_as_default")]
        pub reaction_id: String,
        /// The reaction's name, e.g. `like`.
        pub reaction_name: Option<String>,
        /// Id of the user who reacted.
        pub user_id: Option<String>,
        /// Public id of the user who reacted (sent as `userPublicIdId` or `userPublicId`; the
        /// first one wins).
        #[serde(rename = "userPublicIdId")]
        pub user_public_id: Option<String>,
        /// Internal id of the user who reacted.
        pub user_internal_id: Option<String>,
        /// Reaction time.
        pub created_at: Option<String>,
        /// Last update time.
        pub updated_at: Option<String>,
    }
}

/// The reactions to one message, post or comment (`reactions` of v5 message events).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// Id of what was reacted to.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reference_id: String,
    /// Kind of what was reacted to, e.g. `message`.
    pub reference_type: Option<String>,
    /// Who reacted.
    #[serde(default, deserialize_with = "one_or_many")]
    pub reactors: Vec<Reactor>,
}

/// The latest reaction to a message.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatestReaction {
    /// Id of what was reacted to.
    pub reference_id: Option<String>,
    /// Kind of what was reacted to.
    pub reference_type: Option<String>,
    /// The reaction's name.
    pub reaction_name: Option<String>,
    /// Id of the user who reacted.
    pub user_id: Option<String>,
    /// Display name of the user who reacted.
    pub user_display_name: Option<String>,
    /// Reaction id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub reaction_id: String,
    /// The event that recorded the reaction.
    pub event_name: Option<String>,
    /// Reaction time.
    pub created_at: Option<String>,
}

/// Users mentioned in a message, post or comment.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Mentionee {
    /// Whether named users or the whole channel are mentioned.
    #[serde(rename = "type")]
    pub mentionee_type: Option<MentioneeType>,
    /// Ids of the mentioned users.
    #[serde(default, deserialize_with = "one_or_many")]
    pub user_ids: Vec<String>,
    /// Public ids of the mentioned users.
    #[serde(default, deserialize_with = "one_or_many")]
    pub user_public_ids: Vec<String>,
    /// Internal ids of the mentioned users.
    #[serde(default, deserialize_with = "one_or_many")]
    pub user_internal_ids: Vec<String>,
}
