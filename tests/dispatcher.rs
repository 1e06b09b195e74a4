//! The dispatcher without any web framework: every outcome, handler order, catch-all and
//! unknown-event handlers, extractors, handler errors and panics.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use webhook_core::amity::{self, Amity};
use webhook_core::talkplus::{self, MemberBanned, TalkPlus, TalkPlusEvent};
use webhook_core::{
    DeliveryInfo, Dispatcher, Failure, Outcome, PayloadError, Provider, Shared, VerifyError,
    webhook_handler,
};

const KEY: &str = "test-app-api-key";

/// What handlers did, in order.
#[derive(Clone, Default)]
struct Journal(Arc<Mutex<Vec<String>>>);

impl Journal {
    fn write(&self, line: impl Into<String>) {
        self.0.lock().expect("journal lock").push(line.into());
    }
    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("journal lock").clone()
    }
}

fn signed(body: &str) -> (HeaderMap, Bytes) {
    let mut headers = HeaderMap::new();
    let signature = talkplus::SIGNATURE.sign(KEY.as_bytes(), body.as_bytes());
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    (headers, Bytes::copy_from_slice(body.as_bytes()))
}

const BANNED: &str =
    r#"{"event":"member_banned","appId":"a","channel":{"id":"lobby"},"users":[{"id":"troll"}]}"#;

#[webhook_handler]
async fn record_ban(ev: MemberBanned, Shared(journal): Shared<Journal>) {
    journal.write(format!(
        "first: {} banned in {}",
        ev.users[0].id, ev.channel.id
    ));
}

#[webhook_handler]
async fn record_ban_again(
    MemberBanned { channel, .. }: MemberBanned,
    Shared(journal): Shared<Journal>,
    info: DeliveryInfo,
) {
    journal.write(format!(
        "second: {} via {} {} ({} bytes)",
        channel.id,
        info.provider(),
        info.event_name(),
        info.body().len()
    ));
}

#[webhook_handler]
async fn audit(ev: TalkPlusEvent, Shared(journal): Shared<Journal>) {
    journal.write(format!("audit: {}", ev.name()));
}

#[webhook_handler]
async fn unhandled(ev: talkplus::UnknownEvent, Shared(journal): Shared<Journal>) {
    journal.write(format!("unhandled: {}", ev.name));
}

#[derive(Debug)]
struct StoreDown;

impl std::fmt::Display for StoreDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ban store unreachable")
    }
}

#[webhook_handler]
async fn failing(_ev: MemberBanned, Shared(journal): Shared<Journal>) -> Result<(), StoreDown> {
    journal.write("failing ran");
    Err(StoreDown)
}

#[webhook_handler]
async fn panicking(_ev: MemberBanned) {
    panic!("handler bug");
}

fn dispatcher(journal: &Journal) -> Dispatcher<TalkPlus, Journal> {
    Dispatcher::new(
        TalkPlus::verifier([KEY]).expect("valid key"),
        journal.clone(),
    )
}

#[tokio::test]
async fn handled_runs_every_handler_of_the_event_in_order_then_catch_all() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal)
        .handler(audit)
        .handler(record_ban)
        .handler(record_ban_again)
        .handler(unhandled);
    let (headers, body) = signed(BANNED);
    let outcome = dispatcher.dispatch(headers, body).await;
    assert_eq!(
        outcome,
        Outcome::Handled {
            event: "member_banned".into(),
            handlers: 3
        }
    );
    assert_eq!(
        journal.lines(),
        [
            "first: troll banned in lobby".to_owned(),
            format!(
                "second: lobby via talkplus member_banned ({} bytes)",
                BANNED.len()
            ),
            "audit: member_banned".to_owned(),
        ]
    );
}

#[tokio::test]
async fn unauthorized_runs_nothing() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal).handler(record_ban).handler(audit);
    let (_, body) = signed(BANNED);
    let outcome = dispatcher.dispatch(HeaderMap::new(), body.clone()).await;
    assert_eq!(
        outcome,
        Outcome::Unauthorized(VerifyError::Missing {
            expected: vec!["x-talkplus-signature"]
        })
    );
    let (mut headers, _) = signed("another body");
    headers.insert(
        "x-talkplus-signature",
        signed("other").0["x-talkplus-signature"].clone(),
    );
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Unauthorized(VerifyError::Mismatch { .. })
    ));
    assert!(journal.lines().is_empty());
}

#[tokio::test]
async fn bad_payload_runs_nothing() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal).handler(record_ban).handler(audit);
    let (headers, body) = signed(r#"{"event":"member_banned","channel":"lobby","users":[]}"#);
    let outcome = dispatcher.dispatch(headers, body).await;
    assert!(
        matches!(&outcome, Outcome::BadPayload(PayloadError::InvalidShape { path, .. }) if path == "channel"),
        "{outcome:?}"
    );
    let (headers, body) = signed("not json");
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::BadPayload(PayloadError::NotJson { .. })
    ));
    let (headers, body) = signed(r#"{"type":"member_banned"}"#);
    assert_eq!(
        dispatcher.dispatch(headers, body).await,
        Outcome::BadPayload(PayloadError::MissingEventName { field: "event" })
    );
    assert!(journal.lines().is_empty());
}

#[tokio::test]
async fn ignored_when_no_handler_and_never_parsed() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal).handler(record_ban);
    // A channel_added whose channel could not be read: no handler wants it, so nothing
    // reads it and it is acknowledged as ignored rather than rejected.
    let (headers, body) = signed(r#"{"event":"channel_added","channel":"not an object"}"#);
    assert_eq!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Ignored {
            event: "channel_added".into()
        }
    );
    assert!(!dispatcher.handles("channel_added"));
    assert!(dispatcher.handles("member_banned"));
    assert!(journal.lines().is_empty());
}

#[tokio::test]
async fn unknown_event_handler_gets_only_events_the_crate_has_no_type_for() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal).handler(record_ban).handler(unhandled);
    let (headers, body) = signed(r#"{"event":"channel_archived","channel":{"id":"c"}}"#);
    assert_eq!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled {
            event: "channel_archived".into(),
            handlers: 1
        }
    );
    // A known event nobody handles is acknowledged: it is not unknown.
    let (headers, body) = signed(r#"{"event":"member_left","channel":{"id":"c"},"users":[]}"#);
    assert_eq!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Ignored {
            event: "member_left".into()
        }
    );
    // member_banned has a typed handler, so the unknown-event handler does not see it.
    let (headers, body) = signed(BANNED);
    assert!(dispatcher.dispatch(headers, body).await.is_acknowledged());
    assert_eq!(
        journal.lines(),
        [
            "unhandled: channel_archived",
            "first: troll banned in lobby"
        ]
    );
}

#[tokio::test]
async fn catch_all_receives_unknown_events_too() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal).handler(audit);
    let (headers, body) = signed(r#"{"event":"brand_new_event"}"#);
    assert_eq!(
        dispatcher.dispatch(headers, body).await,
        Outcome::Handled {
            event: "brand_new_event".into(),
            handlers: 1
        }
    );
    assert_eq!(journal.lines(), ["audit: brand_new_event"]);
}

#[tokio::test]
async fn handler_error_and_panic_fail_the_delivery_but_others_still_run() {
    let journal = Journal::default();
    let dispatcher = dispatcher(&journal)
        .handler(failing)
        .handler(panicking)
        .handler(record_ban);
    let (headers, body) = signed(BANNED);
    let outcome = dispatcher.dispatch(headers, body).await;
    let Outcome::HandlerFailed {
        event,
        handlers,
        failures,
    } = &outcome
    else {
        panic!("expected HandlerFailed, got {outcome:?}")
    };
    assert_eq!(event, "member_banned");
    assert_eq!(*handlers, 3);
    assert_eq!(failures.len(), 2);
    assert!(
        failures[0].handler.ends_with("::failing"),
        "{}",
        failures[0].handler
    );
    assert_eq!(
        failures[0].failure,
        Failure::Error("ban store unreachable".into())
    );
    assert!(
        failures[1].handler.ends_with("::panicking"),
        "{}",
        failures[1].handler
    );
    assert_eq!(failures[1].failure, Failure::Panic("handler bug".into()));
    assert!(
        outcome.to_string().contains("2 of 3 handlers failed"),
        "{outcome}"
    );
    assert_eq!(
        journal.lines(),
        ["failing ran", "first: troll banned in lobby"]
    );

    // The dispatcher keeps serving after a panic.
    let (headers, body) = signed(BANNED);
    assert!(matches!(
        dispatcher.dispatch(headers, body).await,
        Outcome::HandlerFailed { .. }
    ));
}

#[webhook_handler]
async fn on_user_joined(
    ev: amity::ChannelDidJoin,
    info: DeliveryInfo,
) -> Result<(), std::io::Error> {
    assert_eq!(ev.data.user_ids, ["B"]);
    assert_eq!(info.delivery_id(), Some("req-1"));
    assert_eq!(info.scheme(), "amity-legacy-sha1");
    Ok(())
}

#[tokio::test]
async fn stateless_amity_dispatcher_with_metadata() {
    let dispatcher =
        Dispatcher::new(Amity::verifier(["secret"]).expect("valid"), ()).handler(on_user_joined);
    let body = r#"{"requestId":"req-1","event":"channel.didJoin","data":{"userIds":["B"],"channel":{"channelId":"c"}}}"#;
    let mut headers = HeaderMap::new();
    let signature = amity::LEGACY_SIGNATURE.sign(b"secret", body.as_bytes());
    headers.insert(
        "X-EKO-Signature",
        HeaderValue::from_str(&signature).expect("hex"),
    );
    assert_eq!(
        dispatcher
            .dispatch(headers, Bytes::from_static(body.as_bytes()))
            .await,
        Outcome::Handled {
            event: "channel.didJoin".into(),
            handlers: 1
        }
    );
}

#[webhook_handler]
async fn journal_amity_delivery_id(
    _ev: amity::ChannelDidJoin,
    info: DeliveryInfo,
    Shared(journal): Shared<Journal>,
) {
    journal.write(info.delivery_id().unwrap_or("(none)"));
}

/// The envelope scan stops at the event name; a `requestId` after it is still the
/// delivery's id, for handlers, for the record and with no store at all.
#[tokio::test]
async fn an_amity_request_id_after_the_event_name_is_the_delivery_id() {
    let body = r#"{"event":"channel.didJoin","data":{"userIds":["B"],"channel":{"channelId":"c"}},"requestId":"req-after"}"#;
    let mut headers = HeaderMap::new();
    let signature = amity::LEGACY_SIGNATURE.sign(b"secret", body.as_bytes());
    headers.insert(
        "X-EKO-Signature",
        HeaderValue::from_str(&signature).expect("hex"),
    );
    let store = Arc::new(webhook_core::MemoryStore::new());
    let journal = Journal::default();
    let verifier = || Amity::verifier(["secret"]).expect("valid");
    let with_store = Dispatcher::new(verifier(), journal.clone())
        .handler(journal_amity_delivery_id)
        .store(store.clone());
    let without_store = Dispatcher::new(verifier(), journal.clone())
        .handler(journal_amity_delivery_id)
        .without_store();
    for dispatcher in [with_store, without_store] {
        let outcome = dispatcher
            .dispatch(headers.clone(), Bytes::from_static(body.as_bytes()))
            .await;
        assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome}");
    }
    assert_eq!(journal.lines(), ["req-after", "req-after"]);
    let records = webhook_core::Store::list(&*store, &webhook_core::store::Filter::default())
        .await
        .expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].shown_id.as_deref(), Some("req-after"));
}

#[webhook_handler]
async fn journal_every_amity_event(
    _ev: amity::AmityEvent,
    info: DeliveryInfo,
    Shared(journal): Shared<Journal>,
) {
    journal.write(info.event_name());
}

#[tokio::test]
async fn amity_events_sharing_a_request_id_are_each_handled_and_each_deduplicated() {
    // Every example of Amity's documentation gives its events one requestId: the id alone
    // would make the second event a copy of the first, and lose it.
    let journal = Journal::default();
    let dispatcher = Dispatcher::new(Amity::verifier(["secret"]).expect("valid"), journal.clone())
        .handler(journal_every_amity_event);
    let deliver = |event: &str| {
        let body = format!(
            r#"{{"requestId":"shared-req","event":"{event}","data":{{"channel":{{"channelId":"c"}},"userIds":["B"]}}}}"#
        );
        let mut headers = HeaderMap::new();
        let signature = amity::SIGNATURE.sign(b"secret", body.as_bytes());
        headers.insert(
            "x-amity-signature",
            HeaderValue::from_str(&signature).expect("base64"),
        );
        dispatcher.dispatch(headers, Bytes::from(body))
    };
    assert!(matches!(
        deliver("channel.didJoin").await,
        Outcome::Handled { .. }
    ));
    assert!(matches!(
        deliver("channel.didCreate").await,
        Outcome::Handled { .. }
    ));
    // The platform's retry of either is still a copy.
    assert!(matches!(
        deliver("channel.didJoin").await,
        Outcome::Duplicate { .. }
    ));
    assert_eq!(journal.lines(), ["channel.didJoin", "channel.didCreate"]);
}

#[tokio::test]
async fn an_annotated_handler_is_still_an_ordinary_function() {
    let journal = Journal::default();
    let ev = MemberBanned::parse(BANNED).expect("valid");
    record_ban(ev, Shared(journal.clone())).await;
    assert_eq!(journal.lines(), ["first: troll banned in lobby"]);
}

#[test]
fn debug_output_shows_routes_not_keys() {
    let shown = format!(
        "{:?}",
        dispatcher(&Journal::default())
            .handler(record_ban)
            .handler(audit)
    );
    assert!(shown.contains("member_banned"), "{shown}");
    assert!(!shown.contains(KEY), "{shown}");
}

#[webhook_handler]
async fn on_push_channel_created(
    ev: amity::PushChannelCreated,
    info: DeliveryInfo,
    Shared(journal): Shared<Journal>,
) {
    journal.write(format!(
        "push {} {} {:?}",
        ev.data.event_name,
        info.event_name(),
        info.delivery_id()
    ));
}

#[tokio::test]
async fn push_notifications_are_routed_by_event_type_and_nested_name() {
    let journal = Journal::default();
    let dispatcher = Dispatcher::new(Amity::verifier(["secret"]).expect("valid"), journal.clone())
        .handler(on_push_channel_created);
    let body =
        include_str!("../webhook-core/fixtures/amity/spec/push-notification/channel.created.json");
    let sign = |body: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-amity-signature",
            amity::SIGNATURE
                .sign(b"secret", body.as_bytes())
                .parse()
                .expect("b64"),
        );
        headers
    };
    let outcome = dispatcher.dispatch(sign(body), Bytes::from(body)).await;
    assert_eq!(
        outcome,
        Outcome::Handled {
            event: "push-notification/channel.created".into(),
            handlers: 1
        }
    );
    // The same push notification again (same `id`) is a duplicate.
    let outcome = dispatcher.dispatch(sign(body), Bytes::from(body)).await;
    assert!(matches!(outcome, Outcome::Duplicate { .. }), "{outcome:?}");
    assert_eq!(
        journal.lines(),
        [
            "push channel.created push-notification/channel.created Some(\"66d1e2f3a4b5c6d7e8f90a1b\")"
        ]
    );
    // Another kind of push notification has no handler here: acknowledged, not an error.
    let other = body.replace("\"channel.created\"", "\"post.created\"");
    let outcome = dispatcher.dispatch(sign(&other), Bytes::from(other)).await;
    assert_eq!(
        outcome,
        Outcome::Ignored {
            event: "push-notification/post.created".into()
        }
    );
}

#[tokio::test]
async fn a_talkplus_body_repeated_byte_for_byte_is_a_copy_until_its_done_record_goes() {
    use std::time::Duration;
    use webhook_core::MemoryStore;
    // A ban, lifted and made again with nothing else changed, sends the same bytes twice;
    // with no delivery id, only the done record's age tells a retry from a new event.
    let journal = Journal::default();
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("valid"), journal.clone())
        .store(Arc::new(MemoryStore::with_limits(
            100,
            Duration::from_millis(300),
        )))
        .handler(record_ban);
    let deliver = || {
        let (headers, body) = signed(BANNED);
        dispatcher.dispatch(headers, body)
    };
    assert!(matches!(deliver().await, Outcome::Handled { .. }));
    // The platform's retry, 5 s later in real life: inside the window.
    assert!(matches!(deliver().await, Outcome::Duplicate { .. }));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(matches!(deliver().await, Outcome::Handled { .. }));
    assert_eq!(journal.lines().len(), 2);
}
