//! Outside programs some tests need (Redis, a WebDriver with a headless browser,
//! libfaketime), found or started here.
//!
//! When one is missing, its tests return early and the run prints one line saying so and
//! how to install it. With `WEBHOOK_TEST_REQUIRE=redis,browser,faketime` (set by
//! `.ci/run`) a missing one fails the tests instead, so CI never skips them.
// Each test binary uses the parts it needs.
#![allow(dead_code)]

use std::io::Write as _;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The Redis server the tests share: the one at `REDIS_URL`, else one started on a free
/// loopback port for this test binary; `None` (after the one-line notice) when there is
/// neither.
pub(crate) fn redis_url() -> Option<&'static str> {
    static URL: OnceLock<Option<(String, Option<RedisServer>)>> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("REDIS_URL")
            && !url.trim().is_empty()
        {
            return Some((url, None));
        }
        let server = RedisServer::start()?;
        Some((server.url(), Some(server)))
    })
    .as_ref()
    .map(|(url, _)| url.as_str())
}

/// A `redis-server` owned by one test: it can be stopped and started again on the same
/// port (to test an outage), and it stops when dropped or when the test binary exits.
pub(crate) struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free loopback port; `None` (after the notice) when
    /// `redis-server` is not installed.
    pub(crate) fn start() -> Option<Self> {
        if !redis_server_installed() {
            missing(
                "redis",
                "the Redis tests: redis-server is not on PATH and REDIS_URL is not set (apt-get install -y redis-server)",
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let mut server = Self { port, child: None };
        server.resume();
        Some(server)
    }

    /// The server's URL.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Stops the server (as an outage would).
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
        // The watchdog shell has gone; make sure the port is free before returning.
        wait_for(|| TcpStream::connect(("127.0.0.1", self.port)).is_err());
    }

    /// Freezes the server (`SIGSTOP`): connections are still accepted by the kernel but
    /// nothing is answered, as with a hung Redis or a network that drops packets.
    pub(crate) fn pause(&self) {
        self.signal("STOP");
    }

    /// Thaws a paused server (`SIGCONT`).
    pub(crate) fn unpause(&self) {
        self.signal("CONT");
    }

    fn signal(&self, signal: &str) {
        let pattern = format!("redis-server 127.0.0.1:{}", self.port);
        let status = Command::new("pkill")
            .args([&format!("-{signal}"), "-f", &pattern])
            .status()
            .expect("pkill");
        assert!(status.success(), "no {pattern} to signal");
    }

    /// Starts the server again on the same port and waits until it accepts connections.
    pub(crate) fn resume(&mut self) {
        // The shell runs the server in the foreground of a watchdog: when this test
        // process is gone, however it ended, the server goes too.
        let script = format!(
            "redis-server --bind 127.0.0.1 --port {port} --save '' --appendonly no >/dev/null & server=$!; \
             trap 'kill $server 2>/dev/null; exit 0' TERM; \
             while kill -0 {test} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.2; done; kill $server 2>/dev/null",
            port = self.port,
            test = std::process::id()
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        assert!(
            wait_for(|| TcpStream::connect(("127.0.0.1", self.port)).is_ok()),
            "redis-server did not start on port {}",
            self.port
        );
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `chromedriver` for one test, on a free loopback port, driving Debian's `chromium`;
/// it stops when dropped or when the test binary exits.
pub(crate) struct ChromeDriver {
    port: u16,
    child: Child,
}

impl ChromeDriver {
    /// Starts `chromedriver`; `None` (after the notice) when it or `chromium` is missing.
    pub(crate) fn start() -> Option<Self> {
        let installed = |program: &str| {
            Command::new(program)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        };
        if !installed("chromedriver") || !installed("chromium") {
            missing(
                "browser",
                "the browser test: chromium and chromedriver are not on PATH (apt-get install -y chromium chromium-driver)",
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        // As for Redis: a watchdog shell stops the driver (and its browsers) when this test
        // process is gone, however it ended.
        let script = format!(
            "chromedriver --port={port} --allowed-ips=127.0.0.1 >/dev/null 2>&1 & driver=$!; \
             trap 'kill $driver 2>/dev/null; exit 0' TERM; \
             while kill -0 {test} 2>/dev/null && kill -0 $driver 2>/dev/null; do sleep 0.2; done; kill $driver 2>/dev/null",
            test = std::process::id()
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .spawn()
            .expect("start chromedriver");
        let driver = Self { port, child };
        assert!(
            wait_for(|| TcpStream::connect(("127.0.0.1", port)).is_ok()),
            "chromedriver did not start on port {port}"
        );
        Some(driver)
    }

    /// The WebDriver URL.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// libfaketime's preload library, to run a process whose clock is wrong; `None` (after the
/// notice) when it is not installed.
pub(crate) fn libfaketime() -> Option<&'static str> {
    static FOUND: OnceLock<Option<String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        // Debian puts it under the architecture's directory; a source build under local.
        let mut dirs = vec![std::path::PathBuf::from("/usr/local/lib/faketime")];
        if let Ok(entries) = std::fs::read_dir("/usr/lib") {
            dirs.extend(entries.flatten().map(|entry| entry.path().join("faketime")));
        }
        dirs.push(std::path::PathBuf::from("/usr/lib/faketime"));
        dirs.into_iter()
            .map(|dir| dir.join("libfaketime.so.1"))
            .find(|path| path.is_file())
            .map(|path| path.to_string_lossy().into_owned())
    });
    if found.is_none() {
        missing(
            "faketime",
            "the test of an instance whose clock is ahead: libfaketime is not installed (apt-get install -y faketime)",
        );
    }
    found.as_deref()
}

fn redis_server_installed() -> bool {
    Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Reports a missing component once per test binary, or fails when CI requires it.
fn missing(component: &str, what: &str) {
    let required = std::env::var("WEBHOOK_TEST_REQUIRE").unwrap_or_default();
    assert!(
        !required.split(',').any(|name| name.trim() == component),
        "WEBHOOK_TEST_REQUIRE={required} but {what}"
    );
    static SAID: OnceLock<()> = OnceLock::new();
    SAID.get_or_init(|| {
        // Straight to the process's stderr: the test harness captures `eprintln!`.
        let _ = writeln!(std::io::stderr(), "note: skipping {what}");
    });
}

fn wait_for(mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}
