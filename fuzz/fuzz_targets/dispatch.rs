//! Fuzzes the whole path a delivery takes: verify -> scan the event name -> parse into
//! the typed event -> dispatch to handlers, for both providers.
//!
//! The first input byte chooses the provider and whether the body is correctly signed
//! (so the parser is reached) or carries the rest of the input as its header value.
#![no_main]

use std::sync::OnceLock;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use webhook_core::amity::{self, Amity, AmityEvent, MessageDidCreate};
use webhook_core::talkplus::{self, MemberBanned, MessageSent, TalkPlus, TalkPlusEvent};
use webhook_core::{Dispatcher, Outcome, Provider, UnknownEvent, envelope, webhook_handler};

const KEY: &[u8] = b"fuzz-key";

#[webhook_handler]
async fn on_message(_ev: MessageSent) {}

#[webhook_handler]
async fn on_banned(_ev: MemberBanned) {}

#[webhook_handler]
async fn on_any_talkplus(_ev: TalkPlusEvent) {}

#[webhook_handler]
async fn on_any_amity(_ev: AmityEvent) {}

#[webhook_handler]
async fn on_amity_message(_ev: MessageDidCreate) {}

#[webhook_handler]
async fn on_unknown_talkplus(_ev: UnknownEvent<TalkPlus>) {}

/// An event the crate has no type for, read into a type of the handler's own.
#[webhook_handler(event = "v3.post.didCreate")]
async fn on_post(_ev: serde_json::Value) {}

struct Fixture {
    runtime: tokio::runtime::Runtime,
    talkplus: Dispatcher<TalkPlus>,
    amity: Dispatcher<Amity>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture {
        runtime: tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime"),
        talkplus: Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), ())
            .handler(on_message)
            .handler(on_banned)
            .handler(on_any_talkplus)
            .handler(on_unknown_talkplus)
            .timeout(None),
        amity: Dispatcher::new(Amity::verifier([KEY]).expect("key"), ())
            .handler(on_any_amity)
            .handler(on_amity_message)
            .handler(on_post)
            .timeout(None),
    })
}

fn envelope_of<P: Provider>() -> envelope::EventNameSource {
    envelope::EventNameSource {
        field: P::EVENT_FIELD,
        nested: P::NESTED_EVENT_NAME,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // The envelope's simple reading gives what the parser gives, whatever the body.
    if let Ok(text) = std::str::from_utf8(rest) {
        for (source, delivery_id) in [
            (envelope_of::<TalkPlus>(), None),
            (envelope_of::<Amity>(), Some("requestId")),
        ] {
            assert_eq!(
                envelope::read(text, source, delivery_id),
                envelope::read_with_parser(text, source, delivery_id),
                "the envelope readings disagree"
            );
        }
    }
    let fixture = fixture();
    let body = Bytes::copy_from_slice(rest);
    let scheme = match mode % 3 {
        0 => talkplus::SIGNATURE,
        1 => amity::SIGNATURE,
        _ => amity::LEGACY_SIGNATURE,
    };
    let mut headers = HeaderMap::new();
    let value = if mode & 0x80 == 0 {
        scheme.sign(KEY, rest)
    } else {
        String::from_utf8_lossy(&rest[..rest.len().min(64)]).into_owned()
    };
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(scheme.header, value);
    }
    let outcome = if mode % 3 == 0 {
        fixture
            .runtime
            .block_on(fixture.talkplus.dispatch(headers, body))
    } else {
        fixture
            .runtime
            .block_on(fixture.amity.dispatch(headers, body))
    };
    assert!(
        matches!(
            outcome,
            Outcome::Unauthorized(_)
                | Outcome::BadPayload(_)
                | Outcome::Ignored { .. }
                | Outcome::Handled { .. }
                // The dispatchers keep their default in-memory deduplication: the fuzzer
                // sends the same input more than once.
                | Outcome::Duplicate { .. }
        ),
        "undocumented outcome {outcome:?}"
    );
});
