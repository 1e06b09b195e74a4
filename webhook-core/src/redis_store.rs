//! A [`DeliveryStore`] in Redis (cargo feature `redis`), so several server instances
//! behind a load balancer handle each delivery once between them.
//!
//! Each key is one Redis string: `running` while an attempt holds it (with a lease, so a
//! crashed instance cannot hold it forever) and `done` once an attempt succeeded (kept for
//! the time to live). The connection is made on first use and re-made after failures;
//! every call gives up after [`RedisStore::CALL_TIMEOUT`], so an unreachable Redis costs a
//! delivery at most that long before the dispatcher's [`OnStoreError`] policy applies
//! (by default: process the delivery and log).
//!
//! [`OnStoreError`]: crate::OnStoreError

use std::time::Duration;

use futures_util::future::BoxFuture;
use redis::aio::ConnectionManager;
use tokio::sync::Mutex;

use crate::dedup::{Claim, DeliveryStore, StoreError};

/// A Redis-backed delivery store.
pub struct RedisStore {
    client: redis::Client,
    connection: Mutex<Option<ConnectionManager>>,
    prefix: String,
    done_ttl: Duration,
    running_ttl: Duration,
}

const RUNNING: &str = "running";
const DONE: &str = "done";

impl RedisStore {
    /// Longest a single Redis call may take before it counts as a store error.
    pub const CALL_TIMEOUT: Duration = Duration::from_secs(1);
    /// How often a duplicate checks whether the running attempt has ended.
    const POLL: Duration = Duration::from_millis(25);

    /// A store at `url` (`redis://host:port/db`). Nothing is connected yet.
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|err| StoreError(err.to_string()))?;
        Ok(Self {
            client,
            connection: Mutex::new(None),
            prefix: "webhook:delivery:".to_owned(),
            done_ttl: crate::MemoryStore::DEFAULT_TTL,
            running_ttl: crate::MemoryStore::DEFAULT_RUNNING_TTL,
        })
    }

    /// Puts every key under `prefix` (default `webhook:delivery:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a handled key is remembered (default one hour).
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.done_ttl = ttl;
        self
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let connection = bounded(self.client.get_connection_manager()).await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, StoreError> {
        let mut connection = self.connection().await?;
        bounded(command.query_async(&mut connection)).await
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn claim_key(&self, key: &str) -> Result<Claim, StoreError> {
        let key = self.key(key);
        // A key can expire between SET NX and GET; then try again.
        for _ in 0..3 {
            let set: Option<String> = self
                .query(
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(RUNNING)
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(self.running_ttl)),
                )
                .await?;
            if set.is_some() {
                return Ok(Claim::Claimed);
            }
            let state: Option<String> = self.query(redis::cmd("GET").arg(&key)).await?;
            match state.as_deref() {
                Some(DONE) => return Ok(Claim::Done),
                Some(RUNNING) => return Ok(Claim::InProgress),
                Some(other) => {
                    return Err(StoreError(format!("unexpected value {other:?} at {key}")));
                }
                None => {}
            }
        }
        Ok(Claim::InProgress)
    }
}

async fn bounded<T>(call: impl Future<Output = redis::RedisResult<T>>) -> Result<T, StoreError> {
    match tokio::time::timeout(RedisStore::CALL_TIMEOUT, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(StoreError(err.to_string())),
        Err(_) => Err(StoreError(format!(
            "no answer from Redis within {:?}",
            RedisStore::CALL_TIMEOUT
        ))),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("ttl", &self.done_ttl)
            .finish_non_exhaustive()
    }
}

impl DeliveryStore for RedisStore {
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(self.claim_key(key))
    }

    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let command = redis::cmd("SET")
                .arg(self.key(key))
                .arg(DONE)
                .arg("PX")
                .arg(millis(self.done_ttl))
                .clone();
            self.query::<()>(&command).await
        })
    }

    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.query::<()>(redis::cmd("DEL").arg(self.key(key))).await })
    }

    fn wait<'a>(&'a self, _key: &'a str, timeout: Duration) -> BoxFuture<'a, ()> {
        Box::pin(tokio::time::sleep(timeout.min(Self::POLL)))
    }
}
