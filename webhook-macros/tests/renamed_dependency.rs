//! The expansion finds the runtime crate under the name the user gave it in
//! `Cargo.toml`: this crate depends on `webhook-core` as `hooks` (a dev-dependency).

use hooks::talkplus::{MemberBanned, TalkPlus};
use hooks::{Dispatcher, Outcome, Provider};

#[hooks::webhook_handler]
async fn on_member_banned(ev: MemberBanned) {
    assert_eq!(ev.channel.id, "c");
}

#[tokio::test]
async fn handler_compiles_and_runs_under_a_renamed_dependency() {
    let dispatcher = Dispatcher::new(TalkPlus::verifier(["key"]).expect("valid key"), ())
        .handler(on_member_banned);
    let body = br#"{"event":"member_banned","channel":{"id":"c"},"users":[]}"#;
    let mut headers = http::HeaderMap::new();
    let signature = hooks::talkplus::SIGNATURE.sign(b"key", body);
    headers.insert("x-talkplus-signature", signature.parse().expect("base64"));
    let outcome = dispatcher
        .dispatch(headers, bytes::Bytes::from_static(body))
        .await;
    assert_eq!(
        outcome,
        Outcome::Handled {
            event: "member_banned".into(),
            handlers: 1
        }
    );
}
