//! Live video streams and the `data` of `video-streaming.*` events.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{File, User};
use crate::lenient::{
    empty_object_as_none, null_as_default, number, one_or_many, open_string_enum,
};

open_string_enum! {
    /// Where a live stream stands.
    pub enum StreamStatus {
        /// Created, not started.
        Idle = "idle",
        /// Streaming.
        Live = "live",
        /// Stopped.
        Ended = "ended",
        /// Stopped, with its recording ready.
        Recorded = "recorded",
    }
}

open_string_enum! {
    /// The resolution of a live stream.
    pub enum Resolution {
        /// Standard definition.
        Sd = "SD",
        /// High definition.
        Hd = "HD",
        /// Full high definition.
        Fhd = "FHD",
    }
}

/// A live video stream.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoStreaming {
    /// Stream id.
    #[serde(default, deserialize_with = "null_as_default")]
    pub stream_id: String,
    /// Id of the streamer.
    pub user_id: Option<String>,
    /// Internal id of the streamer.
    pub user_internal_id: Option<String>,
    /// Public id of the streamer.
    pub user_public_id: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Id of the thumbnail image.
    pub thumbnail_file_id: Option<String>,
    /// Where the stream stands.
    pub status: Option<StreamStatus>,
    /// Whether the stream is live.
    pub is_live: Option<bool>,
    /// Whether the stream is deleted.
    pub is_deleted: Option<bool>,
    /// The streaming platform.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub platform: Option<StreamPlatform>,
    /// Id of the stream's moderation record.
    pub moderation_id: Option<String>,
    /// Resolution.
    pub resolution: Option<Resolution>,
    /// Where the streamer sends the stream.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub streamer_url: Option<StreamUrl>,
    /// Where viewers watch the stream, per protocol.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub watcher_url: Option<WatcherUrls>,
    /// Recordings of the stream.
    #[serde(default, deserialize_with = "one_or_many")]
    pub recordings: Vec<Recording>,
    /// Application metadata, any JSON.
    #[serde(default)]
    pub metadata: Value,
    /// Start time.
    pub started_at: Option<String>,
    /// End time.
    pub ended_at: Option<String>,
    /// Creation time.
    pub created_at: Option<String>,
    /// Last update time.
    pub updated_at: Option<String>,
}

/// The platform a stream is sent from.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamPlatform {
    /// Name.
    pub name: Option<String>,
    /// Version.
    pub version: Option<String>,
}

/// A stream URL, whole and in parts.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamUrl {
    /// The whole URL.
    pub url: Option<String>,
    /// Its parts.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub components: Option<StreamUrlComponents>,
}

/// The parts of a stream URL.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamUrlComponents {
    /// Scheme and host.
    pub origin: Option<String>,
    /// Application name.
    pub app_name: Option<String>,
    /// Stream name.
    pub stream_name: Option<String>,
    /// Query string.
    pub query: Option<String>,
}

/// Where viewers watch a stream, per protocol.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatcherUrls {
    /// FLV.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub flv: Option<StreamUrl>,
    /// HLS.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub hls: Option<StreamUrl>,
    /// RTMP.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub rtmp: Option<StreamUrl>,
}

/// One recording of a stream, per format.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recording {
    /// FLV.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub flv: Option<RecordingFile>,
    /// MP4.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub mp4: Option<RecordingFile>,
    /// HLS playlist.
    #[serde(default, deserialize_with = "empty_object_as_none")]
    pub m3u8: Option<RecordingFile>,
}

/// A recorded file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingFile {
    /// Download URL.
    pub url: Option<String>,
    /// Length in seconds.
    #[serde(default, deserialize_with = "number")]
    pub duration: Option<f64>,
    /// Start, as a timestamp.
    #[serde(default, deserialize_with = "number")]
    pub start_time: Option<f64>,
    /// End, as a timestamp.
    #[serde(default, deserialize_with = "number")]
    pub stop_time: Option<f64>,
}

/// The `data` of a `video-streaming.*` event.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoStreamingData {
    /// The streams concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub video_streamings: Vec<VideoStreaming>,
    /// The users concerned.
    #[serde(default, deserialize_with = "one_or_many")]
    pub users: Vec<User>,
    /// Files of the streams and users, e.g. thumbnails.
    #[serde(default, deserialize_with = "one_or_many")]
    pub files: Vec<File>,
}

impl VideoStreamingData {
    /// The first (usually only) stream of the event.
    #[must_use]
    pub fn first_stream(&self) -> Option<&VideoStreaming> {
        self.video_streamings.first()
    }
}
