//! [`RedisStore`]: the store in Redis (cargo feature `redis`), shared by every instance of a
//! receiver behind a load balancer.
//!
//! # Layout (every key under the prefix, `webhook:` by default)
//!
//! | key | type | holds |
//! |---|---|---|
//! | `d:<id>` | hash | one delivery: body, state, attempts, lease, last error, … |
//! | `k:<delivery key>` | string | the id of the delivery with that key (deduplication) |
//! | `s:pending`, `s:leased`, `s:done`, `s:dead` | sorted sets by id | the deliveries in each state |
//! | `all` | sorted set by id | every delivery, for listing |
//! | `stream:<provider>` | stream, consumer group `workers` | ids of deliveries due now, read by the workers |
//! | `delayed` | sorted set by due time | pending deliveries waiting for a retry's backoff |
//! | `leases` | sorted set by time | lease ends, for recovery |
//! | `at:done`, `at:dead` | sorted sets by time | settle times, for retention |
//! | `seq` | counter | the last delivery id given |
//!
//! Inbox mode appends a delivery to its provider's stream; workers read the stream through
//! the consumer group, so each entry goes to one worker, and acknowledge and delete it
//! (`XACK`, `XDEL`) when the attempt is settled, so a stream holds only what is still to
//! run. A worker renews its lease by re-claiming its entry (`XCLAIM`), which also keeps the
//! entry's idle time low. When an instance dies its leases stop being renewed; once a
//! lease's recorded end has passed, a live instance claims the entry through the group
//! (`XCLAIM`) and takes the delivery over. Entries an instance read but died before leasing
//! are taken over with `XAUTOCLAIM` once idle for a lease time. Each store is a consumer
//! of its own, so each process start adds one to the group; [`Store::prune`] deletes
//! those that hold no entry and were idle past [`RedisStore::CONSUMER_IDLE_LIMIT`].
//! Every change of a
//! delivery's state is one Lua script, so it is atomic; a settle or renewal checks the
//! lease's token in the same script, so a stale attempt changes nothing. Every lease end,
//! due time, settle time and retention age is the Redis server's (`TIME`), so the
//! instances' clocks need not agree; only a delivery's received time is the receiving
//! instance's. Redis 6.2 or later is needed (`XAUTOCLAIM`).
//!
//! # When Redis is unreachable
//!
//! Connecting happens outside any lock, once for all callers: concurrent calls wait for the
//! same attempt. After a failure, calls fail at once for a second before the next attempt,
//! so an outage costs the deliveries one bounded wait, not one each; the dispatcher's
//! [`OnStoreError`](crate::OnStoreError) policy then applies. Every call gives up after
//! [`RedisStore::CALL_TIMEOUT`].
//!
//! Give it a Redis that neither evicts keys (`maxmemory-policy noeviction`) nor forgets
//! them (`appendonly yes`): every key is part of a delivery. When Redis loses a stream
//! with its consumer group anyway, the store makes the group again on its next lease and
//! queues again the pending deliveries whose entries went with it.
//!
//! One Redis server at a fixed address is supported (behind Sentinel, give the address
//! of something that follows the primary, such as a proxy or a virtual IP: the store does
//! not ask Sentinel itself); Redis Cluster is not, because the scripts reach keys they
//! compute.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Script, Value};

use super::{
    Appended, Claim, Counts, DeliveryKey, DeliveryState, Filter, Lease, LeaseToken, NewDelivery,
    Purge, Retention, Settlement, Store, StoreError, StoredDelivery, duration_millis, from_millis,
    to_millis,
};

/// The store in Redis.
pub struct RedisStore {
    connector: Arc<Connector>,
    prefix: String,
    done_for: Duration,
    consumer: String,
    scripts: Scripts,
    groups_made: Mutex<Vec<String>>,
    /// Which provider's stream a lease reads first, turning with each call.
    turn: AtomicUsize,
    consumer_idle_limit: Duration,
}

/// The consumer group every instance's workers read through.
const GROUP: &str = "workers";
/// How many entries one script call goes through, so no call blocks Redis for long.
const CHUNK: usize = 500;
/// How many ids one call of the listing script reads (a lookup of two fields each).
const LIST_SCAN: usize = 2000;

impl RedisStore {
    /// Longest a single Redis call may take before it counts as a store error.
    pub const CALL_TIMEOUT: Duration = Duration::from_secs(1);
    /// How long calls fail at once after a failed connection attempt.
    pub const COOLDOWN: Duration = Duration::from_secs(1);

    /// How long a consumer of the group may sit idle with nothing pending before
    /// [`Store::prune`] deletes it, unless [`Self::with_consumer_idle_limit`] sets another.
    pub const CONSUMER_IDLE_LIMIT: Duration = Duration::from_secs(3600);

    /// The key prefix unless [`Self::with_prefix`] sets another.
    pub const DEFAULT_PREFIX: &'static str = "webhook:";

    /// A store at `url` (`redis://host:port/db`). Nothing is connected yet.
    ///
    /// # Errors
    /// When `url` is not a Redis URL.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|err| StoreError(err.to_string()))?;
        Ok(Self {
            connector: Arc::new(Connector {
                client,
                state: Mutex::new(Connection::Idle),
            }),
            prefix: Self::DEFAULT_PREFIX.to_owned(),
            done_for: Retention::DURABLE.done_for,
            consumer: format!(
                "{}-{}-{:08x}",
                hostname(),
                std::process::id(),
                rand::random::<u32>()
            ),
            scripts: Scripts::new(),
            groups_made: Mutex::default(),
            turn: AtomicUsize::new(0),
            consumer_idle_limit: Self::CONSUMER_IDLE_LIMIT,
        })
    }

    /// Puts every key under `prefix` (default `webhook:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a handled delivery is remembered for deduplication (default seven days).
    #[must_use]
    pub fn with_done_for(mut self, done_for: Duration) -> Self {
        self.done_for = done_for;
        self
    }

    /// Whether Redis answers now.
    ///
    /// # Errors
    /// The store error when it does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.connector.get().await?;
        bounded(
            &self.connector,
            redis::cmd("PING").query_async::<String>(&mut connection),
        )
        .await
        .map(drop)
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        args: &[&[u8]],
    ) -> Result<T, StoreError> {
        let mut connection = self.connector.get().await?;
        let mut invocation = script.prepare_invoke();
        invocation.arg(&self.prefix);
        for arg in args {
            invocation.arg(*arg);
        }
        bounded(&self.connector, invocation.invoke_async(&mut connection)).await
    }

    /// Runs `script` on a new record: the record's fields (key, provider, event, shown id,
    /// scheme, time received, body), then `more`.
    async fn run_on_record<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        delivery: &NewDelivery<'_>,
        more: &[&[u8]],
    ) -> Result<T, StoreError> {
        let received = to_millis(delivery.received_at).to_string();
        let record: [&[u8]; 7] = [
            delivery.key.as_str().as_bytes(),
            delivery.provider.as_bytes(),
            delivery.event.as_bytes(),
            delivery.shown_id.unwrap_or("").as_bytes(),
            delivery.scheme.as_bytes(),
            received.as_bytes(),
            delivery.body,
        ];
        self.run(script, &[&record[..], more].concat()).await
    }

    /// How long a consumer of the group (one per store made, so one per process start)
    /// may sit idle with nothing pending before [`Store::prune`] deletes it; default
    /// [`Self::CONSUMER_IDLE_LIMIT`]. Deleting one that is still in use costs nothing: its
    /// next read makes it again.
    #[must_use]
    pub fn with_consumer_idle_limit(mut self, limit: Duration) -> Self {
        self.consumer_idle_limit = limit;
        self
    }

    /// Deletes the group's consumers that hold nothing and were idle past the limit (those
    /// of stopped instances), in the streams of the providers this store leases for.
    /// Returns how many went.
    async fn forget_idle_consumers(&self) -> Result<u64, StoreError> {
        let providers = self
            .groups_made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if providers.is_empty() {
            return Ok(0);
        }
        let limit = duration_millis(self.consumer_idle_limit).to_string();
        let mut args: Vec<&[u8]> =
            vec![GROUP.as_bytes(), self.consumer.as_bytes(), limit.as_bytes()];
        args.extend(providers.iter().map(String::as_bytes));
        let forgotten: i64 = self.run(&self.scripts.forget_consumers, &args).await?;
        Ok(u64::try_from(forgotten).unwrap_or(0))
    }

    /// [`Store::lease`]'s work: pushes each lease taken onto `leased`, so that those taken
    /// before an error are not lost with it.
    async fn lease_into(
        &self,
        leased: &mut Vec<(Lease, StoredDelivery)>,
        providers: &[&str],
        lease: Duration,
        max: usize,
    ) -> Result<(), StoreError> {
        for provider in providers {
            self.ensure_group(provider).await?;
        }
        // First the deliveries whose lease ran out (their instance stopped renewing),
        // claimed through the group by their stream entry; only those of the
        // providers served here, so no other provider's entry waits on this instance.
        let limit = max.to_string();
        let mut args: Vec<&[u8]> =
            vec![limit.as_bytes(), GROUP.as_bytes(), self.consumer.as_bytes()];
        args.extend(providers.iter().map(|provider| provider.as_bytes()));
        let expired: Vec<String> = self.run(&self.scripts.reclaim, &args).await?;
        for triple in expired.chunks_exact(3) {
            let [provider, entry, id] = triple else {
                continue;
            };
            if let Some(found) = self.lease_entry(provider, entry, id, lease).await? {
                leased.push(found);
            }
        }
        // Then entries read by an instance that died before taking their lease.
        for provider in providers {
            if leased.len() >= max {
                break;
            }
            let reply: Value = self
                .query(
                    redis::cmd("XAUTOCLAIM")
                        .arg(self.stream(provider))
                        .arg(GROUP)
                        .arg(&self.consumer)
                        .arg(duration_millis(lease))
                        .arg("0-0")
                        .arg("COUNT")
                        .arg(max - leased.len()),
                )
                .await?;
            for (entry, id) in entries(&reply) {
                if let Some(found) = self.lease_entry(provider, &entry, &id, lease).await? {
                    leased.push(found);
                }
            }
        }
        // One stream at a time: `COUNT` of a read over several streams applies to each,
        // which would lease more than `max` and leave the rest with no worker. The
        // first stream read turns with each call, so no provider waits on another.
        let first = self.turn.fetch_add(1, Ordering::Relaxed);
        for offset in 0..providers.len() {
            if leased.len() >= max {
                break;
            }
            let provider = providers[(first + offset) % providers.len()];
            let reply: Value = self
                .query(
                    redis::cmd("XREADGROUP")
                        .arg("GROUP")
                        .arg(GROUP)
                        .arg(&self.consumer)
                        .arg("COUNT")
                        .arg(max - leased.len())
                        .arg("STREAMS")
                        .arg(self.stream(provider))
                        .arg(">"),
                )
                .await?;
            for (_, part) in streams(&reply) {
                for (entry, id) in entries(part) {
                    if let Some(found) = self.lease_entry(provider, &entry, &id, lease).await? {
                        leased.push(found);
                    }
                }
            }
        }
        Ok(())
    }

    async fn query<T: redis::FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, StoreError> {
        let mut connection = self.connector.get().await?;
        bounded(&self.connector, command.query_async(&mut connection)).await
    }

    fn stream(&self, provider: &str) -> String {
        format!("{}stream:{provider}", self.prefix)
    }

    /// Creates the consumer group of `provider`'s stream once per store.
    /// When `err` says a consumer group is gone (Redis lost the stream: a restart without
    /// persistence, a flush, an eviction; an append then made the stream again without
    /// it), forgets the groups made, so that the next call makes them again from the
    /// stream's start. Returns whether it did.
    fn forget_lost_groups(&self, err: &StoreError) -> bool {
        if !err.0.contains("NOGROUP") {
            return false;
        }
        tracing::warn!(error = %err, "a consumer group of the inbox is gone from Redis; making it again");
        self.groups_made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        true
    }

    /// Gives the pending records of `providers` whose stream entry Redis lost a new
    /// entry, so that the group made again reads them too.
    async fn requeue_lost_entries(&self, providers: &[&str]) -> Result<(), StoreError> {
        let args: Vec<&[u8]> = providers
            .iter()
            .map(|provider| provider.as_bytes())
            .collect();
        let requeued: i64 = self.run(&self.scripts.requeue, &args).await?;
        if requeued > 0 {
            tracing::warn!(
                requeued,
                "pending deliveries whose stream Redis lost are queued again"
            );
        }
        Ok(())
    }

    async fn ensure_group(&self, provider: &str) -> Result<(), StoreError> {
        if self
            .groups_made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|made| made == provider)
        {
            return Ok(());
        }
        let created = self
            .query::<()>(
                redis::cmd("XGROUP")
                    .arg("CREATE")
                    .arg(self.stream(provider))
                    .arg(GROUP)
                    .arg("0")
                    .arg("MKSTREAM"),
            )
            .await;
        match created {
            Ok(()) => {}
            Err(err) if err.0.contains("BUSYGROUP") => {}
            Err(err) => return Err(err),
        }
        self.groups_made
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(provider.to_owned());
        Ok(())
    }

    /// Takes the lease of the delivery behind one stream entry, if it is still due.
    async fn lease_entry(
        &self,
        provider: &str,
        entry: &str,
        id: &str,
        lease: Duration,
    ) -> Result<Option<(Lease, StoredDelivery)>, StoreError> {
        let token = LeaseToken::new();
        let lease_ms = duration_millis(lease).to_string();
        let args: [&[u8]; 7] = [
            id.as_bytes(),
            entry.as_bytes(),
            token.as_str().as_bytes(),
            lease_ms.as_bytes(),
            self.consumer.as_bytes(),
            GROUP.as_bytes(),
            provider.as_bytes(),
        ];
        // A call whose answer was lost (a timeout) may have taken the lease, and used up
        // an attempt: asked again with the same token, the script answers that lease.
        // Asked after the cooldown such a failure starts, in which every call fails.
        let fields: Option<Vec<(String, Vec<u8>)>> =
            match self.run(&self.scripts.lease_entry, &args).await {
                Ok(fields) => fields,
                Err(_) => {
                    tokio::time::sleep(Self::COOLDOWN).await;
                    self.run(&self.scripts.lease_entry, &args).await?
                }
            };
        let Some(fields) = fields else {
            return Ok(None);
        };
        let record = record_from(id, fields.into_iter().collect())?;
        let lease = Lease {
            id: record.id,
            attempt: record.attempts,
            token,
        };
        Ok(Some((lease, record)))
    }

    /// Moves pending deliveries whose backoff is over into their stream, and gives the
    /// expired leases of inline-mode attempts (which have no stream entry) back to pending.
    async fn promote(&self) -> Result<(), StoreError> {
        let chunk = CHUNK.to_string();
        self.run::<i64>(&self.scripts.sweep, &[chunk.as_bytes()])
            .await?;
        self.run::<i64>(&self.scripts.promote, &[chunk.as_bytes()])
            .await?;
        Ok(())
    }

    /// Runs a script that works through a set `CHUNK` entries at a time, until done.
    async fn in_chunks(&self, script: &Script, extra: &[&[u8]]) -> Result<u64, StoreError> {
        let chunk = CHUNK.to_string();
        let mut total = 0;
        loop {
            let mut all: Vec<&[u8]> = vec![chunk.as_bytes()];
            all.extend_from_slice(extra);
            let done: i64 = self.run(script, &all).await?;
            let done = u64::try_from(done).unwrap_or(0);
            total += done;
            if done < CHUNK as u64 {
                return Ok(total);
            }
        }
    }

    async fn fetch(&self, id: u64, with_body: bool) -> Result<Option<StoredDelivery>, StoreError> {
        let key = format!("{}d:{id}", self.prefix);
        let fields: HashMap<String, Vec<u8>> = self.query(redis::cmd("HGETALL").arg(&key)).await?;
        if fields.is_empty() {
            return Ok(None);
        }
        let mut record = record_from(&id.to_string(), fields)?;
        if !with_body {
            record.body = None;
        }
        Ok(Some(record))
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned())
}

/// A delivery from its hash's fields.
fn record_from(
    id: &str,
    mut fields: HashMap<String, Vec<u8>>,
) -> Result<StoredDelivery, StoreError> {
    let mut text = |name: &str| -> String {
        fields
            .remove(name)
            .map(|value| String::from_utf8_lossy(&value).into_owned())
            .unwrap_or_default()
    };
    let number = |value: String| value.parse::<i64>().unwrap_or(0);
    let optional = |value: String| (!value.is_empty()).then_some(value);
    let id = id
        .parse()
        .map_err(|_| StoreError(format!("not a delivery id: {id:?}")))?;
    let key = text("key");
    let provider = text("provider");
    let event = text("event");
    let shown_id = optional(text("shown_id"));
    let scheme = text("scheme");
    let received_at = from_millis(number(text("received_at")));
    let state = DeliveryState::parse(&text("state")).unwrap_or(DeliveryState::Dead);
    let attempts = u32::try_from(number(text("attempts"))).unwrap_or(0);
    let next_attempt_at = optional(text("next_at")).map(|at| from_millis(number(at)));
    let last_error = optional(text("error"));
    let updated_at = from_millis(number(text("updated_at")));
    let body = fields.remove("body").map(Bytes::from);
    Ok(StoredDelivery {
        id,
        key: DeliveryKey::from_stored(key),
        provider,
        event,
        shown_id,
        scheme,
        received_at,
        body,
        state,
        attempts,
        next_attempt_at,
        last_error,
        updated_at,
    })
}

/// Entries `(entry id, delivery id)` of one stream's part of a reply: `[[entry id,
/// [field, value, ...]], ...]`, searched at any depth (an `XAUTOCLAIM` reply nests them).
fn entries(value: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    collect_entries(value, &mut found);
    found
}

fn collect_entries(value: &Value, found: &mut Vec<(String, String)>) {
    let items = match value {
        Value::Array(items) => items,
        Value::Map(pairs) => {
            for (_, value) in pairs {
                collect_entries(value, found);
            }
            return;
        }
        _ => return,
    };
    if let [Value::BulkString(entry), Value::Array(fields)] = items.as_slice()
        && let [Value::BulkString(name), Value::BulkString(id), ..] = fields.as_slice()
        && name == b"id"
    {
        found.push((
            String::from_utf8_lossy(entry).into_owned(),
            String::from_utf8_lossy(id).into_owned(),
        ));
        return;
    }
    for item in items {
        collect_entries(item, found);
    }
}

/// The streams of an `XREADGROUP` reply, `(stream name, its entries)`, in RESP2 (an array
/// of pairs) or RESP3 (a map).
fn streams(reply: &Value) -> Vec<(String, &Value)> {
    let name = |value: &Value| match value {
        Value::BulkString(name) => Some(String::from_utf8_lossy(name).into_owned()),
        Value::SimpleString(name) => Some(name.clone()),
        _ => None,
    };
    match reply {
        Value::Map(pairs) => pairs
            .iter()
            .filter_map(|(key, value)| Some((name(key)?, value)))
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::Array(pair) if pair.len() == 2 => Some((name(&pair[0])?, &pair[1])),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("done_for", &self.done_for)
            .finish_non_exhaustive()
    }
}

impl Store for RedisStore {
    fn kind(&self) -> &'static str {
        "redis"
    }

    fn is_durable(&self) -> bool {
        true
    }

    fn cli_args(&self) -> Option<String> {
        // The URL may carry a password: the tool reads it from `REDIS_URL`, never from a
        // command line that every user of the machine can read. The prefix is always
        // written, so that one left in the reader's environment does not count.
        Some(format!(
            "--redis-prefix={}",
            super::shell_word(&self.prefix)
        ))
    }

    fn cli_environment(&self) -> Option<&'static str> {
        Some("REDIS_URL")
    }

    fn claim<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        Box::pin(async move {
            let token = LeaseToken::new();
            let lease_ms = duration_millis(lease).to_string();
            let done_for = duration_millis(self.done_for).to_string();
            let reply: Vec<String> = self
                .run_on_record(
                    &self.scripts.claim,
                    &delivery,
                    &[
                        lease_ms.as_bytes(),
                        done_for.as_bytes(),
                        token.as_str().as_bytes(),
                        self.consumer.as_bytes(),
                    ],
                )
                .await?;
            match reply.as_slice() {
                [status] if status == "done" => Ok(Claim::Done),
                [status] if status == "in_progress" => Ok(Claim::InProgress),
                [status, id, attempt] if status == "claimed" => Ok(Claim::Claimed(Lease {
                    id: id.parse().unwrap_or(0),
                    attempt: attempt.parse().unwrap_or(1),
                    token,
                })),
                other => Err(StoreError(format!("unexpected claim reply {other:?}"))),
            }
        })
    }

    fn append<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
    ) -> BoxFuture<'a, Result<Appended, StoreError>> {
        Box::pin(async move {
            self.ensure_group(delivery.provider).await?;
            let done_for = duration_millis(self.done_for).to_string();
            let reply: Vec<String> = self
                .run_on_record(&self.scripts.append, &delivery, &[done_for.as_bytes()])
                .await?;
            match reply.as_slice() {
                [status, id] if status == "accepted" => {
                    Ok(Appended::Accepted(id.parse().unwrap_or(0)))
                }
                [status, state] if status == "duplicate" => Ok(Appended::Duplicate(
                    DeliveryState::parse(state).unwrap_or(DeliveryState::Pending),
                )),
                other => Err(StoreError(format!("unexpected append reply {other:?}"))),
            }
        })
    }

    fn reject<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        error: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            self.run_on_record::<i64>(&self.scripts.reject, &delivery, &[error.as_bytes()])
                .await
                .map(|kept| kept == 1)
        })
    }

    fn wait<'a>(&'a self, _key: &'a DeliveryKey, timeout: Duration) -> BoxFuture<'a, ()> {
        // The dispatcher backs off between claims; nothing to be woken by here.
        Box::pin(tokio::time::sleep(timeout))
    }

    fn lease<'a>(
        &'a self,
        providers: &'a [&'a str],
        lease: Duration,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<(Lease, StoredDelivery)>, StoreError>> {
        Box::pin(async move {
            self.promote().await?;
            let mut leased = Vec::new();
            let mut taken = self.lease_into(&mut leased, providers, lease, max).await;
            if let Err(err) = &taken
                && self.forget_lost_groups(err)
                && leased.is_empty()
            {
                self.requeue_lost_entries(providers).await?;
                taken = self.lease_into(&mut leased, providers, lease, max).await;
            }
            match taken {
                Ok(()) => Ok(leased),
                // The leases taken before the error are held: hand them to workers
                // rather than let them wait out their lease with an attempt used up.
                Err(err) if !leased.is_empty() => {
                    tracing::warn!(error = %err, leased = leased.len(), "the store failed while leasing; running what was leased");
                    Ok(leased)
                }
                Err(err) => Err(err),
            }
        })
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let id = lease.id.to_string();
            let lease_ms = duration_millis(duration).to_string();
            let renewed: i64 = self
                .run(
                    &self.scripts.renew,
                    &[
                        id.as_bytes(),
                        lease.token.as_str().as_bytes(),
                        lease_ms.as_bytes(),
                        GROUP.as_bytes(),
                        self.consumer.as_bytes(),
                    ],
                )
                .await?;
            Ok(renewed == 1)
        })
    }

    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        settlement: Settlement,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            // A retry's time goes as a wait from now, counted on Redis's clock.
            let (kind, wait, error) = match settlement {
                Settlement::Done => ("done", Duration::ZERO, String::new()),
                Settlement::Retry { at, error } => (
                    "retry",
                    at.duration_since(SystemTime::now()).unwrap_or_default(),
                    error,
                ),
                Settlement::Dead { error } => ("dead", Duration::ZERO, error),
                Settlement::Release => ("release", Duration::ZERO, String::new()),
            };
            let id = lease.id.to_string();
            // Zero stays zero: a release is due at once, not a millisecond later.
            let wait = u64::try_from(wait.as_millis())
                .unwrap_or(u64::MAX)
                .to_string();
            let settled: i64 = self
                .run(
                    &self.scripts.settle,
                    &[
                        id.as_bytes(),
                        lease.token.as_str().as_bytes(),
                        kind.as_bytes(),
                        wait.as_bytes(),
                        error.as_bytes(),
                        GROUP.as_bytes(),
                    ],
                )
                .await?;
            Ok(settled == 1)
        })
    }

    fn list<'a>(
        &'a self,
        filter: &'a Filter,
    ) -> BoxFuture<'a, Result<Vec<StoredDelivery>, StoreError>> {
        Box::pin(async move {
            let set = match filter.state {
                Some(state) => format!("s:{state}"),
                None => "all".to_owned(),
            };
            let limit = filter.limit_or_default();
            let mut max = filter
                .before_id
                .map_or_else(|| "+inf".to_owned(), |before| format!("({before}"));
            // Matched in Redis, a bounded stretch of ids per call, so a filter that
            // matches little reads the whole set without a round trip per record and
            // without blocking Redis for long.
            let any_or =
                |wanted: Option<&str>| wanted.map_or_else(String::new, |value| format!("={value}"));
            let provider = any_or(filter.provider.as_deref());
            let event = any_or(filter.event.as_deref());
            let (limit_arg, scan) = (limit.to_string(), LIST_SCAN.to_string());
            let mut ids: Vec<u64> = Vec::new();
            loop {
                let mut reply: Vec<String> = self
                    .run(
                        &self.scripts.list,
                        &[
                            set.as_bytes(),
                            max.as_bytes(),
                            limit_arg.as_bytes(),
                            scan.as_bytes(),
                            provider.as_bytes(),
                            event.as_bytes(),
                        ],
                    )
                    .await?;
                let next = reply.pop().unwrap_or_default();
                ids.extend(reply.iter().filter_map(|id| id.parse::<u64>().ok()));
                if ids.len() >= limit || next.is_empty() {
                    break;
                }
                max = next;
            }
            let mut found = Vec::with_capacity(ids.len().min(limit));
            for id in ids {
                // Read again: it may have changed state or gone since it matched.
                if let Some(record) = self.fetch(id, false).await?
                    && filter.matches(&record)
                {
                    found.push(record);
                    if found.len() >= limit {
                        break;
                    }
                }
            }
            Ok(found)
        })
    }

    fn get(&self, id: u64) -> BoxFuture<'_, Result<Option<StoredDelivery>, StoreError>> {
        Box::pin(self.fetch(id, true))
    }

    fn replay(&self, id: u64) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move {
            let id = id.to_string();
            let replayed: i64 = self.run(&self.scripts.replay, &[id.as_bytes()]).await?;
            Ok(replayed == 1)
        })
    }

    fn replay_dead(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(self.in_chunks(&self.scripts.replay_dead, &[]))
    }

    fn purge(&self, which: Purge) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let mut total = 0;
            for state in [DeliveryState::Done, DeliveryState::Dead] {
                if which.covers(state) {
                    total += self
                        .in_chunks(&self.scripts.purge, &[state.as_str().as_bytes()])
                        .await?;
                }
            }
            Ok(total)
        })
    }

    fn prune(&self, retention: Retention) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let done_for = duration_millis(retention.done_for.min(self.done_for)).to_string();
            let dead_for = duration_millis(retention.dead_for).to_string();
            let max_settled = retention.max_settled.to_string();
            let pruned = self
                .in_chunks(
                    &self.scripts.prune,
                    &[
                        done_for.as_bytes(),
                        dead_for.as_bytes(),
                        max_settled.as_bytes(),
                    ],
                )
                .await?;
            // Each process start makes a consumer; without this the group keeps one for
            // every instance that ever ran.
            match self.forget_idle_consumers().await {
                Ok(0) => {}
                Ok(forgotten) => {
                    tracing::info!(forgotten, "deleted idle consumers of stopped instances");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "could not delete the idle consumers of stopped instances");
                }
            }
            Ok(pruned)
        })
    }

    fn counts(&self) -> BoxFuture<'_, Result<Counts, StoreError>> {
        Box::pin(async move {
            let mut pipe = redis::pipe();
            for state in DeliveryState::ALL {
                pipe.cmd("ZCARD").arg(format!("{}s:{state}", self.prefix));
            }
            let mut connection = self.connector.get().await?;
            let [pending, leased, done, dead]: [u64; 4] =
                bounded(&self.connector, pipe.query_async(&mut connection)).await?;
            Ok(Counts {
                pending,
                leased,
                done,
                dead,
            })
        })
    }

    fn unsettled(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move { self.counts().await.map(|counts| counts.unsettled()) })
    }
}

/// The one connection every call shares, made on first use.
struct Connector {
    client: redis::Client,
    state: Mutex<Connection>,
}

type Connecting = Shared<BoxFuture<'static, Result<ConnectionManager, StoreError>>>;

enum Connection {
    Idle,
    /// An attempt under way; every caller awaits this same one.
    Connecting(Connecting),
    Ready(ConnectionManager),
    /// The last attempt or call failed: calls fail at once until `until`.
    Down {
        until: Instant,
        error: StoreError,
    },
}

impl Connector {
    /// The connection, connecting when needed. The lock is only held to look at the
    /// state, never across the attempt.
    async fn get(&self) -> Result<ConnectionManager, StoreError> {
        let attempt = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            match &*state {
                Connection::Ready(connection) => return Ok(connection.clone()),
                Connection::Down { until, error } if Instant::now() < *until => {
                    return Err(error.clone());
                }
                Connection::Connecting(attempt) => attempt.clone(),
                Connection::Idle | Connection::Down { .. } => {
                    let client = self.client.clone();
                    let attempt = async move {
                        let config = ConnectionManagerConfig::new()
                            .set_connection_timeout(Some(RedisStore::CALL_TIMEOUT))
                            .set_response_timeout(Some(RedisStore::CALL_TIMEOUT))
                            .set_number_of_retries(1);
                        match tokio::time::timeout(
                            RedisStore::CALL_TIMEOUT,
                            ConnectionManager::new_with_config(client, config),
                        )
                        .await
                        {
                            Ok(Ok(connection)) => Ok(connection),
                            Ok(Err(err)) => {
                                Err(StoreError(format!("cannot connect to Redis: {err}")))
                            }
                            Err(_) => Err(StoreError(format!(
                                "cannot connect to Redis within {:?}",
                                RedisStore::CALL_TIMEOUT
                            ))),
                        }
                    }
                    .boxed()
                    .shared();
                    *state = Connection::Connecting(attempt.clone());
                    attempt
                }
            }
        };
        let result = attempt.await;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if matches!(*state, Connection::Connecting(_)) {
            *state = match &result {
                Ok(connection) => Connection::Ready(connection.clone()),
                Err(error) => Connection::Down {
                    until: Instant::now() + RedisStore::COOLDOWN,
                    error: error.clone(),
                },
            };
        }
        result
    }

    /// A call failed for want of Redis: fail the calls of the next second at once.
    fn failed(&self, error: &StoreError) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Connection::Ready(_) = *state {
            *state = Connection::Down {
                until: Instant::now() + RedisStore::COOLDOWN,
                error: error.clone(),
            };
        }
    }
}

/// Bounds a call by [`RedisStore::CALL_TIMEOUT`]; a failure to reach Redis starts the
/// cooldown. Errors Redis itself answers (a script's error) do not.
async fn bounded<T>(
    connector: &Connector,
    call: impl Future<Output = redis::RedisResult<T>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(RedisStore::CALL_TIMEOUT, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => {
            let error = StoreError(err.to_string());
            if err.is_io_error() || err.is_connection_dropped() || err.is_timeout() {
                connector.failed(&error);
            }
            Err(error)
        }
        Err(_) => {
            let error = StoreError(format!(
                "no answer from Redis within {:?}",
                RedisStore::CALL_TIMEOUT
            ));
            connector.failed(&error);
            Err(error)
        }
    }
}

/// The Lua scripts, each one atomic change of a delivery.
struct Scripts {
    claim: Script,
    append: Script,
    reject: Script,
    lease_entry: Script,
    renew: Script,
    settle: Script,
    promote: Script,
    requeue: Script,
    sweep: Script,
    reclaim: Script,
    replay: Script,
    replay_dead: Script,
    purge: Script,
    prune: Script,
    forget_consumers: Script,
    list: Script,
}

/// Functions every script shares. `ARGV[1]` is always the key prefix. `now` is the Redis
/// server's time in milliseconds, so the instances of a fleet need not agree on the time:
/// a lease ends when Redis says it does. (Replicating effects, not the script, lets a
/// script that read the time write; the default since Redis 5, forced here for a 6.2
/// configured otherwise.)
const PRELUDE: &str = r"
local p = ARGV[1]
if redis.replicate_commands then redis.replicate_commands() end
local now
do
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function rkey(id) return p .. 'd:' .. id end
local function move(id, from, to, now)
  if from and from ~= '' then redis.call('ZREM', p .. 's:' .. from, id) end
  redis.call('ZADD', p .. 's:' .. to, id, id)
  redis.call('HSET', rkey(id), 'state', to, 'updated_at', now)
  if to ~= 'leased' then redis.call('ZREM', p .. 'leases', id) end
  -- Settle times, by state, for retention by age.
  redis.call('ZREM', p .. 'at:done', id)
  redis.call('ZREM', p .. 'at:dead', id)
  if to == 'done' or to == 'dead' then redis.call('ZADD', p .. 'at:' .. to, now, id) end
  if to ~= 'pending' then redis.call('ZREM', p .. 'delayed', id) end
end
local function create(key, provider, event, shown, scheme, received, body, now)
  local id = redis.call('INCR', p .. 'seq')
  -- A counter Redis lost (or one set back) must not hand out the id of a record kept,
  -- nor one below the newest (lists are newest first): it goes on from the newest id.
  local newest = redis.call('ZREVRANGE', p .. 'all', 0, 0)[1]
  if newest and tonumber(newest) >= id then
    id = tonumber(newest) + 1
    redis.call('SET', p .. 'seq', id)
  end
  while redis.call('EXISTS', rkey(id)) == 1 do id = redis.call('INCR', p .. 'seq') end
  redis.call('HSET', rkey(id), 'key', key, 'provider', provider, 'event', event,
    'shown_id', shown, 'scheme', scheme, 'received_at', received, 'body', body,
    'state', '', 'attempts', 0, 'next_at', now, 'token', '', 'lease_until', 0,
    'entry', '', 'error', '', 'updated_at', now)
  redis.call('SET', p .. 'k:' .. key, id)
  redis.call('ZADD', p .. 'all', id, id)
  return id
end
local function delete(id)
  local key = redis.call('HGET', rkey(id), 'key')
  if key then redis.call('DEL', p .. 'k:' .. key) end
  redis.call('DEL', rkey(id))
  for _, set in ipairs({'s:pending', 's:leased', 's:done', 's:dead', 'all', 'leases', 'at:done', 'at:dead', 'delayed'}) do
    redis.call('ZREM', p .. set, id)
  end
end
local function take_lease(id, token, now, lease, entry, consumer)
  local from = redis.call('HGET', rkey(id), 'state')
  move(id, from, 'leased', now)
  local attempts = redis.call('HINCRBY', rkey(id), 'attempts', 1)
  redis.call('HSET', rkey(id), 'token', token, 'lease_until', now + lease, 'next_at', '',
    'entry', entry, 'consumer', consumer)
  redis.call('ZADD', p .. 'leases', now + lease, id)
  return attempts
end
-- The record of a delivery key, or false; a dangling index entry is cleaned up.
local function find(key)
  local id = redis.call('GET', p .. 'k:' .. key)
  if not id then return false end
  if redis.call('EXISTS', rkey(id)) == 0 then
    redis.call('DEL', p .. 'k:' .. key)
    return false
  end
  return id
end
";

fn script(body: &str) -> Script {
    Script::new(&format!("{PRELUDE}\n{body}"))
}

impl Scripts {
    fn new() -> Self {
        Self {
            // key provider event shown scheme received body lease done_for token consumer
            claim: script(
                r"
local key, lease, done_for = ARGV[2], tonumber(ARGV[9]), tonumber(ARGV[10])
local id = find(key)
if id then
  local f = redis.call('HMGET', rkey(id), 'state', 'lease_until', 'updated_at')
  if f[1] == 'done' then
    if tonumber(f[3]) + done_for > now then return {'done'} end
    delete(id)
    id = false
  elseif f[1] == 'leased' and tonumber(f[2]) > now then
    return {'in_progress'}
  end
end
if not id then id = create(key, ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], now) end
local attempts = take_lease(id, ARGV[11], now, lease, '', ARGV[12])
return {'claimed', tostring(id), tostring(attempts)}
",
            ),
            // key provider event shown scheme received body done_for
            append: script(
                r"
local key, provider, done_for = ARGV[2], ARGV[3], tonumber(ARGV[9])
local id = find(key)
if id then
  local f = redis.call('HMGET', rkey(id), 'state', 'updated_at')
  if f[1] == 'done' and tonumber(f[2]) + done_for <= now then
    delete(id)
  elseif f[1] == 'dead' then
    move(id, 'dead', 'pending', now)
    redis.call('HSET', rkey(id), 'next_at', now, 'entry', '')
    redis.call('ZADD', p .. 'delayed', now, id)
    return {'duplicate', 'dead'}
  else
    return {'duplicate', f[1]}
  end
end
id = create(key, provider, ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], now)
move(id, '', 'pending', now)
local entry = redis.call('XADD', p .. 'stream:' .. provider, '*', 'id', id)
redis.call('HSET', rkey(id), 'entry', entry)
return {'accepted', tostring(id)}
",
            ),
            // key provider event shown scheme received body error
            reject: script(
                r"
local key = ARGV[2]
local id = find(key)
if id then
  local f = redis.call('HMGET', rkey(id), 'state', 'lease_until')
  -- Done, or an attempt is running: that attempt settles it.
  if f[1] == 'done' or (f[1] == 'leased' and tonumber(f[2] or 0) > now) then return 0 end
end
if not id then id = create(key, ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], now) end
move(id, redis.call('HGET', rkey(id), 'state'), 'dead', now)
redis.call('HSET', rkey(id), 'error', ARGV[9], 'token', '', 'lease_until', 0, 'entry', '', 'next_at', '')
return 1
",
            ),
            // id entry token lease consumer group provider
            lease_entry: script(
                r"
local id, entry, lease = ARGV[2], ARGV[3], tonumber(ARGV[5])
local stream = p .. 'stream:' .. ARGV[8]
local f = redis.call('HMGET', rkey(id), 'state', 'entry', 'lease_until', 'token')
if f[1] == 'leased' and f[4] == ARGV[4] then
  -- This very call again, after its first answer was lost: the lease is held already.
  return redis.call('HGETALL', rkey(id))
end
if not f[1] or f[2] ~= entry then
  -- Stale: the delivery was settled, or moved on to another entry.
  redis.call('XACK', stream, ARGV[7], entry)
  redis.call('XDEL', stream, entry)
  return false
end
if f[1] == 'pending' or (f[1] == 'leased' and tonumber(f[3]) <= now) then
  take_lease(id, ARGV[4], now, lease, entry, ARGV[6])
  return redis.call('HGETALL', rkey(id))
end
return false
",
            ),
            // id token lease group consumer
            renew: script(
                r"
local id, lease = ARGV[2], tonumber(ARGV[4])
local f = redis.call('HMGET', rkey(id), 'state', 'token', 'entry', 'provider')
if f[1] ~= 'leased' or f[2] ~= ARGV[3] then return 0 end
redis.call('HSET', rkey(id), 'lease_until', now + lease)
redis.call('ZADD', p .. 'leases', now + lease, id)
if f[3] ~= '' then
  -- Re-claiming the entry resets its idle time: live leases are never auto-claimed. A
  -- stream that Redis lost (and its group) takes nothing from the lease itself.
  redis.pcall('XCLAIM', p .. 'stream:' .. f[4], ARGV[5], ARGV[6], 0, f[3], 'JUSTID')
  redis.call('HSET', rkey(id), 'consumer', ARGV[6])
end
return 1
",
            ),
            // id token kind wait error group
            settle: script(
                r"
local id, kind, at = ARGV[2], ARGV[4], now + tonumber(ARGV[5])
local f = redis.call('HMGET', rkey(id), 'state', 'token', 'entry', 'provider')
if f[1] ~= 'leased' or f[2] ~= ARGV[3] then return 0 end
if f[3] ~= '' then
  -- Acknowledged and deleted: a stream keeps only what is still to run. When Redis lost
  -- the stream and its group, the entry is gone already and the settle goes on.
  redis.pcall('XACK', p .. 'stream:' .. f[4], ARGV[7], f[3])
  redis.pcall('XDEL', p .. 'stream:' .. f[4], f[3])
end
if kind == 'done' or kind == 'dead' then
  move(id, 'leased', kind, now)
  redis.call('HSET', rkey(id), 'next_at', '')
else
  move(id, 'leased', 'pending', now)
  redis.call('HSET', rkey(id), 'next_at', at)
  redis.call('ZADD', p .. 'delayed', at, id)
end
if kind == 'release' and tonumber(redis.call('HGET', rkey(id), 'attempts') or 0) > 0 then
  -- Not a failure: the attempt it took is given back with the lease.
  redis.call('HINCRBY', rkey(id), 'attempts', -1)
end
redis.call('HSET', rkey(id), 'token', '', 'lease_until', 0, 'entry', '')
if ARGV[6] ~= '' then redis.call('HSET', rkey(id), 'error', ARGV[6]) end
return 1
",
            ),
            // provider...: pending records of these providers whose entry is not in their
            // stream (Redis lost it) get a new one; those waiting out a backoff have none
            // and are left to `promote`.
            requeue: script(
                r"
local served = {}
for i = 2, #ARGV do served[ARGV[i]] = true end
local requeued = 0
for _, id in ipairs(redis.call('ZRANGE', p .. 's:pending', 0, -1)) do
  local f = redis.call('HMGET', rkey(id), 'provider', 'entry')
  if f[1] and served[f[1]] and f[2] and f[2] ~= '' then
    local stream = p .. 'stream:' .. f[1]
    -- The entry must be there and be this record's: a stream made again can give a new
    -- entry the id a lost one had.
    local found = redis.call('XRANGE', stream, f[2], f[2])
    if #found == 0 or found[1][2][2] ~= id then
      local entry = redis.call('XADD', stream, '*', 'id', id)
      redis.call('HSET', rkey(id), 'entry', entry)
      requeued = requeued + 1
    end
  end
end
return requeued
",
            ),
            // limit
            promote: script(
                r"
local ids = redis.call('ZRANGEBYSCORE', p .. 'delayed', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  redis.call('ZREM', p .. 'delayed', id)
  local f = redis.call('HMGET', rkey(id), 'state', 'provider')
  if f[1] == 'pending' then
    local entry = redis.call('XADD', p .. 'stream:' .. f[2], '*', 'id', id)
    redis.call('HSET', rkey(id), 'entry', entry)
  end
end
return #ids
",
            ),
            // limit: inline-mode leases (no stream entry) that ran out
            sweep: script(
                r"
local ids = redis.call('ZRANGEBYSCORE', p .. 'leases', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', rkey(id), 'state', 'entry')
  if f[1] == 'leased' and f[2] == '' then
    move(id, 'leased', 'pending', now)
    redis.call('HSET', rkey(id), 'token', '', 'lease_until', 0, 'next_at', now)
    redis.call('ZADD', p .. 'delayed', now, id)
  elseif f[1] ~= 'leased' then
    redis.call('ZREM', p .. 'leases', id)
  end
end
return #ids
",
            ),
            // limit group consumer provider...: stream entries of inbox leases that ran
            // out, of the providers given, claimed for this consumer; returns provider,
            // entry, id for each. Pages past the ended leases of other providers (up to
            // 2 000 of them), so those cannot hide this instance's.
            reclaim: script(
                r"
local served = {}
for i = 5, #ARGV do served[ARGV[i]] = true end
local limit = tonumber(ARGV[2])
local found = {}
local taken = 0
local offset = 0
while taken < limit and offset < 2000 do
  local ids = redis.call('ZRANGEBYSCORE', p .. 'leases', '-inf', now, 'LIMIT', offset, 100)
  if #ids == 0 then break end
  offset = offset + #ids
  for _, id in ipairs(ids) do
    local f = redis.call('HMGET', rkey(id), 'state', 'entry', 'provider', 'lease_until')
    if taken < limit and f[1] == 'leased' and f[2] ~= '' and served[f[3]] and tonumber(f[4]) <= now then
      redis.call('XCLAIM', p .. 'stream:' .. f[3], ARGV[3], ARGV[4], 0, f[2], 'JUSTID')
      table.insert(found, f[3])
      table.insert(found, f[2])
      table.insert(found, id)
      taken = taken + 1
    end
  end
end
return found
",
            ),
            // id
            replay: script(
                r"
local id = ARGV[2]
if redis.call('HGET', rkey(id), 'state') ~= 'dead' then return 0 end
move(id, 'dead', 'pending', now)
redis.call('HSET', rkey(id), 'next_at', now, 'entry', '')
redis.call('ZADD', p .. 'delayed', now, id)
return 1
",
            ),
            // limit
            replay_dead: script(
                r"
local ids = redis.call('ZRANGE', p .. 's:dead', 0, tonumber(ARGV[2]) - 1)
for _, id in ipairs(ids) do
  move(id, 'dead', 'pending', now)
  redis.call('HSET', rkey(id), 'next_at', now, 'entry', '')
  redis.call('ZADD', p .. 'delayed', now, id)
end
return #ids
",
            ),
            // limit state
            purge: script(
                r"
local ids = redis.call('ZRANGE', p .. 's:' .. ARGV[3], 0, tonumber(ARGV[2]) - 1)
for _, id in ipairs(ids) do delete(id) end
return #ids
",
            ),
            // set max limit scan provider event: the ids in `set` (a key under the prefix)
            // below score `max`, newest first, whose provider and event are the ones
            // given (`=name`; empty: any), at most `limit`, reading at most `scan` ids;
            // then where to go on from (empty: the set is read to its end).
            list: script(
                r"
local set, max, limit, scan = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local provider, event = ARGV[6], ARGV[7]
local found = {}
local ids = redis.call('ZREVRANGEBYSCORE', p .. set, max, '-inf', 'LIMIT', 0, scan)
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', rkey(id), 'provider', 'event')
  if f[1] and (provider == '' or '=' .. f[1] == provider)
     and (event == '' or '=' .. (f[2] or '') == event) then
    table.insert(found, id)
    if #found >= limit then
      table.insert(found, '')
      return found
    end
  end
end
if #ids < scan then table.insert(found, '') else table.insert(found, '(' .. ids[#ids]) end
return found
",
            ),
            // group own-consumer idle-limit providers...: deletes the other consumers
            // with no pending entry, idle at least the limit. One with a pending entry
            // stays: deleting it would drop the entry, whose lease another instance takes
            // over through the group.
            forget_consumers: script(
                r"
local group, own, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local forgotten = 0
for i = 5, #ARGV do
  local stream = p .. 'stream:' .. ARGV[i]
  local consumers = redis.pcall('XINFO', 'CONSUMERS', stream, group)
  if type(consumers) == 'table' and not consumers.err then
    for _, consumer in ipairs(consumers) do
      local f = {}
      for j = 1, #consumer, 2 do f[consumer[j]] = consumer[j + 1] end
      if f['name'] ~= own and tonumber(f['pending']) == 0 and tonumber(f['idle']) >= limit then
        redis.call('XGROUP', 'DELCONSUMER', stream, group, f['name'])
        forgotten = forgotten + 1
      end
    end
  end
end
return forgotten
",
            ),
            // limit done_for dead_for max_settled (ages in milliseconds)
            prune: script(
                r"
local limit = tonumber(ARGV[2])
local deleted = 0
for _, rule in ipairs({{'done', ARGV[3]}, {'dead', ARGV[4]}}) do
  local before = now - tonumber(rule[2])
  local old = redis.call('ZRANGEBYSCORE', p .. 'at:' .. rule[1], '-inf', before, 'LIMIT', 0, limit - deleted)
  for _, id in ipairs(old) do
    delete(id)
    deleted = deleted + 1
  end
end
-- Past the count, the done records settled longest ago go first: a dead letter, never
-- handled, goes only when done records alone cannot make room.
local over = redis.call('ZCARD', p .. 's:done') + redis.call('ZCARD', p .. 's:dead') - tonumber(ARGV[5])
for _, state in ipairs({'done', 'dead'}) do
  while over > 0 and deleted < limit do
    local oldest = redis.call('ZRANGE', p .. 'at:' .. state, 0, 0)[1]
    if not oldest then break end
    delete(oldest)
    deleted = deleted + 1
    over = over - 1
  end
end
return deleted
",
            ),
        }
    }
}
