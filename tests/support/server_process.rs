//! The example server as a real process, for tests that kill it.
//!
//! The test binary starts itself again with [`CHILD`] set; its test
//! `example_server_process` then runs exactly what `cargo run --example server` runs
//! (`webhook_examples::server::run`) instead of returning. Its log goes to a file the test
//! reads.
// Each test binary uses the parts it needs.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// Set in the environment of a test binary started as a server process.
pub(crate) const CHILD: &str = "WEBHOOK_TEST_SERVER_PROCESS";

/// The variables of the example server that a test sets explicitly; the test's own
/// environment (CI sets `REDIS_URL`) never leaks into the server.
const SERVER_VARIABLES: &[&str] = &[
    "WEBHOOK_ADDR",
    "TALKPLUS_API_KEY",
    "AMITY_WEBHOOK_SECRET",
    "WEBHOOK_MODE",
    "WEBHOOK_STORE",
    "WEBHOOK_STORE_SYNC",
    "REDIS_URL",
    "WEBHOOK_REDIS_PREFIX",
    "WEBHOOK_DEDUP",
    "WEBHOOK_MAX_ATTEMPTS",
    "WEBHOOK_RETRY_DELAY_MS",
    "WEBHOOK_LEASE_MS",
    "WEBHOOK_HANDLER_DELAY_MS",
    "WEBHOOK_DEMO_FAIL",
    "WEBHOOK_INBOX_TOKEN",
    "RUST_LOG",
];

/// In the test binary's `example_server_process` test: runs the example server when this
/// process was started as one, else returns at once.
pub(crate) fn run_if_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .init();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let result = runtime.block_on(async {
        let config = webhook_examples::server::Config::from_env()?;
        webhook_examples::server::run(config).await
    });
    match result {
        Ok(()) => std::process::exit(0),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
    }
}

/// A running example server process.
pub(crate) struct ServerProcess {
    child: Child,
    log: PathBuf,
    /// Where it listens.
    pub(crate) addr: SocketAddr,
}

impl ServerProcess {
    /// Starts the server with `env` (and `WEBHOOK_ADDR=127.0.0.1:0` unless given), its log
    /// in `dir/<name>.log`, and waits until it listens.
    pub(crate) fn start(dir: &Path, name: &str, env: &[(&str, &str)]) -> Self {
        let (child, log) = spawn(dir, name, env);
        let mut process = Self {
            child,
            log,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        };
        let line = process
            .wait_for_log(|log| {
                log.lines()
                    .find(|line| line.contains("listening"))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| panic!("{name} did not start:\n{}", process.log()));
        let addr = line
            .rsplit("addr=")
            .next()
            .and_then(|addr| addr.split_whitespace().next())
            .expect("the listening line names the address");
        process.addr = addr.parse().expect("an address");
        process
    }

    /// The URL of a provider's route.
    pub(crate) fn url(&self, provider: &str) -> String {
        format!("http://{}/webhooks/{provider}", self.addr)
    }

    /// Everything the server has logged so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many `handled` lines name `channel`.
    pub(crate) fn handled(&self, channel: &str) -> usize {
        handled_lines(&self.log(), channel)
    }

    /// Waits (at most 20 s) for `found` to find something in the log.
    pub(crate) fn wait_for_log<T>(&self, mut found: impl FnMut(&str) -> Option<T>) -> Option<T> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Some(value) = found(&self.log()) {
                return Some(value);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// `kill -9`: no chance to finish anything.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits (at most 30 s) for the process to exit.
    pub(crate) fn terminate(&mut self) -> ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        panic!(
            "the server did not stop within 30 s of SIGTERM:\n{}",
            self.log()
        );
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the server with `env` until it exits; returns its exit status and log. For
/// configurations it refuses.
pub(crate) fn run_to_exit(dir: &Path, name: &str, env: &[(&str, &str)]) -> (ExitStatus, String) {
    let (mut child, log) = spawn(dir, name, env);
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("wait") {
            return (status, std::fs::read_to_string(&log).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the server kept running");
}

fn spawn(dir: &Path, name: &str, env: &[(&str, &str)]) -> (Child, PathBuf) {
    let log = dir.join(format!("{name}.log"));
    let file = std::fs::File::create(&log).expect("log file");
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .args(["example_server_process", "--exact", "--nocapture"])
        .current_dir(dir)
        .env(CHILD, "1")
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("log file"))
        .stderr(file);
    for variable in SERVER_VARIABLES {
        command.env_remove(variable);
    }
    command.env("WEBHOOK_ADDR", "127.0.0.1:0");
    for (variable, value) in env {
        command.env(variable, value);
    }
    (command.spawn().expect("start the server process"), log)
}

/// How many `handled` lines of `log` name `channel`.
pub(crate) fn handled_lines(log: &str, channel: &str) -> usize {
    let needle = format!("channel=\"{channel}\"");
    log.lines()
        .filter(|line| line.contains(" handled ") && line.contains(&needle))
        .count()
}

/// A fresh directory for one test under cargo's temporary directory.
pub(crate) fn test_dir(tmp: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(tmp).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("test directory");
    dir
}

/// A TalkPlus `member_banned` body for `channel`, signed with `key`.
pub(crate) fn talkplus_delivery(key: &str, channel: &str) -> (reqwest::header::HeaderMap, Bytes) {
    let body = format!(
        r#"{{"event":"member_banned","appId":"app","channel":{{"id":"{channel}"}},"users":[{{"id":"troll"}}]}}"#
    );
    signed_talkplus(key, body)
}

/// `body` signed with `key` as TalkPlus signs.
pub(crate) fn signed_talkplus(key: &str, body: String) -> (reqwest::header::HeaderMap, Bytes) {
    let mut headers = reqwest::header::HeaderMap::new();
    let signature = webhook_core::talkplus::SIGNATURE.sign(key.as_bytes(), body.as_bytes());
    headers.insert(
        "x-talkplus-signature",
        signature.parse().expect("base64 is a header value"),
    );
    (headers, Bytes::from(body))
}

/// An Amity `channel.didJoin` body for `channel`, signed with `secret`.
pub(crate) fn amity_delivery(secret: &str, channel: &str) -> (reqwest::header::HeaderMap, Bytes) {
    let body = format!(
        r#"{{"event":"channel.didJoin","requestId":"req-{channel}","data":{{"channel":{{"channelId":"{channel}"}},"userIds":["B"]}}}}"#
    );
    signed_amity(secret, body)
}

/// `body` signed with `secret` as Amity signs.
pub(crate) fn signed_amity(secret: &str, body: String) -> (reqwest::header::HeaderMap, Bytes) {
    let mut headers = reqwest::header::HeaderMap::new();
    let signature = webhook_core::amity::SIGNATURE.sign(secret.as_bytes(), body.as_bytes());
    headers.insert(
        "x-amity-signature",
        signature.parse().expect("base64 is a header value"),
    );
    (headers, Bytes::from(body))
}

/// Posts a delivery; returns the status and the reply.
pub(crate) fn post(
    url: &str,
    (headers, body): (reqwest::header::HeaderMap, Bytes),
) -> (u16, String) {
    let response = reqwest::blocking::Client::new()
        .post(url)
        .headers(headers)
        .body(body)
        .send()
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.text().unwrap_or_default())
}
