//! Deliveries as the platforms really send them, over real HTTP against the example
//! server served as `cargo run --example server` serves it: both encodings of Amity's
//! signature, the legacy Eko one, and the shapes the readers are lenient about. Each
//! handled one is answered 200 and logs its handler's `handled` line; the example
//! server deduplicates, so every body here is distinct.

#[path = "support/captured_logs.rs"]
mod captured_logs;

use std::net::SocketAddr;

use captured_logs::capture_logs;
use reqwest::StatusCode;
use webhook_core::{SignatureScheme, amity, talkplus};
use webhook_examples::server::{self, Config};

/// The example server with the demo keys, on a free loopback port, served by
/// `webhook_axum::serve`; it stops when the test's runtime does.
async fn example_server() -> (SocketAddr, Config) {
    let config = Config::demo(([127, 0, 0, 1], 0).into());
    let router = server::app(&config).expect("demo configuration");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(webhook_axum::serve(
        listener,
        router,
        config.read_timeout,
        std::future::pending(),
    ));
    (addr, config)
}

async fn post(url: &str, header: (&str, &str), body: &str) -> (StatusCode, String) {
    let response = reqwest::Client::new()
        .post(url)
        .header(header.0, header.1)
        .body(body.to_owned())
        .send()
        .await
        .expect("sent");
    let status = response.status();
    (status, response.text().await.expect("reply"))
}

/// The line the example handler logs for `event` on `channel`.
fn handled_line(event: &str, channel: &str) -> String {
    format!("handled event=\"{event}\" channel=\"{channel}\"")
}

fn amity_channel_created(id: &str, member_count: &str) -> String {
    format!(
        r#"{{"requestId":"{id}","event":"channel.didCreate","data":{{"channel":{{"channelId":"{id}","type":"community","memberCount":{member_count}}}}}}}"#
    )
}

#[tokio::test(flavor = "current_thread")]
async fn amity_signatures_in_hex_base64_and_legacy_form_over_http() {
    let (logs, _guard) = capture_logs(tracing::Level::INFO);
    let (addr, config) = example_server().await;
    let url = format!("http://{addr}/webhooks/amity");
    let secret = config.amity_secret.value.as_str();
    assert_eq!(secret, server::DEMO_AMITY_SECRET);

    let is_hex = |value: &str| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
    let is_base64 = |value: &str| value.len() == 44 && value.ends_with('=');
    let is_legacy = |value: &str| value.starts_with("sha1=") && value.len() == 45;
    type Form = fn(&str) -> bool;
    let cases: [(&str, SignatureScheme, &str, Form, StatusCode); 5] = [
        (
            "sig-hex",
            amity::SIGNATURE_HEX,
            secret,
            is_hex,
            StatusCode::OK,
        ),
        (
            "sig-base64",
            amity::SIGNATURE,
            secret,
            is_base64,
            StatusCode::OK,
        ),
        (
            "sig-hex-wrong-key",
            amity::SIGNATURE_HEX,
            "not-the-secret",
            is_hex,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "sig-base64-wrong-key",
            amity::SIGNATURE,
            "not-the-secret",
            is_base64,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "sig-legacy-eko",
            amity::LEGACY_SIGNATURE,
            secret,
            is_legacy,
            StatusCode::OK,
        ),
    ];
    for (case, scheme, key, form, expected) in cases {
        let body = amity_channel_created(case, "1");
        let signature = scheme.sign(key.as_bytes(), body.as_bytes());
        assert!(
            form(&signature),
            "{case}: sent in the intended form: {signature}"
        );
        let (status, reply) = post(&url, (scheme.header, &signature), &body).await;
        assert_eq!(status, expected, "{case}: {reply}");
        let handled = logs
            .lines_containing(&handled_line("channel.didCreate", case))
            .len();
        if expected == StatusCode::OK {
            assert_eq!(reply, "handled\n", "{case}");
            assert_eq!(handled, 1, "{case}: one handled line");
        } else {
            assert!(reply.contains("does not match"), "{case}: {reply}");
            assert!(!reply.contains(secret), "{case}: the reply leaks no key");
            assert_eq!(handled, 0, "{case}: no handler ran");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn lenient_shapes_are_handled_over_http() {
    let (logs, _guard) = capture_logs(tracing::Level::INFO);
    let (addr, _config) = example_server().await;
    let talkplus_key = server::DEMO_TALKPLUS_API_KEY.as_bytes();
    let amity_secret = server::DEMO_AMITY_SECRET.as_bytes();

    // (provider, event, channel the handler logs, body)
    let cases = [
        (
            "amity",
            "message.didCreate",
            "gap-both-spellings",
            r#"{"requestId":"gap-both-spellings","event":"message.didCreate","data":{"messages":[{"messageId":"m1","channelId":"gap-both-spellings","userId":"u1","type":"text","data":{"text":"hi"}}],"users":[{"userId":"u1","displayName":"U","hashflag":{"bits":0,"hashes":0,"hash":[]},"hashFlag":{"bits":1,"hashes":1,"hash":[7]}}]}}"#,
        ),
        (
            "amity",
            "message.didCreate",
            "gap-null-hashflag",
            r#"{"requestId":"gap-null-hashflag","event":"message.didCreate","data":{"messages":[{"messageId":"m2","channelId":"gap-null-hashflag","userId":"u1","type":"text","hashFlag":null}],"users":[{"userId":"u1","hashFlag":null}]}}"#,
        ),
        (
            "talkplus",
            "message_deleted",
            "gap-empty-sender",
            r#"{"event":"message_deleted","appId":"a","channel":{"id":"gap-empty-sender"},"sender":"","message":{"id":"m3"}}"#,
        ),
        (
            "talkplus",
            "channel_added",
            "gap-talkplus-count",
            r#"{"event":"channel_added","appId":"a","channel":{"id":"gap-talkplus-count","memberCount":"3","maxMemberCount":"100"}}"#,
        ),
        (
            "amity",
            "channel.didCreate",
            "gap-amity-count",
            &amity_channel_created("gap-amity-count", r#""3""#),
        ),
    ];
    for (provider, event, channel, body) in cases {
        let (status, reply) = match provider {
            "talkplus" => {
                let signature = talkplus::SIGNATURE.sign(talkplus_key, body.as_bytes());
                let url = format!("http://{addr}/webhooks/talkplus");
                post(&url, (talkplus::SIGNATURE.header, &signature), body).await
            }
            _ => {
                let signature = amity::SIGNATURE.sign(amity_secret, body.as_bytes());
                let url = format!("http://{addr}/webhooks/amity");
                post(&url, (amity::SIGNATURE.header, &signature), body).await
            }
        };
        assert_eq!(
            (status, reply.as_str()),
            (StatusCode::OK, "handled\n"),
            "{channel}"
        );
        assert_eq!(
            logs.lines_containing(&handled_line(event, channel)).len(),
            1,
            "{channel}: one handled line"
        );
    }

    // The counts are read, not skipped: a string that holds no number is refused with its
    // JSON path, and no handler runs.
    for (provider, body, path) in [
        (
            "talkplus",
            r#"{"event":"channel_added","appId":"a","channel":{"id":"gap-bad-count","memberCount":"three"}}"#.to_owned(),
            "channel.memberCount",
        ),
        (
            "amity",
            amity_channel_created("gap-bad-count", r#""three""#),
            "data.channel.memberCount",
        ),
    ] {
        let (scheme, key) = match provider {
            "talkplus" => (talkplus::SIGNATURE, talkplus_key),
            _ => (amity::SIGNATURE, amity_secret),
        };
        let signature = scheme.sign(key, body.as_bytes());
        let url = format!("http://{addr}/webhooks/{provider}");
        let (status, reply) = post(&url, (scheme.header, &signature), &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{provider}: {reply}");
        assert!(reply.contains(path), "{provider}: {reply}");
    }
    assert_eq!(logs.lines_containing("channel=\"gap-bad-count\"").len(), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn a_social_event_is_handled_in_the_servers_own_type_over_http() {
    let (logs, _guard) = capture_logs(tracing::Level::INFO);
    let (addr, config) = example_server().await;
    let url = format!("http://{addr}/webhooks/amity");
    let body = include_str!("../webhook-core/fixtures/amity/spec/v3.post.didCreate.json");
    let signature =
        webhook_core::amity::SIGNATURE.sign(config.amity_secret.value.as_bytes(), body.as_bytes());
    let (status, reply) = post(&url, ("x-amity-signature", &signature), body).await;
    assert_eq!((status, reply.as_str()), (StatusCode::OK, "handled\n"));
    assert_eq!(
        logs.lines_containing(&handled_line(
            "v3.post.didCreate",
            "65f0e1d2c3b4a59687a1b2c3"
        ))
        .len(),
        1,
        "the custom-typed handler logged its line"
    );
    // Routed like a built-in event: the same delivery again is a duplicate.
    let (status, reply) = post(&url, ("x-amity-signature", &signature), body).await;
    assert_eq!(
        (status, reply.as_str()),
        (StatusCode::OK, "acknowledged: already handled\n")
    );
    // Shapes the platform's documents disagree on read as the crate's own types read them:
    // one post alone instead of a list, `data` as `null`.
    for lenient in [
        r#"{"event":"v3.post.didCreate","data":{"posts":{"postId":"p1","targetId":"t1"}}}"#,
        r#"{"event":"v3.post.didCreate","data":null,"requestId":"r2"}"#,
    ] {
        let signature = webhook_core::amity::SIGNATURE
            .sign(config.amity_secret.value.as_bytes(), lenient.as_bytes());
        let (status, reply) = post(&url, ("x-amity-signature", &signature), lenient).await;
        assert_eq!(status, StatusCode::OK, "{lenient}: {reply}");
    }
    // A body its own type cannot read is 400, naming the path.
    let broken = r#"{"event":"v3.post.didCreate","data":{"posts":[{"targetId":7}]}}"#;
    let signature = webhook_core::amity::SIGNATURE
        .sign(config.amity_secret.value.as_bytes(), broken.as_bytes());
    let (status, reply) = post(&url, ("x-amity-signature", &signature), broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(reply.contains("data.posts[0].targetId"), "{reply}");
}
