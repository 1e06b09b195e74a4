//! The hand-written TalkPlus receiver of the HTTP load comparison
//! (`webhook-bench/load/run.sh`).
//!
//! Serves `POST /webhooks/talkplus` on `HANDWRITTEN_ADDR` (default `127.0.0.1:3001`),
//! verifying with `TALKPLUS_API_KEY` (required). Logs nothing per request.

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::var("HANDWRITTEN_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3001".to_owned())
        .parse()?;
    let api_key = std::env::var("TALKPLUS_API_KEY")
        .ok()
        .filter(|key| !key.is_empty())
        .ok_or("set TALKPLUS_API_KEY to the key deliveries are signed with")?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!(
        "handwritten receiver listening on http://{}{}",
        listener.local_addr()?,
        webhook_bench::handwritten::TALKPLUS_PATH
    );
    axum::serve(listener, webhook_bench::handwritten::router(&api_key)).await?;
    Ok(())
}
