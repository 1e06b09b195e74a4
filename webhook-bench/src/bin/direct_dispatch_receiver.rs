//! Diagnostic receiver for the HTTP load comparison (`WITH_DIRECT=1 bash
//! webhook-bench/load/run.sh`): the framework's `Dispatcher::dispatch` called
//! straight from an axum handler (`HeaderMap` and `Bytes` extractors), without
//! `webhook-axum` (no task spawned per delivery, no `tracing` span).
//!
//! Serves `POST /webhooks/talkplus` on `DIRECT_ADDR` (default `127.0.0.1:3002`),
//! verifying with `TALKPLUS_API_KEY` (required). Its dispatcher has the benches' no-op
//! handlers for `message` and `channel_added`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use webhook_bench::framework::talkplus_dispatcher_with_key;
use webhook_bench::handwritten::TALKPLUS_PATH;
use webhook_core::Dispatcher;
use webhook_core::talkplus::TalkPlus;

async fn receive(
    State(dispatcher): State<Arc<Dispatcher<TalkPlus>>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let outcome = dispatcher.dispatch(headers, body).await;
    (outcome.status(), format!("{outcome}\n"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::var("DIRECT_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3002".to_owned())
        .parse()?;
    let api_key = std::env::var("TALKPLUS_API_KEY")
        .ok()
        .filter(|key| !key.is_empty())
        .ok_or("set TALKPLUS_API_KEY to the key deliveries are signed with")?;
    let app = Router::new()
        .route(TALKPLUS_PATH, post(receive))
        .with_state(Arc::new(talkplus_dispatcher_with_key(&api_key)));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "direct-dispatch receiver listening on http://{}{TALKPLUS_PATH}",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}
