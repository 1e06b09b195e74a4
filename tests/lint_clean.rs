//! The expansion of `#[webhook_handler]` is clean under the strictest lints a user may
//! turn on: this file is compiled by `cargo test` (rustc warnings) and by
//! `cargo clippy --all-targets` (pedantic lints), both with every warning an error.
//! Rustc's lints are forbidden, not only denied, so an expansion that silenced one with
//! `allow` would not compile either. Clippy's pedantic lints are denied: the automatic
//! registration of handlers (`linkme`) allows two of them in the code it generates.
#![forbid(warnings, unused, unused_lifetimes, single_use_lifetimes)]
#![deny(clippy::pedantic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use webhook_core::talkplus::{self, MemberBanned, TalkPlus, TalkPlusEvent};
use webhook_core::{DeliveryInfo, Dispatcher, Outcome, Provider, Shared, webhook_handler};

#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

#[webhook_handler]
async fn on_member_banned(
    ev: MemberBanned,
    Shared(counter): Shared<Counter>,
    info: DeliveryInfo,
) -> Result<(), std::io::Error> {
    assert_eq!(info.event_name(), "member_banned");
    counter.0.fetch_add(ev.users.len(), Ordering::SeqCst);
    tokio::task::yield_now().await;
    Ok(())
}

#[webhook_handler]
async fn audit(_ev: TalkPlusEvent) {
    tokio::task::yield_now().await;
}

/// A type of the user's own, read as the named event.
#[webhook_handler(event = "member_banned")]
async fn on_member_banned_as_value(ev: serde_json::Value) {
    assert!(ev["users"].is_array());
    tokio::task::yield_now().await;
}

#[test]
fn strict_lints_accept_the_expansion() {
    // A plain runtime: `#[tokio::test]` expands to `allow`s that `forbid` rejects.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(deliver_once());
}

async fn deliver_once() {
    let counter = Counter::default();
    let dispatcher = Dispatcher::new(
        TalkPlus::verifier(["key"]).expect("valid key"),
        counter.clone(),
    )
    .handler(on_member_banned)
    .handler(audit)
    .handler(on_member_banned_as_value);
    let body = br#"{"event":"member_banned","channel":{"id":"c"},"users":[{"id":"a"},{"id":"b"}]}"#;
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(b"key", body);
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    let outcome = dispatcher.dispatch(headers, Bytes::from_static(body)).await;
    assert_eq!(
        outcome,
        Outcome::Handled {
            event: "member_banned".into(),
            handlers: 3
        }
    );
    assert_eq!(counter.0.load(Ordering::SeqCst), 2);
}
