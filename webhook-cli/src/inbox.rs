//! `webhook-cli inbox`: list, show, replay and purge the deliveries a server recorded, in
//! its embedded file or in Redis, while it runs.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use clap::{Args, Subcommand, ValueEnum};
use webhook_core::Store;
use webhook_core::store::redis::RedisStore;
use webhook_core::store::sqlite::SqliteStore;
use webhook_core::store::{DeliveryState, Filter, Purge, StoredDelivery, event_from_shown};

/// Which store to open.
#[derive(Args)]
pub(crate) struct StoreArgs {
    /// The server's embedded store file: the server's `WEBHOOK_STORE`, whose default is
    /// `webhook-inbox.db` in the server's working directory. This tool has no default:
    /// give `--store` or `--redis` (or set `REDIS_URL`).
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "redis")]
    store: Option<std::path::PathBuf>,
    /// The server's Redis (its `REDIS_URL`). Without `--store` or `--redis`, the
    /// `REDIS_URL` environment variable is used when set: an explicit `--store` wins over
    /// it.
    #[arg(long, global = true, value_name = "URL")]
    redis: Option<String>,
    /// The Redis key prefix the server uses: its `WEBHOOK_REDIS_PREFIX`, read from the
    /// environment when not given, `webhook:` when that is unset or blank (as the server
    /// reads it).
    #[arg(long, global = true)]
    redis_prefix: Option<String>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// List recorded deliveries, newest first.
    List {
        /// Only deliveries in this state.
        #[arg(long, value_enum)]
        state: Option<State>,
        /// Only this event name (`(unreadable)` for bodies kept without a readable one).
        #[arg(long)]
        event: Option<String>,
        /// Only this provider (`talkplus`, `amity`).
        #[arg(long)]
        provider: Option<String>,
        /// At most this many (1 or more).
        #[arg(
            long,
            default_value_t = Filter::DEFAULT_LIMIT,
            value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
        )]
        limit: usize,
    },
    /// Show one delivery: its facts, its last error and its body.
    Show {
        /// The delivery's id, as `list` shows it.
        id: u64,
    },
    /// Put a dead letter back to pending: the running server's workers run it through
    /// the handlers again.
    Replay {
        /// The dead letter's id.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<u64>,
        /// Every dead letter.
        #[arg(long)]
        all: bool,
    },
    /// Delete settled deliveries at once (the server also prunes them by age). Without
    /// `--yes`, says how many it would delete and deletes nothing.
    Purge {
        /// What to delete.
        #[arg(value_enum)]
        which: Which,
        /// Delete them: a dead letter deleted can no longer be replayed, and a copy of a
        /// handled delivery deleted runs its handlers again.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum State {
    Pending,
    Leased,
    Done,
    Dead,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Which {
    /// Handled deliveries (a copy arriving later then runs again).
    Done,
    /// Dead letters.
    Dead,
    /// Both.
    Settled,
}

impl From<State> for DeliveryState {
    fn from(state: State) -> Self {
        match state {
            State::Pending => Self::Pending,
            State::Leased => Self::Leased,
            State::Done => Self::Done,
            State::Dead => Self::Dead,
        }
    }
}

fn open(args: &StoreArgs) -> Result<Arc<dyn Store>, String> {
    // Not clap's `env`: a variable would then conflict with an explicit `--store`.
    let from_environment = std::env::var("REDIS_URL")
        .ok()
        .filter(|url| !url.is_empty());
    let redis = args.redis.as_ref().or(from_environment.as_ref());
    match (&args.store, redis) {
        (Some(path), _) => {
            if !path.exists() {
                return Err(format!(
                    "{} does not exist: give the server's WEBHOOK_STORE file",
                    path.display()
                ));
            }
            Ok(Arc::new(
                SqliteStore::open_existing(path).map_err(|err| err.to_string())?,
            ))
        }
        (None, Some(url)) => {
            let prefix = args
                .redis_prefix
                .clone()
                .or_else(|| std::env::var("WEBHOOK_REDIS_PREFIX").ok())
                .filter(|prefix| !prefix.trim().is_empty())
                .unwrap_or_else(|| RedisStore::DEFAULT_PREFIX.to_owned());
            Ok(Arc::new(
                RedisStore::new(url)
                    .map_err(|err| err.to_string())?
                    .with_prefix(prefix),
            ))
        }
        (None, None) => Err("give --store PATH or --redis URL".to_owned()),
    }
}

pub(crate) async fn run(command: Command, args: &StoreArgs) -> Result<ExitCode, String> {
    let store = open(args)?;
    let failed = |err: webhook_core::StoreError| err.to_string();
    match command {
        Command::List {
            state,
            event,
            provider,
            limit,
        } => {
            let filter = Filter {
                state: state.map(Into::into),
                provider,
                // `(unreadable)`, as the list shows it, finds those records.
                event: event.map(|event| event_from_shown(&event).to_owned()),
                before_id: None,
                limit,
            };
            let records = store.list(&filter).await.map_err(failed)?;
            print_list(&records);
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id } => match store.get(id).await.map_err(failed)? {
            Some(record) => {
                print_record(&record);
                Ok(ExitCode::SUCCESS)
            }
            None => Err(format!("no delivery {id}")),
        },
        Command::Replay { id: Some(id), .. } => {
            if store.replay(id).await.map_err(failed)? {
                outln!("delivery {id} is pending again; the server's workers will run it");
                return Ok(ExitCode::SUCCESS);
            }
            match store.get(id).await.map_err(failed)? {
                Some(record) => Err(format!(
                    "delivery {id} is {}, not a dead letter: only dead letters are replayed",
                    record.state
                )),
                None => Err(format!(
                    "no delivery {id} in this store (pruned, purged, or another store?)"
                )),
            }
        }
        Command::Replay { id: None, .. } => {
            let replayed = store.replay_dead().await.map_err(failed)?;
            let letters = if replayed == 1 {
                "dead letter is"
            } else {
                "dead letters are"
            };
            outln!("{replayed} {letters} pending again");
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge { which, yes: false } => {
            let counts = store.counts().await.map_err(failed)?;
            let (count, what) = match which {
                Which::Done => (
                    counts.done,
                    "handled deliveries (a copy of one arriving later then runs again)",
                ),
                Which::Dead => (counts.dead, "dead letters (they can no longer be replayed)"),
                Which::Settled => (
                    counts.done + counts.dead,
                    "handled deliveries and dead letters (those can no longer be replayed)",
                ),
            };
            Err(format!(
                "this deletes {count} {what}: run it again with --yes to delete them"
            ))
        }
        Command::Purge { which, yes: true } => {
            let which = match which {
                Which::Done => Purge::Done,
                Which::Dead => Purge::Dead,
                Which::Settled => Purge::Settled,
            };
            let purged = store.purge(which).await.map_err(failed)?;
            outln!("deleted {purged} deliveries");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn time(at: SystemTime) -> String {
    webhook_core::store::shown_time(at)
}

/// `text` with its control characters written as escapes (`\u{1b}`), so that what a
/// delivery carries cannot move the cursor, recolour or clear the operator's terminal;
/// `lines` keeps line breaks and tabs (a body's layout).
fn printable(text: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| c.is_control() && !(lines && (c == '\n' || c == '\t'));
    if !text.chars().any(escaped) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn print_list(records: &[StoredDelivery]) {
    if records.is_empty() {
        outln!("no deliveries");
        return;
    }
    outln!(
        "{:>6}  {:<7}  {:<8}  {:<24}  {:>8}  {:<20}  last error",
        "id",
        "state",
        "provider",
        "event",
        "attempts",
        "received"
    );
    for record in records {
        let error = record.last_error.as_deref().unwrap_or("");
        let error: String = error.chars().take(100).collect();
        outln!(
            "{:>6}  {:<7}  {:<8}  {:<24}  {:>8}  {:<20}  {}",
            record.id,
            record.state.as_str(),
            printable(&record.provider, false),
            printable(record.event_shown(), false),
            record.attempts,
            time(record.received_at),
            printable(&error, false),
        );
    }
}

fn print_record(record: &StoredDelivery) {
    outln!("id:          {}", record.id);
    outln!("state:       {}", record.state);
    outln!("provider:    {}", printable(&record.provider, false));
    outln!("event:       {}", printable(record.event_shown(), false));
    outln!(
        "delivery id: {}",
        printable(record.shown_id.as_deref().unwrap_or("(none)"), false)
    );
    outln!("verified by: {}", printable(&record.scheme, false));
    outln!("received:    {}", time(record.received_at));
    outln!("attempts:    {}", record.attempts);
    if let Some(next) = record.next_attempt_at {
        outln!("next:        {}", time(next));
    }
    outln!("updated:     {}", time(record.updated_at));
    outln!(
        "last error:  {}",
        printable(record.last_error.as_deref().unwrap_or("(none)"), true)
    );
    // The bytes as received (what the signature covered), not a re-serialisation, which
    // would reorder keys, merge repeated ones and round numbers.
    match &record.body {
        Some(body) => match std::str::from_utf8(body) {
            Ok(text) => match printable(text, true) {
                std::borrow::Cow::Borrowed(text) => {
                    outln!("body ({} bytes, as received):\n{text}", body.len());
                }
                std::borrow::Cow::Owned(text) => outln!(
                    "body ({} bytes, as received but for its control characters, escaped):\n{text}",
                    body.len()
                ),
            },
            Err(_) => outln!(
                "body ({} bytes, not UTF-8; invalid bytes shown as U+FFFD):\n{}",
                body.len(),
                printable(&String::from_utf8_lossy(body), true)
            ),
        },
        None => outln!("body:        (not kept)"),
    }
}
