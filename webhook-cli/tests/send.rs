//! The CLI against the example server over loopback: every send it is documented for
//! gets a 200 from a real handler.

use std::process::Command;

use webhook_examples::server::{self, Config};

async fn example_server() -> (String, Config) {
    let config = Config::demo(([127, 0, 0, 1], 0).into());
    let app = server::app(&config).expect("demo configuration");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/webhooks"), config)
}

/// Runs the CLI off the runtime's threads and returns (success, stdout).
async fn cli(args: Vec<String>) -> (bool, String) {
    tokio::task::spawn_blocking(move || {
        let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
            .args(&args)
            .output()
            .expect("run the CLI");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    })
    .await
    .expect("CLI task")
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|arg| (*arg).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_reaches_a_handler_for_each_platform_and_scheme() {
    let (base, config) = example_server().await;
    let talkplus_url = format!("{base}/talkplus");
    let amity_url = format!("{base}/amity");
    let talkplus_key = config.talkplus_api_key.value.as_str();
    let (ok, out) = cli(args(&[
        "send",
        "talkplus",
        "member_banned",
        "--url",
        &talkplus_url,
        "--key",
        talkplus_key,
    ]))
    .await;
    assert!(
        ok && out.starts_with("200 OK") && out.contains("handled"),
        "{out}"
    );

    // Amity: each signature scheme, on events without a documented sample too.
    for (event, scheme) in [
        ("channel.didJoin", "current"),
        ("message.didCreate", "legacy"),
        ("user.didUpdate", "both"),
    ] {
        let (ok, out) = cli(args(&[
            "send",
            "amity",
            event,
            "--url",
            &amity_url,
            "--key",
            &config.amity_secret.value,
            "--scheme",
            scheme,
        ]))
        .await;
        assert!(ok && out.starts_with("200 OK"), "{event} {scheme}: {out}");
    }

    // Each Amity send is a new delivery; replaying the sample's requestId is a duplicate.
    for (flag, expected) in [
        ("", "handled"),
        ("--same-request-id", "handled"),
        ("--same-request-id", "already handled"),
    ] {
        let mut list = vec![
            "send",
            "amity",
            "channel.didLeave",
            "--url",
            &amity_url,
            "--key",
            &config.amity_secret.value,
        ];
        if !flag.is_empty() {
            list.push(flag);
        }
        let (ok, out) = cli(args(&list)).await;
        assert!(ok && out.contains(expected), "{flag}: {out}");
    }

    // A wrong key is refused by the server and the CLI exits non-zero.
    let (ok, out) = cli(args(&[
        "send",
        "talkplus",
        "member_banned",
        "--url",
        &talkplus_url,
        "--key",
        "wrong",
    ]))
    .await;
    assert!(!ok && out.starts_with("401"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_prints_a_header_the_server_accepts() {
    let (base, config) = example_server().await;
    let body_path =
        std::env::temp_dir().join(format!("webhook-cli-sign-{}.json", std::process::id()));
    std::fs::write(
        &body_path,
        br#"{"event":"member_left","channel":{"id":"c"},"users":[]}"#,
    )
    .expect("write body");
    let path = body_path.to_string_lossy().into_owned();
    let (ok, out) = cli(args(&[
        "sign",
        "talkplus",
        "--key",
        &config.talkplus_api_key.value,
        "--body",
        &path,
    ]))
    .await;
    assert!(ok, "{out}");
    let (name, value) = out.trim().split_once(": ").expect("header line");
    assert_eq!(name, "x-talkplus-signature");
    let response = reqwest::Client::new()
        .post(format!("{base}/talkplus"))
        .header(name, value)
        .body(std::fs::read(&body_path).expect("body"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let _ = std::fs::remove_file(body_path);
}

#[test]
fn list_shows_every_event_of_both_platforms() {
    let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .arg("list")
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&output.stdout);
    // 15 TalkPlus events; 83 Amity ones: the 86 paths of its specification, of which the
    // three v5 message events share the chat names.
    assert_eq!(out.lines().count(), 15 + 83);
    for (platform, event) in [
        ("talkplus", "member_banned"),
        ("amity", "moderation.didBan"),
        ("amity", "v3.post.didCreate"),
        (
            "amity",
            "push-notification/mention-user-feed-comment.replied",
        ),
    ] {
        assert!(
            out.lines()
                .any(|line| line.split_whitespace().take(2).eq([platform, event])),
            "{platform} {event} missing:\n{out}"
        );
    }
}

/// A server that answers with the `x-amity-signature` header it got.
async fn echo_signature_server() -> String {
    let app = axum::Router::new().route(
        "/echo",
        axum::routing::post(|headers: axum::http::HeaderMap| async move {
            headers
                .get("x-amity-signature")
                .and_then(|value| value.to_str().ok())
                .unwrap_or("none")
                .to_owned()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/echo")
}

fn is_hex_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn current_hex_sends_and_signs_the_amity_signature_in_hex() {
    let (base, config) = example_server().await;
    let amity_url = format!("{base}/amity");
    let secret = config.amity_secret.value.as_str();
    let send = |url: &str, key: &str| {
        args(&[
            "send",
            "amity",
            "message.didCreate",
            "--url",
            url,
            "--key",
            key,
            "--scheme",
            "current-hex",
        ])
    };

    // What goes on the wire is hex, not the default base64.
    let (ok, out) = cli(send(&echo_signature_server().await, secret)).await;
    let header = out.lines().nth(1).unwrap_or_default();
    assert!(ok && is_hex_sha256(header), "{out}");

    // The example server handles it; signed with another key it is refused.
    let (ok, out) = cli(send(&amity_url, secret)).await;
    assert!(
        ok && out.starts_with("200 OK") && out.contains("handled"),
        "{out}"
    );
    let (ok, out) = cli(send(&amity_url, "not-the-secret")).await;
    assert!(!ok && out.starts_with("401"), "{out}");

    // `sign` prints the same form.
    let body_path =
        std::env::temp_dir().join(format!("webhook-cli-sign-hex-{}.json", std::process::id()));
    std::fs::write(&body_path, br#"{"event":"channel.didJoin","data":{}}"#).expect("write body");
    let path = body_path.to_string_lossy().into_owned();
    let (ok, out) = cli(args(&[
        "sign",
        "amity",
        "--key",
        secret,
        "--body",
        &path,
        "--scheme",
        "current-hex",
    ]))
    .await;
    let _ = std::fs::remove_file(body_path);
    let (name, value) = out.trim().split_once(": ").expect("header line");
    assert!(
        ok && name == "x-amity-signature" && is_hex_sha256(value),
        "{out}"
    );
}

#[test]
fn a_scheme_for_talkplus_is_refused_before_anything_is_sent() {
    for command in [
        &[
            "send",
            "talkplus",
            "member_banned",
            "--url",
            "http://127.0.0.1:9/",
        ][..],
        &["sign", "talkplus", "--body", "-"][..],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
            .args(command)
            .args(["--key", "key", "--scheme", "legacy"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run the CLI");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            output.stdout.is_empty() && stderr.contains("--scheme is for Amity"),
            "{command:?}: {stderr}"
        );
    }
}

/// Runs the CLI with `arguments` and no input; returns its exit code and standard error.
fn refused(arguments: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .args(arguments)
        .env_remove("WEBHOOK_KEY")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the CLI");
    assert!(output.stdout.is_empty(), "{arguments:?} printed output");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_empty_key_or_an_event_with_a_body_is_refused_before_anything_is_sent() {
    let url = "http://127.0.0.1:9/";
    for (arguments, reason) in [
        (
            &[
                "send",
                "talkplus",
                "member_banned",
                "--url",
                url,
                "--key",
                "",
            ][..],
            "the key is empty",
        ),
        (
            &["sign", "talkplus", "--body", "-", "--key", ""][..],
            "the key is empty",
        ),
        (
            &[
                "send",
                "talkplus",
                "member_banned",
                "--body",
                "-",
                "--url",
                url,
                "--key",
                "k",
            ][..],
            "not both",
        ),
    ] {
        let (code, stderr) = refused(arguments);
        assert_eq!(code, Some(2), "{arguments:?}: {stderr}");
        assert!(stderr.contains(reason), "{arguments:?}: {stderr}");
    }
}

#[test]
fn a_server_that_never_answers_is_given_up_on_with_the_reason() {
    // Accepts connections and reads nothing: the send waits for an answer that never comes.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    let started = std::time::Instant::now();
    let (code, stderr) = refused(&[
        "send",
        "talkplus",
        "member_banned",
        "--url",
        &url,
        "--key",
        "k",
        "--timeout",
        "1",
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("timed out"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    drop(listener);
    // Nobody listening: the cause is named, not only "error sending request".
    let (code, stderr) = refused(&[
        "send",
        "talkplus",
        "member_banned",
        "--url",
        &url,
        "--key",
        "k",
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.to_lowercase().contains("refused"), "{stderr}");
}
