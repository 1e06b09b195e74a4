//! Signed deliveries for tests and tools (cargo feature `testing`): from the platforms'
//! documented samples or from a typed value, sent through a dispatcher in one line.
//!
//! ```
//! use webhook_core::talkplus::{MemberBanned, TalkPlus};
//! use webhook_core::testing::TestDelivery;
//! use webhook_core::{Dispatcher, Outcome, Provider, webhook_handler};
//!
//! #[webhook_handler]
//! async fn on_member_banned(ev: MemberBanned) {
//!     assert_eq!(ev.users[0].id, "user456");
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dispatcher = Dispatcher::new(TalkPlus::verifier(["test-key"])?, ()).handler(on_member_banned);
//! let outcome = TestDelivery::sample::<MemberBanned>().send(&dispatcher, "test-key").await;
//! assert!(matches!(outcome, Outcome::Handled { .. }));
//! # Ok(())
//! # }
//! ```

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde::Serialize;

use crate::dispatch::{Dispatcher, Outcome};
use crate::event::Event;
use crate::provider::Provider;
use crate::verify::SignatureScheme;

/// The documented sample body of an event, as `(provider, event name, body)`.
pub const SAMPLES: &[(&str, &str, &str)] = &[
    (
        "talkplus",
        "message",
        include_str!("../fixtures/talkplus/message.json"),
    ),
    (
        "talkplus",
        "message_deleted",
        include_str!("../fixtures/talkplus/message_deleted.json"),
    ),
    (
        "talkplus",
        "reaction_added",
        include_str!("../fixtures/talkplus/reaction_added.json"),
    ),
    (
        "talkplus",
        "reaction_deleted",
        include_str!("../fixtures/talkplus/reaction_deleted.json"),
    ),
    (
        "talkplus",
        "channel_added",
        include_str!("../fixtures/talkplus/channel_added.json"),
    ),
    (
        "talkplus",
        "channel_changed",
        include_str!("../fixtures/talkplus/channel_changed.json"),
    ),
    (
        "talkplus",
        "channel_removed",
        include_str!("../fixtures/talkplus/channel_removed.json"),
    ),
    (
        "talkplus",
        "member_added",
        include_str!("../fixtures/talkplus/member_added.json"),
    ),
    (
        "talkplus",
        "member_left",
        include_str!("../fixtures/talkplus/member_left.json"),
    ),
    (
        "talkplus",
        "member_muted",
        include_str!("../fixtures/talkplus/member_muted.json"),
    ),
    (
        "talkplus",
        "member_unmuted",
        include_str!("../fixtures/talkplus/member_unmuted.json"),
    ),
    (
        "talkplus",
        "member_banned",
        include_str!("../fixtures/talkplus/member_banned.json"),
    ),
    (
        "talkplus",
        "member_unbanned",
        include_str!("../fixtures/talkplus/member_unbanned.json"),
    ),
    (
        "talkplus",
        "user_blocked",
        include_str!("../fixtures/talkplus/user_blocked.json"),
    ),
    (
        "talkplus",
        "user_unblocked",
        include_str!("../fixtures/talkplus/user_unblocked.json"),
    ),
    (
        "amity",
        "message.didCreate",
        include_str!("../fixtures/amity/message.didCreate.json"),
    ),
    (
        "amity",
        "channel.didCreate",
        include_str!("../fixtures/amity/channel.didCreate.json"),
    ),
    (
        "amity",
        "channel.didJoin",
        include_str!("../fixtures/amity/channel.didJoin.json"),
    ),
    (
        "amity",
        "channel.didAddUsers",
        include_str!("../fixtures/amity/channel.didAddUsers.json"),
    ),
];

/// The documented sample body of `event` of `provider`, when the platform gave one.
#[must_use]
pub fn sample_body(provider: &str, event: &str) -> Option<&'static str> {
    SAMPLES
        .iter()
        .find(|(p, e, _)| *p == provider && *e == event)
        .map(|(_, _, body)| *body)
}

/// The body a tool sends for `event` of `provider`: the documented sample, else one built
/// from the event type's default value; `None` for an event this crate does not know.
#[must_use]
pub fn body_for(provider: &str, event: &str) -> Option<String> {
    if let Some(sample) = sample_body(provider, event) {
        return Some(sample.to_owned());
    }
    match provider {
        "talkplus" => crate::talkplus::TalkPlusEvent::default_body(event),
        "amity" => crate::amity::AmityEvent::default_body(event),
        _ => None,
    }
}

/// A body `{"event": name, ...fields of value}` for an event without a sample.
///
/// # Errors
/// When `value` is not an event of one name (a provider's enum, an unknown event), or does
/// not serialize to a JSON object.
pub fn body_of<E: Event + Serialize>(value: &E) -> Result<String, serde_json::Error> {
    let Some(name) = E::ROUTE.name() else {
        return Err(serde::ser::Error::custom(
            "a test delivery is built from an event of one name",
        ));
    };
    let mut object = serde_json::Map::new();
    object.insert("event".to_owned(), name.into());
    match serde_json::to_value(value)? {
        serde_json::Value::Object(fields) => object.extend(fields),
        other => {
            return Err(serde::ser::Error::custom(format!(
                "{name} serializes to {other}, not an object"
            )));
        }
    }
    serde_json::to_string(&object)
}

/// A delivery body to sign and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestDelivery {
    body: Bytes,
}

impl TestDelivery {
    /// The platform's sample of `E` when there is one, else `E::default()` as a body.
    #[must_use]
    pub fn sample<E: Event + Serialize + Default>() -> Self {
        let provider = <E::Provider as Provider>::NAME;
        match E::ROUTE.name().and_then(|name| sample_body(provider, name)) {
            Some(body) => Self::from_body(body),
            None => Self::from_event(&E::default()),
        }
    }

    /// A body holding `event`, with its `event` name field.
    ///
    /// # Panics
    /// If `event` is not an event of one name, or does not serialize to a JSON object
    /// (every event type of this crate does).
    #[must_use]
    pub fn from_event<E: Event + Serialize>(event: &E) -> Self {
        match body_of(event) {
            Ok(body) => Self::from_body(body),
            Err(err) => panic!("cannot build a test delivery: {err}"),
        }
    }

    /// Any body, sent as given.
    #[must_use]
    pub fn from_body(body: impl Into<Bytes>) -> Self {
        Self { body: body.into() }
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The headers and body of this delivery signed with `key` under `scheme`.
    ///
    /// # Panics
    /// Never: every scheme's signature is a valid header value.
    #[must_use]
    pub fn signed(&self, scheme: SignatureScheme, key: &str) -> (HeaderMap, Bytes) {
        let mut headers = HeaderMap::new();
        let signature = scheme.sign(key.as_bytes(), &self.body);
        let value = HeaderValue::from_str(&signature).unwrap_or_else(|_| unreachable!());
        headers.insert(scheme.header, value);
        (headers, self.body.clone())
    }

    /// Signs with `key` under the dispatcher's provider's first scheme and dispatches.
    pub async fn send<P: Provider, S: Send + Sync + 'static>(
        &self,
        dispatcher: &Dispatcher<P, S>,
        key: &str,
    ) -> Outcome {
        let (headers, body) = self.signed(P::SCHEMES[0], key);
        dispatcher.dispatch(headers, body).await
    }

    /// Signs with `key` under `scheme` and dispatches.
    pub async fn send_with<P: Provider, S: Send + Sync + 'static>(
        &self,
        dispatcher: &Dispatcher<P, S>,
        scheme: SignatureScheme,
        key: &str,
    ) -> Outcome {
        let (headers, body) = self.signed(scheme, key);
        dispatcher.dispatch(headers, body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{amity, talkplus};

    #[test]
    fn every_sample_is_the_event_it_is_listed_as() {
        for (provider, event, body) in SAMPLES {
            let value: serde_json::Value = serde_json::from_str(body).expect("sample is JSON");
            assert_eq!(value["event"], *event, "{provider} {event}");
        }
    }

    #[test]
    fn events_without_a_sample_are_built_from_a_typed_value() {
        let delivery = TestDelivery::sample::<amity::ModerationDidBan>();
        let parsed =
            amity::ModerationDidBan::parse(std::str::from_utf8(delivery.body()).expect("utf8"))
                .expect("round trip");
        assert_eq!(parsed, amity::ModerationDidBan::default());

        let event = talkplus::MemberBanned {
            channel: talkplus::Channel {
                id: "lobby".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let body = TestDelivery::from_event(&event);
        let parsed = talkplus::MemberBanned::parse(std::str::from_utf8(body.body()).expect("utf8"))
            .expect("round trip");
        assert_eq!(parsed, event);
    }
}
