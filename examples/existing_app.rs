//! Adding webhooks to an axum app that already exists: its own state, routes and tower
//! layers stay as they are, and one `.route(...)` line mounts each dispatcher. The
//! handler's state is shared with the app, which lists the bans it recorded.
//!
//! `cargo run --example existing_app`, then `curl http://127.0.0.1:3001/bans`.
//! `cargo test --example existing_app` runs the handler's unit test.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderValue;
use axum::routing::get;
use axum::{Router, middleware};
use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, Shared, webhook_handler};

/// Bans recorded by the webhook handler, read by the app's own route.
#[derive(Clone, Default)]
struct Bans(Arc<Mutex<Vec<String>>>);

/// The application's own state, unrelated to webhooks except that it shares `Bans`.
#[derive(Clone)]
struct AppState {
    bans: Bans,
}

async fn list_bans(State(app): State<AppState>) -> String {
    let bans = app
        .bans
        .0
        .lock()
        .map(|bans| bans.join("\n"))
        .unwrap_or_default();
    format!("{bans}\n")
}

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned, Shared(bans): Shared<Bans>) -> Result<(), String> {
    let mut bans = bans.0.lock().map_err(|_| "ban list poisoned".to_owned())?;
    for user in ev.users {
        bans.push(format!("{} in {}", user.id, ev.channel.id));
    }
    Ok(())
}

fn talkplus_dispatcher(
    api_key: &str,
    bans: Bans,
) -> Result<Dispatcher<TalkPlus, Bans>, webhook_core::ConfigError> {
    Ok(Dispatcher::new(TalkPlus::verifier([api_key])?, bans).handler(on_member_banned))
}

/// The app with webhooks mounted; `main` serves it.
fn app(talkplus_api_key: &str) -> Result<Router, webhook_core::ConfigError> {
    let bans = Bans::default();
    let talkplus = talkplus_dispatcher(talkplus_api_key, bans.clone())?;

    Ok(Router::new()
        .route("/bans", get(list_bans))
        // The one line that adds webhooks:
        .route("/webhooks/talkplus", webhook_axum::webhook(talkplus))
        .layer(middleware::map_response(
            |mut response: axum::response::Response| async {
                response
                    .headers_mut()
                    .insert("x-served-by", HeaderValue::from_static("existing-app"));
                response
            },
        ))
        .with_state(AppState { bans }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let key = std::env::var("TALKPLUS_API_KEY").unwrap_or_else(|_| {
        tracing::warn!("TALKPLUS_API_KEY is not set: using a demo key");
        "demo-talkplus-api-key".to_owned()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3001").await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    // As `axum::serve`, plus a time limit on request headers; stops at Ctrl-C.
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    webhook_axum::serve(
        listener,
        app(&key)?,
        webhook_axum::DEFAULT_READ_TIMEOUT,
        stop,
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhook_core::Outcome;
    use webhook_core::testing::TestDelivery;

    #[tokio::test]
    async fn a_ban_delivery_is_recorded() {
        let bans = Bans::default();
        let dispatcher = talkplus_dispatcher("test-key", bans.clone()).expect("valid key");
        let outcome = TestDelivery::sample::<MemberBanned>()
            .send(&dispatcher, "test-key")
            .await;
        assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
        assert_eq!(
            *bans.0.lock().expect("lock"),
            ["user456 in YOUR_CHANNEL_ID"]
        );
    }

    #[tokio::test]
    async fn a_forged_ban_is_not_recorded() {
        let bans = Bans::default();
        let dispatcher = talkplus_dispatcher("test-key", bans.clone()).expect("valid key");
        let outcome = TestDelivery::sample::<MemberBanned>()
            .send(&dispatcher, "forger")
            .await;
        assert!(matches!(outcome, Outcome::Unauthorized(_)), "{outcome:?}");
        assert!(bans.0.lock().expect("lock").is_empty());
    }
}
