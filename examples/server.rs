//! The example webhook server: `cargo run --example server`.
//!
//! Serves `POST /webhooks/talkplus` and `POST /webhooks/amity` with a handler for every
//! chat event, each logging one line, and `GET /metrics` (Prometheus), `GET /healthz` and
//! `GET /readyz`. At start it prints commands that send it a signed sample delivery, and
//! the command that lists what it recorded. `/metrics` needs no token (event names and
//! counts, no body or key): in production, serve it where only the scraper reaches, or
//! check a token in front of it.
//!
//! | variable | default | what it sets |
//! |---|---|---|
//! | `WEBHOOK_ADDR` | `127.0.0.1:3000` | address to listen on; anything but loopback needs real keys |
//! | `TALKPLUS_API_KEY`, `AMITY_WEBHOOK_SECRET` | demo keys, with a warning | the platforms' keys |
//! | `WEBHOOK_MODE` | `inline` | `inbox`: answer 202 once the delivery is recorded, run handlers after, retry failures |
//! | `WEBHOOK_STORE` | `webhook-inbox.db` | the embedded store's file (`memory`: nothing kept across restarts) |
//! | `WEBHOOK_STORE_SYNC` | `full` | `normal`: the embedded file's commits reach the OS, not the disk: a killed process loses nothing, a power cut may lose the last ones |
//! | `REDIS_URL` | — | keep deliveries in Redis instead, shared by every instance |
//! | `WEBHOOK_REDIS_PREFIX` | `webhook:` | the prefix of the server's keys in Redis |
//! | `WEBHOOK_DEDUP` | `on` | `off`: record nothing (no deduplication, no dead letters), for benchmarks |
//! | `WEBHOOK_MAX_ATTEMPTS`, `WEBHOOK_RETRY_DELAY_MS` | 10, 2000 | inbox retries: attempts in all, first wait (doubling) |
//! | `WEBHOOK_LEASE_MS` | 30000 | how long a dead instance's deliveries wait before another takes them over (at least 30) |
//! | `WEBHOOK_READ_TIMEOUT_MS` | 10000 | how long a request's headers, then its body, may take to arrive; a client that stops sending is cut off (a stalled body gets 408), and no handler runs |
//! | `WEBHOOK_MAX_CONNECTIONS` | 1024 | connections served at once; at the limit an idle one is closed for a new one, or the new one waits |
//! | `WEBHOOK_HANDLER_DELAY_MS` | 0 | the demo handlers sleep this long first (to watch inbox mode with slow handlers); their 10 s time budget starts after it |
//! | `WEBHOOK_DEMO_FAIL` | — | `event[:first],…`: those handlers fail (every attempt, or the first), to watch retries and dead letters |
//! | `WEBHOOK_INBOX_TOKEN` | — | mounts the inbox page at `/webhooks/_inbox`, opened with this token (16 characters or more) |
//! | `RUST_LOG` | `info` | log filter |

use tracing_subscriber::EnvFilter;
use webhook_examples::server::{self, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    server::run(Config::from_env()?).await
}
