//! Hostile input: whatever arrives, the dispatcher answers one of the documented outcomes
//! and never panics. Property tests cover random bytes, random headers and mutated real
//! deliveries; the named extremes below each state their outcome.
//!
//! | input | outcome (HTTP status) |
//! |---|---|
//! | random bytes, random headers, no valid signature | `Unauthorized` (401) |
//! | JSON nested 10 000 levels deep where a value is built (`data`, an unknown event) (signed) | `BadPayload`, recursion limit (400) |
//! | the same in a field no handler reads (signed) | skipped without recursion; `Handled` (200) |
//! | a `users` array of 100 000 members (signed) | `Handled` (200), every member read |
//! | a 900 KB string field (signed) | `Handled` (200) |
//! | invalid UTF-8 (signed) | `BadPayload::NotUtf8` (400) |
//! | the `event` key twice (signed) | the first one decides (the envelope reader stops there); `Handled` (200) |
//! | a typed field twice, e.g. `channel` (signed) | `BadPayload`, "duplicate field" (400) |
//! | an unknown field twice (signed) | `Handled` (200): unknown fields are ignored |

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use webhook_core::amity::{self, Amity, AmityEvent};
use webhook_core::talkplus::{self, MemberAdded, TalkPlus, TalkPlusEvent};
use webhook_core::{
    Dispatcher, Outcome, PayloadError, Provider, Shared, envelope, webhook_handler,
};

const KEY: &str = "hostile-key";

#[webhook_handler]
async fn every_talkplus_event(_ev: TalkPlusEvent) {}

#[webhook_handler]
async fn every_amity_event(_ev: AmityEvent) {}

#[webhook_handler]
async fn count_members(ev: MemberAdded, Shared(seen): Shared<Arc<AtomicUsize>>) {
    seen.store(ev.users.len(), Ordering::SeqCst);
}

fn talkplus() -> Dispatcher<TalkPlus, Arc<AtomicUsize>> {
    Dispatcher::new(
        TalkPlus::verifier([KEY]).expect("key"),
        Arc::new(AtomicUsize::new(0)),
    )
    .handler(every_talkplus_event)
    .handler(count_members)
}

fn amity() -> Dispatcher<Amity> {
    Dispatcher::new(Amity::verifier([KEY]).expect("key"), ()).handler(every_amity_event)
}

fn signed_talkplus(body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(KEY.as_bytes(), body);
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    headers
}

fn signed_amity(body: &[u8], legacy: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let (name, scheme) = if legacy {
        ("x-eko-signature", amity::LEGACY_SIGNATURE)
    } else {
        ("x-amity-signature", amity::SIGNATURE)
    };
    headers.insert(
        name,
        HeaderValue::from_str(&scheme.sign(KEY.as_bytes(), body)).expect("ascii"),
    );
    headers
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn is_documented(outcome: &Outcome) -> bool {
    matches!(
        outcome,
        Outcome::Unauthorized(_)
            | Outcome::BadPayload(_)
            | Outcome::Ignored { .. }
            | Outcome::Handled { .. }
    )
}

const SAMPLES: [&str; 6] = [
    include_str!("../webhook-core/fixtures/talkplus/message.json"),
    include_str!("../webhook-core/fixtures/talkplus/reaction_added.json"),
    include_str!("../webhook-core/fixtures/talkplus/member_muted.json"),
    include_str!("../webhook-core/fixtures/talkplus/user_blocked.json"),
    include_str!("../webhook-core/fixtures/amity/message.didCreate.json"),
    include_str!("../webhook-core/fixtures/amity/channel.didAddUsers.json"),
];

/// One edit of a byte string: flip, delete, insert or truncate at a position.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Delete(usize),
    Insert(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, bits)| Mutation::Flip(at, bits)),
        any::<usize>().prop_map(Mutation::Delete),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]\",:0-9a\\ \xff\x00".to_vec())
        )
            .prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(body: &mut Vec<u8>, mutation: &Mutation) {
    let len = body.len().max(1);
    match *mutation {
        Mutation::Flip(at, bits) => {
            if !body.is_empty() {
                body[at % len] ^= bits;
            }
        }
        Mutation::Delete(at) => {
            if !body.is_empty() {
                body.remove(at % len);
            }
        }
        Mutation::Insert(at, byte) => body.insert(at % (body.len() + 1), byte),
        Mutation::Truncate(at) => body.truncate(at % len),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_and_headers_are_rejected_without_panic(
        body in prop::collection::vec(any::<u8>(), 0..2048),
        headers in prop::collection::vec(
            (prop::sample::select(vec!["x-talkplus-signature", "x-amity-signature", "x-eko-signature", "content-type", "x-other"]),
             prop::collection::vec(32u8..127, 0..64)),
            0..4),
    ) {
        let mut map = HeaderMap::new();
        for (name, value) in &headers {
            if let Ok(value) = HeaderValue::from_bytes(value) {
                map.append(HeaderName::from_static(name), value);
            }
        }
        let runtime = runtime();
        for outcome in [
            runtime.block_on(talkplus().dispatch(map.clone(), Bytes::from(body.clone()))),
            runtime.block_on(amity().dispatch(map, Bytes::from(body))),
        ] {
            prop_assert!(is_documented(&outcome), "{outcome:?}");
            // Random signatures never verify.
            prop_assert!(matches!(outcome, Outcome::Unauthorized(_)), "{outcome:?}");
        }
    }

    #[test]
    fn signed_random_bytes_are_bad_payloads_or_handled_without_panic(
        body in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let runtime = runtime();
        let outcome = runtime.block_on(talkplus().dispatch(signed_talkplus(&body), Bytes::from(body.clone())));
        prop_assert!(is_documented(&outcome), "{outcome:?}");
        prop_assert!(!matches!(outcome, Outcome::Unauthorized(_)));
    }

    #[test]
    fn mutated_real_deliveries_give_documented_outcomes(
        sample in 0..SAMPLES.len(),
        mutations in prop::collection::vec(mutation(), 1..8),
        legacy in any::<bool>(),
    ) {
        let mut body = SAMPLES[sample].as_bytes().to_vec();
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        let runtime = runtime();
        let outcome = if sample < 4 {
            runtime.block_on(talkplus().dispatch(signed_talkplus(&body), Bytes::from(body)))
        } else {
            runtime.block_on(amity().dispatch(signed_amity(&body, legacy), Bytes::from(body)))
        };
        prop_assert!(is_documented(&outcome), "{outcome:?}");
        prop_assert!(!matches!(outcome, Outcome::Unauthorized(_)), "signed mutations verify");
    }

    #[test]
    fn the_envelope_scanner_and_the_parser_agree(
        opening in prop::sample::select(vec!["{", "{", " {", "\n{\n  ", "[", ""]),
        fields in prop::collection::vec(
            (
                prop::sample::select(ENVELOPE_KEYS.to_vec()),
                prop::sample::select(ENVELOPE_VALUES.to_vec()),
                // Mostly `"key": value,`; now and then a broken joint.
                prop::sample::select(vec![
                    (":", ","), (":", ","), (":", ","), (" : ", ",\n  "), (":\n", ", "),
                    (":", "}"), ("", ","), (":", ""), (",", ","),
                ]),
            ),
            0..8,
        ),
    ) {
        let mut body = opening.to_owned();
        for (key, value, (colon, separator)) in fields {
            body.extend([key, colon, value, separator]);
        }
        for (source, delivery_id) in [
            (envelope_of::<TalkPlus>(), None),
            (envelope_of::<Amity>(), Some("requestId")),
        ] {
            prop_assert_eq!(
                envelope::read(&body, source, delivery_id),
                envelope::read_with_parser(&body, source, delivery_id),
                "{}", body
            );
        }
    }

    #[test]
    fn a_mutated_body_under_the_original_signature_is_unauthorized(
        sample in 0..4usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let original = SAMPLES[sample].as_bytes();
        let mut body = original.to_vec();
        for mutation in &mutations {
            apply(&mut body, mutation);
        }
        prop_assume!(body != original);
        let outcome = runtime().block_on(talkplus().dispatch(signed_talkplus(original), Bytes::from(body)));
        prop_assert!(matches!(outcome, Outcome::Unauthorized(_)), "{outcome:?}");
    }
}

/// Keys and values of envelopes, put together at random (mostly well formed, sometimes
/// not): both readings of the result must agree.
const ENVELOPE_KEYS: &[&str] = &[
    "\"event\"",
    "\"event\"",
    "\"requestId\"",
    "\"requestId\"",
    "\"requestId\"",
    "\"webhookId\"",
    "\"eventType\"",
    "\"data\"",
    "\"id\"",
    "\"ev\\u0065nt\"",
    "\"\"",
    "event",
    "\"é\"",
];
const ENVELOPE_VALUES: &[&str] = &[
    "\"message\"",
    "\"message.didCreate\"",
    "\"r1\"",
    "\"r2\"",
    "\"\"",
    "\"é\"",
    "\"push-notification.created\"",
    "\"a\\u0062\"",
    "\"\\\"\"",
    "\"tab\there\"",
    "{\"eventName\":\"channel.created\"}",
    "{}",
    "[]",
    "null",
    "1",
    "\"open",
];

fn envelope_of<P: Provider>() -> envelope::EventNameSource {
    envelope::EventNameSource {
        field: P::EVENT_FIELD,
        nested: P::NESTED_EVENT_NAME,
    }
}

async fn dispatch_signed(body: Vec<u8>) -> Outcome {
    talkplus()
        .dispatch(signed_talkplus(&body), Bytes::from(body))
        .await
}

#[tokio::test]
async fn deeply_nested_json() {
    let nested = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    // Where a value is built (`data` is any JSON), serde_json's recursion limit stops it.
    let body =
        format!(r#"{{"event":"member_added","channel":{{"id":"c","data":{nested}}},"users":[]}}"#);
    let outcome = dispatch_signed(body.into_bytes()).await;
    assert!(
        matches!(&outcome, Outcome::BadPayload(PayloadError::InvalidShape { path, reason, .. })
            if path.starts_with("channel.data[0]") && reason.contains("recursion limit")),
        "{outcome:?}"
    );
    // In a field nobody reads it is skipped without recursing: no stack is at risk.
    let body =
        format!(r#"{{"event":"member_added","channel":{{"id":"c"}},"users":[],"extra":{nested}}}"#);
    // The catch-all handler builds the whole body as a value for an unknown event only;
    // member_added is known, so both handlers read typed fields and skip `extra`.
    assert!(matches!(
        dispatch_signed(body.into_bytes()).await,
        Outcome::Handled { .. }
    ));
    // An unknown event keeps its whole body as a value: the recursion limit applies.
    let body = format!(r#"{{"event":"brand_new","extra":{nested}}}"#);
    let outcome = dispatch_signed(body.into_bytes()).await;
    assert!(
        matches!(&outcome, Outcome::BadPayload(PayloadError::NotJson { reason }) if reason.contains("recursion limit")),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_hundred_thousand_element_array_is_read_whole() {
    let seen = Arc::new(AtomicUsize::new(0));
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), Arc::clone(&seen))
        .handler(count_members);
    let users = vec![r#"{"id":"u"}"#; 100_000].join(",");
    let body = format!(r#"{{"event":"member_added","channel":{{"id":"c"}},"users":[{users}]}}"#)
        .into_bytes();
    assert!(body.len() < webhook_axum::DEFAULT_BODY_LIMIT * 2);
    let outcome = dispatcher
        .dispatch(signed_talkplus(&body), Bytes::from(body))
        .await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 100_000);
}

#[tokio::test]
async fn a_huge_string_is_handled() {
    let body = format!(
        r#"{{"event":"member_added","channel":{{"id":"c","name":"{}"}},"users":[]}}"#,
        "x".repeat(900_000)
    );
    assert!(matches!(
        dispatch_signed(body.into_bytes()).await,
        Outcome::Handled { .. }
    ));
}

#[tokio::test]
async fn invalid_utf8_is_a_bad_payload() {
    let outcome =
        dispatch_signed(b"{\"event\":\"member_added\",\"x\":\"\xc3\x28\"}".to_vec()).await;
    assert_eq!(
        outcome,
        Outcome::BadPayload(PayloadError::NotUtf8 { offset: 29 })
    );
}

#[tokio::test]
async fn duplicate_keys() {
    let outcome = dispatch_signed(
        br#"{"event":"member_added","event":"member_banned","channel":{"id":"a"},"users":[]}"#
            .to_vec(),
    )
    .await;
    assert_eq!(
        outcome,
        Outcome::Handled {
            event: "member_added".into(),
            handlers: 2
        }
    );

    let outcome = dispatch_signed(
        br#"{"event":"member_added","channel":{"id":"a"},"channel":{"id":"b"},"users":[]}"#
            .to_vec(),
    )
    .await;
    assert!(
        matches!(&outcome, Outcome::BadPayload(PayloadError::InvalidShape { reason, .. }) if reason.contains("duplicate field `channel`")),
        "{outcome:?}"
    );

    let outcome = dispatch_signed(
        br#"{"event":"member_added","channel":{"id":"a"},"x":1,"x":2,"users":[]}"#.to_vec(),
    )
    .await;
    assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
}
