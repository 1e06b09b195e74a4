//! Raw cost vs framework, pair by pair, in one run: `cargo bench -p webhook-bench`.
//!
//! Each pair is one criterion group with two functions, `raw` and `framework`, measured
//! one after the other in the same process. Both take the delivery by value through
//! `iter_batched`: the `HeaderMap` clone (and the `Bytes` refcount bump) happens in the
//! untimed setup for both sides, and both sides drop the headers, the body and whatever
//! they parsed inside the timed routine. The framework's future is driven by
//! `webhook_bench::block_on` (one poll with a no-op waker) inside the context of a
//! current-thread tokio runtime entered once for the whole run.
//!
//! The `breakdown_*` groups time the pieces the framework is made of, to say where a
//! difference goes. At the end a table of medians and ratios is printed (and saved to
//! `target/criterion/webhook-bench-summary.md`).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::{BatchSize, Criterion, Throughput};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use webhook_bench::fixtures::{
    AMITY_MESSAGE_DID_CREATE, AMITY_SECRET, Delivery, LARGE_MEMBERS, TALKPLUS_KEY,
    TALKPLUS_MESSAGE, channel_added_with_members,
};
use webhook_bench::raw::{AmityRaw, TalkPlusRaw};
use webhook_bench::scenarios;
use webhook_core::amity::{Amity, MessageDidCreate};
use webhook_core::envelope::{self, EventNameSource};
use webhook_core::payload::parse_body;
use webhook_core::talkplus::{ChannelAdded, MessageSent, TalkPlus};
use webhook_core::{DeliveryIdSource, Event, Provider, Verifier};

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(800))
        .measurement_time(Duration::from_secs(3))
        .sample_size(40)
        .noise_threshold(0.03)
        .without_plots()
}

fn pairs(c: &mut Criterion) {
    for scenario in scenarios::all() {
        scenario.check();
        let Delivery { headers, body } = &scenario.delivery;
        let mut group = c.benchmark_group(scenario.id);
        group.throughput(Throughput::Bytes(body.len() as u64));
        for (name, side) in [("raw", &scenario.raw), ("framework", &scenario.framework)] {
            group.bench_function(name, |b| {
                b.iter_batched(
                    || (headers.clone(), body.clone()),
                    |(headers, body)| side(headers, body),
                    BatchSize::SmallInput,
                );
            });
        }
        group.finish();
    }
}

/// The pieces of the framework's path for one delivery of event `E`, next to the raw
/// side's two pieces (`raw_verify`, `raw_from_slice_typed`).
fn breakdown<P: Provider, E: Event<Provider = P> + DeserializeOwned>(
    c: &mut Criterion,
    id: &str,
    delivery: &Delivery,
    verifier: &Verifier<P>,
    raw_verify: impl Fn(&HeaderMap, &[u8]) -> bool,
) {
    let Delivery { headers, body } = delivery;
    let text = std::str::from_utf8(body).expect("the fixtures are UTF-8");
    let delivery_id_field = match P::DELIVERY_ID {
        DeliveryIdSource::BodyField(field) => Some(field),
        _ => None,
    };
    let mut group = c.benchmark_group(id);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.measurement_time(Duration::from_secs(2));
    group.bench_function("raw_verify", |b| {
        b.iter(|| raw_verify(black_box(headers), black_box(body)));
    });
    group.bench_function("core_verify", |b| {
        b.iter(|| verifier.verify(black_box(headers), black_box(body)).is_ok());
    });
    group.bench_function("utf8_check", |b| {
        b.iter(|| std::str::from_utf8(black_box(body)).is_ok());
    });
    group.bench_function("core_scan_envelope", |b| {
        let source = EventNameSource {
            field: P::EVENT_FIELD,
            nested: P::NESTED_EVENT_NAME,
        };
        b.iter(|| envelope::read(black_box(text), source, delivery_id_field).is_ok());
    });
    group.bench_function("core_receive", |b| {
        b.iter(|| P::receive(verifier, black_box(headers), black_box(body)).is_ok());
    });
    group.bench_function("raw_from_slice_typed", |b| {
        b.iter(|| serde_json::from_slice::<E>(black_box(body)).is_ok());
    });
    group.bench_function("core_parse_typed", |b| {
        let name = E::ROUTE.name().unwrap_or_default();
        b.iter(|| parse_body::<E>(name, black_box(text)).is_ok());
    });
    group.finish();
}

const BREAKDOWNS: [&str; 3] = [
    "breakdown_talkplus_message",
    "breakdown_talkplus_channel_added_1000_members",
    "breakdown_amity_message_legacy_sha1",
];

fn breakdowns(c: &mut Criterion) {
    let talkplus = TalkPlusRaw::new(TALKPLUS_KEY);
    let talkplus_verifier = TalkPlus::verifier([TALKPLUS_KEY]).expect("the bench key is not empty");
    let talkplus_raw_verify =
        |headers: &HeaderMap, body: &[u8]| talkplus.verify(headers, body).is_ok();
    breakdown::<TalkPlus, MessageSent>(
        c,
        BREAKDOWNS[0],
        &Delivery::talkplus(TALKPLUS_MESSAGE),
        &talkplus_verifier,
        talkplus_raw_verify,
    );
    breakdown::<TalkPlus, ChannelAdded>(
        c,
        BREAKDOWNS[1],
        &Delivery::talkplus(channel_added_with_members(LARGE_MEMBERS)),
        &talkplus_verifier,
        talkplus_raw_verify,
    );
    let amity = AmityRaw::new(AMITY_SECRET);
    breakdown::<Amity, MessageDidCreate>(
        c,
        BREAKDOWNS[2],
        &Delivery::amity_legacy(AMITY_MESSAGE_DID_CREATE),
        &Amity::verifier([AMITY_SECRET]).expect("the bench secret is not empty"),
        |headers: &HeaderMap, body: &[u8]| amity.verify(headers, body).is_ok(),
    );
}

/// Where criterion writes its results (its own rule: `CRITERION_HOME`, else the target
/// directory's `criterion`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
        .join("criterion")
}

/// The median of `group/function` in nanoseconds, when it was measured by this run.
fn median_ns(group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    estimates.pointer("/median/point_estimate")?.as_f64()
}

fn micros(ns: f64) -> String {
    format!("{:.2} µs", ns / 1000.0)
}

fn summary(since: SystemTime) {
    let mut out = String::from(
        "| pair | body | raw (median) | framework (median) | ratio | target | met |\n|---|---:|---:|---:|---:|---:|---|\n",
    );
    let mut rows = 0;
    for scenario in scenarios::all() {
        let (Some(raw), Some(framework)) = (
            median_ns(scenario.id, "raw", since),
            median_ns(scenario.id, "framework", since),
        ) else {
            continue;
        };
        rows += 1;
        let ratio = framework / raw;
        out.push_str(&format!(
            "| {} | {} B | {} | {} | {ratio:.3} | ≤ {:.2} | {} |\n",
            scenario.id,
            scenario.delivery.body.len(),
            micros(raw),
            micros(framework),
            scenario.target,
            if ratio <= scenario.target {
                "yes"
            } else {
                "no"
            },
        ));
    }
    for group in BREAKDOWNS {
        let pieces: Vec<(&str, f64)> = [
            "raw_verify",
            "core_verify",
            "utf8_check",
            "core_scan_envelope",
            "core_receive",
            "raw_from_slice_typed",
            "core_parse_typed",
        ]
        .into_iter()
        .filter_map(|function| Some((function, median_ns(group, function, since)?)))
        .collect();
        if pieces.is_empty() {
            continue;
        }
        rows += 1;
        out.push_str(&format!("\n{group} (medians):\n"));
        for (function, ns) in pieces {
            out.push_str(&format!("  {function:<22} {}\n", micros(ns)));
        }
    }
    if rows == 0 {
        return;
    }
    println!("\nwebhook-bench summary (medians of this run)\n\n{out}");
    let path = criterion_dir().join("webhook-bench-summary.md");
    if std::fs::write(&path, &out).is_ok() {
        println!("saved to {}", path.display());
    }
}

fn main() {
    let _runtime = webhook_bench::enter_runtime();
    let started = SystemTime::now();
    let mut criterion = config().configure_from_args();
    pairs(&mut criterion);
    breakdowns(&mut criterion);
    criterion.final_summary();
    summary(started);
}
