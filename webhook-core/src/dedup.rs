//! Deduplication of retried deliveries: each delivery is handled once.
//!
//! A delivery's key is its id when the provider sends one (Amity's `requestId`, the
//! TalkPlus signature) and otherwise a SHA-256 digest of the verified body. A
//! [`DeliveryStore`] remembers, per key, whether an attempt is running or has succeeded:
//!
//! - the first delivery claims the key and runs the handlers;
//! - a duplicate after success is acknowledged without running them;
//! - a failed attempt releases the key, so the platform's retry runs them again;
//! - a duplicate arriving while the first attempt runs waits for it: when it succeeds the
//!   duplicate is acknowledged, when it fails the duplicate runs the handlers itself.
//!
//! [`MemoryStore`] is the default; [`RedisStore`](crate::redis_store::RedisStore) (cargo
//! feature `redis`) shares the keys between several server instances.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use sha2::{Digest as _, Sha256};
use tokio::sync::Notify;

/// What a [`DeliveryStore`] knows of a key when a delivery arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Nobody handled it: this delivery now owns the key and runs the handlers.
    Claimed,
    /// An earlier attempt succeeded.
    Done,
    /// An earlier attempt is still running.
    InProgress,
}

/// The store could not be reached or answered nonsense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("delivery store unavailable: {0}")]
pub struct StoreError(pub String);

/// Where the keys of handled deliveries are remembered.
///
/// Methods return boxed futures so that a dispatcher can hold any store as
/// `Arc<dyn DeliveryStore>`.
pub trait DeliveryStore: Send + Sync + 'static {
    /// Claims `key` for a new attempt, unless one is running or has succeeded.
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Marks the attempt that claimed `key` as successful.
    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Forgets a failed attempt, so that a retry runs the handlers again.
    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Waits, at most `timeout`, for the running attempt on `key` to end; then the caller
    /// claims again. Returning early is allowed.
    fn wait<'a>(&'a self, key: &'a str, timeout: Duration) -> BoxFuture<'a, ()>;
}

/// What to do when the store cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnStoreError {
    /// Run the handlers anyway and log the error: a delivery is never dropped, at the
    /// risk of handling a retry twice while the store is down. The default.
    #[default]
    Process,
    /// Answer "unavailable" (HTTP 503) so the platform retries later.
    Reject,
}

/// The key a delivery is deduplicated by: `provider:id`, or `provider:sha256:<hex>` of the
/// verified body when the provider sends no id.
#[must_use]
pub fn delivery_key(provider: &str, delivery_id: Option<&str>, body: &[u8]) -> String {
    match delivery_id {
        Some(id) => format!("{provider}:{id}"),
        None => format!("{provider}:sha256:{}", hex::encode(Sha256::digest(body))),
    }
}

/// An in-process store with a bounded number of keys, each kept for a time to live.
///
/// When full, the oldest keys are forgotten first, so memory never grows past the
/// capacity; a forgotten key's retry would be handled again.
pub struct MemoryStore {
    inner: Mutex<MemoryInner>,
    capacity: usize,
    done_ttl: Duration,
    running_ttl: Duration,
}

struct MemoryInner {
    entries: HashMap<String, Entry>,
    /// Keys in insertion order with the sequence number they were inserted under; an
    /// entry re-inserted later has a newer number, so its old place is skipped.
    order: VecDeque<(String, u64)>,
    next_seq: u64,
}

struct Entry {
    state: EntryState,
    expires: Instant,
    seq: u64,
}

enum EntryState {
    Running(Arc<Notify>),
    Done,
}

impl MemoryStore {
    /// Default capacity: 100 000 keys (about 20 MB at most).
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// Default time a handled key is remembered: one hour, far beyond any retry.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);
    /// Default time a running attempt holds its key before it is presumed dead.
    pub const DEFAULT_RUNNING_TTL: Duration = Duration::from_secs(120);

    /// A store with the default capacity and times.
    #[must_use]
    pub fn new() -> Self {
        Self::with_limits(Self::DEFAULT_CAPACITY, Self::DEFAULT_TTL)
    }

    /// A store holding at most `capacity` keys (at least one), each for `ttl`.
    #[must_use]
    pub fn with_limits(capacity: usize, ttl: Duration) -> Self {
        Self {
            inner: Mutex::new(MemoryInner {
                entries: HashMap::new(),
                order: VecDeque::new(),
                next_seq: 0,
            }),
            capacity: capacity.max(1),
            done_ttl: ttl,
            running_ttl: Self::DEFAULT_RUNNING_TTL,
        }
    }

    /// How many keys are held now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, MemoryInner> {
        // The map stays consistent even if a holder panicked: every change is one step.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn claim_now(&self, key: &str) -> Claim {
        let mut inner = self.lock();
        let now = Instant::now();
        if let Some(entry) = inner.entries.get(key)
            && entry.expires > now
        {
            return match entry.state {
                EntryState::Running(_) => Claim::InProgress,
                EntryState::Done => Claim::Done,
            };
        }
        let state = EntryState::Running(Arc::new(Notify::new()));
        inner.insert(key, state, now + self.running_ttl, self.capacity);
        Claim::Claimed
    }

    fn finish(&self, key: &str, success: bool) {
        let mut inner = self.lock();
        let waiters = match inner.entries.get(key).map(|entry| &entry.state) {
            Some(EntryState::Running(notify)) => Some(Arc::clone(notify)),
            _ => None,
        };
        if success {
            let expires = Instant::now() + self.done_ttl;
            inner.insert(key, EntryState::Done, expires, self.capacity);
        } else {
            inner.entries.remove(key);
        }
        drop(inner);
        if let Some(waiters) = waiters {
            waiters.notify_waiters();
        }
    }
}

impl MemoryInner {
    fn insert(&mut self, key: &str, state: EntryState, expires: Instant, capacity: usize) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let replaced = self
            .entries
            .insert(
                key.to_owned(),
                Entry {
                    state,
                    expires,
                    seq,
                },
            )
            .is_some();
        self.order.push_back((key.to_owned(), seq));
        if !replaced {
            self.evict_to(capacity);
        }
        // Old places of re-inserted keys would otherwise pile up in `order`.
        if self.order.len() > 2 * capacity {
            let entries = &self.entries;
            self.order
                .retain(|(key, seq)| entries.get(key).is_some_and(|entry| entry.seq == *seq));
        }
    }

    /// Forgets the oldest keys until at most `capacity` remain.
    fn evict_to(&mut self, capacity: usize) {
        while self.entries.len() > capacity {
            let Some((key, seq)) = self.order.pop_front() else {
                break;
            };
            if self.entries.get(&key).is_some_and(|entry| entry.seq == seq)
                && let Some(Entry {
                    state: EntryState::Running(notify),
                    ..
                }) = self.entries.remove(&key)
            {
                notify.notify_waiters();
            }
        }
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("ttl", &self.done_ttl)
            .finish_non_exhaustive()
    }
}

impl DeliveryStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Claim, StoreError>> {
        let claim = self.claim_now(key);
        Box::pin(async move { Ok(claim) })
    }

    fn complete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        self.finish(key, true);
        Box::pin(async { Ok(()) })
    }

    fn release<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        self.finish(key, false);
        Box::pin(async { Ok(()) })
    }

    fn wait<'a>(&'a self, key: &'a str, timeout: Duration) -> BoxFuture<'a, ()> {
        // Created under the lock, so a `finish` after this point cannot be missed.
        let notified = match self.lock().entries.get(key).map(|entry| &entry.state) {
            Some(EntryState::Running(notify)) => Some(Arc::clone(notify).notified_owned()),
            _ => None,
        };
        Box::pin(async move {
            if let Some(notified) = notified {
                let _ = tokio::time::timeout(timeout, notified).await;
            }
        })
    }
}
