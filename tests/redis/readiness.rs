//! `/readyz` of the example server follows its Redis store: 503 while Redis is away, 200
//! again once it is back, with `/healthz` 200 throughout.

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
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (now, reply) = get(server, "/readyz");
        if now == status {
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
fn readiness_is_503_while_redis_is_stopped_and_200_when_it_returns() {
    // A Redis of its own: the other tests share theirs.
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), "redis-readyz");
    let url = redis.url();
    let prefix = unique_prefix();
    let server = ServerProcess::start(
        &dir,
        "readyz",
        &[
            ("REDIS_URL", url.as_str()),
            ("WEBHOOK_REDIS_PREFIX", prefix.as_str()),
        ],
    );
    let reply = readiness_becomes(&server, 200);
    assert!(reply.contains("store redis: ok"), "{reply}");

    redis.stop();
    let reply = readiness_becomes(&server, 503);
    assert!(reply.starts_with("not ready\nstore redis: "), "{reply}");
    assert_eq!(get(&server, "/healthz").0, 200, "the process itself is up");

    redis.resume();
    let reply = readiness_becomes(&server, 200);
    assert!(reply.contains("store redis: ok"), "{reply}");
}
