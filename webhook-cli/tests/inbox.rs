//! The inbox with real processes: the example server killed and restarted on its embedded
//! store's file, and `webhook-cli inbox` reading and replaying that file while it runs.

#[path = "../../tests/support/server_process.rs"]
mod server_process;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use server_process::{ServerProcess, amity_delivery, post, talkplus_delivery, test_dir};

const TALKPLUS_KEY: &str = "inbox-test-talkplus-key-0123456789";
const AMITY_SECRET: &str = "inbox-test-amity-secret-0123456789";

/// The entry point of the server processes these tests start (see `server_process.rs`).
#[test]
fn example_server_process() {
    server_process::run_if_child();
}

fn dir(name: &str) -> std::path::PathBuf {
    test_dir(env!("CARGO_TARGET_TMPDIR"), name)
}

/// `webhook-cli inbox ARGS --store STORE`; its stdout, after checking it succeeded.
fn cli(store: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .arg("inbox")
        .args(args)
        .arg("--store")
        .arg(store)
        .env_remove("REDIS_URL")
        .output()
        .expect("run webhook-cli");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "webhook-cli inbox {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The rows of `inbox list` output: `(id, state, event, attempts, rest of the line)`.
fn rows(list: &str) -> Vec<(u64, String, String, u32, String)> {
    list.lines()
        .skip(1)
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let id = words.next()?.parse().ok()?;
            let state = words.next()?.to_owned();
            let _provider = words.next()?;
            let event = words.next()?.to_owned();
            let attempts = words.next()?.parse().ok()?;
            let _received = words.next()?;
            Some((
                id,
                state,
                event,
                attempts,
                words.collect::<Vec<_>>().join(" "),
            ))
        })
        .collect()
}

/// Waits (at most 30 s) until `done` holds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what}: did not happen within 30 s");
}

#[test]
fn killed_in_inbox_mode_then_restarted_every_acknowledged_delivery_is_handled_once() {
    let dir = dir("kill");
    let store = dir.join("inbox.db");
    let store_path = store.to_str().expect("utf-8 path");
    let env = [
        ("WEBHOOK_MODE", "inbox"),
        ("WEBHOOK_STORE", store_path),
        ("TALKPLUS_API_KEY", TALKPLUS_KEY),
        ("AMITY_WEBHOOK_SECRET", AMITY_SECRET),
        ("WEBHOOK_HANDLER_DELAY_MS", "300"),
        ("WEBHOOK_LEASE_MS", "1000"),
    ];
    let mut first = ServerProcess::start(&dir, "first", &env);
    let channels: Vec<String> = (0..24).map(|n| format!("kill-{n}")).collect();
    let mut signatures = Vec::new();
    for channel in &channels {
        let delivery = talkplus_delivery(TALKPLUS_KEY, channel);
        signatures.push(
            delivery.0["x-talkplus-signature"]
                .to_str()
                .expect("ascii")
                .to_owned(),
        );
        let (status, reply) = post(&first.url("talkplus"), delivery);
        assert_eq!(
            (status, reply.as_str()),
            (202, "accepted: recorded in the inbox\n")
        );
    }
    // Some handled, others still pending or running: then kill -9.
    first
        .wait_for_log(|log| (log.matches(" handled ").count() >= 4).then_some(()))
        .expect("handlers started");
    // Halfway through the next handlers' delay, so none is between its log line and its
    // recorded success (the one window where at-least-once means twice).
    std::thread::sleep(Duration::from_millis(150));
    first.kill();
    let handled_before: usize = channels.iter().map(|channel| first.handled(channel)).sum();
    assert!(
        handled_before < channels.len(),
        "killed before all were handled ({handled_before})"
    );

    let second = ServerProcess::start(&dir, "second", &env);
    eventually("every delivery handled after the restart", || {
        channels
            .iter()
            .all(|channel| first.handled(channel) + second.handled(channel) >= 1)
    });
    for channel in &channels {
        assert_eq!(
            first.handled(channel) + second.handled(channel),
            1,
            "{channel} handled exactly once"
        );
    }

    // The platform's retry of a delivery handled before the restart is acknowledged
    // without running the handlers.
    let (status, reply) = post(
        &second.url("talkplus"),
        talkplus_delivery(TALKPLUS_KEY, "kill-0"),
    );
    assert_eq!(
        (status, reply.as_str()),
        (200, "acknowledged: already handled\n")
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(first.handled("kill-0") + second.handled("kill-0"), 1);

    let done = rows(&cli(&store, &["list", "--state", "done", "--limit", "100"]));
    assert_eq!(done.len(), channels.len());

    // Neither log holds the key or a whole signature.
    for log in [first.log(), second.log()] {
        assert!(!log.contains(TALKPLUS_KEY), "a key in the log");
        for signature in &signatures {
            assert!(
                !log.contains(signature.as_str()),
                "a whole signature in the log"
            );
        }
        assert!(log.contains("WEBHOOK_KEY=\"$TALKPLUS_API_KEY\""), "{log}");
    }
}

#[test]
fn failures_are_retried_then_dead_and_a_replay_after_the_fix_runs_once() {
    let dir = dir("retry");
    let store = dir.join("inbox.db");
    let store_path = store.to_str().expect("utf-8 path");
    let base = [
        ("WEBHOOK_MODE", "inbox"),
        ("WEBHOOK_STORE", store_path),
        ("TALKPLUS_API_KEY", TALKPLUS_KEY),
        ("AMITY_WEBHOOK_SECRET", AMITY_SECRET),
        ("WEBHOOK_MAX_ATTEMPTS", "3"),
        ("WEBHOOK_RETRY_DELAY_MS", "100"),
    ];
    let mut env = base.to_vec();
    env.push(("WEBHOOK_DEMO_FAIL", "member_banned:first,channel.didJoin"));
    let mut faulty = ServerProcess::start(&dir, "faulty", &env);
    assert_eq!(
        post(
            &faulty.url("talkplus"),
            talkplus_delivery(TALKPLUS_KEY, "flaky")
        )
        .0,
        202
    );
    let broken = amity_delivery(AMITY_SECRET, "broken");
    let broken_body = String::from_utf8(broken.1.to_vec()).expect("utf-8");
    assert_eq!(post(&faulty.url("amity"), broken).0, 202);

    eventually("the flaky one done, the broken one dead", || {
        let list = rows(&cli(&store, &["list"]));
        list.iter()
            .any(|row| row.1 == "done" && row.2 == "member_banned")
            && list
                .iter()
                .any(|row| row.1 == "dead" && row.2 == "channel.didJoin")
    });
    let list = rows(&cli(&store, &["list"]));
    let flaky = list
        .iter()
        .find(|row| row.2 == "member_banned")
        .expect("listed");
    assert_eq!(flaky.3, 2, "failed once, then handled");
    assert_eq!(faulty.handled("flaky"), 1);
    let dead = rows(&cli(&store, &["list", "--state", "dead"]));
    assert_eq!(dead.len(), 1);
    let (dead_id, _, _, attempts, _) = &dead[0];
    assert_eq!(*attempts, 3, "the configured attempts");
    let shown = cli(&store, &["show", &dead_id.to_string()]);
    assert!(
        shown.contains("demo failure of `channel.didJoin` (attempt 3)"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("as received):\n{broken_body}\n")),
        "the body, byte for byte as received: {shown}"
    );
    assert_eq!(faulty.handled("broken"), 0);

    // The fix is deployed: the server restarts without the fault; a replay runs it once.
    assert!(faulty.terminate().success(), "{}", faulty.log());
    let fixed = ServerProcess::start(&dir, "fixed", &base);
    let replayed = cli(&store, &["replay", &dead_id.to_string()]);
    assert!(replayed.contains("pending again"), "{replayed}");
    eventually("the replayed delivery handled", || {
        fixed.handled("broken") == 1
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fixed.handled("broken"), 1, "exactly once");
    let list = rows(&cli(&store, &["list", "--event", "channel.didJoin"]));
    assert_eq!((list[0].1.as_str(), list[0].3), ("done", 4));
    // Nothing else is dead, so replaying "all" finds nothing.
    assert!(cli(&store, &["replay", "--all"]).contains("0 dead letters"));
}

#[test]
fn a_verified_delivery_of_the_wrong_shape_is_400_and_listed_with_its_json_path() {
    let dir = dir("shape");
    let store = dir.join("inbox.db");
    let server = ServerProcess::start(
        &dir,
        "inline",
        &[
            ("WEBHOOK_STORE", store.to_str().expect("utf-8 path")),
            ("TALKPLUS_API_KEY", TALKPLUS_KEY),
            ("AMITY_WEBHOOK_SECRET", AMITY_SECRET),
        ],
    );
    let body = r#"{"event":"member_banned","channel":{"id":{"not":"a string"}},"users":[]}"#;
    let (status, reply) = post(
        &server.url("talkplus"),
        server_process::signed_talkplus(TALKPLUS_KEY, body.to_owned()),
    );
    assert_eq!(status, 400, "{reply}");
    assert!(reply.contains("channel.id"), "{reply}");
    let dead = rows(&cli(&store, &["list", "--state", "dead"]));
    assert_eq!(dead.len(), 1, "kept as a dead letter");
    assert!(
        dead[0].4.contains("channel.id"),
        "listed with the JSON path: {}",
        dead[0].4
    );
}

#[test]
fn the_example_server_refuses_a_public_address_with_a_demo_key() {
    let dir = dir("public");
    let (status, log) = server_process::run_to_exit(
        &dir,
        "public",
        &[
            ("WEBHOOK_ADDR", "0.0.0.0:0"),
            ("WEBHOOK_STORE", "memory"),
            ("AMITY_WEBHOOK_SECRET", AMITY_SECRET),
        ],
    );
    assert!(!status.success());
    assert!(
        log.contains("refusing to listen on 0.0.0.0:0 with a demo key"),
        "{log}"
    );
    assert!(
        log.contains("TALKPLUS_API_KEY not set"),
        "names the variable: {log}"
    );
    assert!(!log.contains("listening"), "{log}");
}

#[test]
fn sigterm_stops_the_server_within_its_grace_period() {
    let dir = dir("sigterm");
    let mut server = ServerProcess::start(
        &dir,
        "sigterm",
        &[
            ("WEBHOOK_MODE", "inbox"),
            (
                "WEBHOOK_STORE",
                dir.join("inbox.db").to_str().expect("utf-8 path"),
            ),
            ("TALKPLUS_API_KEY", TALKPLUS_KEY),
            ("AMITY_WEBHOOK_SECRET", AMITY_SECRET),
            // Longer than the grace period: stopped by the time budget or given back.
            ("WEBHOOK_HANDLER_DELAY_MS", "60000"),
        ],
    );
    assert_eq!(
        post(
            &server.url("talkplus"),
            talkplus_delivery(TALKPLUS_KEY, "stuck")
        )
        .0,
        202
    );
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    assert!(server.terminate().success(), "{}", server.log());
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "stopped within the grace periods: {:?}",
        started.elapsed()
    );
    let pending = rows(&cli(&dir.join("inbox.db"), &["list", "--state", "pending"]));
    assert_eq!(
        pending.len(),
        1,
        "the stuck delivery waits for the next start"
    );
}

/// A store file with `count` dead letters, written through the library as a server would.
fn store_with_dead_letters(dir: &Path, count: usize) -> std::path::PathBuf {
    let path = dir.join("inbox.db");
    for n in 0..count {
        keep_dead_letter(
            &path,
            &n.to_string(),
            "member_banned",
            br#"{"event":"member_banned"}"#,
            "kept by the test",
        );
    }
    path
}

/// Keeps a TalkPlus dead letter with delivery id `id` in the store file at `path` (made
/// when missing), through the library as a server would.
fn keep_dead_letter(path: &Path, id: &str, event: &str, body: &'static [u8], error: &str) {
    use webhook_core::Store as _;
    use webhook_core::store::{DeliveryKey, NewDelivery, sqlite::SqliteStore};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = SqliteStore::open(path).expect("open");
        let body = bytes::Bytes::from_static(body);
        let key = DeliveryKey::new("talkplus", Some(id), event, b"");
        let delivery = NewDelivery {
            key: &key,
            provider: "talkplus",
            event,
            shown_id: None,
            scheme: "talkplus",
            received_at: std::time::SystemTime::now(),
            body: &body,
        };
        assert_eq!(store.reject(delivery, error).await, Ok(true));
    });
}

#[test]
fn an_explicit_store_wins_over_redis_url_in_the_environment() {
    let dir = dir("store-over-redis-url");
    let store = store_with_dead_letters(&dir, 2);
    let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .args(["inbox", "list", "--store"])
        .arg(&store)
        // Nothing listens there: the file must be what is read.
        .env("REDIS_URL", "redis://127.0.0.1:1/")
        .output()
        .expect("run webhook-cli");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(rows(&stdout).len(), 2, "{stdout}");
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let dir = dir("closed-pipe");
    let store = store_with_dead_letters(&dir, 200);
    let mut child = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .args(["inbox", "list", "--limit", "200", "--store"])
        .arg(&store)
        .env_remove("REDIS_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run webhook-cli");
    // As `| head -0` does: the reader closes its end before reading anything.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "nothing to say: {stderr}");
    assert_eq!(
        output.status.code(),
        Some(141),
        "as a shell reports SIGPIPE"
    );
}

#[test]
fn the_replay_hint_of_the_logs_runs_as_printed() {
    use webhook_core::Store as _;
    let dir = dir("replay-hint").join("a dir's name");
    std::fs::create_dir_all(&dir).expect("directory");
    let store = store_with_dead_letters(&dir, 1);
    let args = webhook_core::store::sqlite::SqliteStore::open(&store)
        .expect("open")
        .cli_args()
        .expect("a file can be opened from another process");
    // What the server logs for a dead letter: `webhook-cli inbox replay 1 {args}`.
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("\"$CLI\" inbox replay 1 {args}"))
        .env("CLI", env!("CARGO_BIN_EXE_webhook-cli"))
        .env_remove("REDIS_URL")
        .output()
        .expect("run sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{args}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("pending again"), "{stdout}");
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_as_it_was() {
    let dir = dir("not-a-store");
    let empty = dir.join("empty.db");
    std::fs::write(&empty, b"").expect("an empty file");
    let text = dir.join("notes.txt");
    std::fs::write(&text, b"not a database at all, long enough to be read as a header by sqlite: 0123456789012345678901234567890123456789").expect("a text file");
    for (path, reason) in [
        (&empty, "is not a webhook store"),
        (&text, "not a database"),
    ] {
        let before = std::fs::read(path).expect("read");
        let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
            .args(["inbox", "list", "--store"])
            .arg(path)
            .env_remove("REDIS_URL")
            .output()
            .expect("run webhook-cli");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {stderr}",
            path.display()
        );
        assert!(stderr.contains(reason), "{}: {stderr}", path.display());
        assert_eq!(
            std::fs::read(path).expect("read"),
            before,
            "{} changed",
            path.display()
        );
    }
    // A limit of nothing is refused rather than read as the default.
    let store = store_with_dead_letters(&dir, 1);
    let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .args(["inbox", "list", "--limit", "0", "--store"])
        .arg(&store)
        .env_remove("REDIS_URL")
        .output()
        .expect("run webhook-cli");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn replaying_what_is_not_a_dead_letter_says_what_it_is() {
    let dir = dir("replay-not-dead");
    let store = store_with_dead_letters(&dir, 1);
    assert!(cli(&store, &["replay", "1"]).contains("pending again"));
    for (id, reason) in [("1", "delivery 1 is pending"), ("99", "no delivery 99")] {
        let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
            .args(["inbox", "replay", id, "--store"])
            .arg(&store)
            .env_remove("REDIS_URL")
            .output()
            .expect("run webhook-cli");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{id}: {stderr}");
        assert!(stderr.contains(reason), "{id}: {stderr}");
    }
}

#[test]
fn purge_deletes_only_with_yes_and_first_says_how_many_it_would() {
    let dir = dir("purge-asks");
    let store = store_with_dead_letters(&dir, 3);
    let output = Command::new(env!("CARGO_BIN_EXE_webhook-cli"))
        .args(["inbox", "purge", "dead", "--store"])
        .arg(&store)
        .env_remove("REDIS_URL")
        .output()
        .expect("run webhook-cli");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("this deletes 3 dead letters") && stderr.contains("--yes"),
        "{stderr}"
    );
    assert_eq!(
        rows(&cli(&store, &["list", "--state", "dead"])).len(),
        3,
        "nothing is deleted without --yes"
    );
    assert!(cli(&store, &["purge", "dead", "--yes"]).contains("deleted 3 deliveries"));
    assert!(rows(&cli(&store, &["list"])).is_empty());
}

#[test]
fn what_a_delivery_carries_cannot_drive_the_terminal() {
    let path = dir("control-characters").join("inbox.db");
    keep_dead_letter(
        &path,
        "escape",
        "evil\u{1b}[31m",
        b"{\"event\":\"x\",\n\"text\":\"\x1b[2J\"}",
        "bad\u{7}\u{1b}]0;owned\u{7}",
    );
    let list = cli(&path, &["list"]);
    let show = cli(&path, &["show", "1"]);
    for output in [&list, &show] {
        assert!(
            !output.contains('\u{1b}') && !output.contains('\u{7}'),
            "{output:?}"
        );
    }
    assert!(list.contains(r"evil\u{1b}[31m"), "{list}");
    assert!(show.contains(r"bad\u{7}\u{1b}]0;owned\u{7}"), "{show}");
    // The body keeps its lines; only the control character is escaped.
    assert!(
        show.contains("control characters, escaped):\n{\"event\":\"x\",\n\"text\":\"\\u{1b}[2J\"}"),
        "{show}"
    );
}
