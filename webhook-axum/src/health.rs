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
//! | `/readyz` | every store answered within the timeout (1 s by default) and no inbox is over its limit of unsettled deliveries | a store did not answer, or an inbox is full or shutting down: the reply says which |
//!
//! The replies are plain text, one line per check: the store's kind and, when it failed,
//! its error.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use webhook_core::{Inbox, Store};

/// The health routes and what `/readyz` checks.
#[derive(Clone, Default)]
pub struct Health {
    stores: Vec<Arc<dyn Store>>,
    inboxes: Vec<Inbox>,
    timeout: Option<Duration>,
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
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.stores.push(store);
        self
    }

    /// Makes `/readyz` check that `inbox` is accepting deliveries (below its limit of
    /// unsettled ones, not shutting down). Its store is checked too.
    #[must_use]
    pub fn inbox(mut self, inbox: &Inbox) -> Self {
        if !self
            .stores
            .iter()
            .any(|store| Arc::ptr_eq(store, inbox.store()))
        {
            self.stores.push(Arc::clone(inbox.store()));
        }
        self.inboxes.push(inbox.clone());
        self
    }

    /// How long a store may take to answer the probe ([`Self::DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Runs `/readyz`'s checks.
    pub async fn check(&self) -> Readiness {
        let timeout = self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT);
        let mut ready = true;
        let mut checks = Vec::new();
        for store in &self.stores {
            let kind = store.kind();
            match tokio::time::timeout(timeout, store.unsettled()).await {
                Ok(Ok(unsettled)) => {
                    checks.push(format!("store {kind}: ok ({unsettled} unsettled)"))
                }
                Ok(Err(err)) => {
                    ready = false;
                    checks.push(format!("store {kind}: unreachable: {err}"));
                }
                Err(_) => {
                    ready = false;
                    checks.push(format!(
                        "store {kind}: no answer within {} ms",
                        timeout.as_millis()
                    ));
                }
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
        Router::new()
            .route("/healthz", get(|| async { (StatusCode::OK, "ok\n") }))
            .route(
                "/readyz",
                get(move || {
                    let health = Arc::clone(&health);
                    async move {
                        let readiness = health.check().await;
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
        let stores: Vec<&str> = self.stores.iter().map(|store| store.kind()).collect();
        f.debug_struct("Health")
            .field("stores", &stores)
            .field("inboxes", &self.inboxes.len())
            .field("timeout", &self.timeout.unwrap_or(Self::DEFAULT_TIMEOUT))
            .finish()
    }
}
