//! The measured pairs: for each delivery, the hand-written side and the framework side,
//! both taking the same owned `(HeaderMap, Bytes)` and both dropping everything they
//! were given and everything they produced before returning.

use bytes::Bytes;
use http::HeaderMap;
use webhook_core::Outcome;
use webhook_core::amity::MessageDidCreate;
use webhook_core::talkplus::{ChannelAdded, MessageSent};

use crate::block_on;
use crate::fixtures::{
    AMITY_MESSAGE_DID_CREATE, AMITY_SECRET, Delivery, LARGE_MEMBERS, TALKPLUS_KEY,
    TALKPLUS_MESSAGE, channel_added_with_members,
};
use crate::framework::{amity_dispatcher, talkplus_dispatcher};
use crate::raw::{AmityRaw, TalkPlusRaw};

/// TalkPlus `reaction_added` sample: an event the benches' dispatcher has no handler for.
pub const TALKPLUS_REACTION_ADDED: &[u8] =
    include_bytes!("../../webhook-core/fixtures/talkplus/reaction_added.json");

/// One side of a pair: handles one delivery, returns whether it ended as expected.
pub type Side = Box<dyn Fn(HeaderMap, Bytes) -> bool + Send + Sync>;

/// One measured pair.
pub struct Scenario {
    /// Criterion group name, e.g. `talkplus_message`.
    pub id: &'static str,
    /// What the raw side does, for reports.
    pub raw_does: &'static str,
    /// The target: framework time ≤ `target` × raw time (1.00 for every pair, 1.05 for the
    /// event nobody handles).
    pub target: f64,
    /// The signed delivery both sides receive.
    pub delivery: Delivery,
    /// The hand-written side.
    pub raw: Side,
    /// The framework side: `Dispatcher::dispatch` driven by [`block_on`].
    pub framework: Side,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("id", &self.id)
            .field("body_len", &self.delivery.body.len())
            .finish_non_exhaustive()
    }
}

impl Scenario {
    /// Runs both sides once on the delivery and panics unless both end as expected.
    pub fn check(&self) {
        for (name, side) in [("raw", &self.raw), ("framework", &self.framework)] {
            assert!(
                side(self.delivery.headers.clone(), self.delivery.body.clone()),
                "{}: the {name} side did not handle its delivery",
                self.id
            );
        }
    }
}

fn handled_once(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Handled { handlers: 1, .. })
}

/// Every pair, in report order.
#[must_use]
pub fn all() -> Vec<Scenario> {
    let talkplus = TalkPlusRaw::new(TALKPLUS_KEY);
    let amity = AmityRaw::new(AMITY_SECRET);
    vec![
        Scenario {
            id: "talkplus_message",
            raw_does: "HMAC-SHA256 verify + from_slice::<MessageSent>",
            target: 1.00,
            delivery: Delivery::talkplus(TALKPLUS_MESSAGE),
            raw: Box::new({
                let raw = talkplus.clone();
                move |headers, body| raw.typed::<MessageSent>(&headers, &body).is_ok()
            }),
            framework: Box::new({
                let dispatcher = talkplus_dispatcher();
                move |headers, body| handled_once(&block_on(dispatcher.dispatch(headers, body)))
            }),
        },
        Scenario {
            id: "talkplus_channel_added_1000_members",
            raw_does: "HMAC-SHA256 verify + from_slice::<ChannelAdded>",
            target: 1.00,
            delivery: Delivery::talkplus(channel_added_with_members(LARGE_MEMBERS)),
            raw: Box::new({
                let raw = talkplus.clone();
                move |headers, body| raw.typed::<ChannelAdded>(&headers, &body).is_ok()
            }),
            framework: Box::new({
                let dispatcher = talkplus_dispatcher();
                move |headers, body| handled_once(&block_on(dispatcher.dispatch(headers, body)))
            }),
        },
        Scenario {
            id: "talkplus_no_handler",
            raw_does: "HMAC-SHA256 verify + from_slice::<{event: &str}> + match",
            target: 1.05,
            delivery: Delivery::talkplus(TALKPLUS_REACTION_ADDED),
            raw: Box::new({
                let raw = talkplus;
                move |headers, body| match raw.event_name(&headers, &body) {
                    // The events this receiver would parse further.
                    Ok("message" | "channel_added") => false,
                    Ok(_) => true,
                    Err(_) => false,
                }
            }),
            framework: Box::new({
                let dispatcher = talkplus_dispatcher();
                move |headers, body| {
                    matches!(
                        block_on(dispatcher.dispatch(headers, body)),
                        Outcome::Ignored { .. }
                    )
                }
            }),
        },
        Scenario {
            id: "amity_message_sha256",
            raw_does: "HMAC-SHA256 verify (x-amity-signature) + from_slice::<MessageDidCreate>",
            target: 1.00,
            delivery: Delivery::amity(AMITY_MESSAGE_DID_CREATE),
            raw: Box::new({
                let raw = amity.clone();
                move |headers, body| raw.typed::<MessageDidCreate>(&headers, &body).is_ok()
            }),
            framework: Box::new({
                let dispatcher = amity_dispatcher();
                move |headers, body| handled_once(&block_on(dispatcher.dispatch(headers, body)))
            }),
        },
        Scenario {
            id: "amity_message_legacy_sha1",
            raw_does: "HMAC-SHA1 verify (X-EKO-Signature) + from_slice::<MessageDidCreate>",
            target: 1.00,
            delivery: Delivery::amity_legacy(AMITY_MESSAGE_DID_CREATE),
            raw: Box::new({
                let raw = amity;
                move |headers, body| raw.typed::<MessageDidCreate>(&headers, &body).is_ok()
            }),
            framework: Box::new({
                let dispatcher = amity_dispatcher();
                move |headers, body| handled_once(&block_on(dispatcher.dispatch(headers, body)))
            }),
        },
    ]
}
