//! The example server: a handler for every TalkPlus and Amity chat event, each logging
//! one INFO line, mounted at `POST /webhooks/talkplus` and `POST /webhooks/amity`.

mod amity_handlers;
mod config;
mod demo;
mod talkplus_handlers;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use axum::Router;
use webhook_core::amity::{self, Amity};
use webhook_core::talkplus::{self, TalkPlus};
use webhook_core::{Dispatcher, Inbox, Provider, Store};

pub use config::{
    Config, DEFAULT_READ_TIMEOUT, DEFAULT_STORE_FILE, DEMO_AMITY_SECRET, DEMO_TALKPLUS_API_KEY,
    INBOX_PAGE_PATH, Key, Mode, StoreChoice,
};
pub use demo::{Demo, DemoFailure};

/// The TalkPlus dispatcher with a handler for each of the 15 events.
///
/// # Errors
/// When the key is empty.
pub fn talkplus_dispatcher(
    api_key: &str,
    demo: Demo,
) -> Result<Dispatcher<TalkPlus, Demo>, String> {
    let verifier = TalkPlus::verifier([api_key]).map_err(|err| err.to_string())?;
    talkplus_handlers::register(Dispatcher::new(verifier, demo)).map_err(|err| err.to_string())
}

/// The Amity dispatcher with a handler for each chat event and one social event read into
/// a type of the server's own, both signature schemes on.
///
/// # Errors
/// When the secret is empty.
pub fn amity_dispatcher(secret: &str, demo: Demo) -> Result<Dispatcher<Amity, Demo>, String> {
    let verifier = Amity::verifier([secret]).map_err(|err| err.to_string())?;
    amity_handlers::register(Dispatcher::new(verifier, demo)).map_err(|err| err.to_string())
}

/// The server's routes and, when it keeps deliveries in a store, its inbox.
pub struct App {
    /// The routes.
    pub router: Router,
    /// The inbox whose workers run inbox-mode deliveries and replays; `None` when the
    /// server records nothing (`WEBHOOK_DEDUP=off`).
    pub inbox: Option<Inbox>,
}

impl App {
    /// Builds the routes; with a store, starts the inbox's workers (which need a tokio
    /// runtime). Both dispatchers share the store (keys carry the provider's name).
    ///
    /// # Errors
    /// When a key is empty or the store cannot be opened.
    pub fn new(config: &Config) -> Result<Self, String> {
        install_metrics();
        let store = config.store.open(config.store_sync)?;
        let demo = config.demo.clone();
        // The demo's sleep comes on top of the handlers' time budget, not out of it.
        let budget = Some(Dispatcher::<TalkPlus, Demo>::DEFAULT_TIMEOUT + demo.delay);
        let mut talkplus = talkplus_dispatcher(&config.talkplus_api_key.value, demo.clone())
            .map_err(|err| format!("TALKPLUS_API_KEY: {err}"))?
            .lease(config.lease)
            .timeout(budget);
        let mut amity = amity_dispatcher(&config.amity_secret.value, demo)
            .map_err(|err| format!("AMITY_WEBHOOK_SECRET: {err}"))?
            .lease(config.lease)
            .timeout(budget);
        match &store {
            Some(store) => {
                talkplus = talkplus.store(Arc::clone(store));
                amity = amity.store(Arc::clone(store));
            }
            None => {
                talkplus = talkplus.without_store();
                amity = amity.without_store();
            }
        }
        let (talkplus, amity) = (Arc::new(talkplus), Arc::new(amity));
        let inbox = store.map(|store| {
            let inbox = Inbox::with_settings(store, config.inbox_settings());
            inbox.serve(Arc::clone(&talkplus));
            inbox.serve(Arc::clone(&amity));
            inbox.start();
            inbox
        });
        let mut talkplus = webhook_axum::Webhook::new(talkplus).read_timeout(config.read_timeout);
        let mut amity = webhook_axum::Webhook::new(amity).read_timeout(config.read_timeout);
        if let (Mode::Inbox, Some(inbox)) = (config.mode, &inbox) {
            talkplus = talkplus.inbox(inbox);
            amity = amity.inbox(inbox);
        }
        let mut router = Router::new()
            .route("/webhooks/talkplus", talkplus.into_method_router())
            .route("/webhooks/amity", amity.into_method_router())
            .route("/metrics", axum::routing::get(render_metrics));
        let mut health = webhook_axum::Health::new();
        if let Some(inbox) = &inbox {
            // Inline mode handles deliveries while the store is away (the dispatchers'
            // default `OnStoreError::Process`); inbox mode answers 503 without it.
            health = match config.mode {
                Mode::Inline => health.optional_store(Arc::clone(inbox.store())),
                Mode::Inbox => health.inbox(inbox),
            };
            if let Some(token) = &config.inbox_token {
                let page = webhook_axum::InboxPage::new(inbox, token.clone());
                router = router.nest(INBOX_PAGE_PATH, page.router());
            }
        }
        let router = router.merge(health.router());
        Ok(Self { router, inbox })
    }
}

/// The server's routes, for tests that serve them themselves.
///
/// # Errors
/// When a key is empty or the store cannot be opened.
pub fn app(config: &Config) -> Result<Router, String> {
    App::new(config).map(|app| app.router)
}

/// How long the server waits, once asked to stop, for requests and running handlers.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The Prometheus recorder, installed once per process (tests build many apps in one).
fn prometheus() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("webhook_handler_duration_seconds".to_owned()),
                &[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0],
            )
            .and_then(|builder| {
                builder.set_buckets_for_metric(
                    Matcher::Full("webhook_body_size_bytes".to_owned()),
                    &[256.0, 1024.0, 4096.0, 16_384.0, 65_536.0, 262_144.0, 1_048_576.0],
                )
            })
            .and_then(PrometheusBuilder::install_recorder)
        {
            Ok(handle) => Some(handle),
            Err(err) => {
                tracing::warn!(error = %err, "metrics are off: the Prometheus recorder could not be installed");
                None
            }
        })
        .as_ref()
}

/// Installs the Prometheus recorder, so that what the framework counts from now on is
/// kept; `GET /metrics` shows it.
pub fn install_metrics() {
    let _ = prometheus();
}

async fn render_metrics() -> axum::response::Response {
    use axum::response::IntoResponse as _;
    match prometheus() {
        Some(handle) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(),
        )
            .into_response(),
        None => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "metrics are off: the recorder could not be installed\n",
        )
            .into_response(),
    }
}

/// Runs the server until SIGTERM or Ctrl-C: prints the banner, serves, then stops taking
/// deliveries and gives running ones [`SHUTDOWN_GRACE`] to finish (their leases are given
/// back otherwise, so they run again at the next start).
///
/// # Errors
/// When the configuration is refused, the store cannot be opened or the address bound.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    config.refuse_unsafe()?;
    for key in [&config.talkplus_api_key, &config.amity_secret] {
        if let Some(var) = key.demo_for {
            tracing::warn!(
                "{var} is not set: using a demo key from the source code; anyone can sign deliveries with it, so set {var} before exposing this server"
            );
        }
    }
    // Bound first: a second server started on the same address fails before it opens
    // the store or starts inbox workers on it.
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|err| {
            format!(
                "cannot listen on {} ({err}); set WEBHOOK_ADDR to another address",
                config.addr
            )
        })?;
    let App { router, inbox } = App::new(&config)?;
    if let Some(handle) = prometheus() {
        // Histograms are summarised and idle series dropped on this beat, not per scrape.
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(5)).await;
                handle.run_upkeep();
            }
        });
    }
    let addr = listener.local_addr()?;
    for line in config.banner() {
        tracing::info!("{line}");
    }
    tracing::info!(%addr, "listening: POST /webhooks/talkplus, POST /webhooks/amity");
    print_sample_commands(&config, addr, inbox.as_ref())?;

    let (stopping, stop) = tokio::sync::oneshot::channel::<()>();
    let limits = webhook_axum::ConnectionLimits {
        read_timeout: config.read_timeout,
        max_connections: config.max_connections,
    };
    let mut server = tokio::spawn(webhook_axum::serve_with_limits(
        listener,
        router,
        limits,
        async {
            let _ = stop.await;
        },
    ));
    tokio::select! {
        () = shutdown_signal() => {
            tracing::info!("stopping: no new deliveries; waiting for running ones");
            let _ = stopping.send(());
            // Requests in flight finish, within the grace period.
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await;
        }
        ended = &mut server => ended?,
    }
    if let Some(inbox) = inbox {
        let shutdown = inbox.shutdown(SHUTDOWN_GRACE).await;
        if !shutdown.drained {
            tracing::warn!("some deliveries were still running: their leases are given back");
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Waits for SIGTERM or Ctrl-C (forever when neither can be listened for).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
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
    /// With the sender CLI, the key passed in `WEBHOOK_KEY` (never on the command line,
    /// where `ps` would show it).
    pub cli: String,
    /// With curl and a ready signature; only for a demo key (a signature made with a real
    /// key, printed in a log, would let its readers replay the delivery).
    pub curl: Option<String>,
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
            TalkPlus::NAME,
            "member_banned",
            &config.talkplus_api_key,
            talkplus::SIGNATURE,
            TALKPLUS_SAMPLE,
            "TALKPLUS_API_KEY",
        ),
        (
            Amity::NAME,
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
            let url = format!("http://{host}/webhooks/{provider}");
            let shown_key = if key.demo_for.is_some() {
                key.value.clone()
            } else {
                format!("\"${var}\"")
            };
            let curl = match key.demo_for {
                Some(_) => {
                    let body = std::fs::read(file)?;
                    let signature = scheme.sign(key.value.as_bytes(), &body);
                    Some(format!(
                        "curl -sS -i -X POST {url} -H '{}: {signature}' --data-binary @{file}",
                        scheme.header
                    ))
                }
                None => None,
            };
            Ok(SampleCommand {
                cli: format!(
                    "WEBHOOK_KEY={shown_key} cargo run -q -p webhook-cli -- send {provider} {event} --url {url}"
                ),
                curl,
            })
        })
        .collect()
}

fn print_sample_commands(
    config: &Config,
    addr: SocketAddr,
    inbox: Option<&Inbox>,
) -> std::io::Result<()> {
    let commands = sample_commands(config, addr)?;
    println!("\nSend a signed sample delivery from another terminal (a handler logs a line):\n");
    for command in &commands {
        println!("  {}\n", command.cli);
    }
    if commands.iter().any(|command| command.curl.is_some()) {
        println!("or, without the workspace, with curl:\n");
        for curl in commands.iter().filter_map(|command| command.curl.as_ref()) {
            println!("  {curl}\n");
        }
    }
    // The store's own arguments: quoted as a shell needs, a Redis URL never in clear.
    if let Some(store) = inbox.map(Inbox::store)
        && let Some(args) = store.cli_args()
    {
        let list = format!("cargo run -q -p webhook-cli -- inbox list {args}");
        // A shell comment: the line still runs as pasted.
        let needs = store
            .cli_environment()
            .map(|variable| format!("   # reads {variable}, as the server does"))
            .unwrap_or_default();
        println!(
            "See what the server recorded (dead letters, retries) while it runs:\n\n  {list}{needs}\n"
        );
    }
    Ok(())
}

/// Opens the store a configuration names.
impl StoreChoice {
    /// The store, or `None` when the server records nothing; an embedded file flushes its
    /// commits as `sync` says.
    ///
    /// # Errors
    /// When the file cannot be opened or the Redis URL is invalid.
    pub fn open(
        &self,
        sync: webhook_core::store::sqlite::Sync,
    ) -> Result<Option<Arc<dyn Store>>, String> {
        Ok(match self {
            Self::Embedded(path) => Some(Arc::new(
                webhook_core::store::sqlite::SqliteStore::open_with(
                    path,
                    sync,
                    webhook_core::store::Retention::DURABLE.done_for,
                )
                .map_err(|err| format!("WEBHOOK_STORE: {err}"))?,
            )),
            Self::Redis { url, prefix } => Some(Arc::new(
                webhook_core::store::redis::RedisStore::new(url)
                    .map_err(|err| format!("REDIS_URL: {err}"))?
                    .with_prefix(prefix.clone()),
            )),
            Self::Memory => Some(Arc::new(webhook_core::MemoryStore::new())),
            Self::Off => None,
        })
    }
}
