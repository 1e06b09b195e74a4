//! Follows between users: the `data` of `follow.*` events.

use serde::{Deserialize, Serialize};

use crate::lenient::open_string_enum;

open_string_enum! {
    /// Where a follow stands.
    pub enum FollowStatus {
        /// Requested, awaiting the followed user's answer.
        Pending = "pending",
        /// Following.
        Accepted = "accepted",
        /// Not following (after an unfollow, a decline or a cancelled request).
        None = "none",
    }
}

/// One user following another: the `data` of every `follow.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    /// Id of the follower.
    pub from: Option<String>,
    /// Public id of the follower.
    pub from_user_public_id: Option<String>,
    /// Internal id of the follower.
    pub from_user_internal_id: Option<String>,
    /// Id of the followed user.
    pub to: Option<String>,
    /// Public id of the followed user.
    pub to_user_public_id: Option<String>,
    /// Internal id of the followed user.
    pub to_user_internal_id: Option<String>,
    /// Where the follow stands after the event.
    pub status: Option<FollowStatus>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}
