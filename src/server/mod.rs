//! The example server: a handler for every TalkPlus and Amity chat event, each logging
//! one INFO line, mounted at `POST /webhooks/talkplus` and `POST /webhooks/amity`.

mod amity_handlers;
mod talkplus_handlers;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use webhook_core::amity::{self, Amity};
use webhook_core::redis_store::RedisStore;
use webhook_core::talkplus::{self, TalkPlus};
use webhook_core::{ConfigError, DeliveryStore, Dispatcher, MemoryStore, Provider};

/// Demo TalkPlus App API Key, used when `TALKPLUS_API_KEY` is not set.
pub const DEMO_TALKPLUS_API_KEY: &str = "demo-talkplus-api-key-do-not-use-in-production";
/// Demo Amity webhook secret, used when `AMITY_WEBHOOK_SECRET` is not set.
pub const DEMO_AMITY_SECRET: &str = "demo-amity-webhook-secret-do-not-use-in-production";

/// Where the server listens, which keys it accepts and how it deduplicates.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind.
    pub addr: SocketAddr,
    /// TalkPlus App API Key.
    pub talkplus_api_key: Key,
    /// Amity webhook secret.
    pub amity_secret: Key,
    /// Where handled deliveries are remembered.
    pub dedup: Dedup,
}

/// How the example server deduplicates retried deliveries.
#[derive(Clone, PartialEq, Eq)]
pub enum Dedup {
    /// In this process's memory (the default).
    Memory,
    /// In Redis at this URL (`REDIS_URL`), shared by every instance.
    Redis(String),
    /// Not at all (`WEBHOOK_DEDUP=off`, for benchmarks).
    Off,
}

impl std::fmt::Debug for Dedup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A Redis URL may carry a password.
        f.write_str(match self {
            Self::Memory => "Memory",
            Self::Redis(_) => "Redis",
            Self::Off => "Off",
        })
    }
}

impl Dedup {
    fn from_env() -> Result<Self, String> {
        match std::env::var("WEBHOOK_DEDUP").as_deref() {
            Ok("off") => return Ok(Self::Off),
            Ok("on") | Err(_) => {}
            Ok(other) => return Err(format!("WEBHOOK_DEDUP={other:?}: expected `on` or `off`")),
        }
        Ok(match std::env::var("REDIS_URL") {
            Ok(url) if !url.trim().is_empty() => Self::Redis(url),
            _ => Self::Memory,
        })
    }

    /// The store, or `None` when deduplication is off.
    ///
    /// # Errors
    /// When `REDIS_URL` is not a Redis URL.
    pub fn store(&self) -> Result<Option<Arc<dyn DeliveryStore>>, String> {
        Ok(match self {
            Self::Memory => Some(Arc::new(MemoryStore::new())),
            Self::Redis(url) => Some(Arc::new(
                RedisStore::new(url).map_err(|err| format!("REDIS_URL: {err}"))?,
            )),
            Self::Off => None,
        })
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
            Err(std::env::VarError::NotPresent) => Ok(Self {
                value: demo.to_owned(),
                demo_for: Some(var),
            }),
            Err(std::env::VarError::NotUnicode(_)) => Err(format!("{var} is not valid UTF-8")),
        }
    }
}

impl Config {
    /// Reads `WEBHOOK_ADDR` (default `127.0.0.1:3000`), `TALKPLUS_API_KEY` and
    /// `AMITY_WEBHOOK_SECRET` (demo keys when unset).
    ///
    /// Also `WEBHOOK_DEDUP` (`on` by default, `off`) and `REDIS_URL` (deduplicate in
    /// Redis instead of memory).
    ///
    /// # Errors
    /// When `WEBHOOK_ADDR` is not a socket address, a key variable is set but empty, or
    /// `WEBHOOK_DEDUP` is neither `on` nor `off`.
    pub fn from_env() -> Result<Self, String> {
        let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
        let addr = addr.parse().map_err(|err| {
            format!("WEBHOOK_ADDR={addr:?} is not an address like 127.0.0.1:3000: {err}")
        })?;
        Ok(Self {
            addr,
            talkplus_api_key: Key::from_env("TALKPLUS_API_KEY", DEMO_TALKPLUS_API_KEY)?,
            amity_secret: Key::from_env("AMITY_WEBHOOK_SECRET", DEMO_AMITY_SECRET)?,
            dedup: Dedup::from_env()?,
        })
    }

    /// The same configuration with the demo keys, for tests.
    #[must_use]
    pub fn demo(addr: SocketAddr) -> Self {
        Self {
            addr,
            talkplus_api_key: Key {
                value: DEMO_TALKPLUS_API_KEY.to_owned(),
                demo_for: Some("TALKPLUS_API_KEY"),
            },
            amity_secret: Key {
                value: DEMO_AMITY_SECRET.to_owned(),
                demo_for: Some("AMITY_WEBHOOK_SECRET"),
            },
            dedup: Dedup::Memory,
        }
    }
}

/// The TalkPlus dispatcher with a handler for each of the 15 events.
///
/// # Errors
/// When the key is empty.
pub fn talkplus_dispatcher(api_key: &str) -> Result<Dispatcher<TalkPlus>, ConfigError> {
    Ok(talkplus_handlers::register(Dispatcher::new(
        TalkPlus::verifier([api_key])?,
        (),
    )))
}

/// The Amity dispatcher with a handler for each chat event, both signature schemes on.
///
/// # Errors
/// When the secret is empty.
pub fn amity_dispatcher(secret: &str) -> Result<Dispatcher<Amity>, ConfigError> {
    Ok(amity_handlers::register(Dispatcher::new(
        Amity::verifier([secret])?,
        (),
    )))
}

/// The server's routes; both dispatchers share one deduplication store (its keys carry
/// the provider's name).
///
/// # Errors
/// When a key is empty or the Redis URL is invalid.
pub fn app(config: &Config) -> Result<Router, String> {
    let store = config.dedup.store()?;
    let mut talkplus =
        talkplus_dispatcher(&config.talkplus_api_key.value).map_err(|err| err.to_string())?;
    let mut amity = amity_dispatcher(&config.amity_secret.value).map_err(|err| err.to_string())?;
    if let Some(store) = store {
        talkplus = talkplus.deduplicate(Arc::clone(&store));
        amity = amity.deduplicate(store);
    }
    Ok(Router::new()
        .route("/webhooks/talkplus", webhook_axum::webhook(talkplus))
        .route("/webhooks/amity", webhook_axum::webhook(amity)))
}

/// The sample `member_banned` delivery the start-up command sends.
pub const TALKPLUS_SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/webhook-core/fixtures/talkplus/member_banned.json"
);
/// The sample `channel.didAddUsers` delivery the start-up command sends.
pub const AMITY_SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/webhook-core/fixtures/amity/channel.didAddUsers.json"
);

/// Ready-to-paste commands that send a correctly signed sample to a server at `addr`.
#[derive(Debug, Clone)]
pub struct SampleCommand {
    /// With the sender CLI: `cargo run -q -p webhook-cli -- send …`.
    pub cli: String,
    /// With curl, for machines without the workspace.
    pub curl: String,
}

/// One [`SampleCommand`] per platform. A key from the environment appears as the
/// variable (`"$TALKPLUS_API_KEY"`), never as its value; the demo key appears as is.
///
/// # Errors
/// When a sample file cannot be read.
pub fn sample_commands(config: &Config, addr: SocketAddr) -> std::io::Result<Vec<SampleCommand>> {
    let host = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    let samples = [
        (
            "talkplus",
            "member_banned",
            &config.talkplus_api_key,
            talkplus::SIGNATURE,
            TALKPLUS_SAMPLE,
            "TALKPLUS_API_KEY",
        ),
        (
            "amity",
            "channel.didAddUsers",
            &config.amity_secret,
            amity::SIGNATURE,
            AMITY_SAMPLE,
            "AMITY_WEBHOOK_SECRET",
        ),
    ];
    samples
        .into_iter()
        .map(|(provider, event, key, scheme, file, var)| {
            let body = std::fs::read(file)?;
            let signature = scheme.sign(key.value.as_bytes(), &body);
            let shown_key = if key.demo_for.is_some() { key.value.clone() } else { format!("\"${var}\"") };
            let url = format!("http://{host}/webhooks/{provider}");
            Ok(SampleCommand {
                cli: format!("cargo run -q -p webhook-cli -- send {provider} {event} --url {url} --key {shown_key}"),
                curl: format!("curl -sS -i -X POST {url} -H '{}: {signature}' --data-binary @{file}", scheme.header),
            })
        })
        .collect()
}

/// Logs the one INFO line of a handled delivery.
fn handled(event: &str, channel: Option<&str>) {
    tracing::info!(event, channel = channel.unwrap_or("-"), "handled");
}
