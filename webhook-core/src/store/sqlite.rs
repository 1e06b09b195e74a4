//! [`SqliteStore`]: the embedded store, one local file (cargo feature `sqlite`, on by
//! default).
//!
//! # Why SQLite
//!
//! The inbox must survive any death of the process, and a person must be able to list and
//! replay dead letters with `webhook-cli inbox` while the server runs. SQLite (through
//! `rusqlite`, with its own bundled library, so nothing needs installing) gives both: in
//! WAL mode a commit is in the file before the call returns (on the disk itself with
//! [`Sync::Full`]), and other processes can read and
//! write the same file while the server holds it. Single-process embedded engines (`redb`,
//! `sled`) lock the file for one process, which rules out the command line.
//!
//! # Durability and speed
//!
//! Every change is committed before the caller hears of it; an acknowledged delivery is in
//! the file whatever happens to the process next. With [`Sync::Full`] (the default) each
//! commit is also flushed to the disk, so a power cut or an OS crash loses nothing either;
//! [`Sync::Normal`] skips that flush (a process crash still loses nothing, a power cut may
//! lose the last commits) for more throughput. Concurrent operations are grouped into one
//! transaction and one flush ("group commit"), so the flush is paid per batch, not per
//! delivery.
//!
//! # When the file stalls
//!
//! A server's call waits at most [`SqliteStore::CALL_TIMEOUT`] (5 s) for its answer, then
//! fails as a store error, so a stalled disk (or the file locked by another process)
//! cannot hold deliveries for ever: the dispatcher's [`OnStoreError`](crate::OnStoreError)
//! policy applies, as for Redis. The operation itself still runs when the disk comes
//! back. A store opened by [`SqliteStore::open_existing`] (the command line) waits for
//! as long as its work takes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use tokio::sync::{Notify, oneshot};

use super::{
    Appended, Claim, Counts, DeliveryKey, DeliveryState, Filter, Lease, LeaseToken, NewDelivery,
    Purge, Retention, Settlement, Store, StoreError, StoredDelivery, duration_millis, from_millis,
    to_millis,
};

/// How hard each commit is pushed to the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sync {
    /// Flushed to the disk at every commit (`PRAGMA synchronous=FULL`): nothing
    /// acknowledged is lost, even to a power cut.
    #[default]
    Full,
    /// Written to the OS at every commit, flushed at checkpoints (`synchronous=NORMAL`):
    /// nothing is lost when the process dies; a power cut may lose the last commits.
    Normal,
}

/// The embedded store: one SQLite file. Cheap to share behind an `Arc`.
pub struct SqliteStore {
    jobs: mpsc::Sender<Job>,
    path: PathBuf,
    done_for: Duration,
    waiters: Arc<Mutex<HashMap<DeliveryKey, Arc<Notify>>>>,
    call_timeout: Option<Duration>,
}

/// One operation for the store's thread, with the channel its answer goes back on.
trait Work: Send {
    /// Runs inside the batch's transaction; returns whether it succeeded and what to
    /// answer once the batch is committed.
    fn run(self: Box<Self>, connection: &Connection) -> (bool, Reply);
    /// Answers `error` without running (the batch could not begin).
    fn fail(self: Box<Self>, error: StoreError);
}

type Job = Box<dyn Work>;
type Reply = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

struct Operation<F, T> {
    op: F,
    answer: oneshot::Sender<Result<T, StoreError>>,
}

impl<F, T> Work for Operation<F, T>
where
    F: FnOnce(&Connection) -> rusqlite::Result<T> + Send,
    T: Send + 'static,
{
    fn run(self: Box<Self>, connection: &Connection) -> (bool, Reply) {
        let Self { op, answer } = *self;
        let result = op(connection);
        let ok = result.is_ok();
        let reply: Reply = Box::new(move |committed| {
            let _ = answer.send(committed.and_then(|()| result.map_err(sql_error)));
        });
        (ok, reply)
    }

    fn fail(self: Box<Self>, error: StoreError) {
        let _ = self.answer.send(Err(error));
    }
}

/// Most operations grouped into one transaction.
const MAX_BATCH: usize = 128;

/// The schema this version writes. The indexes are partial, one per state that a query
/// looks up by time, so that a record enters only the index of its current state: a
/// claim writes the key's index and the lease index, a settle moves it to the done one.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL,
    event TEXT NOT NULL,
    shown_id TEXT,
    scheme TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    body BLOB,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    token TEXT,
    lease_until INTEGER,
    last_error TEXT,
    updated_at INTEGER NOT NULL
);
DROP INDEX IF EXISTS deliveries_due;
DROP INDEX IF EXISTS deliveries_lease;
DROP INDEX IF EXISTS deliveries_settled;
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_leased ON deliveries (lease_until) WHERE state = 'leased';
CREATE INDEX IF NOT EXISTS deliveries_done ON deliveries (updated_at) WHERE state = 'done';
CREATE INDEX IF NOT EXISTS deliveries_dead ON deliveries (updated_at) WHERE state = 'dead';
PRAGMA user_version = 2;
";

/// The newest schema this version reads (version 1 had full indexes; opening it replaces
/// them).
const SCHEMA_VERSION: i64 = 2;

const COLUMNS: &str = "id, key, provider, event, shown_id, scheme, received_at, state, attempts, \
                       next_attempt_at, last_error, updated_at";

impl SqliteStore {
    /// Opens (or creates) the store at `path`, flushing every commit ([`Sync::Full`]) and
    /// remembering handled deliveries for [`Retention::DURABLE`]'s `done_for`.
    ///
    /// # Errors
    /// When the file cannot be opened or is not a store of this version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path, Sync::Full, Retention::DURABLE.done_for)
    }

    /// Opens the store with the given flushing and deduplication window.
    ///
    /// # Errors
    /// When the file cannot be opened or is not a store of this version.
    pub fn open_with(
        path: impl AsRef<Path>,
        sync: Sync,
        done_for: Duration,
    ) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        let in_file = |err: rusqlite::Error| StoreError(format!("{}: {err}", path.display()));
        let connection = connect(&path, sync)?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(in_file)?;
        if version > SCHEMA_VERSION {
            return Err(StoreError(format!(
                "{} was written by a newer version (schema {version})",
                path.display()
            )));
        }
        connection.execute_batch(SCHEMA).map_err(in_file)?;
        Self::serve(connection, path, done_for)
    }

    /// Opens the store a server made at `path`, from another process (the command line):
    /// a file that is not such a store, or is of a newer version, is refused before
    /// anything in it changes, and an older store is used as it is, not upgraded (its
    /// server may still be running).
    ///
    /// # Errors
    /// When the file cannot be opened or is not a store this version reads.
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_owned();
        let in_file = |err: rusqlite::Error| StoreError(format!("{}: {err}", path.display()));
        let connection = Connection::open_with_flags(
            &path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| StoreError(format!("cannot open {}: {err}", path.display())))?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(in_file)?;
        let has_table: bool = connection
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries')",
                [],
                |row| row.get(0),
            )
            .map_err(in_file)?;
        if version == 0 || !has_table {
            return Err(StoreError(format!(
                "{} is not a webhook store: give the server's WEBHOOK_STORE file",
                path.display()
            )));
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError(format!(
                "{} was written by a newer version (schema {version})",
                path.display()
            )));
        }
        // The server set the file to WAL mode; this connection only needs to wait its turn.
        connection
            .execute_batch("PRAGMA busy_timeout = 5000;")
            .map_err(in_file)?;
        // A command waits for its answer however long the work takes: one given up on
        // would still be done, while the command said it failed.
        Self::serve(connection, path, Retention::DURABLE.done_for).map(|store| Self {
            call_timeout: None,
            ..store
        })
    }

    /// Longest a call may wait for its answer before it counts as a store error (then
    /// the dispatcher's [`OnStoreError`](crate::OnStoreError) policy applies), unless
    /// [`Self::with_call_timeout`] sets another; a server's store file only, not one
    /// opened with [`Self::open_existing`]. Bounded calls need a Tokio runtime with its
    /// time driver, as the dispatcher's handler timeouts do: `#[tokio::main]` has it, a
    /// runtime built by hand needs `enable_time()`.
    pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

    /// Sets how long a call may wait for its answer (default [`Self::CALL_TIMEOUT`]).
    #[must_use]
    pub fn with_call_timeout(mut self, limit: Duration) -> Self {
        self.call_timeout = Some(limit);
        self
    }

    /// Starts the store's thread on `connection`.
    fn serve(
        connection: Connection,
        path: PathBuf,
        done_for: Duration,
    ) -> Result<Self, StoreError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("webhook-sqlite".to_owned())
            .spawn(move || run_jobs(&connection, &queue))
            .map_err(|err| StoreError(format!("cannot start the store's thread: {err}")))?;
        Ok(Self {
            jobs,
            path,
            done_for,
            waiters: Arc::default(),
            call_timeout: Some(Self::CALL_TIMEOUT),
        })
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `op` on the store's thread, inside a transaction committed before the answer.
    fn call<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> BoxFuture<'static, Result<T, StoreError>> {
        let (answer, answered) = oneshot::channel();
        let sent = self.jobs.send(Box::new(Operation { op, answer }));
        let call_timeout = self.call_timeout;
        Box::pin(async move {
            sent.map_err(|_| StoreError("the store's thread has stopped".to_owned()))?;
            let stopped = |_| StoreError("the store's thread has stopped".to_owned());
            match call_timeout {
                None => answered.await.map_err(stopped)?,
                // The operation still runs when its turn comes; only the caller stops
                // waiting, as with Redis's call timeout.
                Some(limit) => match tokio::time::timeout(limit, answered).await {
                    Ok(answer) => answer.map_err(stopped)?,
                    Err(_) => Err(StoreError(format!(
                        "sqlite: the store did not answer within {} ms (a stalled disk, or the file locked by another process)",
                        limit.as_millis()
                    ))),
                },
            }
        })
    }

    fn wake(&self, key: &DeliveryKey) {
        let waiters = self
            .waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key);
        if let Some(waiters) = waiters {
            waiters.notify_waiters();
        }
    }
}

fn connect(path: &Path, sync: Sync) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)
        .map_err(|err| StoreError(format!("cannot open {}: {err}", path.display())))?;
    let synchronous = match sync {
        Sync::Full => "FULL",
        Sync::Normal => "NORMAL",
    };
    connection
        .execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 5000;"
        ))
        .map_err(|err| StoreError(format!("{}: {err}", path.display())))?;
    Ok(connection)
}

/// The store's thread: takes every job waiting, runs them in one transaction (each in a
/// savepoint, so one failing job does not undo the others), commits, then answers.
fn run_jobs(connection: &Connection, queue: &mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut replies = Vec::with_capacity(batch.len());
        if let Err(err) = connection.execute_batch("BEGIN IMMEDIATE") {
            let error = sql_error(err);
            for job in batch {
                job.fail(error.clone());
            }
            continue;
        }
        let mut jobs = batch.into_iter();
        let mut rolled_back = false;
        for job in jobs.by_ref() {
            let _ = run_cached(connection, "SAVEPOINT job");
            let (ok, reply) = job.run(connection);
            replies.push(reply);
            if connection.is_autocommit() {
                // Some errors (disk full, I/O) make SQLite roll back the whole
                // transaction: what ran before is undone, and the jobs after must not
                // run, since each would then commit on its own while answered an error.
                rolled_back = true;
                break;
            }
            if !ok {
                let _ = run_cached(connection, "ROLLBACK TO job");
            }
            let _ = run_cached(connection, "RELEASE job");
        }
        let committed = if rolled_back {
            Err(StoreError(
                "sqlite: the batch's transaction was rolled back after an error".to_owned(),
            ))
        } else {
            connection.execute_batch("COMMIT").map_err(sql_error)
        };
        if let Err(error) = &committed {
            if !connection.is_autocommit() {
                let _ = connection.execute_batch("ROLLBACK");
            }
            for job in jobs {
                job.fail(error.clone());
            }
        }
        for reply in replies {
            reply(committed.clone());
        }
    }
}

/// Runs a statement without parameters, prepared once per connection.
fn run_cached(connection: &Connection, sql: &str) -> rusqlite::Result<usize> {
    connection.prepare_cached(sql)?.execute([])
}

fn sql_error(err: rusqlite::Error) -> StoreError {
    StoreError(format!("sqlite: {err}"))
}

/// The columns of `COLUMNS`, then optionally the body.
fn stored(row: &Row<'_>, with_body: bool) -> rusqlite::Result<StoredDelivery> {
    let state: String = row.get(7)?;
    let body: Option<Vec<u8>> = if with_body { row.get(12)? } else { None };
    Ok(StoredDelivery {
        id: row.get::<_, i64>(0)?.cast_unsigned(),
        key: DeliveryKey::from_stored(row.get(1)?),
        provider: row.get(2)?,
        event: row.get(3)?,
        shown_id: row.get(4)?,
        scheme: row.get(5)?,
        received_at: from_millis(row.get(6)?),
        body: body.map(Bytes::from),
        state: DeliveryState::parse(&state).unwrap_or(DeliveryState::Dead),
        attempts: row.get(8)?,
        next_attempt_at: row.get::<_, Option<i64>>(9)?.map(from_millis),
        last_error: row.get(10)?,
        updated_at: from_millis(row.get(11)?),
    })
}

/// An owned copy of a [`NewDelivery`], to move onto the store's thread.
struct Incoming {
    key: DeliveryKey,
    provider: String,
    event: String,
    shown_id: Option<String>,
    scheme: String,
    received_at: i64,
    body: Bytes,
}

impl From<NewDelivery<'_>> for Incoming {
    fn from(delivery: NewDelivery<'_>) -> Self {
        Self {
            key: delivery.key.clone(),
            provider: delivery.provider.to_owned(),
            event: delivery.event.to_owned(),
            shown_id: delivery.shown_id.map(str::to_owned),
            scheme: delivery.scheme.to_owned(),
            received_at: to_millis(delivery.received_at),
            body: delivery.body.clone(),
        }
    }
}

impl Incoming {
    /// Records a delivery whose key is not recorded yet, in `state`, due now.
    fn insert(
        &self,
        connection: &Connection,
        state: DeliveryState,
        now: i64,
    ) -> rusqlite::Result<i64> {
        self.insert_row(connection, state, 0, Some(now), None, now)?
            .ok_or(rusqlite::Error::QueryReturnedNoRows)
    }

    /// Records a delivery seen for the first time, leased to a new attempt; `None` when
    /// its key is already recorded.
    fn insert_leased(
        &self,
        connection: &Connection,
        now: i64,
        lease: i64,
    ) -> rusqlite::Result<Option<Lease>> {
        let token = LeaseToken::new();
        let lease_until = Some((&token, now + lease));
        let id = self.insert_row(connection, DeliveryState::Leased, 1, None, lease_until, now)?;
        Ok(id.map(|id| Lease {
            id: id.cast_unsigned(),
            attempt: 1,
            token,
        }))
    }

    /// Inserts the record; `None` when its key is already recorded.
    fn insert_row(
        &self,
        connection: &Connection,
        state: DeliveryState,
        attempts: u32,
        next_attempt_at: Option<i64>,
        lease: Option<(&LeaseToken, i64)>,
        now: i64,
    ) -> rusqlite::Result<Option<i64>> {
        connection
            .prepare_cached(
                "INSERT INTO deliveries (key, provider, event, shown_id, scheme, received_at, body, \
                 state, attempts, next_attempt_at, token, lease_until, updated_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
                 ON CONFLICT (key) DO NOTHING RETURNING id",
            )?
            .query_row(
                params![
                    self.key.as_str(),
                    self.provider,
                    self.event,
                    self.shown_id,
                    self.scheme,
                    self.received_at,
                    &self.body[..],
                    state.as_str(),
                    attempts,
                    next_attempt_at,
                    lease.map(|(token, _)| token.as_str()),
                    lease.map(|(_, until)| until),
                    now,
                ],
                |row| row.get::<_, i64>(0),
            )
            .optional()
    }
}

/// The record of `key`, as `(id, state, lease_until, updated_at)`.
fn find(
    connection: &Connection,
    key: &DeliveryKey,
) -> rusqlite::Result<Option<(i64, DeliveryState, i64, i64)>> {
    connection
        .prepare_cached(
            "SELECT id, state, COALESCE(lease_until, 0), updated_at FROM deliveries WHERE key = ?1",
        )?
        .query_row([key.as_str()], |row| {
            let state: String = row.get(1)?;
            Ok((
                row.get(0)?,
                DeliveryState::parse(&state).unwrap_or(DeliveryState::Dead),
                row.get(2)?,
                row.get(3)?,
            ))
        })
        .optional()
}

/// Takes a lease on record `id` for a new attempt.
fn take_lease(connection: &Connection, id: i64, now: i64, lease: i64) -> rusqlite::Result<Lease> {
    let token = LeaseToken::new();
    let attempt: u32 = connection
        .prepare_cached(
            "UPDATE deliveries SET state = 'leased', attempts = attempts + 1, token = ?2, \
             lease_until = ?3, next_attempt_at = NULL, updated_at = ?4 WHERE id = ?1 RETURNING attempts",
        )?
        .query_row(params![id, token.as_str(), now + lease, now], |row| row.get(0))?;
    Ok(Lease {
        id: id.cast_unsigned(),
        attempt,
        token,
    })
}

fn as_id(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("done_for", &self.done_for)
            .finish_non_exhaustive()
    }
}

impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn is_durable(&self) -> bool {
        true
    }

    fn cli_args(&self) -> Option<String> {
        // `--store=…`: a path starting with `-` is still the option's value.
        Some(format!(
            "--store={}",
            super::shell_word(&self.path.to_string_lossy())
        ))
    }

    fn claim<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        lease: Duration,
    ) -> BoxFuture<'a, Result<Claim, StoreError>> {
        let incoming = Incoming::from(delivery);
        let lease = duration_millis(lease);
        let done_for = duration_millis(self.done_for);
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            // A first copy (nearly every delivery) is recorded already leased, in one
            // statement; any other copy goes on below.
            if let Some(lease) = incoming.insert_leased(connection, now, lease)? {
                return Ok(Claim::Claimed(lease));
            }
            let id = match find(connection, &incoming.key)? {
                None => incoming.insert(connection, DeliveryState::Pending, now)?,
                Some((_, DeliveryState::Done, _, updated)) if updated + done_for > now => {
                    return Ok(Claim::Done);
                }
                Some((_, DeliveryState::Leased, until, _)) if until > now => {
                    return Ok(Claim::InProgress);
                }
                Some((id, DeliveryState::Done, _, _)) => {
                    // Forgotten: a new delivery as far as deduplication goes.
                    connection.execute("DELETE FROM deliveries WHERE id = ?1", [id])?;
                    incoming.insert(connection, DeliveryState::Pending, now)?
                }
                Some((id, _, _, _)) => {
                    connection.execute(
                        "UPDATE deliveries SET body = COALESCE(body, ?2) WHERE id = ?1",
                        params![id, &incoming.body[..]],
                    )?;
                    id
                }
            };
            take_lease(connection, id, now, lease).map(Claim::Claimed)
        })
    }

    fn append<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
    ) -> BoxFuture<'a, Result<Appended, StoreError>> {
        let incoming = Incoming::from(delivery);
        let done_for = duration_millis(self.done_for);
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            match find(connection, &incoming.key)? {
                None => {}
                Some((id, DeliveryState::Done, _, updated)) if updated + done_for <= now => {
                    connection.execute("DELETE FROM deliveries WHERE id = ?1", [id])?;
                }
                Some((id, DeliveryState::Dead, _, _)) => {
                    connection.execute(
                        "UPDATE deliveries SET state = 'pending', next_attempt_at = ?2, updated_at = ?2 \
                         WHERE id = ?1",
                        params![id, now],
                    )?;
                    return Ok(Appended::Duplicate(DeliveryState::Dead));
                }
                Some((_, state, _, _)) => return Ok(Appended::Duplicate(state)),
            }
            incoming
                .insert(connection, DeliveryState::Pending, now)
                .map(|id| Appended::Accepted(id.cast_unsigned()))
        })
    }

    fn reject<'a>(
        &'a self,
        delivery: NewDelivery<'a>,
        error: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let incoming = Incoming::from(delivery);
        let error = error.to_owned();
        let key = incoming.key.clone();
        let call = self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            let id = match find(connection, &incoming.key)? {
                // Done, or an attempt is running: that attempt settles it.
                Some((_, DeliveryState::Done, _, _)) => return Ok(false),
                Some((_, DeliveryState::Leased, until, _)) if until > now => return Ok(false),
                Some((id, _, _, _)) => id,
                None => incoming.insert(connection, DeliveryState::Dead, now)?,
            };
            connection.execute(
                "UPDATE deliveries SET state = 'dead', last_error = ?2, token = NULL, lease_until = NULL, \
                 next_attempt_at = NULL, updated_at = ?3 WHERE id = ?1",
                params![id, error, now],
            )?;
            Ok(true)
        });
        Box::pin(async move {
            let result = call.await;
            self.wake(&key);
            result
        })
    }

    fn wait<'a>(&'a self, key: &'a DeliveryKey, timeout: Duration) -> BoxFuture<'a, ()> {
        // Registered before the state is read, so a settle in between cannot be missed.
        let notified = Arc::clone(
            self.waiters
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(key.clone())
                .or_default(),
        )
        .notified_owned();
        let owned_key = key.clone();
        let still_leased = self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            Ok(find(connection, &owned_key)?
                .is_some_and(|(_, state, until, _)| state == DeliveryState::Leased && until > now))
        });
        Box::pin(async move {
            if still_leased.await.unwrap_or(false) {
                // Another process may hold the lease: look again at least every second.
                let _ = tokio::time::timeout(timeout.min(Duration::from_secs(1)), notified).await;
            }
        })
    }

    fn lease<'a>(
        &'a self,
        providers: &'a [&'a str],
        lease: Duration,
        max: usize,
    ) -> BoxFuture<'a, Result<Vec<(Lease, StoredDelivery)>, StoreError>> {
        let providers: Vec<String> = providers.iter().map(|&name| name.to_owned()).collect();
        let lease = duration_millis(lease);
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            let placeholders = vec!["?"; providers.len()].join(", ");
            // One query per state, each a range of its own index, so that the done records
            // kept for deduplication (most of the table) are never read here.
            let mut due: Vec<(i64, i64)> = Vec::new();
            for (state, column) in [("pending", "next_attempt_at"), ("leased", "lease_until")] {
                let mut statement = connection.prepare_cached(&format!(
                    "SELECT {column}, id FROM deliveries WHERE state = '{state}' AND {column} <= ? \
                     AND provider IN ({placeholders}) ORDER BY {column} LIMIT ?"
                ))?;
                let rows = statement.query_map(
                    rusqlite::params_from_iter(
                        [rusqlite::types::Value::Integer(now)]
                            .into_iter()
                            .chain(
                                providers
                                    .iter()
                                    .map(|name| rusqlite::types::Value::Text(name.clone())),
                            )
                            .chain([rusqlite::types::Value::Integer(max)]),
                    ),
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )?;
                for row in rows {
                    due.push(row?);
                }
            }
            due.sort_unstable();
            due.truncate(usize::try_from(max).unwrap_or(usize::MAX));
            let due = due.into_iter().map(|(_, id)| id);
            due.map(|id| {
                let lease = take_lease(connection, id, now, lease)?;
                let record = connection
                    .prepare_cached(&format!(
                        "SELECT {COLUMNS}, body FROM deliveries WHERE id = ?1"
                    ))?
                    .query_row([id], |row| stored(row, true))?;
                Ok((lease, record))
            })
            .collect()
        })
    }

    fn renew<'a>(
        &'a self,
        lease: &'a Lease,
        duration: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let (id, token) = (as_id(lease.id), lease.token.as_str().to_owned());
        let duration = duration_millis(duration);
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            let changed = connection.execute(
                "UPDATE deliveries SET lease_until = ?3 WHERE id = ?1 AND state = 'leased' AND token = ?2",
                params![id, token, now + duration],
            )?;
            Ok(changed == 1)
        })
    }

    fn settle<'a>(
        &'a self,
        lease: &'a Lease,
        settlement: Settlement,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let (id, token) = (as_id(lease.id), lease.token.as_str().to_owned());
        let call = self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            // A release is not a failure: the attempt it took is given back with the lease.
            let given_back = i64::from(matches!(settlement, Settlement::Release));
            let (state, next, error) = match settlement {
                Settlement::Done => (DeliveryState::Done, None, None),
                Settlement::Retry { at, error } => {
                    (DeliveryState::Pending, Some(to_millis(at)), Some(error))
                }
                Settlement::Dead { error } => (DeliveryState::Dead, None, Some(error)),
                Settlement::Release => (DeliveryState::Pending, Some(now), None),
            };
            connection
                .prepare_cached(
                    "UPDATE deliveries SET state = ?3, next_attempt_at = ?4, last_error = COALESCE(?5, last_error), \
                     token = NULL, lease_until = NULL, updated_at = ?6, attempts = MAX(attempts - ?7, 0) \
                     WHERE id = ?1 AND state = 'leased' AND token = ?2 RETURNING key",
                )?
                .query_row(
                    params![id, token, state.as_str(), next, error, now, given_back],
                    |row| row.get::<_, String>(0),
                )
                .optional()
        });
        Box::pin(async move {
            let key = call.await?;
            Ok(key.is_some_and(|key| {
                self.wake(&DeliveryKey::from_stored(key));
                true
            }))
        })
    }

    fn list<'a>(
        &'a self,
        filter: &'a Filter,
    ) -> BoxFuture<'a, Result<Vec<StoredDelivery>, StoreError>> {
        let filter = filter.clone();
        self.call(move |connection| {
            let limit = i64::try_from(filter.limit_or_default()).unwrap_or(i64::MAX);
            let before = filter.before_id.map_or(i64::MAX, as_id);
            connection
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM deliveries WHERE id < ?1 AND (?2 IS NULL OR state = ?2) \
                     AND (?3 IS NULL OR provider = ?3) AND (?4 IS NULL OR event = ?4) ORDER BY id DESC LIMIT ?5"
                ))?
                .query_map(
                    params![
                        before,
                        filter.state.map(DeliveryState::as_str),
                        filter.provider,
                        filter.event,
                        limit
                    ],
                    |row| stored(row, false),
                )?
                .collect()
        })
    }

    fn get(&self, id: u64) -> BoxFuture<'_, Result<Option<StoredDelivery>, StoreError>> {
        self.call(move |connection| {
            connection
                .prepare_cached(&format!(
                    "SELECT {COLUMNS}, body FROM deliveries WHERE id = ?1"
                ))?
                .query_row([as_id(id)], |row| stored(row, true))
                .optional()
        })
    }

    fn replay(&self, id: u64) -> BoxFuture<'_, Result<bool, StoreError>> {
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            let changed = connection.execute(
                "UPDATE deliveries SET state = 'pending', next_attempt_at = ?2, updated_at = ?2 \
                 WHERE id = ?1 AND state = 'dead'",
                params![as_id(id), now],
            )?;
            Ok(changed == 1)
        })
    }

    fn replay_dead(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            let changed = connection.execute(
                "UPDATE deliveries SET state = 'pending', next_attempt_at = ?1, updated_at = ?1 WHERE state = 'dead'",
                [now],
            )?;
            Ok(changed as u64)
        })
    }

    fn purge(&self, which: Purge) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.call(move |connection| {
            let states = match which {
                Purge::Done => "('done')",
                Purge::Dead => "('dead')",
                Purge::Settled => "('done', 'dead')",
            };
            let deleted = connection.execute(
                &format!("DELETE FROM deliveries WHERE state IN {states}"),
                [],
            )?;
            Ok(deleted as u64)
        })
    }

    fn prune(&self, retention: Retention) -> BoxFuture<'_, Result<u64, StoreError>> {
        let done_for = duration_millis(retention.done_for.min(self.done_for));
        let dead_for = duration_millis(retention.dead_for);
        let max_settled = i64::try_from(retention.max_settled).unwrap_or(i64::MAX);
        self.call(move |connection| {
            let now = to_millis(SystemTime::now());
            // One statement per state, each a range of that state's index.
            let aged = connection.execute(
                "DELETE FROM deliveries WHERE state = 'done' AND updated_at <= ?1",
                [now - done_for],
            )? + connection.execute(
                "DELETE FROM deliveries WHERE state = 'dead' AND updated_at <= ?1",
                [now - dead_for],
            )?;
            let settled: i64 = connection.query_row(
                "SELECT (SELECT COUNT(*) FROM deliveries WHERE state = 'done') \
                 + (SELECT COUNT(*) FROM deliveries WHERE state = 'dead')",
                [],
                |row| row.get(0),
            )?;
            // Past the count, the oldest done records go first: a dead letter, never
            // handled, goes only when done records alone cannot make room.
            let over = (settled - max_settled).max(0);
            let done = connection.execute(
                "DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries \
                 WHERE state = 'done' ORDER BY updated_at LIMIT ?1)",
                [over],
            )?;
            let dead = connection.execute(
                "DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries \
                 WHERE state = 'dead' ORDER BY updated_at LIMIT ?1)",
                [over - i64::try_from(done).unwrap_or(i64::MAX)],
            )?;
            Ok((aged + done + dead) as u64)
        })
    }

    fn counts(&self) -> BoxFuture<'_, Result<Counts, StoreError>> {
        self.call(|connection| {
            // One count per state, each over its own partial index rather than the table.
            let count = |state: &str| -> rusqlite::Result<u64> {
                connection
                    .prepare_cached(&format!(
                        "SELECT COUNT(*) FROM deliveries WHERE state = '{state}'"
                    ))?
                    .query_row([], |row| row.get::<_, i64>(0))
                    .map(i64::cast_unsigned)
            };
            Ok(Counts {
                pending: count("pending")?,
                leased: count("leased")?,
                done: count("done")?,
                dead: count("dead")?,
            })
        })
    }

    fn unsettled(&self) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.call(|connection| {
            connection
                .prepare_cached(
                    "SELECT (SELECT COUNT(*) FROM deliveries WHERE state = 'pending') \
                     + (SELECT COUNT(*) FROM deliveries WHERE state = 'leased')",
                )?
                .query_row([], |row| row.get::<_, i64>(0))
                .map(i64::cast_unsigned)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::{Duration, SystemTime};

    use bytes::Bytes;
    use rusqlite::Connection;

    use super::{SqliteStore, to_millis};
    use crate::store::{Claim, DeliveryKey, NewDelivery, Store as _};

    /// A new file in a directory of its own under the system's temporary directory.
    fn path(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("webhook-sqlite-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        dir.join("inbox.db")
    }

    /// A TalkPlus `message` delivery received now.
    fn message<'a>(key: &'a DeliveryKey, body: &'a Bytes) -> NewDelivery<'a> {
        NewDelivery {
            key,
            provider: "talkplus",
            event: "message",
            shown_id: None,
            scheme: "test",
            received_at: SystemTime::now(),
            body,
        }
    }

    /// Column `column` of every row of `sql`.
    fn texts(connection: &Connection, sql: &str, column: usize) -> Vec<String> {
        let mut statement = connection.prepare(sql).expect("prepare");
        statement
            .query_map([], |row| row.get::<_, String>(column))
            .expect("query")
            .map(|row| row.expect("row"))
            .collect()
    }

    #[tokio::test]
    async fn a_call_that_cannot_get_its_turn_fails_after_the_call_timeout() {
        let path = path("call-timeout");
        let store = SqliteStore::open(&path)
            .expect("open")
            .with_call_timeout(Duration::from_millis(300));
        let body = Bytes::from_static(b"{}");
        let key = DeliveryKey::new("talkplus", Some("stalled"), "message", b"");
        let delivery = || message(&key, &body);
        // Another process holds the write lock: the store's thread waits its turn (up
        // to SQLite's 5 s busy timeout), as it would on a stalled disk.
        let holder = Connection::open(&path).expect("second connection");
        holder.execute_batch("BEGIN IMMEDIATE").expect("lock");
        let started = std::time::Instant::now();
        let stalled = store.claim(delivery(), Duration::from_secs(60)).await;
        let waited = started.elapsed();
        assert!(
            stalled
                .as_ref()
                .is_err_and(|err| err.0.contains("did not answer within 300 ms")),
            "{stalled:?}"
        );
        assert!(waited < Duration::from_secs(2), "gave up after {waited:?}");
        holder.execute_batch("COMMIT").expect("unlock");
        // The stalled claim still happened when its turn came: the record is leased.
        let again = store.claim(delivery(), Duration::from_secs(60)).await;
        assert_eq!(again, Ok(Claim::InProgress));
    }

    #[test]
    fn a_batch_rolled_back_by_an_error_commits_none_of_its_jobs() {
        let connection = super::connect(&path("rolled-back"), super::Sync::Full).expect("open");
        connection
            .execute_batch("CREATE TABLE t (x BLOB); PRAGMA max_page_count = 20;")
            .expect("set up");
        let (jobs, queue) = std::sync::mpsc::channel::<super::Job>();
        let mut answers = Vec::new();
        // The middle job does not fit: SQLite answers "disk full" and rolls back the
        // whole transaction, the first job's insert with it.
        for size in [100, 200_000, 100] {
            let (answer, answered) = tokio::sync::oneshot::channel();
            let op = move |connection: &Connection| {
                connection.execute("INSERT INTO t VALUES (zeroblob(?1))", [size])
            };
            jobs.send(Box::new(super::Operation { op, answer }))
                .expect("queued");
            answers.push(answered);
        }
        drop(jobs);
        super::run_jobs(&connection, &queue);
        for (n, answered) in answers.into_iter().enumerate() {
            let answer = answered.blocking_recv().expect("answered");
            assert!(answer.is_err(), "job {n} is answered an error: {answer:?}");
        }
        let rows: i64 = connection
            .query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
            .expect("count");
        assert_eq!(rows, 0, "no job answered an error is committed");
    }

    #[tokio::test]
    async fn a_file_of_the_first_schema_is_upgraded_and_keeps_its_records() {
        let path = path("upgrade");
        let key = DeliveryKey::new(
            "talkplus",
            Some("handled-before-the-upgrade"),
            "member_banned",
            b"",
        );
        {
            let old = Connection::open(&path).expect("create");
            old.execute_batch(
                "CREATE TABLE deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL \
                 UNIQUE, provider TEXT NOT NULL, event TEXT NOT NULL, shown_id TEXT, scheme TEXT \
                 NOT NULL, received_at INTEGER NOT NULL, body BLOB, state TEXT NOT NULL, attempts \
                 INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, token TEXT, lease_until \
                 INTEGER, last_error TEXT, updated_at INTEGER NOT NULL);
                 CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
                 CREATE INDEX deliveries_lease ON deliveries (state, lease_until);
                 CREATE INDEX deliveries_settled ON deliveries (state, updated_at);
                 PRAGMA user_version = 1;",
            )
            .expect("schema 1");
            let now = to_millis(SystemTime::now());
            old.execute(
                "INSERT INTO deliveries (key, provider, event, scheme, received_at, state, \
                 attempts, updated_at) VALUES (?1, 'talkplus', 'message', 'test', ?2, 'done', 1, ?2)",
                rusqlite::params![key.as_str(), now],
            )
            .expect("a done record");
        }
        let store = SqliteStore::open(&path).expect("open a file of schema 1");
        let body = Bytes::from_static(b"{}");
        let delivery = message(&key, &body);
        assert_eq!(
            store.claim(delivery, Duration::from_secs(60)).await,
            Ok(Claim::Done),
            "a delivery handled before the upgrade is still a duplicate after it"
        );
        let reader = Connection::open(&path).expect("second connection");
        let version: i64 = reader
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("version");
        assert_eq!(version, 2);
        let mut indexes = texts(
            &reader,
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
            0,
        );
        indexes.sort();
        assert_eq!(
            indexes,
            [
                "deliveries_dead",
                "deliveries_done",
                "deliveries_leased",
                "deliveries_pending"
            ]
        );
    }

    #[tokio::test]
    async fn the_frequent_queries_read_an_index_never_the_whole_table() {
        let path = path("plans");
        let _store = SqliteStore::open(&path).expect("open");
        let reader = Connection::open(&path).expect("second connection");
        for (query, index) in [
            (
                "SELECT next_attempt_at, id FROM deliveries WHERE state = 'pending' AND \
                 next_attempt_at <= 1 AND provider IN ('talkplus') ORDER BY next_attempt_at LIMIT 8",
                "deliveries_pending",
            ),
            (
                "SELECT lease_until, id FROM deliveries WHERE state = 'leased' AND lease_until <= 1 \
                 AND provider IN ('talkplus') ORDER BY lease_until LIMIT 8",
                "deliveries_leased",
            ),
            (
                "DELETE FROM deliveries WHERE state = 'done' AND updated_at <= 1",
                "deliveries_done",
            ),
            (
                "DELETE FROM deliveries WHERE state = 'dead' AND updated_at <= 1",
                "deliveries_dead",
            ),
            (
                "SELECT COUNT(*) FROM deliveries WHERE state = 'pending'",
                "deliveries_pending",
            ),
            (
                "SELECT COUNT(*) FROM deliveries WHERE state = 'done'",
                "deliveries_done",
            ),
        ] {
            // The plan's fourth column says how each table is read; a bare `SCAN deliveries`
            // reads every row (a scan of a partial index reads that state's rows only).
            let plan = texts(&reader, &format!("EXPLAIN QUERY PLAN {query}"), 3);
            assert!(
                plan.iter().any(|step| step.contains(index))
                    && !plan.iter().any(|step| step == "SCAN deliveries"),
                "{query}: {plan:?}"
            );
        }
    }
}
