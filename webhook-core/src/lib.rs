//! Typed events and signature verification for the webhooks of the TalkPlus (Klat) and
//! Amity (formerly Eko) chat platforms.
//!
//! A *delivery* is one HTTP request from a platform; the *event* is what it carries. This
//! crate checks that a delivery really came from the platform — over the raw body bytes,
//! in constant time, before anything is parsed — and turns it into a Rust value to match
//! on. An event the crate does not know yet is never an error: it arrives as
//! [`UnknownEvent`] with its name and body.
//!
//! ```
//! use http::HeaderMap;
//! use webhook_core::talkplus::{self, TalkPlus, TalkPlusEvent};
//! use webhook_core::Provider;
//!
//! let api_key = "92935b03e231483fc2cf75d9020f7e492c8fd9c7481eb4c79620ace7fe207d81";
//! let verifier = TalkPlus::verifier([api_key])?;
//!
//! // What TalkPlus would send.
//! let body = br#"{"event":"member_banned","appId":"app-1","channel":{"id":"lobby"},"users":[{"id":"troll"}]}"#;
//! let mut headers = HeaderMap::new();
//! headers.insert("x-talkplus-signature", talkplus::SIGNATURE.sign(api_key.as_bytes(), body).parse()?);
//!
//! let delivery = TalkPlus::receive(&verifier, &headers, body)?;
//! assert_eq!(delivery.event_name, "member_banned");
//! match delivery.parse()? {
//!     TalkPlusEvent::MemberBanned(ev) => {
//!         assert_eq!(ev.channel.id, "lobby");
//!         assert_eq!(ev.users[0].id, "troll");
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//!
//! // One byte changed and the delivery is refused before it is read.
//! let mut forged = body.to_vec();
//! forged[30] ^= 1;
//! assert!(TalkPlus::receive(&verifier, &headers, &forged).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Handlers and the dispatcher
//!
//! A handler is a plain `async fn` marked `#[webhook_handler]`: its first parameter is
//! the event it wants, further parameters are [`State`] and [`DeliveryInfo`], and it
//! returns `()` or `Result<(), E>`. A [`Dispatcher`] of one provider gets one line per
//! handler and then turns each delivery (headers and body) into an [`Outcome`].
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use webhook_core::talkplus::{self, MemberBanned, TalkPlus, TalkPlusEvent};
//! use webhook_core::{DeliveryInfo, Dispatcher, Outcome, Provider, ProviderEvent, State, webhook_handler};
//!
//! #[derive(Clone, Default)]
//! struct Moderation {
//!     bans: Arc<Mutex<Vec<String>>>,
//! }
//!
//! #[webhook_handler]
//! async fn on_member_banned(ev: MemberBanned, State(app): State<Moderation>) -> Result<(), String> {
//!     let mut bans = app.bans.lock().map_err(|_| "lock poisoned".to_owned())?;
//!     bans.extend(ev.users.into_iter().map(|user| user.id));
//!     Ok(())
//! }
//!
//! #[webhook_handler]
//! async fn audit(ev: TalkPlusEvent, info: DeliveryInfo) {
//!     println!("{} delivery of {} bytes: {}", info.provider(), info.body().len(), ev.name());
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = Moderation::default();
//! let dispatcher = Dispatcher::new(TalkPlus::verifier(["app-api-key"])?, app.clone())
//!     .handler(on_member_banned)
//!     .handler(audit);
//!
//! let body = r#"{"event":"member_banned","channel":{"id":"lobby"},"users":[{"id":"troll"}]}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-talkplus-signature", talkplus::SIGNATURE.sign(b"app-api-key", body.as_bytes()).parse()?);
//!
//! let outcome = dispatcher.dispatch(headers, body.into()).await;
//! assert_eq!(outcome, Outcome::Handled { event: "member_banned".into(), handlers: 2 });
//! assert_eq!(*app.bans.lock().unwrap(), ["troll"]);
//!
//! // Unsigned: no handler runs.
//! let outcome = dispatcher.dispatch(http::HeaderMap::new(), body.into()).await;
//! assert!(matches!(outcome, Outcome::Unauthorized(_)));
//! # Ok(())
//! # }
//! ```
//!
//! [`Dispatcher`] documents which handlers run for a delivery and in what order.
//!
//! # Supported events
//!
//! | platform | event name | Rust type |
//! |---|---|---|
//! | TalkPlus | `message` | [`talkplus::MessageSent`] |
//! | TalkPlus | `message_deleted` | [`talkplus::MessageDeleted`] |
//! | TalkPlus | `reaction_added` | [`talkplus::ReactionAdded`] |
//! | TalkPlus | `reaction_deleted` | [`talkplus::ReactionDeleted`] |
//! | TalkPlus | `channel_added` | [`talkplus::ChannelAdded`] |
//! | TalkPlus | `channel_changed` | [`talkplus::ChannelChanged`] |
//! | TalkPlus | `channel_removed` | [`talkplus::ChannelRemoved`] |
//! | TalkPlus | `member_added` | [`talkplus::MemberAdded`] |
//! | TalkPlus | `member_left` | [`talkplus::MemberLeft`] |
//! | TalkPlus | `member_muted` | [`talkplus::MemberMuted`] |
//! | TalkPlus | `member_unmuted` | [`talkplus::MemberUnmuted`] |
//! | TalkPlus | `member_banned` | [`talkplus::MemberBanned`] |
//! | TalkPlus | `member_unbanned` | [`talkplus::MemberUnbanned`] |
//! | TalkPlus | `user_blocked` | [`talkplus::UserBlocked`] |
//! | TalkPlus | `user_unblocked` | [`talkplus::UserUnblocked`] |
//! | TalkPlus | any other | [`talkplus::UnknownEvent`] (in [`talkplus::TalkPlusEvent::Unknown`]) |
//! | Amity | `channel.didAddUsers` | [`amity::ChannelDidAddUsers`] |
//! | Amity | `channel.didBan` | [`amity::ChannelDidBan`] |
//! | Amity | `channel.didClose` | [`amity::ChannelDidClose`] |
//! | Amity | `channel.didCreate` | [`amity::ChannelDidCreate`] |
//! | Amity | `channel.didJoin` | [`amity::ChannelDidJoin`] |
//! | Amity | `channel.didLeave` | [`amity::ChannelDidLeave`] |
//! | Amity | `channel.didRemoveUsers` | [`amity::ChannelDidRemoveUsers`] |
//! | Amity | `channel.didUpdate` | [`amity::ChannelDidUpdate`] |
//! | Amity | `channel.didUpdateMeta` | [`amity::ChannelDidUpdateMeta`] |
//! | Amity | `message.didAddReaction` | [`amity::MessageDidAddReaction`] |
//! | Amity | `message.didClearflag` | [`amity::MessageDidClearFlag`] |
//! | Amity | `message.didCreate` | [`amity::MessageDidCreate`] |
//! | Amity | `message.didDelete` | [`amity::MessageDidDelete`] |
//! | Amity | `message.didFlag` | [`amity::MessageDidFlag`] |
//! | Amity | `message.didRemoveReaction` | [`amity::MessageDidRemoveReaction`] |
//! | Amity | `message.didUnflag` | [`amity::MessageDidUnflag`] |
//! | Amity | `message.didUpdate` | [`amity::MessageDidUpdate`] |
//! | Amity | `user.didClearFlag` | [`amity::UserDidClearFlag`] |
//! | Amity | `user.didCreate` | [`amity::UserDidCreate`] |
//! | Amity | `user.didFlag` | [`amity::UserDidFlag`] |
//! | Amity | `user.didUnflag` | [`amity::UserDidUnflag`] |
//! | Amity | `user.didUpdate` | [`amity::UserDidUpdate`] |
//! | Amity | `moderation.didBan` | [`amity::ModerationDidBan`] |
//! | Amity | any other (`follow.*`, `poll.*`, `v3.*`, `video-streaming.*`, …) | [`amity::UnknownEvent`] (in [`amity::AmityEvent::Unknown`]) |
//!
//! # Signature schemes
//!
//! | platform | header | value |
//! |---|---|---|
//! | TalkPlus | `x-talkplus-signature` | base64(HMAC-SHA256(body, App API Key)) — [`talkplus::SIGNATURE`] |
//! | Amity | `x-amity-signature` | base64(HMAC-SHA256(body, secret)) — [`amity::SIGNATURE`]; decides when both headers are present |
//! | Amity (legacy, on by default) | `X-EKO-Signature` | `sha1=` hex(HMAC-SHA1(body, secret)) — [`amity::LEGACY_SIGNATURE`] |
//!
//! A platform not listed here implements [`Provider`] in its own crate.

mod event_time;
mod events_macro;
mod lenient;

pub mod amity;
pub mod dispatch;
pub mod handler;
pub mod inbox;
pub mod payload;
pub mod provider;
pub mod store;
pub mod talkplus;
#[cfg(feature = "testing")]
pub mod testing;
pub mod verify;

/// Marks an `async fn` as a webhook handler and checks its signature; see the crate docs.
pub use webhook_macros::webhook_handler;

pub use dispatch::{Dispatcher, Failure, HandlerFailure, OnStoreError, Outcome};
pub use handler::{DeliveryFacts, DeliveryInfo, EventOf, HandlerEvent, State};
pub use inbox::{Inbox, InboxSettings, RetryPolicy};
pub use payload::PayloadError;
pub use provider::{
    DeliveryError, DeliveryIdSource, Event, Provider, ProviderEvent, UnknownEvent, VerifiedDelivery,
};
pub use store::{MemoryStore, Store, StoreError};
pub use verify::{ConfigError, SignatureScheme, SigningKey, Verifier, VerifyError};

/// What `#[webhook_handler]`'s expansion calls. Not public API: it may change at any time.
#[doc(hidden)]
pub mod __private {
    use std::future::Future;

    use crate::handler::{Extractor, HandlerEvent, HandlerReturn};

    pub fn assert_event<E: HandlerEvent>() {}

    pub fn assert_extractor<T: Extractor>() {}

    pub fn assert_return<R: HandlerReturn>() {}

    /// The future an `async fn` returns, named without naming its parameters.
    pub trait HandlerFn<Args> {
        type Future: Future;
    }

    macro_rules! impl_handler_fn {
        ($($arg:ident),*) => {
            impl<F, Fut, $($arg,)*> HandlerFn<($($arg,)*)> for F
            where
                F: Fn($($arg,)*) -> Fut,
                Fut: Future,
            {
                type Future = Fut;
            }
        };
    }

    impl_handler_fn!(A1);
    impl_handler_fn!(A1, A2);
    impl_handler_fn!(A1, A2, A3);
    impl_handler_fn!(A1, A2, A3, A4);
    impl_handler_fn!(A1, A2, A3, A4, A5);

    pub fn assert_send_future<F, Args>(_handler: F)
    where
        F: HandlerFn<Args>,
        F::Future: Send,
    {
    }
}
