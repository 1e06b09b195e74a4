//! Every `#[webhook_handler]` linked into the program, collected by one call: from this
//! file's modules and from another crate (`tests/linked-handlers`), with no list kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use webhook_core::amity::Amity;
use webhook_core::talkplus::{self, TalkPlus};
use webhook_core::{Dispatcher, Outcome, Provider, RegistrationError, Shared};
// The other crate's handlers are linked only if the program refers to the crate.
use webhook_test_handlers as _;

static BANS: AtomicUsize = AtomicUsize::new(0);

mod moderation {
    use webhook_core::talkplus::MemberBanned;
    use webhook_core::webhook_handler;

    #[webhook_handler]
    pub(crate) async fn on_banned(_ev: MemberBanned) {
        super::BANS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    pub(crate) mod nested {
        use webhook_core::talkplus::MemberLeft;
        use webhook_core::webhook_handler;

        #[webhook_handler]
        async fn on_left(_ev: MemberLeft) {}
    }
}

mod amity_side {
    use webhook_core::amity::ChannelDidJoin;
    use webhook_core::webhook_handler;

    #[webhook_handler]
    async fn on_join(_ev: ChannelDidJoin) {}
}

mod stateful {
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    use webhook_core::talkplus::MemberAdded;
    use webhook_core::{Shared, webhook_handler};

    #[webhook_handler]
    async fn on_added(_ev: MemberAdded, Shared(count): Shared<Arc<AtomicUsize>>) {
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

fn signed(body: &str) -> (HeaderMap, Bytes) {
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(b"key", body.as_bytes());
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("b64"),
    );
    (headers, Bytes::from(body.to_owned()))
}

#[tokio::test]
async fn handlers_of_every_module_and_crate_are_collected_by_one_call() {
    let added = Arc::new(AtomicUsize::new(0));
    let dispatcher = Dispatcher::new(
        TalkPlus::verifier(["key"]).expect("key"),
        Arc::clone(&added),
    )
    .without_store()
    .linked_handlers()
    .expect("every TalkPlus handler fits");
    for event in [
        "member_banned",
        "member_left",
        "member_added",
        "member_muted",
        "member_unmuted",
    ] {
        assert!(dispatcher.handles(event), "{event} was collected");
    }
    assert!(!dispatcher.handles("channel_added"), "nobody handles it");
    let debug = format!("{dispatcher:?}");
    assert!(
        !debug.contains("channel.didJoin"),
        "Amity's handler is not TalkPlus's: {debug}"
    );

    let (headers, body) = signed(r#"{"event":"member_banned","channel":{"id":"c"},"users":[]}"#);
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled { .. }
    ));
    assert_eq!(BANS.load(Ordering::SeqCst), 1);
    let (headers, body) = signed(r#"{"event":"member_added","channel":{"id":"c"},"users":[]}"#);
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled { .. }
    ));
    assert_eq!(
        added.load(Ordering::SeqCst),
        1,
        "collected with its Shared state"
    );
    let (headers, body) = signed(r#"{"event":"member_muted","channel":{"id":"c"},"users":[]}"#);
    assert_eq!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled {
            event: "member_muted".into(),
            handlers: 1
        },
        "the other crate's handler ran"
    );

    let amity = Dispatcher::new(Amity::verifier(["secret"]).expect("key"), ())
        .linked_handlers()
        .expect("the Amity handler takes no state");
    assert!(amity.handles("channel.didJoin"));
}

#[test]
fn a_handler_whose_state_does_not_fit_is_a_start_up_error_naming_it() {
    let err = Dispatcher::new(TalkPlus::verifier(["key"]).expect("key"), "another state")
        .linked_handlers()
        .expect_err("on_added takes Shared<Arc<AtomicUsize>>");
    assert_eq!(
        err,
        RegistrationError {
            handler: "linked::stateful::on_added",
            wanted: "alloc::sync::Arc<core::sync::atomic::AtomicUsize>",
            state: "&str",
        }
    );
    assert!(
        err.to_string().contains("linked::stateful::on_added"),
        "{err}"
    );
    // Scoped to a module tree, the rest is collected.
    let scoped = Dispatcher::new(TalkPlus::verifier(["key"]).expect("key"), "another state")
        .linked_handlers_in("linked::moderation")
        .expect("no stateful handler there");
    assert!(scoped.handles("member_banned") && scoped.handles("member_left"));
    assert!(!scoped.handles("member_added"));
}

#[test]
fn the_registration_value_carries_provider_event_and_name() {
    let registration = webhook_core::Registration::of(moderation::on_banned);
    assert_eq!(registration.provider(), "talkplus");
    assert_eq!(registration.event(), Some("member_banned"));
    assert_eq!(registration.name(), "on_banned");
    assert_eq!(registration.path(), "linked::moderation::on_banned");
    let _: Shared<()> = Shared(());
}
