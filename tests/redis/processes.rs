//! Two example server processes sharing one Redis: one is killed with deliveries leased,
//! the other finishes them after the lease; one whose clock runs ahead takes over nothing
//! that is still leased.

use std::time::{Duration, Instant};

use crate::outside::{libfaketime, redis_url};
use crate::server_process::{ServerProcess, post, talkplus_delivery, test_dir};
use crate::store::unique_prefix;

const KEY: &str = "redis-processes-talkplus-key";

/// The environment of an example server in inbox mode on the Redis at `url`, under
/// `prefix`, whose handlers take `delay_ms` and whose leases last `lease_ms`.
fn fleet_env<'a>(
    url: &'a str,
    prefix: &'a str,
    delay_ms: &'a str,
    lease_ms: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("WEBHOOK_MODE", "inbox"),
        ("REDIS_URL", url),
        ("WEBHOOK_REDIS_PREFIX", prefix),
        ("TALKPLUS_API_KEY", KEY),
        ("AMITY_WEBHOOK_SECRET", KEY),
        ("WEBHOOK_HANDLER_DELAY_MS", delay_ms),
        ("WEBHOOK_LEASE_MS", lease_ms),
    ]
}

#[test]
fn when_one_of_two_instances_is_killed_the_other_finishes_its_leased_deliveries() {
    let Some(url) = redis_url() else { return };
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), "redis-kill");
    let prefix = unique_prefix();
    let env = fleet_env(url, &prefix, "400", "1500");
    let mut doomed = ServerProcess::start(&dir, "doomed", &env);
    let survivor = ServerProcess::start(&dir, "survivor", &env);
    let channels: Vec<String> = (0..24).map(|n| format!("fleet-{n}")).collect();
    for channel in &channels {
        let (status, reply) = post(&doomed.url("talkplus"), talkplus_delivery(KEY, channel));
        assert_eq!(status, 202, "{reply}");
    }
    // Both instances work through the group; kill one while it holds leases, halfway
    // through its handlers' delay.
    doomed
        .wait_for_log(|log| (log.matches(" handled ").count() >= 2).then_some(()))
        .expect("the doomed instance handled some");
    std::thread::sleep(Duration::from_millis(200));
    doomed.kill();
    let killed_at = Instant::now();
    let total = |channel: &str| doomed.handled(channel) + survivor.handled(channel);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !channels.iter().all(|channel| total(channel) >= 1) {
        assert!(
            Instant::now() < deadline,
            "not every delivery was handled:\n{}",
            survivor.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    for channel in &channels {
        assert_eq!(total(channel), 1, "{channel} handled exactly once");
    }
    let taken_over = survivor
        .log()
        .lines()
        .filter(|line| line.contains(" handled ") && line.contains("attempt=2"))
        .count();
    assert!(
        taken_over >= 1,
        "the survivor took over the killed instance's leased deliveries:\n{}",
        survivor.log()
    );
    assert!(
        killed_at.elapsed() >= Duration::from_millis(1_000),
        "taken over only after the lease ran out"
    );
}

/// Leases are timed on Redis's clock: an instance whose own clock runs minutes ahead of
/// the others' sees their live leases as live, and takes none of them over.
#[test]
fn an_instance_whose_clock_runs_ahead_takes_over_no_live_lease() {
    let Some(url) = redis_url() else { return };
    let Some(faketime) = libfaketime() else {
        return;
    };
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), "redis-clock");
    let prefix = unique_prefix();
    // Leases far longer than the handlers: only a clock that runs ahead ends them early.
    let env = fleet_env(url, &prefix, "1000", "5000");
    let steady = ServerProcess::start(&dir, "steady", &env);
    let mut ahead_env = env.clone();
    ahead_env.extend([
        ("LD_PRELOAD", faketime),
        ("FAKETIME", "+10m"),
        ("FAKETIME_DONT_FAKE_MONOTONIC", "1"),
    ]);
    let mut ahead = ServerProcess::start(&dir, "ahead", &ahead_env);
    let skew = log_clock(&ahead.log()) - log_clock(&steady.log());
    assert!(
        skew.rem_euclid(86_400) >= 9 * 60,
        "libfaketime did not move the clock of the second instance ({skew} s):\n{}",
        ahead.log()
    );
    let channels: Vec<String> = (0..12).map(|n| format!("clock-{n}")).collect();
    for channel in &channels {
        let (status, reply) = post(&steady.url("talkplus"), talkplus_delivery(KEY, channel));
        assert_eq!(status, 202, "{reply}");
    }
    let total = |channel: &str| steady.handled(channel) + ahead.handled(channel);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !channels.iter().all(|channel| total(channel) >= 1) {
        assert!(
            Instant::now() < deadline,
            "not every delivery was handled:\n{}\n{}",
            steady.log(),
            ahead.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Time for a second run of anything taken over to end.
    std::thread::sleep(Duration::from_millis(2_000));
    for channel in &channels {
        assert_eq!(
            total(channel),
            1,
            "{channel} handled exactly once:\n{}\n{}",
            steady.log(),
            ahead.log()
        );
    }
    for (name, log) in [("steady", steady.log()), ("ahead", ahead.log())] {
        assert!(
            !log.lines().any(|line| line.contains("attempt=2")),
            "{name} ran a second attempt:\n{log}"
        );
    }
    // A clean exit lets libfaketime remove its shared-memory files.
    ahead.terminate();
}

/// The time of day, in seconds, of a log's first timestamped line (tracing's
/// `2026-11-23T11:38:32.523973Z`).
fn log_clock(log: &str) -> i64 {
    let time = log
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|stamp| stamp.starts_with(|c: char| c.is_ascii_digit()) && stamp.ends_with('Z'))
        .find_map(|stamp| stamp.split_once('T'))
        .map(|(_, time)| time)
        .unwrap_or_else(|| panic!("no timestamp in the log:\n{log}"));
    time.split(['.', 'Z'])
        .next()
        .unwrap_or_default()
        .split(':')
        .map(|part| part.parse::<i64>().expect("a time of day"))
        .fold(0, |seconds, part| seconds * 60 + part)
}
