//! A page for people: the inbox's recent deliveries, one delivery's body and error, and
//! replay of dead letters with a button. Server-rendered HTML (no JavaScript), readable
//! on a phone.
//!
//! ```
//! use std::sync::Arc;
//! use webhook_axum::{InboxPage, InboxToken};
//! use webhook_core::{Inbox, MemoryStore};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let inbox = Inbox::new(Arc::new(MemoryStore::new()));
//! let token = InboxToken::new("a long random token from the environment")?;
//! let app: axum::Router = axum::Router::new()
//!     .nest("/webhooks/_inbox", InboxPage::new(&inbox, token).router());
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! # Access
//!
//! Every route answers 401 (with a sign-in form as its page) unless the request carries
//! the token, in one of three ways: `Authorization: Bearer <token>`, `Authorization:
//! Basic` with the token as the password (any user name), or the session cookie that
//! signing in with the form sets (`HttpOnly`, `SameSite=Strict`, scoped to the page's
//! path; its value is the sign-in time and an HMAC of it under the token, not the token
//! itself, and it is refused 12 hours after signing in). Signing out ends every session
//! signed in before it, so a copy of the cookie left elsewhere stops working too; this is
//! kept by the process, so another instance, or this one after a restart, still takes
//! such a copy until its 12 hours are up (change the token to end every session at
//! once). Tokens are compared
//! in constant time. Buttons that change something (replay) also carry a form value
//! derived from the token, so another site cannot press them for a signed-in person.
//! Serve the page over TLS (a reverse proxy) anywhere but loopback.
//!
//! Everything shown that comes from a delivery (event names, ids, bodies, errors) is
//! escaped: a body holding `<script>` is shown as text.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use axum::Router;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{Form, NestedPath, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use webhook_core::Inbox;
use webhook_core::store::{DeliveryState, Filter, StoredDelivery};

/// The session cookie's name.
const COOKIE: &str = "webhook_inbox_session";

/// How long a sign-in lasts: a session cookie copied somewhere (a proxy's log) stops
/// working after this, token or not.
const SESSION_SECS: u64 = 12 * 3600;
const SESSION_MILLIS: u64 = SESSION_SECS * 1000;

/// The token that opens the inbox page. Never shown by `Debug`.
#[derive(Clone)]
pub struct InboxToken(Arc<str>);

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InboxTokenError {
    /// Shorter than [`InboxToken::MIN_LEN`]: it could be guessed.
    #[error("the inbox token must be at least {} characters", InboxToken::MIN_LEN)]
    TooShort,
}

impl InboxToken {
    /// The shortest token accepted.
    pub const MIN_LEN: usize = 16;

    /// A token, from the environment or a secret store.
    ///
    /// # Errors
    /// [`InboxTokenError::TooShort`] under [`Self::MIN_LEN`] characters.
    pub fn new(token: impl Into<String>) -> Result<Self, InboxTokenError> {
        let token = token.into();
        if token.chars().count() < Self::MIN_LEN {
            return Err(InboxTokenError::TooShort);
        }
        Ok(Self(token.into()))
    }

    /// Whether `candidate` is the token, in time independent of where they differ.
    fn matches(&self, candidate: &[u8]) -> bool {
        let expected = Sha256::digest(self.0.as_bytes());
        let given = Sha256::digest(candidate);
        expected.ct_eq(&given).into()
    }

    /// A value derived from the token for `purpose`: the session cookie, the form value.
    fn derive(&self, purpose: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(purpose.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn derived_matches(&self, purpose: &str, candidate: &str) -> bool {
        self.derive(purpose)
            .as_bytes()
            .ct_eq(candidate.as_bytes())
            .into()
    }

    /// A session signed in at `issued` (milliseconds since the Unix epoch): the time,
    /// then an HMAC of it under the token, so that it cannot be moved forward.
    fn session(&self, issued: u64) -> String {
        format!(
            "{issued}.{}",
            self.derive(&format!("webhook inbox session {issued}"))
        )
    }

    /// When `candidate` was signed in, if it is a session of this token signed in at
    /// most [`SESSION_SECS`] before `now` (and not more than a minute after it), all in
    /// milliseconds.
    fn session_issued(&self, candidate: &str, now: u64) -> Option<u64> {
        let issued = candidate
            .split_once('.')
            .and_then(|(issued, _)| issued.parse::<u64>().ok())?;
        let valid = issued <= now.saturating_add(60_000)
            && now.saturating_sub(issued) <= SESSION_MILLIS
            && bool::from(self.session(issued).as_bytes().ct_eq(candidate.as_bytes()));
        valid.then_some(issued)
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        })
}

impl fmt::Debug for InboxToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InboxToken(..)")
    }
}

/// The inbox page of one [`Inbox`], protected by an [`InboxToken`].
#[derive(Clone, Debug)]
pub struct InboxPage {
    inbox: Inbox,
    token: InboxToken,
    /// When someone signed in last signed out (milliseconds since the Unix epoch):
    /// sessions signed in until then are refused.
    signed_out_at: Arc<AtomicU64>,
    /// The latest time this page has read, which its clock never goes back from.
    latest: Arc<AtomicU64>,
}

impl InboxPage {
    /// The page of `inbox`'s store; its replay button wakes `inbox`'s workers.
    #[must_use]
    pub fn new(inbox: &Inbox, token: InboxToken) -> Self {
        Self {
            inbox: inbox.clone(),
            token,
            signed_out_at: Arc::default(),
            latest: Arc::default(),
        }
    }

    /// The page's time given the wall clock's: never earlier than a time it read before,
    /// so that a clock set back can neither keep a session signed in before a sign-out
    /// alive nor make a new one look issued in the future.
    fn now_from(&self, wall: u64) -> u64 {
        self.latest.fetch_max(wall, Ordering::AcqRel).max(wall)
    }

    /// A new session's issue time, later than the last sign-out.
    fn issue_session(&self, wall: u64) -> u64 {
        self.now_from(wall)
            .max(self.signed_out_at.load(Ordering::Acquire) + 1)
    }

    /// Ends every session issued until now.
    fn sign_out_all(&self, wall: u64) {
        self.signed_out_at
            .fetch_max(self.now_from(wall), Ordering::AcqRel);
    }

    /// Whether `session` is a live session at wall time `wall`.
    fn session_live(&self, session: &str, wall: u64) -> bool {
        self.token
            .session_issued(session, self.now_from(wall))
            .is_some_and(|issued| issued > self.signed_out_at.load(Ordering::Acquire))
    }

    /// The page's routes, to `nest` under a path of the application's choosing.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new()
            .route("/", get(list))
            .route("/deliveries/{id}", get(show))
            .route("/deliveries/{id}/replay", post(replay_one))
            .route("/replay-dead", post(replay_dead))
            .route("/sign-in", post(sign_in))
            .route("/sign-out", post(sign_out))
            .layer(axum::middleware::map_response(page_headers))
            .with_state(Arc::new(self))
    }

    /// Whether the request carries the token (header or session cookie).
    fn authorized(&self, headers: &HeaderMap) -> bool {
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        // The scheme's name is case-insensitive (RFC 9110). Credentials that are not the
        // token (a proxy's own, such as nginx's `auth_basic` passes on) leave the session
        // cookie to decide.
        if let Some((scheme, credentials)) = authorization.and_then(|value| value.split_once(' ')) {
            if scheme.eq_ignore_ascii_case("bearer")
                && self.token.matches(credentials.trim().as_bytes())
            {
                return true;
            }
            if scheme.eq_ignore_ascii_case("basic") {
                let password = BASE64.decode(credentials.trim()).ok().and_then(|decoded| {
                    let colon = decoded.iter().position(|&byte| byte == b':')?;
                    Some(decoded[colon + 1..].to_vec())
                });
                if password.is_some_and(|password| self.token.matches(&password)) {
                    return true;
                }
            }
        }
        session_cookie(headers).is_some_and(|session| self.session_live(session, now_millis()))
    }

    fn form_value(&self) -> String {
        self.token.derive("webhook inbox form")
    }

    fn form_value_matches(&self, candidate: &str) -> bool {
        self.token.derived_matches("webhook inbox form", candidate)
    }
}

/// Headers on every answer of the page: it shows bodies, so no browser or proxy keeps a
/// copy (the back button after signing out shows nothing), and no other site frames it
/// to steer a click on Replay.
async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

type Page = State<Arc<InboxPage>>;

/// The answer to a request without the token: 401, with the sign-in form as its page.
fn sign_in_page(base: &str, message: Option<&str>) -> Response {
    let body = layout(
        "Sign in",
        base,
        html! {
            h1 { "Webhook inbox" }
            @if let Some(message) = message {
                p.error { (message) }
            }
            form method="post" action={ (base) "/sign-in" } {
                label for="token" { "Inbox token" }
                input #token type="password" name="token" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        },
    );
    let mut response = (StatusCode::UNAUTHORIZED, Html(body.into_string())).into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"webhook inbox\""),
    );
    response
}

#[derive(Deserialize, Default)]
struct ListQuery {
    state: Option<String>,
    event: Option<String>,
    provider: Option<String>,
    before: Option<u64>,
}

async fn list(
    State(page): Page,
    nested: NestedPath,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let base = nested.as_str();
    if !page.authorized(&headers) {
        return sign_in_page(base, None);
    }
    let Query(query) = match query {
        Ok(query) => query,
        Err(rejection) => return rejection.into_response(),
    };
    let state = match query.state.as_deref().filter(|state| !state.is_empty()) {
        None => None,
        Some(name) => match DeliveryState::parse(name) {
            Some(state) => Some(state),
            None => return unknown_state(base, name),
        },
    };
    let event = query.event.clone().filter(|event| !event.is_empty());
    let provider = query
        .provider
        .clone()
        .filter(|provider| !provider.is_empty());
    let filter = Filter {
        state,
        provider: provider.clone(),
        // `(unreadable)`, as the list shows it, finds those records.
        event: event
            .as_deref()
            .map(|event| webhook_core::store::event_from_shown(event).to_owned()),
        before_id: query.before,
        limit: Filter::DEFAULT_LIMIT,
    };
    let store = page.inbox.store();
    let (deliveries, counts) = match (store.list(&filter).await, store.counts().await) {
        (Ok(deliveries), Ok(counts)) => (deliveries, counts),
        (Err(err), _) | (_, Err(err)) => return store_unavailable(base, &err.to_string()),
    };
    let next = (deliveries.len() == filter.limit_or_default())
        .then(|| deliveries.last().map(|last| last.id))
        .flatten();
    let body = layout(
        "Inbox",
        base,
        html! {
            h1 { "Webhook inbox" }
            p.counts {
                "pending " (counts.pending) " · running " (counts.leased)
                " · done " (counts.done) " · dead " (counts.dead)
            }
            form.filters method="get" action=(base) {
                label { "State "
                    select name="state" {
                        option value="" selected[state.is_none()] { "any" }
                        @for option_state in DeliveryState::ALL {
                            option value=(option_state.as_str()) selected[state == Some(option_state)] {
                                (option_state.as_str())
                            }
                        }
                    }
                }
                label { "Event " input type="text" name="event" value=[event.as_deref()]; }
                label { "Provider " input type="text" name="provider" value=[provider.as_deref()]; }
                button type="submit" { "Filter" }
            }
            @if counts.dead > 0 {
                form method="post" action={ (base) "/replay-dead" } {
                    input type="hidden" name="form" value=(page.form_value());
                    button #replay-all type="submit" { "Replay all dead letters (" (counts.dead) ")" }
                }
            }
            @if deliveries.is_empty() {
                p { "No delivery matches." }
            } @else {
                div.scroll {
                    table {
                        thead { tr {
                            th { "#" } th { "received" } th { "provider" } th { "event" }
                            th { "state" } th { "attempts" } th { "last error" }
                        } }
                        tbody {
                            @for delivery in &deliveries {
                                tr class={ "state-" (delivery.state.as_str()) } {
                                    td { a href={ (base) "/deliveries/" (delivery.id) } { (delivery.id) } }
                                    td { (time(delivery.received_at)) }
                                    td { (delivery.provider) }
                                    td { (delivery.event_shown()) }
                                    td.state { (delivery.state.as_str()) }
                                    td { (delivery.attempts) }
                                    td.error { (shorten(delivery.last_error.as_deref().unwrap_or(""), 120)) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(next) = next {
                p { a href={ (base) "?before=" (next) (filter_query(state, event.as_deref(), provider.as_deref())) } { "Older" } }
            }
            (sign_out_form(base))
        },
    );
    Html(body.into_string()).into_response()
}

async fn show(
    State(page): Page,
    nested: NestedPath,
    headers: HeaderMap,
    id: Result<Path<u64>, PathRejection>,
) -> Response {
    let base = nested.as_str();
    if !page.authorized(&headers) {
        return sign_in_page(base, None);
    }
    let Path(id) = match id {
        Ok(id) => id,
        Err(rejection) => return rejection.into_response(),
    };
    let delivery = match page.inbox.store().get(id).await {
        Ok(Some(delivery)) => delivery,
        Ok(None) => return not_found(base, id),
        Err(err) => return store_unavailable(base, &err.to_string()),
    };
    let body = layout(
        &format!("Delivery {id}"),
        base,
        html! {
            p { a href=(base) { "← all deliveries" } }
            h1 { "Delivery " (delivery.id) }
            dl {
                dt { "provider" } dd { (delivery.provider) }
                dt { "event" } dd { (delivery.event_shown()) }
                dt { "state" } dd #state { (delivery.state.as_str()) }
                dt { "attempts" } dd { (delivery.attempts) }
                dt { "received" } dd { (time(delivery.received_at)) }
                dt { "updated" } dd { (time(delivery.updated_at)) }
                @if let Some(next) = delivery.next_attempt_at {
                    dt { "next attempt" } dd { (time(next)) }
                }
                dt { "delivery id" } dd { (delivery.shown_id.as_deref().unwrap_or("-")) }
                dt { "signature scheme" } dd { (delivery.scheme) }
            }
            @if delivery.state == DeliveryState::Dead {
                form method="post" action={ (base) "/deliveries/" (delivery.id) "/replay" } {
                    input type="hidden" name="form" value=(page.form_value());
                    button #replay type="submit" { "Replay" }
                }
            }
            @if let Some(error) = &delivery.last_error {
                h2 { @if delivery.state == DeliveryState::Done { "Error of an earlier attempt" } @else { "Last error" } }
                pre #error { (error) }
            }
            h2 { "Body" }
            pre #body { (body_as_received(&delivery)) }
            (sign_out_form(base))
        },
    );
    Html(body.into_string()).into_response()
}

#[derive(Deserialize)]
struct ActionForm {
    form: String,
}

async fn replay_one(
    State(page): Page,
    nested: NestedPath,
    headers: HeaderMap,
    id: Result<Path<u64>, PathRejection>,
    action: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let base = nested.as_str();
    if !page.authorized(&headers) {
        return sign_in_page(base, None);
    }
    let (Path(id), Form(action)) = match (id, action) {
        (Ok(id), Ok(action)) => (id, action),
        (Err(rejection), _) => return rejection.into_response(),
        (_, Err(rejection)) => return rejection.into_response(),
    };
    if from_another_site(&headers) || !page.form_value_matches(&action.form) {
        return forbidden(base);
    }
    match page.inbox.replay(id).await {
        Ok(true) => {
            tracing::info!(record = id, "dead letter replayed from the inbox page");
            Redirect::to(&format!("{base}/deliveries/{id}")).into_response()
        }
        Ok(false) => {
            // Not dead (any more): show where it stands.
            Redirect::to(&format!("{base}/deliveries/{id}")).into_response()
        }
        Err(err) => store_unavailable(base, &err.to_string()),
    }
}

async fn replay_dead(
    State(page): Page,
    nested: NestedPath,
    headers: HeaderMap,
    action: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let base = nested.as_str();
    if !page.authorized(&headers) {
        return sign_in_page(base, None);
    }
    let Form(action) = match action {
        Ok(action) => action,
        Err(rejection) => return rejection.into_response(),
    };
    if from_another_site(&headers) || !page.form_value_matches(&action.form) {
        return forbidden(base);
    }
    match page.inbox.replay_dead().await {
        Ok(replayed) => {
            tracing::info!(replayed, "dead letters replayed from the inbox page");
            Redirect::to(base).into_response()
        }
        Err(err) => store_unavailable(base, &err.to_string()),
    }
}

#[derive(Deserialize)]
struct SignInForm {
    token: String,
}

async fn sign_in(State(page): Page, nested: NestedPath, Form(form): Form<SignInForm>) -> Response {
    let base = nested.as_str();
    if !page.token.matches(form.token.as_bytes()) {
        crate::log_limit::refused!(
            crate::log_limit::Refusal::WrongToken,
            warn,
            "inbox page: sign-in with a wrong token"
        );
        return sign_in_page(base, Some("Wrong token."));
    }
    // Later than the last sign-out, which ends the sessions signed in until then.
    let issued = page.issue_session(now_millis());
    let cookie = format!(
        "{COOKIE}={}; Path={}; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECS}",
        page.token.session(issued),
        cookie_path(base)
    );
    let mut response = Redirect::to(base).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

async fn sign_out(State(page): Page, nested: NestedPath, headers: HeaderMap) -> Response {
    let base = nested.as_str();
    if from_another_site(&headers) {
        return forbidden(base);
    }
    // Only someone signed in ends the sessions; anyone may clear their own cookie.
    if page.authorized(&headers) {
        page.sign_out_all(now_millis());
        tracing::info!("inbox page: signed out; sessions signed in before now are ended");
    }
    let cookie = format!(
        "{COOKIE}=; Path={}; HttpOnly; SameSite=Strict; Max-Age=0",
        cookie_path(base)
    );
    let mut response = sign_in_page(base, Some("Signed out."));
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Whether a browser says the request comes from a page of another site or origin
/// (`Sec-Fetch-Site`, which pages cannot set): a button pressed there, on a sibling
/// subdomain too, is refused whatever it carries. Clients that are not browsers send no
/// such header.
fn from_another_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|site| {
            site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site")
        })
}

fn cookie_path(base: &str) -> &str {
    if base.is_empty() { "/" } else { base }
}

fn forbidden(base: &str) -> Response {
    let body = layout(
        "Refused",
        base,
        html! {
            h1 { "Refused" }
            p { "This button was not pressed on this inbox page. Go back to the "
                a href=(base) { "inbox" } " and press it again." }
        },
    );
    (StatusCode::FORBIDDEN, Html(body.into_string())).into_response()
}

fn not_found(base: &str, id: u64) -> Response {
    let body = layout(
        "Not found",
        base,
        html! {
            h1 { "No delivery " (id) }
            p { a href=(base) { "← all deliveries" } }
        },
    );
    (StatusCode::NOT_FOUND, Html(body.into_string())).into_response()
}

/// 400 for a state filter that names no state, rather than a list of every state.
fn unknown_state(base: &str, name: &str) -> Response {
    let body = layout(
        "Unknown state",
        base,
        html! {
            h1 { "No state is named " code { (name) } }
            p { "The states are pending, leased, done and dead. " a href=(base) { "All deliveries" } }
        },
    );
    (StatusCode::BAD_REQUEST, Html(body.into_string())).into_response()
}

fn store_unavailable(base: &str, error: &str) -> Response {
    tracing::warn!(error, "inbox page: the store cannot be read");
    let body = layout(
        "Store unavailable",
        base,
        html! {
            h1 { "The store cannot be read" }
            pre { (error) }
        },
    );
    (StatusCode::SERVICE_UNAVAILABLE, Html(body.into_string())).into_response()
}

fn sign_out_form(base: &str) -> Markup {
    html! {
        form.sign-out method="post" action={ (base) "/sign-out" } {
            button type="submit" { "Sign out" }
        }
    }
}

/// The body as received (what the signature covered), lossily decoded: re-serialising it
/// would reorder keys, merge repeated ones and round numbers.
fn body_as_received(delivery: &StoredDelivery) -> String {
    match &delivery.body {
        Some(body) => String::from_utf8_lossy(body).into_owned(),
        None => "(the store kept no body for this delivery)".to_owned(),
    }
}

fn time(at: SystemTime) -> String {
    webhook_core::store::shown_time(at)
}

fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The filters as the rest of a query string (`&state=dead&event=...`).
fn filter_query(
    state: Option<DeliveryState>,
    event: Option<&str>,
    provider: Option<&str>,
) -> String {
    let pairs: Vec<(&str, &str)> = [
        ("state", state.map(DeliveryState::as_str)),
        ("event", event),
        ("provider", provider),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name, value?)))
    .collect();
    match serde_urlencoded::to_string(pairs) {
        Ok(query) if !query.is_empty() => format!("&{query}"),
        _ => String::new(),
    }
}

fn layout(title: &str, base: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " · webhook inbox" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body data-base=(base) { (content) }
        }
    }
}

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 1rem; max-width: 70rem; color: #222; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.error { color: #8a1c1c; max-width: 24rem; overflow-wrap: anywhere; }
tr.state-dead td.state { color: #8a1c1c; font-weight: 600; }
tr.state-done td.state { color: #1c6b2a; }
form { margin: .75rem 0; } form.filters label { margin-right: .75rem; display: inline-block; }
input, select, button { font: inherit; padding: .3rem .5rem; }
button { cursor: pointer; }
pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: #555; } dd { margin: 0; overflow-wrap: anywhere; }
.error { color: #8a1c1c; } .counts { color: #555; }
";

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use webhook_core::{Inbox, MemoryStore};

    use super::{InboxPage, InboxToken, SESSION_MILLIS};

    #[test]
    fn a_clock_set_back_neither_revives_a_signed_out_session_nor_refuses_a_new_one() {
        let token = InboxToken::new("a-token-of-sixteen-or-more").expect("long enough");
        let page = InboxPage::new(&Inbox::new(Arc::new(MemoryStore::new())), token);
        let t = 1_800_000_000_000;
        let first = page.token.session(page.issue_session(t));
        assert!(page.session_live(&first, t + 1_000));
        // The clock is set back ten seconds, then someone signs out.
        page.sign_out_all(t - 10_000);
        assert!(
            !page.session_live(&first, t - 9_000),
            "ended by the sign-out"
        );
        // Set back two minutes more: signing in again still works.
        let again = page.token.session(page.issue_session(t - 130_000));
        assert!(page.session_live(&again, t - 129_000));
        assert!(!page.session_live(&first, t - 129_000));
    }

    #[test]
    fn a_session_lasts_its_lifetime_and_cannot_be_moved_forward() {
        let token = InboxToken::new("a-token-of-sixteen-or-more").expect("long enough");
        let issued = 1_800_000_000_000;
        let session = token.session(issued);
        let valid = |candidate: &str, now: u64| token.session_issued(candidate, now).is_some();
        assert_eq!(token.session_issued(&session, issued), Some(issued));
        assert!(valid(&session, issued + SESSION_MILLIS));
        assert!(!valid(&session, issued + SESSION_MILLIS + 1), "expired");
        assert!(!valid(&session, issued - 3_600_000), "from the future");
        // Another time under the same MAC, or the time written differently, is refused.
        let (_, mac) = session.split_once('.').expect("time.mac");
        assert!(!valid(
            &format!("{}.{mac}", issued + 3_600_000),
            issued + 3_600_000
        ));
        assert!(!valid(&format!("0{session}"), issued));
        // The session of another token, and the old session without a time, are refused.
        let other = InboxToken::new("another-token-of-sixteen-or-more").expect("long enough");
        assert!(!valid(&other.session(issued), issued));
        assert!(!valid(&token.derive("webhook inbox session"), issued));
    }
}
