//! Operating the example server: `/metrics`, `/healthz`, `/readyz` and the inbox page,
//! against the server as a real process (its own metrics recorder, its own store file).

#[path = "support/server_process.rs"]
mod server_process;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder};
use server_process::{
    ServerProcess, amity_delivery, post, signed_amity, signed_talkplus, talkplus_delivery, test_dir,
};
use webhook_examples::server::{DEMO_AMITY_SECRET, DEMO_TALKPLUS_API_KEY, INBOX_PAGE_PATH};

/// Runs the example server when this binary is started as one (see `server_process`).
#[test]
fn example_server_process() {
    server_process::run_if_child();
}

const TOKEN: &str = "operations-test-token-0123456789";

fn get(server: &ServerProcess, path: &str) -> (StatusCode, String) {
    send(Client::new().get(format!("http://{}{path}", server.addr)))
}

fn send(request: RequestBuilder) -> (StatusCode, String) {
    let response = request.send().expect("the server answers");
    let status = response.status();
    (status, response.text().unwrap_or_default())
}

fn page(server: &ServerProcess, path: &str) -> String {
    format!("http://{}{INBOX_PAGE_PATH}{path}", server.addr)
}

fn started(name: &str, env: &[(&str, &str)]) -> ServerProcess {
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), name);
    ServerProcess::start(&dir, name, env)
}

/// The value of one series in a Prometheus text page.
fn series(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[test]
fn metrics_count_each_delivery_under_its_event_and_outcome() {
    let server = started("metrics", &[("WEBHOOK_DEMO_FAIL", "member_left")]);
    let url = server.url("talkplus");
    assert_eq!(
        post(&url, talkplus_delivery(DEMO_TALKPLUS_API_KEY, "lobby")).0,
        200
    );
    assert_eq!(
        post(&url, talkplus_delivery(DEMO_TALKPLUS_API_KEY, "lobby")).0,
        200
    );
    assert_eq!(post(&url, talkplus_delivery("not the key", "lobby")).0, 401);
    let left = r#"{"event":"member_left","channel":{"id":"lobby"},"users":[{"id":"a"}]}"#;
    assert_eq!(
        post(
            &url,
            signed_talkplus(DEMO_TALKPLUS_API_KEY, left.to_owned())
        )
        .0,
        500
    );
    // A copy of a handled Amity delivery (one requestId and event) whose body has another
    // shape: refused, and not counted as a dead letter, since the handled record stays.
    let amity = server.url("amity");
    assert_eq!(
        post(&amity, amity_delivery(DEMO_AMITY_SECRET, "lobby")).0,
        200
    );
    let reshaped = r#"{"event":"channel.didJoin","requestId":"req-lobby","data":5}"#;
    assert_eq!(
        post(&amity, signed_amity(DEMO_AMITY_SECRET, reshaped.to_owned())).0,
        400
    );
    // Refused by the HTTP layer before it could be verified: over the 1 MiB limit.
    let oversized = Bytes::from(vec![b' '; (1 << 20) + 1]);
    assert_eq!(
        post(&url, (reqwest::header::HeaderMap::new(), oversized)).0,
        413
    );

    let (status, metrics) = get(&server, "/metrics");
    assert_eq!(status, StatusCode::OK);
    let value =
        |name: &str| series(&metrics, name).unwrap_or_else(|| panic!("no {name} in:\n{metrics}"));
    assert_eq!(
        value(
            r#"webhook_deliveries_total{provider="talkplus",event="member_banned",outcome="handled"}"#
        ),
        1.0
    );
    assert_eq!(
        value(
            r#"webhook_deliveries_total{provider="talkplus",event="member_banned",outcome="duplicate"}"#
        ),
        1.0
    );
    assert_eq!(
        value(r#"webhook_signature_failures_total{provider="talkplus",reason="mismatch"}"#),
        1.0
    );
    assert_eq!(
        value(r#"webhook_deliveries_total{provider="talkplus",event="",outcome="too_large"}"#),
        1.0
    );
    assert_eq!(
        value(r#"webhook_duplicates_total{provider="talkplus"}"#),
        1.0
    );
    assert_eq!(
        value(r#"webhook_verified_total{provider="talkplus",scheme="talkplus"}"#),
        3.0
    );
    assert_eq!(
        value(r#"webhook_dead_letters_total{provider="talkplus",event="member_left"}"#),
        1.0
    );
    assert_eq!(
        value(
            r#"webhook_handler_failures_total{provider="talkplus",handler="webhook_examples::server::talkplus_handlers::on_member_left"}"#
        ),
        1.0
    );
    assert_eq!(
        series(
            &metrics,
            r#"webhook_dead_letters_total{provider="amity",event="channel.didJoin"}"#
        ),
        None,
        "{metrics}"
    );
    assert!(
        server
            .log()
            .contains("not kept, as a copy of it is handled or running"),
        "{}",
        server.log()
    );
    assert_eq!(
        value(r#"webhook_body_size_bytes_count{provider="talkplus"}"#),
        3.0
    );
    assert!(
        metrics.contains(r#"webhook_handler_duration_seconds_count{provider="talkplus",handler="webhook_examples::server::talkplus_handlers::on_member_banned"} 1"#),
        "{metrics}"
    );
}

#[test]
fn settings_the_server_cannot_mean_stop_it_at_start_with_the_reason() {
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), "refused-settings");
    for (variable, value, reason) in [
        ("WEBHOOK_LEASE_MS", "0", "expected milliseconds from 30"),
        ("WEBHOOK_LEASE_MS", "29", "expected milliseconds from 30"),
        (
            "WEBHOOK_READ_TIMEOUT_MS",
            "0",
            "would cut off every request",
        ),
        ("WEBHOOK_MODE", "batch", "WEBHOOK_MODE"),
        (
            "WEBHOOK_MAX_CONNECTIONS",
            "0",
            "expected a number from 1 to 1000000",
        ),
        (
            "WEBHOOK_MAX_CONNECTIONS",
            "18446744073709551615",
            "expected a number from 1 to 1000000",
        ),
    ] {
        let (status, log) = server_process::run_to_exit(&dir, variable, &[(variable, value)]);
        assert_eq!(status.code(), Some(2), "{variable}={value}: {log}");
        assert!(log.contains(reason), "{variable}={value}: {log}");
    }
}

#[test]
fn health_and_readiness_answer_while_the_store_is_there() {
    let server = started("health", &[]);
    assert_eq!(
        get(&server, "/healthz"),
        (StatusCode::OK, "ok\n".to_owned())
    );
    let (status, reply) = get(&server, "/readyz");
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert!(reply.starts_with("ready\nstore sqlite: ok"), "{reply}");
}

#[test]
fn without_a_token_the_inbox_page_is_not_mounted_and_the_banner_says_so() {
    let server = started("no-token", &[]);
    let (status, _) = get(&server, INBOX_PAGE_PATH);
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        server
            .log()
            .contains("inbox page: not mounted; set WEBHOOK_INBOX_TOKEN"),
        "{}",
        server.log()
    );
}

#[test]
fn every_inbox_page_route_refuses_a_missing_or_wrong_token() {
    let server = started("page-auth", &[("WEBHOOK_INBOX_TOKEN", TOKEN)]);
    let client = Client::new();
    let wrong_credentials: [(&str, Option<String>); 5] = [
        ("none", None),
        (
            "wrong bearer",
            Some("Bearer operations-test-token-WRONG".to_owned()),
        ),
        (
            "bearer prefix of the token",
            Some(format!("Bearer {}", &TOKEN[..20])),
        ),
        (
            "wrong basic",
            Some(format!("Basic {}", base64_of("admin:not-the-token"))),
        ),
        (
            "token as basic user",
            Some(format!("Basic {}", base64_of(&format!("{TOKEN}:")))),
        ),
    ];
    let routes = [
        ("GET", String::new()),
        ("GET", "?state=dead".to_owned()),
        ("GET", "/deliveries/1".to_owned()),
        ("POST", "/deliveries/1/replay".to_owned()),
        ("POST", "/replay-dead".to_owned()),
    ];
    for (method, path) in &routes {
        for (name, authorization) in &wrong_credentials {
            let url = page(&server, path);
            let mut request = match *method {
                "GET" => client.get(&url),
                _ => client.post(&url).form(&[("form", "anything")]),
            };
            if let Some(authorization) = authorization {
                request = request.header("authorization", authorization);
            }
            let (status, body) = send(request);
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {name}"
            );
            assert!(
                body.contains("Sign in"),
                "{method} {path}: the sign-in form"
            );
        }
        // A cookie that is not the session's.
        let url = page(&server, path);
        let request = match *method {
            "GET" => client.get(&url),
            _ => client.post(&url).form(&[("form", "anything")]),
        };
        let (status, _) = send(request.header("cookie", format!("webhook_inbox_session={TOKEN}")));
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a forged cookie"
        );
    }
    let (status, _) = send(
        client
            .post(page(&server, "/sign-in"))
            .form(&[("token", "wrong")]),
    );
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "sign-in with a wrong token"
    );
    // A malformed request without credentials is refused for its credentials first:
    // its form, query or path says nothing to someone who has not signed in.
    let malformed = [
        client.post(page(&server, "/replay-dead")),
        client.get(page(&server, "?before=not-a-number")),
        client
            .post(page(&server, "/deliveries/not-a-number/replay"))
            .form(&[("form", "anything")]),
        client.get(page(&server, "/deliveries/not-a-number")),
    ];
    for request in malformed {
        let (status, body) = send(request);
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // Signed in, the same is the request's own error.
    let (status, _) = send(
        client
            .post(page(&server, "/replay-dead"))
            .bearer_auth(TOKEN),
    );
    assert!(status.is_client_error() && status != StatusCode::UNAUTHORIZED);

    // The right token, three ways; the scheme's name in any case.
    let (status, _) = send(client.get(page(&server, "")).bearer_auth(TOKEN));
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        client
            .get(page(&server, ""))
            .header("authorization", format!("bearer {TOKEN}")),
    );
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        client
            .get(page(&server, ""))
            .basic_auth("anyone", Some(TOKEN)),
    );
    assert_eq!(status, StatusCode::OK);
    let signed_in = Client::builder()
        .cookie_store(true)
        .build()
        .expect("a client");
    let (status, body) = send(
        signed_in
            .post(page(&server, "/sign-in"))
            .form(&[("token", TOKEN)]),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("Webhook inbox") && !body.contains("Sign in"),
        "{body}"
    );
    // The session is bounded in time: the cookie says so, and it is not the token's
    // fixed derivative of before.
    let response = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .post(page(&server, "/sign-in"))
        .form(&[("token", TOKEN)])
        .send()
        .expect("the server answers");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.starts_with("webhook_inbox_session=") && cookie.contains("Max-Age=43200"),
        "{cookie}"
    );
    // A proxy's own credentials in another scheme leave the session to decide.
    let (status, _) = send(
        signed_in
            .get(page(&server, ""))
            .header("authorization", "Digest username=\"proxy\""),
    );
    assert_eq!(status, StatusCode::OK);

    // Signing out ends the session, and a copy of its cookie kept elsewhere with it.
    let session = cookie.split(';').next().unwrap_or_default().to_owned();
    let with_copy = || {
        Client::new()
            .get(page(&server, ""))
            .header("cookie", &session)
    };
    assert_eq!(send(with_copy()).0, StatusCode::OK, "the copy works");
    let (status, body) = send(signed_in.post(page(&server, "/sign-out")));
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body.contains("Signed out."), "{body}");
    assert_eq!(
        send(with_copy()).0,
        StatusCode::UNAUTHORIZED,
        "the copy is ended"
    );
    // Signing in again at once works.
    let (status, body) = send(
        signed_in
            .post(page(&server, "/sign-in"))
            .form(&[("token", TOKEN)]),
    );
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(!body.contains("Sign in"), "{body}");
}

#[test]
fn the_inbox_page_shows_what_a_delivery_holds_as_text() {
    let server = started(
        "page-escape",
        &[
            ("WEBHOOK_INBOX_TOKEN", TOKEN),
            ("WEBHOOK_DEMO_FAIL", "member_banned"),
        ],
    );
    let hostile = "<script>alert('x')</script>";
    let body = serde_json::json!({
        "event": "member_banned",
        "channel": {"id": hostile, "name": "<img src=x onerror=alert(1)>"},
        "users": [{"id": "\"><b>bold</b>"}],
    })
    .to_string();
    let (status, _) = post(
        &server.url("talkplus"),
        signed_talkplus(DEMO_TALKPLUS_API_KEY, body),
    );
    assert_eq!(status, 500, "a dead letter");
    let client = Client::new();
    let (status, list) = send(client.get(page(&server, "?state=dead")).bearer_auth(TOKEN));
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("member_banned"), "{list}");
    let (status, detail) = send(
        client
            .get(page(&server, "/deliveries/1"))
            .bearer_auth(TOKEN),
    );
    assert_eq!(status, StatusCode::OK);
    for page in [&list, &detail] {
        assert!(!page.contains("<script>alert"), "a raw script tag:\n{page}");
        assert!(!page.contains("<img src=x"), "a raw img tag:\n{page}");
        assert!(!page.contains("<b>bold"), "a raw b tag:\n{page}");
    }
    assert!(
        detail.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "{detail}"
    );
    assert!(
        detail.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{detail}"
    );
}

#[test]
fn a_replay_from_elsewhere_than_the_page_is_refused() {
    let server = started(
        "page-form",
        &[
            ("WEBHOOK_INBOX_TOKEN", TOKEN),
            ("WEBHOOK_DEMO_FAIL", "member_banned:first"),
        ],
    );
    let (status, _) = post(
        &server.url("talkplus"),
        talkplus_delivery(DEMO_TALKPLUS_API_KEY, "lobby"),
    );
    assert_eq!(status, 500);
    let client = Client::new();
    let (status, _) = send(
        client
            .post(page(&server, "/deliveries/1/replay"))
            .bearer_auth(TOKEN)
            .form(&[("form", "forged")]),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, detail) = send(
        client
            .get(page(&server, "/deliveries/1"))
            .bearer_auth(TOKEN),
    );
    assert!(detail.contains(r#"<dd id="state">dead</dd>"#), "{detail}");
    assert_eq!(server.handled("lobby"), 0);

    // The page's own value, pressed from a page of another site (a sibling subdomain
    // included), as the browser says: refused too.
    let form = detail
        .split(r#"name="form" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the replay button's value")
        .to_owned();
    for site in ["cross-site", "same-site"] {
        let (status, _) = send(
            client
                .post(page(&server, "/deliveries/1/replay"))
                .bearer_auth(TOKEN)
                .header("sec-fetch-site", site)
                .form(&[("form", form.as_str())]),
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{site}");
    }
    let (_, detail) = send(
        client
            .get(page(&server, "/deliveries/1"))
            .bearer_auth(TOKEN),
    );
    assert!(detail.contains(r#"<dd id="state">dead</dd>"#), "{detail}");
    // Nor does another site sign anyone out.
    let signed_in = signed_in(&server);
    let (status, _) = send(
        signed_in
            .post(page(&server, "/sign-out"))
            .header("sec-fetch-site", "cross-site"),
    );
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(send(signed_in.get(page(&server, ""))).0, StatusCode::OK);
    // Pressed on the page itself, it replays.
    let (status, detail) = send(
        client
            .post(page(&server, "/deliveries/1/replay"))
            .bearer_auth(TOKEN)
            .header("sec-fetch-site", "same-origin")
            .form(&[("form", form.as_str())]),
    );
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert!(!detail.contains(r#"<dd id="state">dead</dd>"#), "{detail}");
}

#[test]
fn the_inbox_page_is_never_kept_or_framed_and_names_an_unknown_state() {
    let server = started("page-headers", &[("WEBHOOK_INBOX_TOKEN", TOKEN)]);
    let client = Client::new();
    for (what, request) in [
        ("the list", client.get(page(&server, "")).bearer_auth(TOKEN)),
        ("the sign-in form", client.get(page(&server, ""))),
        (
            "a missing delivery",
            client
                .get(page(&server, "/deliveries/99"))
                .bearer_auth(TOKEN),
        ),
    ] {
        let response = request.send().expect("the server answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("cache-control"), "no-store", "{what}");
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert!(
            header("content-security-policy").contains("frame-ancestors 'none'"),
            "{what}"
        );
    }
    let (status, body) = send(
        client
            .get(page(&server, "?state=failed"))
            .bearer_auth(TOKEN),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("No state is named"), "{body}");
    let (status, _) = send(client.get(page(&server, "?state=")).bearer_auth(TOKEN));
    assert_eq!(status, StatusCode::OK, "an empty filter is any state");

    // Behind a proxy that passes its own Basic credentials on, the session still counts.
    let signed_in = signed_in(&server);
    for proxy in [
        format!("Basic {}", base64_of("proxy-user:proxy-password")),
        "Bearer the-proxy's-own".to_owned(),
    ] {
        let (status, body) = send(
            signed_in
                .get(page(&server, ""))
                .header("authorization", &proxy),
        );
        assert_eq!(status, StatusCode::OK, "{proxy}: {body}");
    }
}

/// A client signed in to the inbox page with the token, keeping its session cookie.
fn signed_in(server: &ServerProcess) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .build()
        .expect("a client");
    let (status, body) = send(
        client
            .post(page(server, "/sign-in"))
            .form(&[("token", TOKEN)]),
    );
    assert_eq!(status, StatusCode::OK, "signed in: {body}");
    client
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn wrong_tokens_in_bulk_write_one_warning_a_second() {
    let server = started("page-flood", &[("WEBHOOK_INBOX_TOKEN", TOKEN)]);
    let client = Client::new();
    let started_at = std::time::Instant::now();
    for attempt in 0..100 {
        let (status, _) = send(
            client
                .post(page(&server, "/sign-in"))
                .form(&[("token", format!("guess-{attempt}"))]),
        );
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let seconds = started_at.elapsed().as_secs() + 1;
    let warnings = server
        .log()
        .lines()
        .filter(|line| line.contains("sign-in with a wrong token"))
        .count();
    assert!(
        warnings >= 1 && warnings as u64 <= seconds + 1,
        "{warnings} lines for 100 wrong tokens in {seconds} s or less"
    );
}
