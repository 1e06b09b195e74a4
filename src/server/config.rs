//! The example server's configuration, read from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use webhook_axum::InboxToken;
use webhook_core::store::MIN_LEASE;
use webhook_core::store::sqlite::Sync;
use webhook_core::{InboxSettings, RetryPolicy};

use super::demo::{Demo, DemoFailure};

/// Demo TalkPlus App API Key, used when `TALKPLUS_API_KEY` is not set.
pub const DEMO_TALKPLUS_API_KEY: &str = "demo-talkplus-api-key-do-not-use-in-production";
/// Demo Amity webhook secret, used when `AMITY_WEBHOOK_SECRET` is not set.
pub const DEMO_AMITY_SECRET: &str = "demo-amity-webhook-secret-do-not-use-in-production";
/// How long a request's headers, then its body, may take when `WEBHOOK_READ_TIMEOUT_MS`
/// is not set: the webhook routes' own default.
pub const DEFAULT_READ_TIMEOUT: Duration = webhook_axum::DEFAULT_READ_TIMEOUT;
/// The embedded store's file when `WEBHOOK_STORE` is not set, in the working directory.
pub const DEFAULT_STORE_FILE: &str = "webhook-inbox.db";

/// Where the server listens, which keys it accepts, and how it keeps deliveries.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind (`WEBHOOK_ADDR`, default `127.0.0.1:3000`).
    pub addr: SocketAddr,
    /// TalkPlus App API Key (`TALKPLUS_API_KEY`).
    pub talkplus_api_key: Key,
    /// Amity webhook secret (`AMITY_WEBHOOK_SECRET`).
    pub amity_secret: Key,
    /// When handlers run (`WEBHOOK_MODE`).
    pub mode: Mode,
    /// Where deliveries are recorded (`WEBHOOK_STORE`, `REDIS_URL`, `WEBHOOK_DEDUP`).
    pub store: StoreChoice,
    /// How the embedded file flushes its commits (`WEBHOOK_STORE_SYNC`: `full`, the
    /// default, survives a power cut; `normal` survives the death of the process only).
    pub store_sync: Sync,
    /// How long a running delivery's lease lasts (`WEBHOOK_LEASE_MS`, default 30 s).
    pub lease: Duration,
    /// Attempts before a failing inbox delivery is dead (`WEBHOOK_MAX_ATTEMPTS`).
    pub max_attempts: u32,
    /// The wait after a first failure, doubling after each (`WEBHOOK_RETRY_DELAY_MS`).
    pub retry_delay: Duration,
    /// How long a request's headers, and then its body, may take to arrive
    /// (`WEBHOOK_READ_TIMEOUT_MS`, default 10 s); a client that stops sending is cut off
    /// after that, and no handler runs.
    pub read_timeout: Duration,
    /// Connections served at once (`WEBHOOK_MAX_CONNECTIONS`, default 1024); at the
    /// limit an idle one is closed for a new one, or the new one waits.
    pub max_connections: usize,
    /// What the demo handlers do besides logging.
    pub demo: Demo,
    /// The token of the inbox page at [`INBOX_PAGE_PATH`] (`WEBHOOK_INBOX_TOKEN`); the
    /// page is not mounted without one.
    pub inbox_token: Option<InboxToken>,
}

/// Where the example server mounts the inbox page.
pub const INBOX_PAGE_PATH: &str = "/webhooks/_inbox";

/// When the handlers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Before the platform is answered (`WEBHOOK_MODE=inline`, the default).
    Inline,
    /// After the delivery is recorded and answered 202 (`WEBHOOK_MODE=inbox`).
    Inbox,
}

/// Where the server records deliveries.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// One local SQLite file (the default; `WEBHOOK_STORE` names it).
    Embedded(PathBuf),
    /// Redis at this URL (`REDIS_URL`), shared by every instance, its keys under a prefix
    /// (`WEBHOOK_REDIS_PREFIX`, default `webhook:`).
    Redis {
        /// The URL, which may carry a password.
        url: String,
        /// The key prefix.
        prefix: String,
    },
    /// This process's memory (`WEBHOOK_STORE=memory`): forgotten on restart.
    Memory,
    /// Nowhere (`WEBHOOK_DEDUP=off`, for benchmarks): no deduplication, no dead letters.
    Off,
}

impl std::fmt::Debug for StoreChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Embedded(path) => f.debug_tuple("Embedded").field(path).finish(),
            // A Redis URL may carry a password.
            Self::Redis { prefix, .. } => f
                .debug_struct("Redis")
                .field("prefix", prefix)
                .finish_non_exhaustive(),
            Self::Memory => f.write_str("Memory"),
            Self::Off => f.write_str("Off"),
        }
    }
}

/// A key and whether it came from the environment or is the demo key.
#[derive(Clone)]
pub struct Key {
    /// The key.
    pub value: String,
    /// The environment variable that was not set, when this is the demo key.
    pub demo_for: Option<&'static str>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("value", &"<redacted>")
            .field("demo_for", &self.demo_for)
            .finish()
    }
}

impl Key {
    /// The key in `var`, or the demo key when `var` is unset. A variable that is set but
    /// empty (a secret mount gone wrong, say) is an error, never a silent demo key.
    fn from_env(var: &'static str, demo: &str) -> Result<Self, String> {
        match std::env::var(var) {
            Ok(value) if value.trim().is_empty() => Err(format!(
                "{var} is set but empty; set it to the key, or unset it to run with the demo key"
            )),
            Ok(value) => Ok(Self {
                value,
                demo_for: None,
            }),
            Err(std::env::VarError::NotPresent) => Ok(Self::demo(var, demo)),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!("{var} is not valid UTF-8")),
        }
    }

    fn demo(var: &'static str, demo: &str) -> Self {
        Self {
            value: demo.to_owned(),
            demo_for: Some(var),
        }
    }
}

/// A variable's value, or `None` when it is unset or blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// A whole number of milliseconds from `name`, or `default`.
fn millis(name: &str, default: Duration) -> Result<Duration, String> {
    match var(name) {
        None => Ok(default),
        Some(value) => value
            .trim()
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("{name}={value:?}: expected a whole number of milliseconds")),
    }
}

impl Config {
    /// Reads the configuration from the environment; the example's docs list the
    /// variables.
    ///
    /// # Errors
    /// When a variable is set to something it cannot mean.
    pub fn from_env() -> Result<Self, String> {
        let addr = var("WEBHOOK_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let addr = addr.parse().map_err(|err| {
            format!("WEBHOOK_ADDR={addr:?} is not an address like 127.0.0.1:3000: {err}")
        })?;
        let mode = match var("WEBHOOK_MODE").as_deref() {
            None | Some("inline") => Mode::Inline,
            Some("inbox") => Mode::Inbox,
            Some(other) => {
                return Err(format!(
                    "WEBHOOK_MODE={other:?}: expected `inline` or `inbox`"
                ));
            }
        };
        let store = match (
            var("WEBHOOK_DEDUP").as_deref(),
            var("REDIS_URL"),
            var("WEBHOOK_STORE"),
        ) {
            (Some("off"), _, _) => StoreChoice::Off,
            (Some(other), _, _) if other != "on" => {
                return Err(format!("WEBHOOK_DEDUP={other:?}: expected `on` or `off`"));
            }
            (_, Some(url), _) => StoreChoice::Redis {
                url,
                prefix: var("WEBHOOK_REDIS_PREFIX").unwrap_or_else(|| "webhook:".to_owned()),
            },
            (_, None, Some(memory)) if memory == "memory" => StoreChoice::Memory,
            (_, None, path) => StoreChoice::Embedded(PathBuf::from(
                path.unwrap_or_else(|| DEFAULT_STORE_FILE.to_owned()),
            )),
        };
        if mode == Mode::Inbox && store == StoreChoice::Off {
            return Err(
                "WEBHOOK_MODE=inbox needs a store to record deliveries in: unset WEBHOOK_DEDUP=off"
                    .to_owned(),
            );
        }
        let max_attempts = match var("WEBHOOK_MAX_ATTEMPTS") {
            None => RetryPolicy::DEFAULT.max_attempts,
            Some(value) => value
                .trim()
                .parse()
                .ok()
                .filter(|&attempts| attempts >= 1)
                .ok_or_else(|| {
                    format!("WEBHOOK_MAX_ATTEMPTS={value:?}: expected a number from 1")
                })?,
        };
        let read_timeout = millis("WEBHOOK_READ_TIMEOUT_MS", DEFAULT_READ_TIMEOUT)?;
        if read_timeout.is_zero() {
            return Err(
                "WEBHOOK_READ_TIMEOUT_MS=0 would cut off every request: expected milliseconds from 1"
                    .to_owned(),
            );
        }
        let max_connections = match var("WEBHOOK_MAX_CONNECTIONS") {
            None => webhook_axum::DEFAULT_MAX_CONNECTIONS,
            Some(value) => value
                .trim()
                .parse()
                .ok()
                .filter(|connections: &usize| (1..=1_000_000).contains(connections))
                .ok_or_else(|| {
                    format!(
                        "WEBHOOK_MAX_CONNECTIONS={value:?}: expected a number from 1 to 1000000"
                    )
                })?,
        };
        let lease = millis("WEBHOOK_LEASE_MS", Duration::from_secs(30))?;
        if lease < MIN_LEASE {
            return Err(format!(
                "WEBHOOK_LEASE_MS={}: a lease that short runs out between its renewals, and another worker would run the same delivery at once: expected milliseconds from {}",
                lease.as_millis(),
                MIN_LEASE.as_millis()
            ));
        }
        let failures = DemoFailure::parse_list(&var("WEBHOOK_DEMO_FAIL").unwrap_or_default())?;
        let store_sync = match var("WEBHOOK_STORE_SYNC").as_deref() {
            None | Some("full") => Sync::Full,
            Some("normal") => Sync::Normal,
            Some(other) => {
                return Err(format!(
                    "WEBHOOK_STORE_SYNC={other:?}: expected `full` (survives a power cut) or `normal` (survives the process only)"
                ));
            }
        };
        let inbox_token = var("WEBHOOK_INBOX_TOKEN")
            .map(|token| {
                InboxToken::new(token).map_err(|err| {
                    format!("WEBHOOK_INBOX_TOKEN: {err}; `openssl rand -hex 24` makes one")
                })
            })
            .transpose()?;
        if inbox_token.is_some() && store == StoreChoice::Off {
            return Err(
                "WEBHOOK_INBOX_TOKEN opens the inbox page, which needs a store: unset WEBHOOK_DEDUP=off"
                    .to_owned(),
            );
        }
        Ok(Self {
            addr,
            talkplus_api_key: Key::from_env("TALKPLUS_API_KEY", DEMO_TALKPLUS_API_KEY)?,
            amity_secret: Key::from_env("AMITY_WEBHOOK_SECRET", DEMO_AMITY_SECRET)?,
            mode,
            store,
            store_sync,
            lease,
            max_attempts,
            retry_delay: millis("WEBHOOK_RETRY_DELAY_MS", RetryPolicy::DEFAULT.first_delay)?,
            read_timeout,
            max_connections,
            demo: Demo {
                delay: millis("WEBHOOK_HANDLER_DELAY_MS", Duration::ZERO)?,
                failures: failures.into(),
            },
            inbox_token,
        })
    }

    /// The demo keys, inline mode and an in-memory store, for tests.
    #[must_use]
    pub fn demo(addr: SocketAddr) -> Self {
        Self {
            addr,
            talkplus_api_key: Key::demo("TALKPLUS_API_KEY", DEMO_TALKPLUS_API_KEY),
            amity_secret: Key::demo("AMITY_WEBHOOK_SECRET", DEMO_AMITY_SECRET),
            mode: Mode::Inline,
            store: StoreChoice::Memory,
            store_sync: Sync::Full,
            lease: Duration::from_secs(30),
            max_attempts: RetryPolicy::DEFAULT.max_attempts,
            retry_delay: RetryPolicy::DEFAULT.first_delay,
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_connections: webhook_axum::DEFAULT_MAX_CONNECTIONS,
            demo: Demo::default(),
            inbox_token: None,
        }
    }

    /// Refuses to serve a demo key anywhere but on loopback: anyone can read the demo key
    /// in the source code and sign deliveries with it.
    ///
    /// # Errors
    /// Naming the variable to set.
    pub fn refuse_unsafe(&self) -> Result<(), String> {
        if self.addr.ip().is_loopback() {
            return Ok(());
        }
        let unset: Vec<&str> = [&self.talkplus_api_key, &self.amity_secret]
            .into_iter()
            .filter_map(|key| key.demo_for)
            .collect();
        if unset.is_empty() {
            return Ok(());
        }
        Err(format!(
            "refusing to listen on {} with a demo key: {} not set, and the demo keys are in the source code, so anyone could sign deliveries. Set {}, or listen on 127.0.0.1",
            self.addr,
            unset.join(" and "),
            if unset.len() == 1 { "it" } else { "them" },
        ))
    }

    /// The inbox's settings from this configuration.
    #[must_use]
    pub fn inbox_settings(&self) -> InboxSettings {
        let mut settings = InboxSettings::default();
        settings.lease = self.lease;
        settings.retry = RetryPolicy {
            max_attempts: self.max_attempts,
            first_delay: self.retry_delay,
            ..RetryPolicy::DEFAULT
        };
        settings
    }

    /// The start banner's lines: mode and store.
    #[must_use]
    pub fn banner(&self) -> Vec<String> {
        let mode = match self.mode {
            Mode::Inline => {
                "mode: inline (handlers run before the platform is answered; WEBHOOK_MODE=inbox answers 202 first and retries failures)"
            }
            Mode::Inbox => {
                "mode: inbox (deliveries are recorded, answered 202, then run by workers with retries)"
            }
        };
        let store = match &self.store {
            StoreChoice::Embedded(path) => format!(
                "store: embedded file {} (deduplication and dead letters survive restarts; REDIS_URL moves them to Redis)",
                path.display()
            ),
            StoreChoice::Redis { prefix, .. } => format!(
                "store: Redis at REDIS_URL, keys under {prefix:?} (shared by every instance)"
            ),
            StoreChoice::Memory => "store: memory (forgotten on restart)".to_owned(),
            StoreChoice::Off => {
                "store: none (WEBHOOK_DEDUP=off): no deduplication, no dead letters".to_owned()
            }
        };
        let page = if self.inbox_token.is_some() {
            format!("inbox page: {INBOX_PAGE_PATH} (sign in with WEBHOOK_INBOX_TOKEN)")
        } else {
            format!(
                "inbox page: not mounted; set WEBHOOK_INBOX_TOKEN (at least {} characters) to serve it at {INBOX_PAGE_PATH}",
                InboxToken::MIN_LEN
            )
        };
        vec![
            mode.to_owned(),
            store,
            page,
            "operations: GET /metrics (Prometheus), GET /healthz, GET /readyz".to_owned(),
        ]
    }
}
