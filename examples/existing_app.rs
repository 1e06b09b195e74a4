//! Adding webhooks to an axum app that already exists: its own state, routes and tower
//! layers stay as they are, and one `.route(...)` line mounts each dispatcher.
//!
//! `cargo run --example existing_app`, then `curl http://127.0.0.1:3001/users/7`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::routing::get;
use axum::{Router, middleware};
use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, webhook_handler};

/// The application's own state, unrelated to webhooks.
#[derive(Clone)]
struct AppState {
    greeting: Arc<str>,
}

async fn user(State(app): State<AppState>, Path(id): Path<u32>) -> String {
    format!("{} user {id}\n", app.greeting)
}

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) {
    tracing::info!(channel = %ev.channel.id, "member banned");
}

/// The app with webhooks mounted; `main` serves it.
fn app(talkplus_api_key: &str) -> Result<Router, Box<dyn std::error::Error>> {
    let talkplus =
        Dispatcher::new(TalkPlus::verifier([talkplus_api_key])?, ()).handler(on_member_banned);

    Ok(Router::new()
        .route("/users/{id}", get(user))
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
        .with_state(AppState {
            greeting: "hello".into(),
        }))
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
    axum::serve(listener, app(&key)?).await?;
    Ok(())
}
