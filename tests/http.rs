//! End-to-end over real HTTP on loopback: a real client against a bound port, one test per
//! row of the status-code table in the `webhook-axum` docs.

#[path = "support/captured_logs.rs"]
mod captured_logs;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use captured_logs::capture_logs;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use webhook_core::talkplus::{self, ChannelAdded, MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, Shared, webhook_handler};
use webhook_examples::server::{self, Config};

const SEED_KEY: &str = "92935b03e231483fc2cf75d9020f7e492c8fd9c7481eb4c79620ace7fe207d81";
const SEED_SIGNATURE: &str = "i7a/Z+7iS1P6kNpnmw6P0ZSmq83LGnrtacwaffTvIdo=";
const SEED_BODY: &[u8] =
    include_bytes!("../webhook-core/fixtures/talkplus/captured_channel_added.json");
const BANNED: &str =
    r#"{"event":"member_banned","channel":{"id":"lobby"},"users":[{"id":"troll"}]}"#;

#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

impl Calls {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

#[webhook_handler]
async fn count_channel_added(ev: ChannelAdded, Shared(calls): Shared<Calls>) {
    assert_eq!(ev.channel.id, "webhook_test");
    calls.0.fetch_add(1, Ordering::SeqCst);
}

#[webhook_handler]
async fn count_banned(_ev: MemberBanned, Shared(calls): Shared<Calls>) {
    tokio::time::sleep(Duration::from_millis(5)).await;
    calls.0.fetch_add(1, Ordering::SeqCst);
}

#[webhook_handler]
async fn fail_on_ban_of_failing(ev: MemberBanned) -> Result<(), String> {
    if ev.channel.id == "failing" {
        Err("database down".to_owned())
    } else {
        Ok(())
    }
}

#[webhook_handler]
async fn panic_on_ban_of_panicking(ev: MemberBanned) {
    assert_ne!(ev.channel.id, "panicking", "handler bug");
}

/// A test server on a free loopback port; it stops when the test's runtime does.
async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("server runs") });
    addr
}

async fn talkplus_server(calls: &Calls, body_limit: usize) -> String {
    let dispatcher = Dispatcher::new(
        TalkPlus::verifier([SEED_KEY]).expect("valid key"),
        calls.clone(),
    )
    .handler(count_channel_added)
    .handler(count_banned)
    .handler(fail_on_ban_of_failing)
    .handler(panic_on_ban_of_panicking)
    // These tests resend the same body: each copy must run, not be a duplicate.
    .without_store();
    let webhook = webhook_axum::Webhook::new(dispatcher).body_limit(body_limit);
    let addr = serve(Router::new().route("/webhooks/talkplus", webhook.into_method_router())).await;
    format!("http://{addr}/webhooks/talkplus")
}

fn sign(body: &[u8]) -> String {
    talkplus::SIGNATURE.sign(SEED_KEY.as_bytes(), body)
}

async fn post(
    url: &str,
    signature: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, String) {
    let mut request = reqwest::Client::new().post(url).body(body);
    if let Some(signature) = signature {
        request = request.header("x-talkplus-signature", signature);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    (status, response.text().await.expect("reply body"))
}

#[tokio::test]
async fn ok_200_for_the_seed_captured_body() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    let (status, reply) = post(&url, Some(SEED_SIGNATURE), SEED_BODY).await;
    assert_eq!((status, reply.as_str()), (StatusCode::OK, "handled\n"));
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn ok_200_for_events_without_a_handler_known_or_not() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    for body in [
        r#"{"event":"channel_removed","channel":{"id":"c"}}"#,
        r#"{"event":"brand_new_event"}"#,
    ] {
        let (status, reply) = post(&url, Some(&sign(body.as_bytes())), body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(reply.contains("no handler"), "{reply}");
    }
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn unauthorized_401_runs_nothing() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    let other_key = talkplus::SIGNATURE.sign(b"someone else", SEED_BODY);
    for (signature, expected) in [
        (None, "missing signature header"),
        (Some("not base64!"), "malformed signature header"),
        (Some("AAAA"), "decodes to 3 bytes, expected 32"),
        (Some(other_key.as_str()), "does not match"),
    ] {
        let (status, reply) = post(&url, signature, SEED_BODY).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{signature:?}");
        assert!(reply.contains(expected), "{signature:?}: {reply}");
        assert!(!reply.contains(SEED_KEY));
    }
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn bad_request_400_names_the_problem() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    let cases: [(&[u8], &str); 5] = [
        (b"not json", "not a JSON object"),
        (b"{\"event\":\"member_banned\xff\"}", "not valid UTF-8"),
        (br#"{"type":"member_banned"}"#, "no string `event` field"),
        (br#"{"event":7}"#, "no string `event` field"),
        (
            br#"{"event":"member_banned","channel":"lobby","users":[]}"#,
            "at `channel`: invalid type: string \"lobby\", expected struct Channel",
        ),
    ];
    for (body, expected) in cases {
        let (status, reply) = post(&url, Some(&sign(body)), body.to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        assert!(
            reply.contains(expected),
            "expected {expected:?} in {reply:?}"
        );
        assert!(!reply.contains(SEED_KEY));
    }
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn payload_too_large_413() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, 1024).await;
    let big = format!(
        r#"{{"event":"member_banned","pad":"{}"}}"#,
        "x".repeat(2000)
    );
    let (status, reply) = post(&url, Some(&sign(big.as_bytes())), big.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{reply}");
    assert!(reply.contains("1024 bytes"), "{reply}");

    // A chunked body declares no length: it is counted while read.
    let chunks = chunked::chunks(big.clone().into_bytes());
    let (status, _) = post(
        &url,
        Some(&sign(big.as_bytes())),
        reqwest::Body::wrap_stream(chunks),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(calls.count(), 0);
}

/// A tiny stream of 256-byte chunks, so reqwest sends the body chunked.
mod chunked {
    use futures_core::Stream;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    pub(crate) struct Chunks(Vec<Vec<u8>>);

    pub(crate) fn chunks(bytes: Vec<u8>) -> Chunks {
        let mut parts: Vec<Vec<u8>> = bytes.chunks(256).map(<[u8]>::to_vec).collect();
        parts.reverse();
        Chunks(parts)
    }

    impl Stream for Chunks {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.0.pop().map(Ok))
        }
    }
}

#[tokio::test]
async fn expect_100_continue_gets_413_before_sending_the_body() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, 1024).await;
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("host")
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /webhooks/talkplus HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\nx-talkplus-signature: {SEED_SIGNATURE}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("send head");
    let mut reply = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut reply))
        .await
        .expect("the server answers without waiting for the body")
        .expect("read");
    let reply = String::from_utf8_lossy(&reply[..read]);
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(!reply.contains("100 Continue"), "{reply}");
}

#[tokio::test]
async fn request_timeout_408_when_the_body_stalls_and_no_handler_runs() {
    let calls = Calls::default();
    let dispatcher = Dispatcher::new(
        TalkPlus::verifier([SEED_KEY]).expect("valid key"),
        calls.clone(),
    )
    .handler(count_banned);
    let webhook = webhook_axum::Webhook::new(dispatcher).read_timeout(Duration::from_millis(300));
    let addr = serve(Router::new().route("/webhooks/talkplus", webhook.into_method_router())).await;

    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /webhooks/talkplus HTTP/1.1\r\nhost: {addr}\r\nx-talkplus-signature: {}\r\ncontent-length: {}\r\n\r\n",
        sign(BANNED.as_bytes()),
        BANNED.len()
    );
    stream.write_all(head.as_bytes()).await.expect("headers");
    stream
        .write_all(&BANNED.as_bytes()[..10])
        .await
        .expect("part of the body");
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), stream.read_to_end(&mut reply))
        .await
        .expect("answered and closed within 3 s")
        .expect("read");
    let reply = String::from_utf8_lossy(&reply);
    assert!(
        reply.starts_with("HTTP/1.1 408 Request Timeout\r\n")
            && reply.contains("\r\nconnection: close\r\n")
            && reply.ends_with("body not received within 300 ms\n"),
        "{reply}"
    );
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn method_not_allowed_405() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let response = reqwest::Client::new()
            .request(method.clone(), &url)
            .send()
            .await
            .expect("sent");
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
        assert_eq!(response.headers()["allow"], "POST");
    }
}

#[tokio::test]
async fn server_error_500_when_a_handler_fails_or_panics_and_serving_goes_on() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    for channel in ["failing", "panicking"] {
        let body = BANNED.replace("lobby", channel);
        let (status, reply) = post(&url, Some(&sign(body.as_bytes())), body).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{channel}");
        assert!(
            !reply.contains("database down") && !reply.contains("handler bug"),
            "{reply}"
        );
    }
    // The next good delivery is served.
    let (status, _) = post(&url, Some(&sign(BANNED.as_bytes())), BANNED).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        calls.count(),
        3,
        "count_banned ran for each of the three deliveries"
    );
}

#[tokio::test]
async fn content_type_is_not_required() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    for content_type in [
        "text/plain",
        "application/octet-stream",
        "application/json; charset=utf-8",
    ] {
        let response = reqwest::Client::new()
            .post(&url)
            .header("content-type", content_type)
            .header("x-talkplus-signature", SEED_SIGNATURE)
            .body(SEED_BODY)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::OK, "{content_type}");
    }
    assert_eq!(calls.count(), 3);
}

#[tokio::test]
async fn sixty_four_concurrent_deliveries_are_all_handled() {
    let calls = Calls::default();
    let url = talkplus_server(&calls, webhook_axum::DEFAULT_BODY_LIMIT).await;
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..64 {
        let body = BANNED.replace("troll", &format!("troll-{index}"));
        let request = client
            .post(&url)
            .header("x-talkplus-signature", sign(body.as_bytes()))
            .body(body);
        tasks.spawn(async move { request.send().await.map(|response| response.status()) });
    }
    let mut statuses = Vec::new();
    while let Some(result) = tasks.join_next().await {
        statuses.push(result.expect("task").expect("response"));
    }
    assert_eq!(statuses.len(), 64);
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(calls.count(), 64);
}

#[tokio::test]
async fn the_example_server_handles_its_own_sample_commands() {
    let config = Config::demo(([127, 0, 0, 1], 0).into());
    let addr = serve(server::app(&config).expect("demo keys are valid")).await;
    let commands = server::sample_commands(&config, addr).expect("samples readable");
    assert_eq!(commands.len(), 2);
    for command in commands {
        assert!(
            command.cli.starts_with("WEBHOOK_KEY=demo-") && !command.cli.contains("--key"),
            "the demo key is shown, in the environment, not on the command line: {}",
            command.cli
        );
        let command = command.curl.expect("a curl command for a demo key");
        // `curl -sS -i -X POST <url> -H '<name>: <signature>' --data-binary @<file>`
        let words: Vec<&str> = command.split(' ').collect();
        let url = words[5];
        let header = command.split('\'').nth(1).expect("quoted header");
        let (name, signature) = header.split_once(": ").expect("name: value");
        let file = command.rsplit('@').next().expect("file");
        let body = std::fs::read(file).expect("sample file");
        let response = reqwest::Client::new()
            .post(url)
            .header(name, signature)
            .body(body)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::OK, "{command}");
    }
}

#[derive(Clone)]
struct ExistingAppState {
    greeting: &'static str,
}

#[tokio::test]
async fn mounts_in_an_existing_app_keeping_its_state_and_layers() {
    use axum::extract::State as AxumState;

    let calls = Calls::default();
    let dispatcher = Dispatcher::new(
        TalkPlus::verifier([SEED_KEY]).expect("valid key"),
        calls.clone(),
    )
    .handler(count_channel_added);
    let app = Router::new()
        .route(
            "/hello",
            axum::routing::get(|AxumState(app): AxumState<ExistingAppState>| async move {
                app.greeting
            }),
        )
        .route("/webhooks/talkplus", webhook_axum::webhook(dispatcher))
        .layer(axum::middleware::map_response(
            |mut response: axum::response::Response| async {
                response
                    .headers_mut()
                    .insert("x-layer", axum::http::HeaderValue::from_static("applied"));
                response
            },
        ))
        .with_state(ExistingAppState { greeting: "hello" });
    let addr = serve(app).await;

    let own = reqwest::get(format!("http://{addr}/hello"))
        .await
        .expect("sent");
    assert_eq!(own.headers()["x-layer"], "applied");
    assert_eq!(own.text().await.expect("body"), "hello");

    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhooks/talkplus"))
        .header("x-talkplus-signature", SEED_SIGNATURE)
        .body(SEED_BODY)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-layer"], "applied");
    assert_eq!(calls.count(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn the_example_server_logs_one_handled_line_for_a_delivery_posted_twice() {
    // This runtime has one thread, so the server's tasks log here too.
    let (logs, _guard) = capture_logs(tracing::Level::INFO);

    let config = Config::demo(([127, 0, 0, 1], 0).into());
    assert_eq!(
        config.store,
        server::StoreChoice::Memory,
        "the tests' configuration keeps deliveries in memory"
    );
    let addr = serve(server::app(&config).expect("demo configuration")).await;
    let body = std::fs::read(server::TALKPLUS_SAMPLE).expect("sample");
    let signature = talkplus::SIGNATURE.sign(config.talkplus_api_key.value.as_bytes(), &body);
    let mut replies = Vec::new();
    for _ in 0..2 {
        let response = reqwest::Client::new()
            .post(format!("http://{addr}/webhooks/talkplus"))
            .header("x-talkplus-signature", &signature)
            .body(body.clone())
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::OK);
        replies.push(response.text().await.expect("reply"));
    }
    assert_eq!(replies, ["handled\n", "acknowledged: already handled\n"]);
    assert_eq!(
        logs.lines_containing("handled event=\"member_banned\"")
            .len(),
        1,
        "one handled line"
    );
}
