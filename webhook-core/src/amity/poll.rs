//! Polls and the `data` of `poll.*` events.

use serde::{Deserialize, Serialize};

use super::common::{DataType, User};
use crate::lenient::{null_as_default, number, one_or_many};

/// A poll: a question with answers to vote for.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Poll {
    /// Poll id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub poll_id: String,
    /// Id of the creator.
    pub user_id: Option<String>,
    /// Internal id of the creator.
    pub user_internal_id: Option<String>,
    /// Public id of the creator.
    pub user_public_id: Option<String>,
    /// The question.
    pub question: Option<String>,
    /// The answers.
    #[serde(default, deserialize_with = "one_or_many")]
    pub answers: Vec<PollAnswer>,
    /// How many answers a voter may pick, e.g. `single` or `multiple`.
    pub answer_type: Option<String>,
    /// State, e.g. `open` or `closed`.
    pub status: Option<String>,
    /// Whether the receiving user voted.
    pub is_voted: Option<bool>,
    /// How long after creation the poll closes, in milliseconds.
    #[serde(default, deserialize_with = "number")]
    pub closed_in: Option<f64>,
    /// When the poll closed or closes.
    pub closed_at: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
}

/// One answer of a poll.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollAnswer {
    /// Answer id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// Kind of content.
    pub data_type: Option<DataType>,
    /// The answer's text.
    pub data: Option<String>,
    /// Number of votes.
    #[serde(default, deserialize_with = "number")]
    pub vote_count: Option<f64>,
    /// Whether the receiving user voted for it.
    pub is_voted_by_user: Option<bool>,
}

/// The `data` of a `poll.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PollData {
    /// The polls concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub polls: Vec<Poll>,
    /// The users concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub users: Vec<User>,
}

impl PollData {
    /// The first (usually only) poll of the event.
    #[must_use]
    pub fn first_poll(&self) -> Option<&Poll> {
        self.polls.first()
    }
}
