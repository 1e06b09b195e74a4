//! `webhook-cli`: sends correctly signed TalkPlus and Amity deliveries to a local
//! endpoint, for trying handlers without the platform, and reads and replays what a
//! server recorded in its store.
//!
//! ```text
//! WEBHOOK_KEY=KEY webhook-cli send talkplus member_banned --url http://127.0.0.1:3000/webhooks/talkplus
//! WEBHOOK_KEY=SECRET webhook-cli send amity channel.didJoin --url http://127.0.0.1:3000/webhooks/amity --scheme legacy
//!     (--scheme current: x-amity-signature in base64, the default; current-hex: in hex; both: current and legacy)
//! WEBHOOK_KEY=KEY webhook-cli send talkplus --body my-event.json --url …     (or --body - for stdin)
//! webhook-cli list
//! WEBHOOK_KEY=KEY webhook-cli sign talkplus --body my-event.json              (prints the header, for curl)
//! webhook-cli inbox list [--state dead] [--event NAME] --store webhook-inbox.db   (or --redis URL)
//! webhook-cli inbox show ID --store …
//! webhook-cli inbox replay ID --store …      (or replay --all)
//! webhook-cli inbox purge dead --yes --store …     (or done, settled)
//! ```
//!
//! Keys are read from `WEBHOOK_KEY`; `--key` works too, but a key on the command line is
//! visible to every user of the machine (`ps`).

/// `print!` that ends the program when the reader has gone (`webhook-cli … | head`), as
/// other command-line tools do, where `print!` would panic.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!($($arg)*))
    };
}

/// `println!`, ending the program like [`out!`] when the reader has gone.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod inbox;

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use webhook_core::testing::{SAMPLES, body_for};
use webhook_core::{SignatureScheme, amity, talkplus};

#[derive(Parser)]
#[command(
    version,
    about = "Send signed TalkPlus and Amity webhook deliveries to a local endpoint, and list, show, replay and purge what a server recorded in its store"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Post a signed delivery: the event's sample, or the body given with --body.
    Send {
        /// `talkplus` or `amity`.
        provider: Platform,
        /// Event name as the platform spells it (`member_banned`, `channel.didJoin`).
        event: Option<String>,
        /// Endpoint to post to.
        #[arg(long)]
        url: String,
        /// App API Key (TalkPlus) or webhook secret (Amity).
        #[arg(long, env = "WEBHOOK_KEY", hide_env_values = true)]
        key: String,
        /// A JSON file to send instead of the sample; `-` reads standard input.
        #[arg(long)]
        body: Option<String>,
        /// Signature scheme (Amity only): current (`x-amity-signature` in base64),
        /// current-hex (the same HMAC in hex, as Amity's use-case pages write it), legacy
        /// (`X-EKO-Signature`), or both (current and legacy headers at once).
        #[arg(long, value_enum)]
        scheme: Option<Scheme>,
        /// Keep the sample's Amity `requestId` instead of a fresh one, to replay a retry
        /// (a deduplicating server then acknowledges it without running handlers).
        #[arg(long, conflicts_with = "body")]
        same_request_id: bool,
        /// Seconds to wait for the connection and the whole answer.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        timeout: u64,
    },
    /// List the events this tool knows and whether each has a documented sample.
    List,
    /// Read and replay what a server recorded: its dead letters, retries and handled
    /// deliveries.
    Inbox {
        #[command(subcommand)]
        command: inbox::Command,
        #[command(flatten)]
        store: inbox::StoreArgs,
    },
    /// Print the signature header for a body, for use with curl.
    Sign {
        /// `talkplus` or `amity`.
        provider: Platform,
        /// App API Key (TalkPlus) or webhook secret (Amity).
        #[arg(long, env = "WEBHOOK_KEY", hide_env_values = true)]
        key: String,
        /// The body file; `-` reads standard input.
        #[arg(long)]
        body: String,
        /// Signature scheme (Amity only; current when not given).
        #[arg(long, value_enum)]
        scheme: Option<Scheme>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Platform {
    Talkplus,
    Amity,
}

impl Platform {
    fn name(self) -> &'static str {
        match self {
            Self::Talkplus => "talkplus",
            Self::Amity => "amity",
        }
    }

    /// The headers to sign with. TalkPlus has one scheme, so asking it for another is an
    /// error rather than a request signed some other way than the user asked.
    fn schemes(self, scheme: Option<Scheme>) -> Result<Vec<SignatureScheme>, String> {
        Ok(match (self, scheme) {
            (Self::Talkplus, None) => vec![talkplus::SIGNATURE],
            (Self::Talkplus, Some(_)) => {
                return Err("--scheme is for Amity; TalkPlus has one signature scheme".to_owned());
            }
            (Self::Amity, None | Some(Scheme::Current)) => vec![amity::SIGNATURE],
            (Self::Amity, Some(Scheme::CurrentHex)) => vec![amity::SIGNATURE_HEX],
            (Self::Amity, Some(Scheme::Legacy)) => vec![amity::LEGACY_SIGNATURE],
            (Self::Amity, Some(Scheme::Both)) => vec![amity::SIGNATURE, amity::LEGACY_SIGNATURE],
        })
    }

    fn events(self) -> &'static [&'static str] {
        match self {
            Self::Talkplus => talkplus::EVENT_NAMES,
            Self::Amity => amity::EVENT_NAMES,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Scheme {
    Current,
    CurrentHex,
    Legacy,
    Both,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(Cli::parse().command).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes to stdout; a closed pipe ends the program with the status a shell gives a
/// program stopped by `SIGPIPE` (141), quietly.
fn write_out(text: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the output: {err}");
        }
        std::process::exit(if err.kind() == std::io::ErrorKind::BrokenPipe {
            141
        } else {
            2
        });
    }
}

async fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Inbox { command, store } => inbox::run(command, &store).await,
        Command::List => {
            let platforms = [Platform::Talkplus, Platform::Amity];
            let width = platforms
                .iter()
                .flat_map(|platform| platform.events())
                .map(|event| event.len())
                .max()
                .unwrap_or(0);
            for platform in platforms {
                for event in platform.events() {
                    let source = if SAMPLES
                        .iter()
                        .any(|(p, e, _)| *p == platform.name() && e == event)
                    {
                        "documented sample"
                    } else {
                        "built from the typed event's default value"
                    };
                    outln!("{:<9} {event:<width$}  {source}", platform.name());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sign {
            provider,
            key,
            body,
            scheme,
        } => {
            let schemes = provider.schemes(scheme)?;
            refuse_empty(&key)?;
            let body = read_body(&body)?;
            for scheme in schemes {
                outln!("{}: {}", scheme.header, scheme.sign(key.as_bytes(), &body));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Send {
            provider,
            event,
            url,
            key,
            body,
            scheme,
            same_request_id,
            timeout,
        } => {
            let schemes = provider.schemes(scheme)?;
            refuse_empty(&key)?;
            let body = match (&body, &event) {
                (Some(_), Some(event)) => {
                    return Err(format!(
                        "give either an event name (`{event}`, to send its sample) or --body, not both"
                    ));
                }
                (Some(path), None) => read_body(path)?,
                (None, Some(event)) => {
                    let sample = body_for(provider.name(), event).ok_or_else(|| {
                        format!(
                            "unknown {} event `{event}`; `webhook-cli list` shows the known ones",
                            provider.name()
                        )
                    })?;
                    match provider {
                        // Every Amity sample carries the same requestId: each send is a
                        // new delivery unless asked to replay.
                        Platform::Amity if !same_request_id => fresh_request_id(&sample)?,
                        _ => sample.into_bytes(),
                    }
                }
                (None, None) => return Err("give an event name or --body".to_owned()),
            };
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(timeout))
                .build()
                .map_err(|err| format!("cannot make an HTTP client: {}", with_causes(&err)))?;
            let mut request = client.post(&url).header("content-type", "application/json");
            for scheme in schemes {
                request = request.header(scheme.header, scheme.sign(key.as_bytes(), &body));
            }
            let response = request.body(body).send().await.map_err(|err| {
                let hint = if !url.starts_with("http://") && !url.starts_with("https://") {
                    " (a URL starts with http://)"
                } else if url.starts_with("https://") {
                    " (this tool speaks plain HTTP only, for local servers)"
                } else {
                    ""
                };
                format!("could not post to {url}: {}{hint}", with_causes(&err))
            })?;
            let status = response.status();
            let reply = response.text().await.map_err(|err| {
                format!(
                    "{status}, but its answer could not be read: {}",
                    with_causes(&err)
                )
            })?;
            outln!("{status}");
            out!("{reply}");
            Ok(if status.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// An error and its causes, one after the other: reqwest's own message names only the
/// step that failed ("error sending request"), its causes say why.
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// An empty key signs with nothing: a `WEBHOOK_KEY=` left empty by mistake.
fn refuse_empty(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err(
            "the key is empty: set WEBHOOK_KEY (or --key) to the App API Key or webhook secret"
                .to_owned(),
        );
    }
    Ok(())
}

/// The sample with a `requestId` no other send has used.
fn fresh_request_id(sample: &str) -> Result<Vec<u8>, String> {
    let mut body: serde_json::Value =
        serde_json::from_str(sample).map_err(|err| format!("sample is not JSON: {err}"))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    if let Some(fields) = body.as_object_mut() {
        fields.insert(
            "requestId".to_owned(),
            format!("webhook-cli-{nanos:x}-{:x}", std::process::id()).into(),
        );
    }
    serde_json::to_vec(&body).map_err(|err| err.to_string())
}

fn read_body(path: &str) -> Result<Vec<u8>, String> {
    if path == "-" {
        let mut body = Vec::new();
        std::io::stdin()
            .read_to_end(&mut body)
            .map_err(|err| format!("could not read standard input: {err}"))?;
        Ok(body)
    } else {
        std::fs::read(path).map_err(|err| format!("could not read {path}: {err}"))
    }
}
