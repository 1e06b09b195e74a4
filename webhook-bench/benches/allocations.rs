//! Heap allocations per delivery, each pair side by side, with a counting global
//! allocator (`stats_alloc`): `cargo bench -p webhook-bench --bench allocations`.
//!
//! The inputs (a clone of the `HeaderMap`, a refcount bump of the `Bytes`) are made
//! before the counted region on both sides; the counted region runs the side and drops
//! everything it was given or produced. It also checks whether the body is copied: the
//! address of the body the handler sees is compared with the `Bytes` passed in, directly
//! to `Dispatcher::dispatch` and through the axum route in process.

use std::alloc::System;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::ServiceExt as _;
use webhook_bench::fixtures::{Delivery, LARGE_MEMBERS, TALKPLUS_KEY, TALKPLUS_MESSAGE};
use webhook_bench::framework::{PROBED_BODY_ADDRESS, body_probe_dispatcher, talkplus_router};
use webhook_bench::handwritten::{self, TALKPLUS_PATH};
use webhook_bench::{block_on, scenarios};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Deliveries counted per side (after one warm-up delivery).
const ROUNDS: usize = 200;

/// Allocations (including reallocations) and bytes allocated per delivery.
#[derive(Debug, Clone, Copy)]
struct PerDelivery {
    allocations: f64,
    bytes: f64,
}

fn count<I>(mut input: impl FnMut() -> I, run: impl Fn(I) -> bool) -> PerDelivery {
    assert!(run(input()), "warm-up delivery not handled as expected");
    let (mut allocations, mut bytes) = (0usize, 0usize);
    for _ in 0..ROUNDS {
        let prepared = input();
        let region = Region::new(GLOBAL);
        let ok = run(prepared);
        let change = region.change();
        assert!(ok, "delivery not handled as expected");
        allocations += change.allocations + change.reallocations;
        bytes += change.bytes_allocated + change.bytes_reallocated.max(0).unsigned_abs();
    }
    PerDelivery {
        allocations: allocations as f64 / ROUNDS as f64,
        bytes: bytes as f64 / ROUNDS as f64,
    }
}

fn request(delivery: &Delivery) -> Request<Body> {
    let mut builder = Request::builder().method("POST").uri(TALKPLUS_PATH);
    for (name, value) in &delivery.headers {
        builder = builder.header(name, value);
    }
    builder
        .header("content-length", delivery.body.len())
        .body(Body::from(delivery.body.clone()))
        .expect("a valid request")
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--test`: nothing to check here
    // beyond building.
    if std::env::args().any(|arg| arg == "--test" || arg == "--list") {
        return;
    }
    let _runtime = webhook_bench::enter_runtime();
    let mut out = String::from(
        "| pair | body | raw allocs | raw bytes | framework allocs | framework bytes | extra allocs |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for scenario in scenarios::all() {
        let delivery = &scenario.delivery;
        let input = || (delivery.headers.clone(), delivery.body.clone());
        let raw = count(input, |(headers, body)| (scenario.raw)(headers, body));
        let framework = count(input, |(headers, body)| (scenario.framework)(headers, body));
        out.push_str(&format!(
            "| {} | {} B | {:.1} | {:.0} | {:.1} | {:.0} | {:+.1} |\n",
            scenario.id,
            delivery.body.len(),
            raw.allocations,
            raw.bytes,
            framework.allocations,
            framework.bytes,
            framework.allocations - raw.allocations,
        ));
    }

    // The whole axum route, in process (no socket): hand-written receiver vs
    // `webhook_axum::webhook`, same `message` delivery.
    out.push_str(
        "\n| axum route, in process (`message` delivery) | allocs per request | bytes per request |\n|---|---:|---:|\n",
    );
    let message = Delivery::talkplus(TALKPLUS_MESSAGE);
    let routes = [
        ("hand-written receiver", handwritten::router(TALKPLUS_KEY)),
        ("webhook_axum::webhook(dispatcher)", talkplus_router()),
    ];
    for (name, router) in routes {
        let per_request = count(
            || (router.clone(), request(&message)),
            |(router, request)| {
                let response = block_on(router.oneshot(request)).expect("infallible");
                response.status() == StatusCode::OK
            },
        );
        out.push_str(&format!(
            "| {name} | {:.1} | {:.0} |\n",
            per_request.allocations, per_request.bytes
        ));
    }

    // Is the body copied? The handler records the address of the body it is given.
    out.push_str("\n| body handed to the handler | body | same buffer as the `Bytes` passed in |\n|---|---:|---|\n");
    let dispatcher = body_probe_dispatcher();
    let probe_router = axum::Router::new().route(
        TALKPLUS_PATH,
        webhook_axum::webhook(body_probe_dispatcher()),
    );
    // A large `message`: the sample with its text padded to the size of the large
    // `channel_added` delivery.
    let large_message = {
        let large_len = webhook_bench::fixtures::channel_added_with_members(LARGE_MEMBERS).len();
        let mut value: serde_json::Value =
            serde_json::from_slice(TALKPLUS_MESSAGE).expect("the fixture is JSON");
        value["message"]["text"] = serde_json::Value::from("x".repeat(large_len));
        Delivery::talkplus(serde_json::to_vec(&value).expect("a Value serializes"))
    };
    for (what, delivery) in [
        ("`message` sample", &message),
        ("`message` padded", &large_message),
    ] {
        let address = delivery.body.as_ptr() as usize;
        PROBED_BODY_ADDRESS.store(0, Ordering::Relaxed);
        let outcome =
            block_on(dispatcher.dispatch(delivery.headers.clone(), delivery.body.clone()));
        assert!(outcome.is_acknowledged(), "{outcome}");
        let direct = PROBED_BODY_ADDRESS.load(Ordering::Relaxed) == address;
        PROBED_BODY_ADDRESS.store(0, Ordering::Relaxed);
        let response =
            block_on(probe_router.clone().oneshot(request(delivery))).expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        let routed = PROBED_BODY_ADDRESS.load(Ordering::Relaxed) == address;
        out.push_str(&format!(
            "| {what}, `Dispatcher::dispatch` | {} B | {} |\n| {what}, axum route in process | {} B | {} |\n",
            delivery.body.len(),
            if direct { "yes (no copy)" } else { "no (copied)" },
            delivery.body.len(),
            if routed { "yes (no copy)" } else { "no (copied)" },
        ));
    }

    println!(
        "\nwebhook-bench allocations per delivery (mean of {ROUNDS}, after one warm-up)\n\n{out}"
    );
}
