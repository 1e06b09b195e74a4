//! `GET /healthz` and `GET /readyz` for a load balancer or an orchestrator.
//!
//! ```
//! use std::sync::Arc;
//! use webhook_core::{Inbox, MemoryStore, Store};
//!
//! let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
//! let inbox = Inbox::new(Arc::clone(&store));
//! let app: axum::Router = axum::Router::new()
//!     // ... the webhook routes ...
//!     .merge(webhook_axum::Health::new().store(store).inbox(&inbox).router());
//! # let _ = app;
//! ```
//!
//! | route | 200 | 503 |
//! |---|---|---|
//! | `/healthz` | the process serves requests | — |
//! | `/readyz` | every required store answered within the timeout (1 s by default) and no inbox is over its limit of unsettled deliveries | a required store did not answer, or an inbox is full or shutting down: the reply says which |
//!
//! A store added with [`Health::optional_store`] is checked and reported, but its failure
//! leaves the process ready: the store of inline-mode dispatchers that go on handling
//! deliveries without it ([`OnStoreError::Process`](webhook_core::OnStoreError::Process),
//! the default). Taking every instance out of the load balancer while a shared store is
//! away would lose those deliveries instead of only their deduplication.
//!
//! The replies are plain text, one line per check: the store's kind and whether it
//! answered (why not is logged, not answered: an error may name a file or a host). The checks run at most once a second, one at a time, whoever asks: a flood of
//! probes cannot become a flood of store queries in front of the deliveries.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use webhook_core::{Inbox, Store};

/// The health routes and what `/readyz` checks.
#[derive(Clone, Default)]
pub struct Health {
    stores: Vec<Checked>,
    inboxes: Vec<Inbox>,
    timeout: Option<Duration>,
}

/// A store `/readyz` checks, and whether readiness needs it.
#[derive(Clone)]
struct Checked {
    store: Arc<dyn Store>,
    required: bool,
}

/// What `/readyz` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// Whether every check passed.
    pub ready: bool,
    /// One line per check, as the reply shows them.
    pub checks: Vec<String>,
}

impl Health {
    /// How long a store may take to answer `/readyz`'s probe.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

    /// Routes that check nothing yet: `/readyz` is ready as long as the process serves.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `/readyz` check that `store` answers (it counts the unsettled deliveries).
    #[must_use]
    pub fn store(self, store: Arc<dyn Store>) -> Self {
        self.checking(store, true)
    }

    /// Makes `/readyz` report whether `store` answers, staying ready when it does not:
    /// for the store of inline-mode dispatchers that handle deliveries without it while
    /// it is away (see the module docs).
    #[must_use]
    pub fn optional_store(self, store: Arc<dyn Store>) -> Self {
        self.checking(store, false)
    }

    /// Makes `/readyz` check that `inbox` is accepting deliveries (below its limit of
    /// unsettled ones, not shutting down). Its store is checked too, and required.
    #[must_use]
    pub fn inbox(mut self, inbox: &Inbox) -> Self {
        self = self.checking(Arc::clone(inbox.store()), true);
        self.inboxes.push(inbox.clone());
        self
    }

    /// Adds `store` to the checks once; required if any use of it requires it.
    fn checking(mut self, store: Arc<dyn Store>, required: bool) -> Self {
        match self
            .stores
            .iter_mut()
            .find(|checked| Arc::ptr_eq(&checked.store, &store))
        {
            Some(checked) => checked.required |= required,
            None => self.stores.push(Checked { store, required }),
        }
        self
    }

    /// How long a store may take to answer the probe ([`Self::DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// `/readyz`'s answer: the last checks when they ran within the last second, else new
    /// ones. One probe at a time checks; the others wait for its answer.
    async fn check_at_most_every_second(
        &self,
        last: &tokio::sync::Mutex<Option<(Instant, Readiness)>>,
    ) -> Readiness {
        let mut last = last.lock().await;
        if let Some((at, readiness)) = &*last
            && at.elapsed() < Duration::from_secs(1)
        {
            return readiness.clone();
        }
        let readiness = self.check().await;
        *last = Some((Instant::now(), readiness.clone()));
        readiness
    }

    /// Runs `/readyz`'s checks.
    pub async fn check(&self) -> Readiness {
        let timeout = self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT);
        let mut ready = true;
        let mut checks = Vec::new();
        for Checked { store, required } in &self.stores {
            let kind = store.kind();
            let failed = match tokio::time::timeout(timeout, store.unsettled()).await {
                Ok(Ok(unsettled)) => {
                    checks.push(format!("store {kind}: ok ({unsettled} unsettled)"));
                    continue;
                }
                Ok(Err(err)) => {
                    // The error may name a file or a host: logged, not answered to anyone
                    // who asks.
                    crate::log_limit::refused!(
                        crate::log_limit::Refusal::StoreUnreachable,
                        warn,
                        error = %err,
                        store = kind,
                        "readiness: the store does not answer"
                    );
                    format!("store {kind}: unreachable (the server's log says why)")
                }
                Err(_) => format!("store {kind}: no answer within {} ms", timeout.as_millis()),
            };
            if *required {
                ready = false;
                checks.push(failed);
            } else {
                checks.push(format!(
                    "{failed} (not required: deliveries are handled without it)"
                ));
            }
        }
        for inbox in &self.inboxes {
            let limit = inbox.settings().max_unsettled;
            let unsettled = inbox.unsettled();
            if inbox.is_accepting() {
                checks.push(format!(
                    "inbox: accepting ({unsettled} of at most {limit} unsettled)"
                ));
            } else {
                ready = false;
                checks.push(format!(
                    "inbox: not accepting ({unsettled} of at most {limit} unsettled, or shutting down)"
                ));
            }
        }
        Readiness { ready, checks }
    }

    /// `GET /healthz` and `GET /readyz`, to merge into the application's router.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        let health = Arc::new(self);
        let last: Arc<tokio::sync::Mutex<Option<(Instant, Readiness)>>> = Arc::default();
        Router::new()
            .route("/healthz", get(|| async { (StatusCode::OK, "ok\n") }))
            .route(
                "/readyz",
                get(move || {
                    let (health, last) = (Arc::clone(&health), Arc::clone(&last));
                    async move {
                        let readiness = health.check_at_most_every_second(&last).await;
                        let mut reply = String::from(if readiness.ready {
                            "ready\n"
                        } else {
                            "not ready\n"
                        });
                        for line in &readiness.checks {
                            let _ = writeln!(reply, "{line}");
                        }
                        let status = if readiness.ready {
                            StatusCode::OK
                        } else {
                            StatusCode::SERVICE_UNAVAILABLE
                        };
                        if !readiness.ready {
                            crate::log_limit::refused!(
                                crate::log_limit::Refusal::NotReady,
                                warn,
                                checks = ?readiness.checks,
                                "not ready"
                            );
                        }
                        (status, reply)
                    }
                }),
            )
    }
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stores: Vec<&str> = self
            .stores
            .iter()
            .map(|checked| checked.store.kind())
            .collect();
        f.debug_struct("Health")
            .field("stores", &stores)
            .field("inboxes", &self.inboxes.len())
            .field("timeout", &self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT))
            .finish()
    }
}
