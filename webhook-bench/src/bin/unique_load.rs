//! A load generator whose every request is a distinct delivery: what a store-backed
//! server must record, as a platform's real traffic would make it (wrk repeats one body,
//! which a deduplicating server answers from its records without running anything).
//!
//! ```text
//! unique_load URL KEY SECONDS CONNECTIONS
//! ```
//!
//! Each connection posts TalkPlus `member_banned` deliveries for its own channel ids,
//! signed with `KEY`, one after another over one keep-alive HTTP/1.1 connection, for
//! `SECONDS`. Prints `requests/sec 2xx 503 other` on one line.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    unavailable: AtomicU64,
    other: AtomicU64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, key, seconds, connections] = args.as_slice() else {
        return Err("usage: unique_load URL KEY SECONDS CONNECTIONS".into());
    };
    let url: hyper::Uri = url.parse()?;
    let authority = url.authority().ok_or("the URL has no host")?.clone();
    let addr: SocketAddr = authority.as_str().parse()?;
    let path = url.path().to_owned();
    let duration = Duration::from_secs_f64(seconds.parse()?);
    let connections: usize = connections.parse()?;
    let key: Arc<str> = key.as_str().into();

    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for connection in 0..connections {
        let (tally, key, path, authority) = (
            Arc::clone(&tally),
            Arc::clone(&key),
            path.clone(),
            authority.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (mut sender, driver) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(driver);
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let body = format!(
                    r#"{{"event":"member_banned","appId":"bench","channel":{{"id":"load-{connection}-{n}"}},"users":[{{"id":"troll"}}]}}"#
                );
                let signature = webhook_core::talkplus::SIGNATURE.sign(key.as_bytes(), body.as_bytes());
                let request = Request::post(path.as_str())
                    .header(hyper::header::HOST, authority.as_str())
                    .header("x-talkplus-signature", signature)
                    .body(Full::new(Bytes::from(body)))?;
                sender.ready().await?;
                let response = sender.send_request(request).await?;
                let status = response.status();
                response.into_body().collect().await?;
                let counter = if status.is_success() {
                    &tally.ok
                } else if status == hyper::StatusCode::SERVICE_UNAVAILABLE {
                    &tally.unavailable
                } else {
                    &tally.other
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        }));
    }
    for task in tasks {
        task.await?.map_err(|err| err.to_string())?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = tally.ok.load(Ordering::Relaxed);
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let rate = ok as f64 / elapsed;
    println!(
        "{rate:.1} {ok} {} {}",
        tally.unavailable.load(Ordering::Relaxed),
        tally.other.load(Ordering::Relaxed)
    );
    Ok(())
}
