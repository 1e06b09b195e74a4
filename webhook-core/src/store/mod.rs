//! Where verified deliveries are kept: one [`Store`] trait for deduplication claims and the
//! inbox, with three implementations.
//!
//! | store | where | durable | several instances | use |
//! |---|---|---|---|---|
//! | [`MemoryStore`] | this process | no | no | tests; one process that may forget on restart |
//! | `sqlite::SqliteStore` (feature `sqlite`, on by default) | one local file | yes | no (one machine; other processes may read and replay) | the default for one server |
//! | `redis::RedisStore` (feature `redis`) | Redis | as Redis is configured | yes | a fleet behind a load balancer |
//!
//! # The record of a delivery
//!
//! Each verified delivery that a handler wants is one record, found by its
//! [`DeliveryKey`] (provider and a hash of the platform's delivery id, or of the body when
//! the platform sends none). A record moves through these states, each change atomic:
//!
//! ```text
//!             append (inbox mode)                 claim (inline mode)
//!                   │                                   │
//!                   ▼            lease                  ▼
//!               Pending ───────────────────────────► Leased ──► Done
//!                  ▲  ▲                                │  │
//!   retry (backoff)│  └───── release (shutdown) ───────┘  │
//!                  └───────────────────────────────────────┤
//!   replay ───────────────────────── Dead ◄─────────────────┘ (attempts used up,
//!   (or, in inbox mode, a copy        ▲                         or a body that cannot parse)
//!   appended again)                   │
//!                   reject (inline mode: a body that cannot parse, never leased)
//! ```
//!
//! A lease belongs to the attempt holding its [`LeaseToken`]: only that token can renew,
//! settle or release it, so an attempt that outlived its lease cannot overwrite or delete
//! the work of the attempt that took over. A lease that is not renewed expires, and the
//! record can then be taken by another attempt (another worker, another instance, or the
//! platform's retry).
//!
//! Done records are the deduplication memory: a delivery whose record is `Done` is
//! acknowledged without running the handlers, for as long as the record is kept
//! ([`Retention`]).

pub mod memory;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use sha2::{Digest as _, Sha256};

pub use memory::MemoryStore;

/// Identifies one delivery across the platform's retries: `provider:` and the first 128
/// bits of a SHA-256 of the platform's delivery id with the event name, or
/// `provider:body:` and a SHA-256 of the verified body when the platform sends no id.
///
/// The event name is part of the key because an id is not always one per delivery:
/// Amity's `requestId` names a request, and every example of its documentation gives
/// different events the same one. A retry repeats both. The id is hashed so that a key
/// has a bounded length whatever a header carries, and so that a delivery id which is a
/// signature (TalkPlus) never reaches a store in clear.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryKey(String);

impl DeliveryKey {
    /// The key of a delivery of `provider` and `event` with the platform's `delivery_id`,
    /// else of its body.
    #[must_use]
    pub fn new(provider: &str, delivery_id: Option<&str>, event: &str, body: &[u8]) -> Self {
        let (kind, digest) = match delivery_id {
            // The separator cannot occur in either: an id and an event name are text.
            Some(id) => (
                "",
                Sha256::new()
                    .chain_update(id.as_bytes())
                    .chain_update([0])
                    .chain_update(event.as_bytes())
                    .finalize(),
            ),
            None => ("body:", Sha256::digest(body)),
        };
        Self(format!("{provider}:{kind}{}", hex::encode(&digest[..16])))
    }

    /// A key as stored.
    #[must_use]
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    /// The key's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeliveryKey({})", self.0)
    }
}

impl fmt::Display for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a log line says to run a dead letter again.
pub(crate) fn replay_hint(store: &dyn Store, id: u64) -> String {
    match cli_command(store, &format!("inbox replay {id}")) {
        Some(command) => format!("{command} runs it again"),
        None => format!("the inbox page or `Inbox::replay({id})` runs it again (kept in memory)"),
    }
}

/// The `webhook-cli` command that runs `command` (`inbox list`) on `store` from another
/// process, quoted as a shell needs, with what it needs from the environment; `None`
/// when no other process can open the store.
#[must_use]
pub fn cli_command(store: &dyn Store, command: &str) -> Option<String> {
    let args = store.cli_args()?;
    let line = format!("`webhook-cli {command} {args}`");
    Some(match store.cli_environment() {
        Some(variable) => format!("{line} (with the server's {variable} set)"),
        None => line,
    })
}

/// A path as one shell word: as it is when nothing in it needs quoting, else in single
/// quotes.
#[cfg(any(feature = "sqlite", feature = "redis"))]
pub(crate) fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"._-/+=:@%,".contains(&byte));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The event name of a delivery kept although its verified body has no readable event
/// name (not UTF-8, not JSON, no event field): a dead letter whose envelope is read again
/// when it is replayed.
pub const UNREADABLE_EVENT: &str = "";

/// How people read [`UNREADABLE_EVENT`] in lists, logs and filters: one word.
pub const UNREADABLE_EVENT_SHOWN: &str = "(unreadable)";

/// The event name a filter given by a person stands for: [`UNREADABLE_EVENT`] for
/// [`UNREADABLE_EVENT_SHOWN`], any other as it is.
#[must_use]
pub fn event_from_shown(shown: &str) -> &str {
    if shown == UNREADABLE_EVENT_SHOWN {
        UNREADABLE_EVENT
    } else {
        shown
    }
}

/// A verified delivery about to be recorded.
#[derive(Debug, Clone, Copy)]
pub struct NewDelivery<'a> {
    /// Its key.
    pub key: &'a DeliveryKey,
    /// The provider's name (`"talkplus"`).
    pub provider: &'a str,
    /// The event name.
    pub event: &'a str,
    /// The platform's delivery id in a form safe to show (shortened when it is a
    /// signature), for people reading the inbox.
    pub shown_id: Option<&'a str>,
    /// The name of the signature scheme that verified it.
    pub scheme: &'a str,
    /// When it was received.
    pub received_at: SystemTime,
    /// The verified body.
    pub body: &'a Bytes,
}

/// Where a recorded delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting for a worker (now, or at its next attempt time).
    Pending,
    /// An attempt holds its lease and is running the handlers.
    Leased,
    /// Handled. Kept so that a copy arriving later is acknowledged without running again.
    Done,
    /// Failed for good: attempts used up, or a body that cannot be parsed. Kept for a
    /// person to read and replay.
    Dead,
}

impl DeliveryState {
    /// Every state, in the order of the diagram above.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Leased, Self::Done, Self::Dead];

    /// The state's name as stores and people write it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Leased => "leased",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    /// Reads a state's name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == name)
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A delivery as a store holds it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredDelivery {
    /// The store's id for it, for `show`, `replay` and the inbox page.
    pub id: u64,
    /// Its key.
    pub key: DeliveryKey,
    /// The provider's name.
    pub provider: String,
    /// The event name; [`UNREADABLE_EVENT`] when the body had none that could be read.
    pub event: String,
    /// The platform's delivery id, in a form safe to show.
    pub shown_id: Option<String>,
    /// The signature scheme that verified it.
    pub scheme: String,
    /// When it was received, by the receiving process's clock.
    pub received_at: SystemTime,
    /// The verified body; `None` where the store does not keep it (a handled delivery in
    /// [`MemoryStore`]).
    pub body: Option<Bytes>,
    /// Where it stands.
    pub state: DeliveryState,
    /// How many attempts have started.
    pub attempts: u32,
    /// When the next attempt is due (pending deliveries), by the store's clock (Redis's
    /// own for the Redis store).
    pub next_attempt_at: Option<SystemTime>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    /// When the record last changed, by the store's clock.
    pub updated_at: SystemTime,
}

impl StoredDelivery {
    /// The event name as people read it, one word: `(unreadable)` for [`UNREADABLE_EVENT`].
    #[must_use]
    pub fn event_shown(&self) -> &str {
        if self.event == UNREADABLE_EVENT {
            UNREADABLE_EVENT_SHOWN
        } else {
            &self.event
        }
    }
}

impl fmt::Debug for StoredDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredDelivery")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("event", &self.event)
            .field("shown_id", &self.shown_id)
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .field("last_error", &self.last_error)
            .field("body_len", &self.body.as_ref().map(Bytes::len))
            .finish_non_exhaustive()
    }
}

/// Proof of holding a lease: random, one per attempt.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LeaseToken(String);

impl LeaseToken {
    /// A new random token (128 bits).
    #[must_use]
    pub fn new() -> Self {
        Self(format!("{:032x}", rand::random::<u128>()))
    }

    /// A token as stored.
    #[must_use]
    pub fn from_stored(token: String) -> Self {
        Self(token)
    }

    /// The token's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for LeaseToken {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for LeaseToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LeaseToken({}…)", self.0.get(..8).unwrap_or(&self.0))
    }
}

/// The shortest lease a dispatcher or an inbox takes (30 ms); shorter ones are raised to
/// it. A lease is renewed every third of it, and one that ran out between renewals would
/// let a second attempt take a delivery whose handlers are still running.
pub const MIN_LEASE: Duration = Duration::from_millis(30);

/// A lease held on a record: which record and which attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The record's id.
    pub id: u64,
    /// The attempt's number, from 1.
    pub attempt: u32,
    /// The token that proves this attempt holds the lease.
    pub token: LeaseToken,
}

/// What a store answers to an inline-mode claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This attempt now holds the lease and runs the handlers.
    Claimed(Lease),
    /// An earlier attempt succeeded: acknowledge without running.
    Done,
    /// Another attempt holds a live lease.
    InProgress,
}

/// What a store answers to an inbox-mode append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Recorded as pending, with this id.
    Accepted(u64),
    /// The delivery was already recorded and is in this state (a dead one is made pending
    /// again: the platform's retry counts as a replay).
    Duplicate(DeliveryState),
}

/// How an attempt ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// The handlers succeeded.
    Done,
    /// The attempt failed; try again at `at`.
    Retry {
        /// When the next attempt is due, by this process's clock (the Redis store sends
        /// it as a wait from now).
        at: SystemTime,
        /// What went wrong.
        error: String,
    },
    /// The attempt failed for good.
    Dead {
        /// What went wrong.
        error: String,
    },
    /// The attempt did not run to the end (shutdown, cancellation): back to pending at
    /// once, the attempt not counted: the record's attempt count goes back down, so the
    /// next lease has the same attempt number and retries are not used up by restarts.
    Release,
}

/// Which records to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this state.
    pub state: Option<DeliveryState>,
    /// Only this provider.
    pub provider: Option<String>,
    /// Only this event name.
    pub event: Option<String>,
    /// Only ids below this one (the next page).
    pub before_id: Option<u64>,
    /// At most this many, newest first (0: the default of 50).
    pub limit: usize,
}

impl Filter {
    /// The default page size.
    pub const DEFAULT_LIMIT: usize = 50;

    /// The page size to use.
    #[must_use]
    pub fn limit_or_default(&self) -> usize {
        if self.limit == 0 {
            Self::DEFAULT_LIMIT
        } else {
            self.limit
        }
    }

    /// Whether `record` passes the filter (ignoring the limit).
    #[must_use]
    pub fn matches(&self, record: &StoredDelivery) -> bool {
        self.state.is_none_or(|state| record.state == state)
            && self
                .provider
                .as_deref()
                .is_none_or(|provider| record.provider == provider)
            && self
                .event
                .as_deref()
                .is_none_or(|event| record.event == event)
            && self.before_id.is_none_or(|before| record.id < before)
    }
}

/// Which settled records to delete at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Done records (this forgets them for deduplication too).
    Done,
    /// Dead letters.
    Dead,
    /// Both.
    Settled,
}

impl Purge {
    /// Whether a record in `state` is purged.
    #[must_use]
    pub fn covers(self, state: DeliveryState) -> bool {
        matches!(
            (self, state),
            (Self::Done | Self::Settled, DeliveryState::Done)
                | (Self::Dead | Self::Settled, DeliveryState::Dead)
        )
    }
}

/// How long settled records are kept. Pending and leased records are never pruned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Done records older than this are forgotten; it is the deduplication window.
    pub done_for: Duration,
    /// Dead letters older than this are deleted.
    pub dead_for: Duration,
    /// At most this many settled records are kept: past it the oldest done records go,
    /// and dead letters only when no done record is left to take.
    pub max_settled: u64,
}

impl Retention {
    /// Seven days of done records (a platform's retry, or a captured delivery sent again,
    /// within that window is acknowledged without running), thirty days of dead letters,
    /// one million settled records.
    pub const DURABLE: Self = Self {
        done_for: Duration::from_secs(7 * 24 * 3600),
        dead_for: Duration::from_secs(30 * 24 * 3600),
        max_settled: 1_000_000,
    };
}

impl Default for Retention {
    fn default() -> Self {
        Self::DURABLE
    }
}

/// How many records are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting for a worker.
    pub pending: u64,
    /// Running.
    pub leased: u64,
    /// Handled, kept for deduplication.
    pub done: u64,
    /// Dead letters.
    pub dead: u64,
}

impl Counts {
    /// Deliveries not yet settled: pending and leased.
    #[must_use]
    pub fn unsettled(&self) -> u64 {
        self.pending + self.leased
    }

    /// The count of one state.
    #[must_use]
    pub fn of(&self, state: DeliveryState) -> u64 {
        match state {
            DeliveryState::Pending => self.pending,
            DeliveryState::Leased => self.leased,
            DeliveryState::Done => self.done,
            DeliveryState::Dead => self.dead,
        }
    }
}

/// The store could not be reached or answered nonsense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("delivery store unavailable: {0}")]
pub struct StoreError(pub String);

/// Where deliveries are kept: claims for inline mode, the inbox for inbox mode, and what
/// people need to operate them. Every state change is atomic.
///
/// Methods return boxed futures so that a store can be held as `Arc<dyn Store>`. The
/// shared behaviour every store must give is tested against each of them in
/// `tests/support/store_contract.rs`.
pub trait Store: Send + Sync + 'static {
    /// A short name for logs and the start banner (`"sqlite"`).
    fn kind(&self) -> &'static str;

    /// Whether a delivery recorded here survives the death of this process.
    fn is_durable(&self) -> bool;

    /// The `webhook-cli inbox` arguments that open this store from another process, for
    /// the hints in logs (`--store PATH`); `None` when no other process can (in memory).
    /// Never holds a secret: the Redis store gives none for its URL, which the tool reads
    /// from the environment ([`Self::cli_environment`]).
    fn cli_args(&self) -> Option<String> {
        None
    }

    /// The environment variable `webhook-cli` reads this store's address from, when
    /// [`Self::cli_args`] leaves it out (a Redis URL may carry a password).
    fn cli_environment(&self) -> Option<&'static str> {
        None
    }

    /// Inline mode: takes a lease on the delivery's record, creating it (with its body)
    /// when there is none. A pending, dead or expired-leased record is taken too (with
    /// its attempt count going up); a done one or one under a live lease is not.
    fn claim<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>>;

    /// Inbox mode: records the delivery as pending, unless its key is already recorded.
    fn append<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
    ) -> BoxFuture<'a, Result<Appended, StoreError>>;

    /// Records a delivery whose handlers could not start (its body cannot be read or does
    /// not have its event's shape, or their set-up panicked) as a dead letter with
    /// `error`, unless its key is already done or under a live lease (the attempt that
    /// holds it settles it; turning it dead would throw that attempt's result away).
    /// Returns whether the record is now a dead letter: `false` when it was left alone.
    fn reject<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        error: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Waits, at most `timeout`, for the lease on `key` to end; then the caller claims
    /// again. Returning early is allowed.
    fn wait<'a>(&'a self, key: &'a DeliveryKey, timeout: Duration) -> BoxFuture<'a, ()>;

    /// Takes leases on up to `max` pending records that are due, and on records whose
    /// lease expired, of the given providers; each gets its own token.
    fn lease<'a>(
        &'a self,
        providers: &'a [&'a str],
        lease: Duration,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<(Lease, StoredDelivery)>, StoreError>>;

    /// Extends a lease held by `lease.token`; `false` when it is no longer held.
    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Ends an attempt; `false` (and nothing changed) when `lease.token` no longer holds
    /// the lease.
    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        settlement: Settlement,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// The records passing `filter`, newest first, bodies left out.
    fn list<'a>(
        &'a self,
        filter: &'a Filter,
    ) -> BoxFuture<'a, Result<Vec<StoredDelivery>, StoreError>>;

    /// One record, with its body.
    fn get(&self, id: u64) -> BoxFuture<'_, Result<Option<StoredDelivery>, StoreError>>;

    /// Puts a dead letter back to pending, due now; `false` when `id` is not dead.
    fn replay(&self, id: u64) -> BoxFuture<'_, Result<bool, StoreError>>;

    /// Puts every dead letter back to pending; returns how many.
    fn replay_dead(&self) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Deletes settled records at once; returns how many.
    fn purge(&self, which: Purge) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Deletes settled records past `retention`; returns how many.
    fn prune(&self, retention: Retention) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// How many records are in each state.
    fn counts(&self) -> BoxFuture<'_, Result<Counts, StoreError>>;

    /// How many records are pending or leased: [`Counts::unsettled`], cheaper.
    fn unsettled(&self) -> BoxFuture<'_, Result<u64, StoreError>>;
}

/// Milliseconds since the Unix epoch, as stores write times.
#[must_use]
pub fn to_millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
    })
}

/// The time `millis` after the Unix epoch.
#[must_use]
pub fn from_millis(millis: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

/// `at` as `inbox list`, `inbox show` and the inbox page show a time: RFC 3339 in UTC, to
/// the second; outside the years 1970 to 9999 (a retry put off for ever, a clock set
/// wrong), as milliseconds from the Unix epoch.
#[must_use]
pub fn shown_time(at: SystemTime) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    // humantime panics on a time before 1970 and fails past 9999.
    if at < UNIX_EPOCH || write!(text, "{}", humantime::format_rfc3339_seconds(at)).is_err() {
        text = match at.duration_since(UNIX_EPOCH) {
            Ok(after) => format!("{} ms after the Unix epoch", after.as_millis()),
            Err(before) => format!("{} ms before the Unix epoch", before.duration().as_millis()),
        };
    }
    text
}

/// A duration in whole milliseconds, at least one.
#[must_use]
pub fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_past_the_year_9999_is_shown_in_milliseconds() {
        assert_eq!(
            shown_time(from_millis(1_700_000_000_000)),
            "2023-11-14T22:13:20Z"
        );
        assert_eq!(
            shown_time(from_millis(i64::MAX)),
            format!("{} ms after the Unix epoch", i64::MAX)
        );
        assert_eq!(
            shown_time(UNIX_EPOCH - Duration::from_millis(1500)),
            "1500 ms before the Unix epoch"
        );
    }
}
