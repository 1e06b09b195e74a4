//! `/readyz` of the example server follows its Redis store in inbox mode: 503 while Redis
//! is away, 200 again once it is back, with `/healthz` 200 throughout. In inline mode,
//! which handles deliveries without the store, it stays 200 and reports the store.

use std::time::{Duration, Instant};

use crate::outside::RedisServer;
use crate::server_process::{ServerProcess, test_dir};
use crate::store::unique_prefix;

fn get(server: &ServerProcess, path: &str) -> (u16, String) {
    let response = reqwest::blocking::Client::new()
        .get(format!("http://{}{path}", server.addr))
        .timeout(Duration::from_secs(5))
        .send()
        .expect("the server answers");
    (
        response.status().as_u16(),
        response.text().unwrap_or_default(),
    )
}

/// Polls `/readyz` until it answers `status`; returns the reply.
fn readiness_becomes(server: &ServerProcess, status: u16) -> String {
    readiness_becomes_with(server, status, "")
}

/// Polls `/readyz` until it answers `status` with a reply containing `text`.
fn readiness_becomes_with(server: &ServerProcess, status: u16, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (now, reply) = get(server, "/readyz");
        if now == status && reply.contains(text) {
            return reply;
        }
        assert!(
            Instant::now() < deadline,
            "/readyz stayed {now}, not {status}: {reply}\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn readiness_follows_redis_in_inbox_mode_and_reports_it_in_inline_mode() {
    // A Redis of its own: the other tests share theirs.
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), "redis-readyz");
    let url = redis.url();
    let start = |name: &str, mode: &str| {
        let prefix = unique_prefix();
        ServerProcess::start(
            &dir,
            name,
            &[
                ("REDIS_URL", url.as_str()),
                ("WEBHOOK_REDIS_PREFIX", prefix.as_str()),
                ("WEBHOOK_MODE", mode),
            ],
        )
    };
    let inbox = start("readyz-inbox", "inbox");
    let inline = start("readyz-inline", "inline");
    for server in [&inbox, &inline] {
        let reply = readiness_becomes(server, 200);
        assert!(reply.contains("store redis: ok"), "{reply}");
    }

    redis.stop();
    // Inbox mode cannot take deliveries without its store: out of the load balancer.
    let reply = readiness_becomes(&inbox, 503);
    assert!(reply.starts_with("not ready\nstore redis: "), "{reply}");
    // Why is for the log, not for anyone who asks.
    assert!(reply.contains("the server's log says why"), "{reply}");
    assert!(
        inbox.log().contains("readiness: the store does not answer"),
        "{}",
        inbox.log()
    );
    assert_eq!(get(&inbox, "/healthz").0, 200, "the process itself is up");
    // Inline mode goes on handling deliveries without it: ready, and says so.
    let reply = readiness_becomes_with(&inline, 200, "not required");
    assert!(reply.starts_with("ready\nstore redis: "), "{reply}");

    redis.resume();
    for server in [&inbox, &inline] {
        let reply = readiness_becomes_with(server, 200, "store redis: ok");
        assert!(reply.starts_with("ready\n"), "{reply}");
    }
}
