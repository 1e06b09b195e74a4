//! Keys and whole signatures never reach logs, `Debug` output or error texts: everything a
//! delivery's path writes is captured here, at every level, and searched.

#[path = "support/captured_logs.rs"]
mod captured_logs;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use captured_logs::capture_logs;
use http::{HeaderMap, HeaderValue};
use webhook_core::store::Filter;
use webhook_core::talkplus::{self, MemberBanned, TalkPlus};
use webhook_core::{
    DeliveryInfo, Dispatcher, MemoryStore, Provider, Shared, Store, webhook_handler,
};

const KEY: &str = "a-secret-app-api-key-that-must-never-be-logged";

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

#[webhook_handler]
async fn record(
    ev: MemberBanned,
    info: DeliveryInfo,
    Shared(seen): Shared<Seen>,
) -> Result<(), String> {
    let mut seen = seen.0.lock().map_err(|err| err.to_string())?;
    seen.push(format!("{info:?} {ev:?}"));
    if ev.channel.id == "failing" {
        return Err("handler failed".to_owned());
    }
    Ok(())
}

fn signed(body: &str, key: &str) -> (HeaderMap, Bytes, String) {
    let signature = talkplus::SIGNATURE.sign(key.as_bytes(), body.as_bytes());
    let mut headers = HeaderMap::new();
    headers.insert(
        "x-talkplus-signature",
        HeaderValue::from_str(&signature).expect("base64"),
    );
    (headers, Bytes::from(body.to_owned()), signature)
}

#[tokio::test(flavor = "current_thread")]
async fn no_log_debug_output_or_error_text_holds_a_key_or_a_whole_signature() {
    let (logs, _guard) = capture_logs(tracing::Level::TRACE);

    let seen = Seen::default();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let dispatcher = Dispatcher::new(TalkPlus::verifier([KEY]).expect("key"), seen.clone())
        .handler(record)
        .store(Arc::clone(&store));
    let route = webhook_axum::webhook(dispatcher);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        async move { axum::serve(listener, axum::Router::new().route("/hook", route)).await },
    );

    let mut written = Vec::new();
    let mut signatures = Vec::new();
    let bodies = [
        (
            r#"{"event":"member_banned","channel":{"id":"ok"},"users":[]}"#,
            KEY,
        ),
        (
            r#"{"event":"member_banned","channel":{"id":"failing"},"users":[]}"#,
            KEY,
        ),
        (
            r#"{"event":"member_banned","channel":{"id":7},"users":[]}"#,
            KEY,
        ),
        (
            r#"{"event":"member_banned","channel":{"id":"forged"},"users":[]}"#,
            "a-wrong-key",
        ),
    ];
    let client = reqwest::Client::new();
    for (body, key) in bodies {
        let (headers, body, signature) = signed(body, key);
        signatures.push(signature);
        for _ in 0..2 {
            let response = client
                .post(format!("http://{addr}/hook"))
                .headers(headers.clone())
                .body(body.clone())
                .send()
                .await
                .expect("sent");
            written.push(format!("{:?}", response.headers()));
            written.push(response.text().await.expect("reply"));
        }
    }
    let verifier = TalkPlus::verifier([KEY]).expect("key");
    written.push(format!("{verifier:?}"));
    let (headers, body, _) = signed(bodies[0].0, KEY);
    let delivery = TalkPlus::receive(&verifier, &headers, &body).expect("verifies");
    written.push(format!("{delivery:?}"));
    for record in store.list(&Filter::default()).await.expect("list") {
        let full = store.get(record.id).await.expect("get").expect("kept");
        written.push(format!("{full:?} {:?} {:?}", full.shown_id, full.key));
    }
    written.extend(seen.0.lock().expect("seen").iter().cloned());
    written.push(logs.text());

    let everything = written.join("\n");
    assert!(
        everything.contains("member_banned"),
        "something was captured"
    );
    assert!(
        everything.contains("delivery_id"),
        "ids are logged, shortened"
    );
    assert!(!everything.contains(KEY), "the key leaked");
    for signature in &signatures {
        assert!(
            !everything.contains(signature.as_str()),
            "a whole signature leaked: {signature}"
        );
    }
    // The verified ones are identified by their short form (the forged one by nothing).
    for signature in &signatures[..3] {
        assert!(
            everything.contains(&signature[..12]),
            "its short form is shown"
        );
    }
}
