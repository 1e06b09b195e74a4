//! The hand-written axum receiver of the HTTP load comparison: raw body as `Bytes`, HMAC
//! verify, `serde_json::Value`, a `match` on `event`, 200.
//!
//! It is what the framework replaces, written the way axum's documentation suggests
//! (`HeaderMap` and `Bytes` extractors), with the same verification code as [`crate::raw`].

use std::hint::black_box;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use serde_json::Value;

use crate::raw::TalkPlusRaw;

/// The route the receiver serves, the same as the example server's.
pub const TALKPLUS_PATH: &str = "/webhooks/talkplus";

/// The receiver's routes: `POST /webhooks/talkplus`, verified with `api_key`.
pub fn router(api_key: &str) -> Router {
    Router::new()
        .route(TALKPLUS_PATH, post(receive))
        .with_state(Arc::new(TalkPlusRaw::new(api_key)))
}

async fn receive(
    State(verifier): State<Arc<TalkPlusRaw>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    if verifier.verify(&headers, &body).is_err() {
        return (StatusCode::UNAUTHORIZED, "unauthorized\n");
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "bad payload\n");
    };
    match value.get("event").and_then(Value::as_str) {
        Some("message") => {
            // What a handler would read: the channel and the text.
            black_box(value.pointer("/channel/id"));
            black_box(value.pointer("/message/text"));
            (StatusCode::OK, "handled\n")
        }
        Some(_) => (StatusCode::OK, "acknowledged\n"),
        None => (StatusCode::BAD_REQUEST, "bad payload\n"),
    }
}

/// The floor of the HTTP comparison: the same route, answering 200 once the body is
/// read, with nothing verified or parsed. No receiver can be faster over axum.
pub fn read_body_router() -> Router {
    Router::new().route(TALKPLUS_PATH, post(read_body_only))
}

async fn read_body_only(body: Bytes) -> (StatusCode, &'static str) {
    black_box(&body);
    (StatusCode::OK, "read\n")
}
