//! The signed deliveries the benchmarks send: bodies from `webhook-core`'s fixtures, signed
//! with the bench keys exactly as the platforms would sign them.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde_json::Value;
use webhook_core::{amity, talkplus};

/// The TalkPlus App API Key the benchmarks sign and verify with.
pub const TALKPLUS_KEY: &str = "92935b03e231483fc2cf75d9020f7e492c8fd9c7481eb4c79620ace7fe207d81";
/// The Amity webhook secret the benchmarks sign and verify with.
pub const AMITY_SECRET: &str = "bench-amity-webhook-secret";

/// TalkPlus `message` sample (about 1.3 KB, as the platform documents it).
pub const TALKPLUS_MESSAGE: &[u8] =
    include_bytes!("../../webhook-core/fixtures/talkplus/message.json");
/// TalkPlus `channel_added` sample (one member).
pub const TALKPLUS_CHANNEL_ADDED: &[u8] =
    include_bytes!("../../webhook-core/fixtures/talkplus/channel_added.json");
/// Amity `message.didCreate` sample.
pub const AMITY_MESSAGE_DID_CREATE: &[u8] =
    include_bytes!("../../webhook-core/fixtures/amity/message.didCreate.json");

/// Members in the large `channel_added` delivery.
pub const LARGE_MEMBERS: usize = 1000;

/// One delivery as it reaches the receiver: request headers and raw body.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The request headers, the signature among them.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl Delivery {
    /// A delivery of `body` with `header: value` (and a JSON content type).
    fn new(body: Bytes, header: &'static str, value: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            header,
            HeaderValue::from_str(value).expect("a signature is a valid header value"),
        );
        Self { headers, body }
    }

    /// A TalkPlus delivery of `body`, signed with [`TALKPLUS_KEY`].
    #[must_use]
    pub fn talkplus(body: impl Into<Bytes>) -> Self {
        let body = body.into();
        let signature = talkplus::SIGNATURE.sign(TALKPLUS_KEY.as_bytes(), &body);
        Self::new(body, talkplus::SIGNATURE.header, &signature)
    }

    /// An Amity delivery of `body` signed with [`AMITY_SECRET`] under the current scheme
    /// (`x-amity-signature`, base64 HMAC-SHA256).
    #[must_use]
    pub fn amity(body: impl Into<Bytes>) -> Self {
        let body = body.into();
        let signature = amity::SIGNATURE.sign(AMITY_SECRET.as_bytes(), &body);
        Self::new(body, amity::SIGNATURE.header, &signature)
    }

    /// An Amity delivery of `body` signed with [`AMITY_SECRET`] under the legacy scheme
    /// only (`X-EKO-Signature: sha1=<hex HMAC-SHA1>`).
    #[must_use]
    pub fn amity_legacy(body: impl Into<Bytes>) -> Self {
        let body = body.into();
        let signature = amity::LEGACY_SIGNATURE.sign(AMITY_SECRET.as_bytes(), &body);
        Self::new(body, amity::LEGACY_SIGNATURE.header, &signature)
    }
}

/// The `channel_added` sample with `members` members (ids `user0`, `user1`, …), compact
/// JSON with `event` first. With 1000 members it is about 190 KB.
#[must_use]
pub fn channel_added_with_members(members: usize) -> Bytes {
    let mut sample: Value =
        serde_json::from_slice(TALKPLUS_CHANNEL_ADDED).expect("the fixture is JSON");
    let channel = sample
        .get_mut("channel")
        .and_then(Value::as_object_mut)
        .expect("the fixture has a channel object");
    let template = channel
        .get("members")
        .and_then(|members| members.get(0))
        .cloned()
        .expect("the fixture has one member");
    let list: Vec<Value> = (0..members)
        .map(|index| {
            let mut member = template.clone();
            member["id"] = Value::from(format!("user{index}"));
            member["username"] = Value::from(format!("user {index}"));
            member["profileImageUrl"] = Value::from(format!("http://cdn.test.com/user{index}.jpg"));
            member
        })
        .collect();
    channel.insert("memberCount".to_owned(), Value::from(members));
    channel.insert("maxMemberCount".to_owned(), Value::from(members));
    channel.insert("members".to_owned(), Value::Array(list));
    // Written by hand at the top level so that `event` comes first, as TalkPlus sends it
    // (a `serde_json::Value` object would sort its keys).
    Bytes::from(format!(
        r#"{{"event":{},"appId":{},"channel":{}}}"#,
        sample["event"], sample["appId"], sample["channel"]
    ))
}
