//! The embedded store's write path alone, without HTTP: what inline mode asks of it for
//! each delivery (a claim that records the body, then a settle), or what inbox mode asks
//! on receipt (one append; its workers lease and settle each delivery later), from TASKS
//! tasks at once in a closed loop, each delivery distinct. A rate at that concurrency, not
//! the store's ceiling: the whole example server has done more per second than this.
//!
//! ```text
//! store_load PATH SECONDS TASKS full|normal claim-settle|append PADDING
//! ```
//!
//! `PATH` is a new SQLite file; each body is about 90 bytes plus `PADDING` (0: the size
//! `unique_load` sends; 1200: about the TalkPlus `message` sample). Prints
//! `deliveries/sec  µs of process CPU per delivery`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use webhook_core::store::sqlite::{SqliteStore, Sync};
use webhook_core::store::{Appended, Claim, DeliveryKey, NewDelivery, Settlement, Store};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, seconds, tasks, sync, mode, padding] = args.as_slice() else {
        return Err(
            "usage: store_load PATH SECONDS TASKS full|normal claim-settle|append PADDING".into(),
        );
    };
    let padding = "x".repeat(padding.parse()?);
    let sync = match sync.as_str() {
        "full" => Sync::Full,
        "normal" => Sync::Normal,
        other => return Err(format!("sync is full or normal, not {other}").into()),
    };
    let append = match mode.as_str() {
        "claim-settle" => false,
        "append" => true,
        other => return Err(format!("mode is claim-settle or append, not {other}").into()),
    };
    if std::path::Path::new(path).exists() {
        return Err(format!(
            "{path} exists: give a new file, so that every delivery is a first copy"
        )
        .into());
    }
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_with(
        path,
        sync,
        Duration::from_secs(3600),
    )?);
    let duration = Duration::from_secs_f64(seconds.parse()?);
    let tasks: u64 = tasks.parse()?;
    let done = Arc::new(AtomicU64::new(0));
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let mut running = Vec::new();
    for task in 0..tasks {
        let (store, done, padding) = (Arc::clone(&store), Arc::clone(&done), padding.clone());
        running.push(tokio::spawn(async move {
            let mut n = 0u64;
            while started.elapsed() < duration {
                n += 1;
                let body = Bytes::from(format!(
                    r#"{{"event":"member_banned","channel":{{"id":"c-{task}-{n}"}},"users":[{{"id":"troll"}}],"padding":"{padding}"}}"#
                ));
                let key = DeliveryKey::new("talkplus", None, "message", &body);
                let delivery = NewDelivery {
                    key: &key,
                    provider: "talkplus",
                    event: "member_banned",
                    shown_id: None,
                    scheme: "talkplus",
                    received_at: SystemTime::now(),
                    body: &body,
                };
                if append {
                    let appended = store.append(delivery).await.map_err(|err| err.to_string())?;
                    if !matches!(appended, Appended::Accepted(_)) {
                        return Err("a distinct delivery was not appended".to_owned());
                    }
                } else {
                    let Claim::Claimed(lease) = store
                        .claim(delivery, Duration::from_secs(30))
                        .await
                        .map_err(|err| err.to_string())?
                    else {
                        return Err("a distinct delivery was not claimed".to_owned());
                    };
                    store
                        .settle(&lease, Settlement::Done)
                        .await
                        .map_err(|err| err.to_string())?;
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    for task in running {
        task.await??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let count = done.load(Ordering::Relaxed) as f64;
    println!(
        "{:.0} {:.1}",
        count / elapsed,
        (cpu_seconds() - cpu_before) * 1e6 / count
    );
    Ok(())
}

/// This process's user and system CPU time so far, from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |index: usize| -> f64 {
        fields
            .get(index)
            .and_then(|f| f.parse().ok())
            .unwrap_or(0.0)
    };
    // utime and stime, in clock ticks (100 per second on Linux).
    (ticks(11) + ticks(12)) / 100.0
}
