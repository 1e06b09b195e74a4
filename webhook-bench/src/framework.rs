//! The framework side: dispatchers with one no-op `#[webhook_handler]` per measured event.
//!
//! Each handler only passes its event through `black_box` (so the parse cannot be
//! optimised away) and drops it, which is what the raw side does with its parsed value.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use webhook_core::amity::{Amity, MessageDidCreate};
use webhook_core::talkplus::{ChannelAdded, MessageSent, TalkPlus};
use webhook_core::{DeliveryInfo, Dispatcher, Provider, webhook_handler};

use crate::fixtures::{AMITY_SECRET, TALKPLUS_KEY};

#[webhook_handler]
async fn on_message(ev: MessageSent) {
    black_box(&ev);
}

#[webhook_handler]
async fn on_channel_added(ev: ChannelAdded) {
    black_box(&ev);
}

#[webhook_handler]
async fn on_message_did_create(ev: MessageDidCreate) {
    black_box(&ev);
}

/// The TalkPlus dispatcher: no-op handlers for `message` and `channel_added`, nothing
/// else (so `reaction_added` is an event with no handler).
#[must_use]
pub fn talkplus_dispatcher() -> Dispatcher<TalkPlus> {
    talkplus_dispatcher_with_key(TALKPLUS_KEY)
}

/// [`talkplus_dispatcher`] verifying with another App API Key.
///
/// # Panics
/// When `api_key` is empty.
#[must_use]
pub fn talkplus_dispatcher_with_key(api_key: &str) -> Dispatcher<TalkPlus> {
    Dispatcher::new(
        TalkPlus::verifier([api_key]).expect("the API key is not empty"),
        (),
    )
    // The hand-written side keeps no record of deliveries: neither does this one.
    .without_store()
    .handler(on_message)
    .handler(on_channel_added)
}

/// The Amity dispatcher with both signature schemes on (the default): a no-op handler for
/// `message.didCreate`.
#[must_use]
pub fn amity_dispatcher() -> Dispatcher<Amity> {
    Dispatcher::new(
        Amity::verifier([AMITY_SECRET]).expect("the bench secret is not empty"),
        (),
    )
    // The hand-written side keeps no record of deliveries: neither does this one.
    .without_store()
    .handler(on_message_did_create)
}

/// Address of the body the last [`body_probe_dispatcher`] handler saw.
pub static PROBED_BODY_ADDRESS: AtomicUsize = AtomicUsize::new(0);

#[webhook_handler]
async fn probe_body(ev: MessageSent, info: DeliveryInfo) {
    black_box(&ev);
    PROBED_BODY_ADDRESS.store(info.body().as_ptr() as usize, Ordering::Relaxed);
}

/// A TalkPlus dispatcher whose `message` handler records where the body it is given
/// lives ([`PROBED_BODY_ADDRESS`]): equal to the address of the `Bytes` passed in means
/// the body reached the handler without a copy.
#[must_use]
pub fn body_probe_dispatcher() -> Dispatcher<TalkPlus> {
    Dispatcher::new(
        TalkPlus::verifier([TALKPLUS_KEY]).expect("the bench key is not empty"),
        (),
    )
    // The hand-written side keeps no record of deliveries: neither does this one.
    .without_store()
    .handler(probe_body)
}

/// [`talkplus_dispatcher`] mounted with `webhook_axum::webhook` at `POST
/// /webhooks/talkplus`, as the example server mounts its dispatcher.
pub fn talkplus_router() -> axum::Router {
    axum::Router::new().route(
        crate::handwritten::TALKPLUS_PATH,
        webhook_axum::webhook(talkplus_dispatcher()),
    )
}
