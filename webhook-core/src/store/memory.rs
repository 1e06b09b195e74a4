//! [`MemoryStore`]: the store in this process's memory, bounded, forgotten on restart.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use tokio::sync::Notify;

use super::{
    Appended, Claim, Counts, DeliveryKey, DeliveryState, Filter, Lease, LeaseToken, NewDelivery,
    Purge, Retention, Settlement, Store, StoreError, StoredDelivery, duration_millis, to_millis,
};

/// A store in this process's memory.
///
/// Bounded two ways: at most `capacity` records, and at most [`Self::DEFAULT_MAX_BODY_BYTES`]
/// of kept bodies. A handled delivery keeps its record (for deduplication) but not its body.
/// When a bound is reached settled records go, the oldest handled ones first and dead
/// letters only when no handled one is left; pending and leased ones are never evicted, so when only they remain a new delivery is refused (the platform is told
/// to retry) rather than a running one forgotten. Done records are forgotten after
/// `done_for`.
pub struct MemoryStore {
    inner: Mutex<Inner>,
    capacity: usize,
    max_body_bytes: usize,
    done_for: Duration,
}

struct Record {
    stored: StoredDelivery,
    token: Option<LeaseToken>,
    lease_until_ms: i64,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    by_key: HashMap<DeliveryKey, u64>,
    records: HashMap<u64, Record>,
    /// Pending records by due time.
    due: BTreeSet<(i64, u64)>,
    /// Leased records by lease end.
    leases: BTreeSet<(i64, u64)>,
    /// Done records, oldest id first: they keep no body.
    done: BTreeSet<u64>,
    /// Dead letters, oldest id first: they keep their body.
    dead: BTreeSet<u64>,
    body_bytes: usize,
    waiters: HashMap<u64, Arc<Notify>>,
}

impl MemoryStore {
    /// Default capacity: 100 000 records.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// Default bound on the bodies kept (pending, running and dead deliveries): 256 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
    /// Default time a handled delivery is remembered: one hour. Memory does not survive a
    /// restart anyway; use a durable store for a window of days.
    pub const DEFAULT_DONE_FOR: Duration = Duration::from_secs(3600);

    /// A store with the default bounds.
    #[must_use]
    pub fn new() -> Self {
        Self::with_limits(Self::DEFAULT_CAPACITY, Self::DEFAULT_DONE_FOR)
    }

    /// A store holding at most `capacity` records (at least one), remembering handled
    /// deliveries for `done_for`.
    #[must_use]
    pub fn with_limits(capacity: usize, done_for: Duration) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            capacity: capacity.max(1),
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            done_for,
        }
    }

    /// How many records are held now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().records.len()
    }

    /// Whether no record is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every change below leaves the maps consistent before it can panic.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn claim_now(&self, delivery: NewDelivery<'_>, lease: Duration) -> Result<Claim, StoreError> {
        let now = SystemTime::now();
        let now_ms = to_millis(now);
        let mut inner = self.lock();
        let existing = inner.by_key.get(delivery.key).copied();
        let id = match existing {
            Some(id) => {
                let record = &inner.records[&id];
                let (state, expired) = (record.stored.state, self.expired(record, now_ms));
                let live_lease = record.lease_until_ms > now_ms;
                match state {
                    DeliveryState::Done if !expired => return Ok(Claim::Done),
                    DeliveryState::Leased if live_lease => return Ok(Claim::InProgress),
                    DeliveryState::Done => {
                        // Forgotten: a new delivery as far as deduplication goes.
                        inner.remove(id);
                        inner.insert(delivery, now, self)?
                    }
                    _ => id,
                }
            }
            None => inner.insert(delivery, now, self)?,
        };
        // A body dropped when the record was settled comes back with this copy.
        if inner.records[&id].stored.body.is_none() {
            inner.body_bytes += delivery.body.len();
            if let Some(record) = inner.records.get_mut(&id) {
                record.stored.body = Some(delivery.body.clone());
            }
        }
        Ok(Claim::Claimed(inner.take_lease(id, now_ms, lease)))
    }

    fn expired(&self, record: &Record, now_ms: i64) -> bool {
        to_millis(record.stored.updated_at) + duration_millis(self.done_for) <= now_ms
    }
}

impl Inner {
    fn insert(
        &mut self,
        delivery: NewDelivery<'_>,
        now: SystemTime,
        bounds: &MemoryStore,
    ) -> Result<u64, StoreError> {
        self.make_room(bounds, delivery.body.len())?;
        self.next_id += 1;
        let id = self.next_id;
        let stored = StoredDelivery {
            id,
            key: delivery.key.clone(),
            provider: delivery.provider.to_owned(),
            event: delivery.event.to_owned(),
            shown_id: delivery.shown_id.map(str::to_owned),
            scheme: delivery.scheme.to_owned(),
            received_at: delivery.received_at,
            body: Some(delivery.body.clone()),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: Some(now),
            last_error: None,
            updated_at: now,
        };
        self.body_bytes += delivery.body.len();
        self.by_key.insert(delivery.key.clone(), id);
        self.due.insert((to_millis(now), id));
        self.records.insert(
            id,
            Record {
                stored,
                token: None,
                lease_until_ms: 0,
            },
        );
        Ok(id)
    }

    /// Evicts settled records until one more record of `body_len` fits: bytes from the
    /// oldest dead letters (done records keep no body), a slot from the oldest done
    /// record (a dead letter only when none is left). Nothing is evicted when that would
    /// not make room: the delivery is refused and every record kept.
    fn make_room(&mut self, bounds: &MemoryStore, body_len: usize) -> Result<(), StoreError> {
        let mut evicted = Vec::new();
        let mut bytes = self.body_bytes;
        for &id in &self.dead {
            if bytes + body_len <= bounds.max_body_bytes {
                break;
            }
            bytes -= self.records[&id].stored.body.as_ref().map_or(0, Bytes::len);
            evicted.push(id);
        }
        if bytes + body_len > bounds.max_body_bytes {
            return Err(StoreError(format!(
                "the memory store has no room for a body of {body_len} bytes: its {} bytes are held by deliveries still pending or running",
                bounds.max_body_bytes
            )));
        }
        if self.records.len() - evicted.len() >= bounds.capacity {
            let slot = self
                .done
                .first()
                .copied()
                .or_else(|| self.dead.iter().copied().find(|id| !evicted.contains(id)));
            let Some(slot) = slot else {
                return Err(StoreError(
                    "the memory store is full of deliveries still pending or running".to_owned(),
                ));
            };
            evicted.push(slot);
        }
        for id in evicted {
            self.remove(id);
        }
        Ok(())
    }

    /// The settled records, done ones before dead letters, each oldest first: the order
    /// in which pruning by count takes them.
    fn settled_oldest_done_first(&self) -> Vec<u64> {
        self.done.iter().chain(&self.dead).copied().collect()
    }

    fn remove(&mut self, id: u64) {
        if let Some(record) = self.records.remove(&id) {
            self.unindex(id, &record);
            self.by_key.remove(&record.stored.key);
            self.body_bytes -= record.stored.body.as_ref().map_or(0, Bytes::len);
        }
        if let Some(waiters) = self.waiters.remove(&id) {
            waiters.notify_waiters();
        }
    }

    fn unindex(&mut self, id: u64, record: &Record) {
        match record.stored.state {
            DeliveryState::Pending => {
                let due = record.stored.next_attempt_at.map_or(0, to_millis);
                self.due.remove(&(due, id));
            }
            DeliveryState::Leased => {
                self.leases.remove(&(record.lease_until_ms, id));
            }
            DeliveryState::Done => {
                self.done.remove(&id);
            }
            DeliveryState::Dead => {
                self.dead.remove(&id);
            }
        }
    }

    /// Moves record `id` to `state`, keeping the indexes right.
    fn transition(&mut self, id: u64, state: DeliveryState, change: impl FnOnce(&mut Record)) {
        let Some(mut record) = self.records.remove(&id) else {
            return;
        };
        self.unindex(id, &record);
        record.stored.state = state;
        change(&mut record);
        match state {
            DeliveryState::Pending => {
                let due = record.stored.next_attempt_at.map_or(0, to_millis);
                self.due.insert((due, id));
            }
            DeliveryState::Leased => {
                self.leases.insert((record.lease_until_ms, id));
            }
            DeliveryState::Done => {
                self.done.insert(id);
            }
            DeliveryState::Dead => {
                self.dead.insert(id);
            }
        }
        self.records.insert(id, record);
    }

    fn take_lease(&mut self, id: u64, now_ms: i64, lease: Duration) -> Lease {
        let token = LeaseToken::new();
        let until = now_ms + duration_millis(lease);
        let now = super::from_millis(now_ms);
        let mut attempt = 0;
        self.transition(id, DeliveryState::Leased, |record| {
            record.stored.attempts += 1;
            attempt = record.stored.attempts;
            record.stored.next_attempt_at = None;
            record.stored.updated_at = now;
            record.token = Some(token.clone());
            record.lease_until_ms = until;
        });
        Lease { id, attempt, token }
    }

    fn holds(&self, lease: &Lease) -> bool {
        self.records.get(&lease.id).is_some_and(|record| {
            record.stored.state == DeliveryState::Leased
                && record.token.as_ref() == Some(&lease.token)
        })
    }

    fn wake(&mut self, id: u64) {
        if let Some(waiters) = self.waiters.remove(&id) {
            waiters.notify_waiters();
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
            .field("done_for", &self.done_for)
            .finish_non_exhaustive()
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    Box::pin(std::future::ready(value))
}

impl Store for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }

    fn is_durable(&self) -> bool {
        false
    }

    fn claim<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        ready(self.claim_now(delivery, lease))
    }

    fn append<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
    ) -> BoxFuture<'a, Result<Appended, StoreError>> {
        let now = SystemTime::now();
        let now_ms = to_millis(now);
        let mut inner = self.lock();
        if let Some(&id) = inner.by_key.get(delivery.key) {
            let record = &inner.records[&id];
            let state = record.stored.state;
            match state {
                DeliveryState::Done if self.expired(record, now_ms) => inner.remove(id),
                DeliveryState::Dead => {
                    inner.transition(id, DeliveryState::Pending, |record| {
                        record.stored.next_attempt_at = Some(now);
                        record.stored.updated_at = now;
                    });
                    return ready(Ok(Appended::Duplicate(state)));
                }
                _ => return ready(Ok(Appended::Duplicate(state))),
            }
        }
        ready(inner.insert(delivery, now, self).map(Appended::Accepted))
    }

    fn reject<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        error: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let now = SystemTime::now();
        let mut inner = self.lock();
        let now_ms = to_millis(now);
        let id = match inner.by_key.get(delivery.key).copied() {
            // Done, or an attempt is running: that attempt settles it.
            Some(id)
                if inner.records[&id].stored.state == DeliveryState::Done
                    || (inner.records[&id].stored.state == DeliveryState::Leased
                        && inner.records[&id].lease_until_ms > now_ms) =>
            {
                return ready(Ok(false));
            }
            Some(id) => id,
            None => match inner.insert(delivery, now, self) {
                Ok(id) => id,
                Err(err) => return ready(Err(err)),
            },
        };
        inner.transition(id, DeliveryState::Dead, |record| {
            record.stored.last_error = Some(error.to_owned());
            record.stored.next_attempt_at = None;
            record.stored.updated_at = now;
            record.token = None;
        });
        inner.wake(id);
        ready(Ok(true))
    }

    fn wait<'a>(&'a self, key: &'a DeliveryKey, timeout: Duration) -> BoxFuture<'a, ()> {
        let notified = {
            let mut inner = self.lock();
            let leased = inner
                .by_key
                .get(key)
                .copied()
                .filter(|id| inner.records[id].stored.state == DeliveryState::Leased);
            // Created under the lock, so a settle after this point cannot be missed.
            leased.map(|id| Arc::clone(inner.waiters.entry(id).or_default()).notified_owned())
        };
        Box::pin(async move {
            if let Some(notified) = notified {
                let _ = tokio::time::timeout(timeout, notified).await;
            }
        })
    }

    fn lease<'a>(
        &'a self,
        providers: &'a [&'a str],
        lease: Duration,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<(Lease, StoredDelivery)>, StoreError>> {
        let now_ms = to_millis(SystemTime::now());
        let mut inner = self.lock();
        let wanted = |record: &Record| providers.contains(&record.stored.provider.as_str());
        let candidates: Vec<u64> = inner
            .due
            .iter()
            .take_while(|(due, _)| *due <= now_ms)
            .chain(
                inner
                    .leases
                    .iter()
                    .take_while(|(until, _)| *until <= now_ms),
            )
            .map(|(_, id)| *id)
            .filter(|id| wanted(&inner.records[id]))
            .take(max)
            .collect();
        let leased = candidates
            .into_iter()
            .map(|id| {
                let lease = inner.take_lease(id, now_ms, lease);
                (lease, inner.records[&id].stored.clone())
            })
            .collect();
        ready(Ok(leased))
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let mut inner = self.lock();
        if !inner.holds(lease) {
            return ready(Ok(false));
        }
        let until = to_millis(SystemTime::now()) + duration_millis(duration);
        inner.transition(lease.id, DeliveryState::Leased, |record| {
            record.lease_until_ms = until;
        });
        ready(Ok(true))
    }

    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        settlement: Settlement,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let now = SystemTime::now();
        let mut inner = self.lock();
        if !inner.holds(lease) {
            return ready(Ok(false));
        }
        let mut freed = 0;
        let released = matches!(settlement, Settlement::Release);
        let (state, next, error) = match settlement {
            Settlement::Done => (DeliveryState::Done, None, None),
            Settlement::Retry { at, error } => (DeliveryState::Pending, Some(at), Some(error)),
            Settlement::Dead { error } => (DeliveryState::Dead, None, Some(error)),
            Settlement::Release => (DeliveryState::Pending, Some(now), None),
        };
        inner.transition(lease.id, state, |record| {
            record.token = None;
            record.lease_until_ms = 0;
            record.stored.next_attempt_at = next;
            record.stored.updated_at = now;
            if released {
                // Not a failure: the attempt it took is given back with the lease.
                record.stored.attempts = record.stored.attempts.saturating_sub(1);
            }
            if let Some(error) = error {
                record.stored.last_error = Some(error);
            }
            if state == DeliveryState::Done {
                freed = record.stored.body.take().map_or(0, |body| body.len());
            }
        });
        inner.body_bytes -= freed;
        inner.wake(lease.id);
        ready(Ok(true))
    }

    fn list<'a>(
        &'a self,
        filter: &'a Filter,
    ) -> BoxFuture<'a, Result<Vec<StoredDelivery>, StoreError>> {
        let inner = self.lock();
        let mut ids: Vec<u64> = inner.records.keys().copied().collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let found = ids
            .into_iter()
            .map(|id| &inner.records[&id].stored)
            .filter(|stored| filter.matches(stored))
            .take(filter.limit_or_default())
            .map(|stored| StoredDelivery {
                body: None,
                ..stored.clone()
            })
            .collect();
        ready(Ok(found))
    }

    fn get(&self, id: u64) -> BoxFuture<'_, Result<Option<StoredDelivery>, StoreError>> {
        ready(Ok(self
            .lock()
            .records
            .get(&id)
            .map(|record| record.stored.clone())))
    }

    fn replay(&self, id: u64) -> BoxFuture<'_, Result<bool, StoreError>> {
        let now = SystemTime::now();
        let mut inner = self.lock();
        let dead = inner
            .records
            .get(&id)
            .is_some_and(|record| record.stored.state == DeliveryState::Dead);
        if dead {
            inner.transition(id, DeliveryState::Pending, |record| {
                record.stored.next_attempt_at = Some(now);
                record.stored.updated_at = now;
            });
        }
        ready(Ok(dead))
    }

    fn replay_dead(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        let now = SystemTime::now();
        let mut inner = self.lock();
        let dead: Vec<u64> = inner.dead.iter().copied().collect();
        for &id in &dead {
            inner.transition(id, DeliveryState::Pending, |record| {
                record.stored.next_attempt_at = Some(now);
                record.stored.updated_at = now;
            });
        }
        ready(Ok(dead.len() as u64))
    }

    fn purge(&self, which: Purge) -> BoxFuture<'_, Result<u64, StoreError>> {
        let mut inner = self.lock();
        let purged: Vec<u64> = inner
            .settled_oldest_done_first()
            .into_iter()
            .filter(|id| which.covers(inner.records[id].stored.state))
            .collect();
        for &id in &purged {
            inner.remove(id);
        }
        ready(Ok(purged.len() as u64))
    }

    fn prune(&self, retention: Retention) -> BoxFuture<'_, Result<u64, StoreError>> {
        let now_ms = to_millis(SystemTime::now());
        let mut inner = self.lock();
        // Records past their age go first; only then is the count checked, so that a
        // record young enough to keep is not taken to make room the aged ones free.
        let (aged, kept): (Vec<u64>, Vec<u64>) = inner
            .settled_oldest_done_first()
            .into_iter()
            .partition(|id| {
                let stored = &inner.records[id].stored;
                let keep_for = match stored.state {
                    DeliveryState::Done => retention.done_for.min(self.done_for),
                    _ => retention.dead_for,
                };
                to_millis(stored.updated_at) + duration_millis(keep_for) <= now_ms
            });
        // Past the count, the least recently settled done records go first: a dead
        // letter, never handled, goes only when done records alone cannot make room.
        let over = (kept.len() as u64).saturating_sub(retention.max_settled);
        let mut by_settling: Vec<(bool, i64, u64)> = kept
            .into_iter()
            .map(|id| {
                let stored = &inner.records[&id].stored;
                (
                    stored.state != DeliveryState::Done,
                    to_millis(stored.updated_at),
                    id,
                )
            })
            .collect();
        by_settling.sort_unstable();
        let counted = by_settling
            .into_iter()
            .take(usize::try_from(over).unwrap_or(usize::MAX))
            .map(|(_, _, id)| id);
        let pruned: Vec<u64> = aged.into_iter().chain(counted).collect();
        for &id in &pruned {
            inner.remove(id);
        }
        ready(Ok(pruned.len() as u64))
    }

    fn counts(&self) -> BoxFuture<'_, Result<Counts, StoreError>> {
        let inner = self.lock();
        ready(Ok(Counts {
            pending: inner.due.len() as u64,
            leased: inner.leases.len() as u64,
            done: inner.done.len() as u64,
            dead: inner.dead.len() as u64,
        }))
    }

    fn unsettled(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        let inner = self.lock();
        ready(Ok((inner.due.len() + inner.leases.len()) as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery<'a>(key: &'a DeliveryKey, body: &'a Bytes) -> NewDelivery<'a> {
        NewDelivery {
            key,
            provider: "talkplus",
            event: "member_banned",
            shown_id: None,
            scheme: "talkplus",
            received_at: SystemTime::now(),
            body,
        }
    }

    #[tokio::test]
    async fn eviction_never_removes_a_running_record() {
        let store = MemoryStore::with_limits(2, Duration::from_secs(60));
        let body = Bytes::from_static(b"{}");
        let keys: Vec<DeliveryKey> = (0..3)
            .map(|n| DeliveryKey::new("talkplus", Some(&n.to_string()), "message", b""))
            .collect();
        let lease = Duration::from_secs(60);
        let first = store.claim(delivery(&keys[0], &body), lease).await;
        assert!(matches!(first, Ok(Claim::Claimed(_))));
        let second = store.claim(delivery(&keys[1], &body), lease).await;
        assert!(matches!(second, Ok(Claim::Claimed(_))));
        // Both running: the third is refused, neither running one is forgotten.
        assert!(store.claim(delivery(&keys[2], &body), lease).await.is_err());
        assert_eq!(
            store.claim(delivery(&keys[0], &body), lease).await,
            Ok(Claim::InProgress)
        );
        // Once one is settled it can make room.
        let Ok(Claim::Claimed(lease0)) = first else {
            unreachable!()
        };
        assert_eq!(store.settle(&lease0, Settlement::Done).await, Ok(true));
        assert!(matches!(
            store.claim(delivery(&keys[2], &body), lease).await,
            Ok(Claim::Claimed(_))
        ));
        assert_eq!(
            store.claim(delivery(&keys[1], &body), lease).await,
            Ok(Claim::InProgress)
        );
    }

    #[tokio::test]
    async fn room_for_bytes_comes_from_dead_letters_and_room_for_records_from_done_ones() {
        let mut store = MemoryStore::with_limits(6, Duration::from_secs(60));
        store.max_body_bytes = 100;
        let lease = Duration::from_secs(60);
        let big = Bytes::from(vec![b' '; 60]);
        let small = Bytes::from_static(b"{}");
        let key = |n: u32| DeliveryKey::new("talkplus", Some(&n.to_string()), "message", b"");
        // One dead letter holding 60 bytes, then four handled deliveries (no bodies kept).
        let Ok(Claim::Claimed(dead)) = store.claim(delivery(&key(0), &big), lease).await else {
            panic!("claimed")
        };
        let failed = Settlement::Dead {
            error: "failed".to_owned(),
        };
        assert_eq!(store.settle(&dead, failed).await, Ok(true));
        for n in 1..=4 {
            let Ok(Claim::Claimed(done)) = store.claim(delivery(&key(n), &small), lease).await
            else {
                panic!("claimed")
            };
            assert_eq!(store.settle(&done, Settlement::Done).await, Ok(true));
        }
        // 60 more bytes do not fit: the dead letter holding bytes goes, no handled record.
        assert!(matches!(
            store.claim(delivery(&key(5), &big), lease).await,
            Ok(Claim::Claimed(_))
        ));
        assert!(store.get(dead.id).await.expect("get").is_none());
        for n in 1..=4 {
            let copy = store.claim(delivery(&key(n), &small), lease).await;
            assert_eq!(copy, Ok(Claim::Done), "handled {n} is still a copy");
        }
        // Six records fill it; a seventh needs a slot: the oldest handled one goes.
        for n in 6..=7 {
            assert!(matches!(
                store.claim(delivery(&key(n), &small), lease).await,
                Ok(Claim::Claimed(_))
            ));
        }
        assert!(matches!(
            store.claim(delivery(&key(1), &small), lease).await,
            Ok(Claim::Claimed(_))
        ));
    }

    #[tokio::test]
    async fn a_delivery_that_cannot_fit_evicts_nothing() {
        let mut store = MemoryStore::with_limits(10, Duration::from_secs(60));
        store.max_body_bytes = 100;
        let lease = Duration::from_secs(60);
        let key = |n: u32| DeliveryKey::new("talkplus", Some(&n.to_string()), "message", b"");
        let Ok(Claim::Claimed(dead)) = store
            .claim(delivery(&key(0), &Bytes::from(vec![b' '; 10])), lease)
            .await
        else {
            panic!("claimed")
        };
        let failed = Settlement::Dead {
            error: "failed".to_owned(),
        };
        assert_eq!(store.settle(&dead, failed).await, Ok(true));
        let running = Bytes::from(vec![b' '; 80]);
        assert!(matches!(
            store.claim(delivery(&key(1), &running), lease).await,
            Ok(Claim::Claimed(_))
        ));
        // 30 bytes do not fit even without the dead letter; 500 never fit.
        for len in [30, 500] {
            let body = Bytes::from(vec![b' '; len]);
            assert!(store.claim(delivery(&key(2), &body), lease).await.is_err());
            assert!(store.get(dead.id).await.expect("get").is_some(), "kept");
        }
    }

    #[tokio::test]
    async fn a_handled_delivery_keeps_its_record_but_not_its_body() {
        let store = MemoryStore::new();
        let body = Bytes::from_static(b"{\"event\":\"x\"}");
        let key = DeliveryKey::new("talkplus", Some("id"), "message", b"");
        let Ok(Claim::Claimed(lease)) = store
            .claim(delivery(&key, &body), Duration::from_secs(5))
            .await
        else {
            panic!("claimed")
        };
        assert_eq!(store.settle(&lease, Settlement::Done).await, Ok(true));
        let record = store.get(lease.id).await.expect("get").expect("kept");
        assert_eq!(record.state, DeliveryState::Done);
        assert_eq!(record.body, None);
        assert_eq!(store.lock().body_bytes, 0);
    }
}
