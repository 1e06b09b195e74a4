//! The floor of the HTTP load comparison (`webhook-bench/load/run.sh`): an axum route that
//! reads the body and answers 200, verifying and parsing nothing.
//!
//! Serves `POST /webhooks/talkplus` on `READ_BODY_ADDR` (default `127.0.0.1:3003`).

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::var("READ_BODY_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3003".to_owned())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "read-body receiver listening on http://{}{}",
        listener.local_addr()?,
        webhook_bench::handwritten::TALKPLUS_PATH
    );
    axum::serve(listener, webhook_bench::handwritten::read_body_router()).await?;
    Ok(())
}
