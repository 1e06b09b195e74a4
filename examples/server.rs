//! The example webhook server: `cargo run --example server`.
//!
//! Binds `WEBHOOK_ADDR` (default `127.0.0.1:3000`) and serves `POST /webhooks/talkplus`
//! and `POST /webhooks/amity` with a handler for every chat event. Keys come from
//! `TALKPLUS_API_KEY` and `AMITY_WEBHOOK_SECRET`; without them it uses demo keys and says
//! so. Retried deliveries are handled once: in memory by default, in Redis with
//! `REDIS_URL`, not at all with `WEBHOOK_DEDUP=off`. `RUST_LOG` sets the log filter
//! (default `info`). At start it prints commands that send a signed sample delivery to
//! itself.

use tracing_subscriber::EnvFilter;
use webhook_examples::server::{self, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let config = Config::from_env()?;
    for key in [&config.talkplus_api_key, &config.amity_secret] {
        if let Some(var) = key.demo_for {
            tracing::warn!(
                "{var} is not set: using a demo key from the source code; anyone can sign deliveries with it, so set {var} before exposing this server"
            );
        }
    }

    match &config.dedup {
        server::Dedup::Memory => tracing::info!(
            "deduplication: in memory (WEBHOOK_DEDUP=off turns it off, REDIS_URL moves it to Redis)"
        ),
        server::Dedup::Redis(_) => tracing::info!("deduplication: in Redis (REDIS_URL)"),
        server::Dedup::Off => tracing::warn!(
            "deduplication is off (WEBHOOK_DEDUP=off): a retried delivery is handled again"
        ),
    }
    let app = server::app(&config)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|err| {
            format!(
                "cannot listen on {} ({err}); set WEBHOOK_ADDR to another address",
                config.addr
            )
        })?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "listening: POST /webhooks/talkplus, POST /webhooks/amity");

    println!("\nSend a signed sample delivery from another terminal (a handler logs a line):\n");
    for command in server::sample_commands(&config, addr)? {
        println!("  {}\n", command.cli);
    }
    println!("or, without the workspace, with curl:\n");
    for command in server::sample_commands(&config, addr)? {
        println!("  {}\n", command.curl);
    }

    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            // If the signal cannot be listened for, run until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await?;
    Ok(())
}
