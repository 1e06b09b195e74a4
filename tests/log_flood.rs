//! A flood of forged deliveries writes a bounded number of log lines, and the next line
//! says how many were left out. A file of its own: the limit is per process, and another
//! test's refusals in the same second would take this one's line.

#[path = "support/captured_logs.rs"]
mod captured_logs;

use captured_logs::capture_logs;
use reqwest::StatusCode;
use webhook_examples::server::{self, Config};

#[tokio::test(flavor = "current_thread")]
async fn forged_deliveries_write_one_warning_a_second_and_count_the_rest() {
    // This runtime has one thread, so the server's tasks log here too.
    let (logs, _guard) = capture_logs(tracing::Level::INFO);

    let config = Config::demo(([127, 0, 0, 1], 0).into());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!(
        "http://{}/webhooks/talkplus",
        listener.local_addr().expect("address")
    );
    let router = server::app(&config).expect("demo configuration");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serves") });

    let client = reqwest::Client::new();
    let forged = || {
        client
            .post(&url)
            .header(
                "x-talkplus-signature",
                "Zm9yZ2VkIHNpZ25hdHVyZSBvZiAzMiBieXRlcyEhIQ==",
            )
            .body(r#"{"event":"member_banned"}"#)
            .send()
    };
    let started = std::time::Instant::now();
    for _ in 0..200 {
        assert_eq!(
            forged().await.expect("sent").status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let seconds = started.elapsed().as_secs() + 1;
    let flood = logs.lines_containing("delivery rejected: unauthorized");
    assert!(
        !flood.is_empty() && flood.len() as u64 <= seconds + 1,
        "{} lines for 200 refusals in {seconds} s or less",
        flood.len()
    );
    // The next second's first refusal writes a line with the count of those left out.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        forged().await.expect("sent").status(),
        StatusCode::UNAUTHORIZED
    );
    let lines = logs.lines_containing("delivery rejected: unauthorized");
    assert_eq!(lines.len(), flood.len() + 1, "the next second has its line");
    let left_out: u64 = lines.iter().map(|line| left_out(line)).sum();
    assert!(left_out > 0, "{lines:#?}");
    assert_eq!(
        left_out + lines.len() as u64,
        201,
        "every refusal is on a line or counted on the next: {lines:#?}"
    );
}

/// The count of refusals a line says were left out before it.
fn left_out(line: &str) -> u64 {
    line.split("left_out_since_last_line=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no count in {line}"))
}

#[webhook_core::webhook_handler]
async fn on_message(_ev: webhook_core::talkplus::MessageSent) {}

#[tokio::test(flavor = "current_thread")]
async fn a_captured_delivery_replayed_past_the_maximum_age_writes_one_warning_a_second() {
    use webhook_core::talkplus::{self, TalkPlus};
    use webhook_core::{Dispatcher, Provider};

    let (logs, _guard) = capture_logs(tracing::Level::INFO);
    let dispatcher = Dispatcher::new(TalkPlus::verifier(["flood-key"]).expect("key"), ())
        .handler(on_message)
        .max_age(std::time::Duration::from_secs(3600));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let router = axum::Router::new().route("/", webhook_axum::webhook(dispatcher));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serves") });

    // Signed and well formed, from 2020: what someone who captured it once could send.
    let body = r#"{"event":"message","channel":{"id":"c"},"message":{"id":"m","createdAt":1600000000000}}"#;
    let signature = talkplus::SIGNATURE.sign(b"flood-key", body.as_bytes());
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    for _ in 0..200 {
        let response = client
            .post(&url)
            .header("x-talkplus-signature", &signature)
            .body(body)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let seconds = started.elapsed().as_secs() + 1;
    let warnings = logs.lines_containing("WARN");
    assert!(
        !warnings.is_empty() && warnings.len() as u64 <= seconds + 1,
        "{} warnings for 200 refusals in {seconds} s or less: {warnings:#?}",
        warnings.len()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn connections_that_never_send_headers_write_one_warning_a_second() {
    let (logs, _guard) = capture_logs(tracing::Level::INFO);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    let router = server::app(&Config::demo(([127, 0, 0, 1], 0).into())).expect("demo");
    let read_timeout = std::time::Duration::from_millis(200);
    tokio::spawn(webhook_axum::serve(
        listener,
        router,
        read_timeout,
        std::future::pending(),
    ));

    // Each opens a connection, sends nothing, and waits for the server to close it.
    let started = std::time::Instant::now();
    let idle: Vec<_> = (0..100)
        .map(|_| {
            tokio::spawn(async move {
                use tokio::io::AsyncReadExt as _;
                let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                let mut reply = Vec::new();
                let _ = stream.read_to_end(&mut reply).await;
            })
        })
        .collect();
    for connection in idle {
        connection.await.expect("closed by the server");
    }
    let seconds = started.elapsed().as_secs() + 1;
    let needle = "no complete request headers";
    // The server logs a closed connection just after closing it.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let warnings = logs.lines_containing(needle);
    assert!(
        !warnings.is_empty()
            && warnings.len() as u64 <= seconds + 1
            && warnings.iter().all(|line| line.contains("WARN")),
        "{} warnings for 100 connections in {seconds} s or less: {warnings:#?}",
        warnings.len()
    );
}
