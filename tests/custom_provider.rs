//! A third platform, added from outside `webhook-core` without touching TalkPlus or Amity:
//! a Stream-Chat-like provider whose `X-Signature` is the hex HMAC-SHA256 of the body and
//! whose event name is the body's `type` field.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use serde::Deserialize;
use webhook_core::store::Filter;
use webhook_core::verify::{Algorithm, Encoding};
use webhook_core::{
    DeliveryError, DeliveryIdSource, DeliveryInfo, Dispatcher, Event, MemoryStore, Outcome,
    PayloadError, Provider, Route, Shared, SignatureScheme, Store, UnknownEvent, VerifyError,
    webhook_handler,
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
    const EVENT_NAMES: &'static [&'static str] = &["message.new"];
    type Event = StreamEvent;
}

#[derive(Debug, Clone, Deserialize)]
struct StreamMessage {
    id: String,
    text: String,
}

#[derive(Debug, Clone, Deserialize)]
struct MessageNew {
    cid: String,
    message: StreamMessage,
}

impl Event for MessageNew {
    type Provider = StreamChat;
    const ROUTE: Route = Route::Named("message.new");

    fn from_body(name: &str, body: &str) -> Result<Self, PayloadError> {
        webhook_core::payload::parse_body(name, body)
    }
}

#[derive(Debug, Clone)]
enum StreamEvent {
    MessageNew(MessageNew),
    Unknown(UnknownEvent<StreamChat>),
}

impl Event for StreamEvent {
    type Provider = StreamChat;
    const ROUTE: Route = Route::Every;

    fn from_body(name: &str, body: &str) -> Result<Self, PayloadError> {
        match name {
            "message.new" => MessageNew::from_body(name, body).map(Self::MessageNew),
            _ => UnknownEvent::parse(name, body).map(Self::Unknown),
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

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

#[webhook_handler]
async fn on_message_new(ev: MessageNew, info: DeliveryInfo, Shared(seen): Shared<Seen>) {
    let mut seen = seen.0.lock().expect("seen");
    seen.push(format!("{} {:?}", ev.message.text, info.delivery_id()));
}

#[tokio::test]
async fn a_third_providers_handlers_are_routed_and_its_header_ids_are_bounded() {
    let seen = Seen::default();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let dispatcher = Dispatcher::new(StreamChat::verifier([SECRET]).expect("key"), seen.clone())
        .handler(on_message_new)
        .store(Arc::clone(&store));
    let outcome = dispatcher
        .dispatch(signed(BODY), Bytes::from_static(BODY))
        .await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");

    // A header id of any length is hashed into the store's key and cut for display.
    let mut headers = signed(BODY);
    let long_id = "x".repeat(10_000);
    headers.insert(
        "X-Webhook-Id",
        HeaderValue::from_str(&long_id).expect("ascii"),
    );
    let outcome = dispatcher.dispatch(headers, Bytes::from_static(BODY)).await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
    for record in store.list(&Filter::default()).await.expect("list") {
        assert!(record.key.as_str().len() < 64, "{:?}", record.key);
        assert!(record.shown_id.as_deref().is_some_and(|id| id.len() < 100));
    }
    let seen = seen.0.lock().expect("seen");
    assert_eq!(seen[0], "hi Some(\"wh-42\")");
    assert!(seen[1].len() < 200, "{}", seen[1]);
}

/// The same platform as [`StreamChat`], but sending no delivery id: its signature is one.
struct StreamChatWithoutIds;

impl Provider for StreamChatWithoutIds {
    const NAME: &'static str = "stream-without-ids";
    const SCHEMES: &'static [SignatureScheme] = &[STREAM_SIGNATURE];
    const EVENT_FIELD: &'static str = "type";
    const DELIVERY_ID: DeliveryIdSource = DeliveryIdSource::Signature;
    const EVENT_NAMES: &'static [&'static str] = &["message.new"];
    type Event = UnknownEvent<Self>;
}

#[webhook_handler(event = "message.new", provider = StreamChatWithoutIds)]
async fn on_any_message(_ev: serde_json::Value, Shared(seen): Shared<Seen>) {
    seen.0.lock().expect("seen").push("ran".to_owned());
}

#[tokio::test]
async fn a_hex_signature_in_upper_case_is_the_same_delivery_id() {
    let seen = Seen::default();
    let dispatcher = Dispatcher::new(
        StreamChatWithoutIds::verifier([SECRET]).expect("key"),
        seen.clone(),
    )
    .handler(on_any_message);
    let outcome = dispatcher
        .dispatch(signed(BODY), Bytes::from_static(BODY))
        .await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
    // A captured delivery sent again with its hex signature re-cased: still valid, and
    // still a copy of the handled one.
    let mut headers = signed(BODY);
    let upper = STREAM_SIGNATURE
        .sign(SECRET.as_bytes(), BODY)
        .to_ascii_uppercase();
    headers.insert(
        "X-Signature",
        HeaderValue::from_str(&upper).expect("hex is a valid header"),
    );
    let outcome = dispatcher.dispatch(headers, Bytes::from_static(BODY)).await;
    assert!(matches!(outcome, Outcome::Duplicate { .. }), "{outcome:?}");
    assert_eq!(seen.0.lock().expect("seen").len(), 1);
}
