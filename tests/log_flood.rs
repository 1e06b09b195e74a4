//! A flood of forged deliveries writes a bounded number of log lines, and the next line
//! says how many were left out. A file of its own: the limit is per process, and another
//! test's refusals in the same second would take this one's line.

use std::io::Write;
use std::sync::{Arc, Mutex};

use reqwest::StatusCode;
use webhook_examples::server::{self, Config};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines_containing(&self, needle: &str) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned();
        text.lines()
            .filter(|line| line.contains(needle))
            .map(str::to_owned)
            .collect()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn forged_deliveries_write_one_warning_a_second_and_count_the_rest() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    // This runtime has one thread, so the server's tasks log here too.
    let _guard = tracing::subscriber::set_default(subscriber);

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
