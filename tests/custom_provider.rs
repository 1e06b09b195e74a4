//! A third platform, added from outside `webhook-core` without touching TalkPlus or Amity:
//! a Stream-Chat-like provider whose `X-Signature` is the hex HMAC-SHA256 of the body and
//! whose event name is the body's `type` field.

use http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use webhook_core::verify::{Algorithm, Encoding};
use webhook_core::{
    DeliveryError, DeliveryIdSource, Event, PayloadError, Provider, ProviderEvent, SignatureScheme,
    UnknownEvent, VerifyError,
};

struct StreamChat;

const STREAM_SIGNATURE: SignatureScheme = SignatureScheme {
    name: "stream",
    header: "x-signature",
    algorithm: Algorithm::HmacSha256,
    encoding: Encoding::Hex,
    prefix: "",
};

impl Provider for StreamChat {
    const NAME: &'static str = "stream";
    const SCHEMES: &'static [SignatureScheme] = &[STREAM_SIGNATURE];
    const EVENT_FIELD: &'static str = "type";
    const DELIVERY_ID: DeliveryIdSource = DeliveryIdSource::Header("x-webhook-id");
    type Event = StreamEvent;
}

#[derive(Debug, Deserialize)]
struct StreamMessage {
    id: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct MessageNew {
    cid: String,
    message: StreamMessage,
}

impl Event for MessageNew {
    type Provider = StreamChat;
    const NAME: &'static str = "message.new";
}

#[derive(Debug)]
enum StreamEvent {
    MessageNew(MessageNew),
    Unknown(UnknownEvent<StreamChat>),
}

impl ProviderEvent for StreamEvent {
    type Provider = StreamChat;

    fn parse(name: &str, body: &str) -> Result<Self, PayloadError> {
        match name {
            MessageNew::NAME => MessageNew::parse(body).map(Self::MessageNew),
            _ => UnknownEvent::parse(name, body).map(Self::Unknown),
        }
    }

    fn name(&self) -> &str {
        match self {
            Self::MessageNew(_) => MessageNew::NAME,
            Self::Unknown(unknown) => &unknown.name,
        }
    }
}

const SECRET: &str = "stream-api-secret";
const BODY: &[u8] = br#"{"cid":"messaging:general","type":"message.new","message":{"id":"m1","text":"hi"},"user":{"id":"u1"}}"#;

fn signed(body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let signature = STREAM_SIGNATURE.sign(SECRET.as_bytes(), body);
    headers.insert(
        "X-Signature",
        HeaderValue::from_str(&signature).expect("hex is a valid header"),
    );
    headers.insert("X-Webhook-Id", HeaderValue::from_static("wh-42"));
    headers
}

#[test]
fn verifies_and_parses_a_delivery_of_a_third_provider() {
    let verifier = StreamChat::verifier([SECRET]).expect("valid configuration");
    let headers = signed(BODY);
    let delivery = StreamChat::receive(&verifier, &headers, BODY).expect("authentic");
    assert_eq!(delivery.event_name, "message.new");
    assert_eq!(delivery.delivery_id.as_deref(), Some("wh-42"));
    match delivery.parse().expect("parses") {
        StreamEvent::MessageNew(ev) => {
            assert_eq!(ev.cid, "messaging:general");
            assert_eq!(ev.message.id, "m1");
            assert_eq!(ev.message.text, "hi");
        }
        StreamEvent::Unknown(other) => panic!("expected message.new, got {other:?}"),
    }
}

#[test]
fn signature_is_lowercase_hex_and_checked() {
    let signature = STREAM_SIGNATURE.sign(SECRET.as_bytes(), BODY);
    assert_eq!(signature.len(), 64);
    assert!(
        signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );

    let verifier = StreamChat::verifier([SECRET]).expect("valid configuration");
    let mut tampered = BODY.to_vec();
    tampered[10] = b'X';
    assert_eq!(
        StreamChat::receive(&verifier, &signed(BODY), &tampered).err(),
        Some(DeliveryError::Unauthorized(VerifyError::Mismatch {
            header: "x-signature"
        }))
    );
}

#[test]
fn other_events_of_the_third_provider_are_unknown_not_errors() {
    let body = br#"{"type":"reaction.new","reaction":{"type":"love"}}"#;
    let verifier = StreamChat::verifier([SECRET]).expect("valid configuration");
    let headers = signed(body);
    let delivery = StreamChat::receive(&verifier, &headers, body).expect("authentic");
    let StreamEvent::Unknown(unknown) = delivery.parse().expect("parses") else {
        panic!("reaction.new has no type here")
    };
    assert_eq!(unknown.name, "reaction.new");
    assert_eq!(unknown.raw["reaction"]["type"], "love");
}
