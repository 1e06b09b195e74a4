//! Runs one side of one pair in a loop, for a profiler, or every pair interleaved.
//!
//! ```text
//! profile_case SCENARIO raw|framework [ITERATIONS]   # e.g. under valgrind --tool=callgrind
//! profile_case --interleaved [ROUNDS]                 # raw/framework alternated in blocks
//! ```
//!
//! `--interleaved` alternates short blocks of the raw and the framework side of each
//! pair (raw, framework, framework, raw, …) and prints the median of the per-round
//! ratios: drift in the machine's load hits both sides alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use webhook_bench::scenarios::{self, Scenario, Side};

fn run(scenario: &Scenario, side: &Side, iterations: u64) -> Duration {
    let Scenario { delivery, .. } = scenario;
    let mut timed = Duration::ZERO;
    for _ in 0..iterations {
        let input = (delivery.headers.clone(), delivery.body.clone());
        let started = Instant::now();
        let ok = side(input.0, input.1);
        timed += started.elapsed();
        assert!(
            black_box(ok),
            "{}: delivery not handled as expected",
            scenario.id
        );
    }
    timed
}

/// The value at `quantile` (0 to 1) of `values`, nearest rank.
fn quantile(values: &mut [f64], quantile: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = ((values.len() - 1) as f64 * quantile).round() as usize;
    values[rank]
}

fn interleaved(rounds: usize) {
    println!("| pair | raw (median) | framework (median) | per-round ratio: median | p25–p75 |");
    println!("|---|---:|---:|---:|---|");
    for scenario in scenarios::all() {
        scenario.check();
        // About 20 ms per block.
        let probe = run(&scenario, &scenario.raw, 20);
        let per_call = probe.as_secs_f64() / 20.0;
        let iterations = ((0.02 / per_call) as u64).clamp(10, 100_000);
        let (mut raws, mut frameworks, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let order: [&Side; 2] = if round % 2 == 0 {
                [&scenario.raw, &scenario.framework]
            } else {
                [&scenario.framework, &scenario.raw]
            };
            let first = run(&scenario, order[0], iterations).as_secs_f64();
            let second = run(&scenario, order[1], iterations).as_secs_f64();
            let (raw, framework) = if round % 2 == 0 {
                (first, second)
            } else {
                (second, first)
            };
            let per = |total: f64| total / iterations as f64 * 1e6;
            raws.push(per(raw));
            frameworks.push(per(framework));
            ratios.push(framework / raw);
        }
        println!(
            "| {} | {:.2} µs | {:.2} µs | {:.3} | {:.3}–{:.3} |",
            scenario.id,
            quantile(&mut raws, 0.5),
            quantile(&mut frameworks, 0.5),
            quantile(&mut ratios, 0.5),
            quantile(&mut ratios, 0.25),
            quantile(&mut ratios, 0.75),
        );
    }
}

fn main() -> Result<(), String> {
    let _runtime = webhook_bench::enter_runtime();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--interleaved") {
        let rounds = args
            .get(1)
            .map_or(Ok(30), |n| n.parse())
            .map_err(|err| format!("{err}"))?;
        interleaved(rounds);
        return Ok(());
    }
    let (Some(id), Some(side)) = (args.first(), args.get(1)) else {
        let ids: Vec<&str> = scenarios::all().iter().map(|s| s.id).collect();
        return Err(format!(
            "usage: profile_case SCENARIO raw|framework [ITERATIONS] | --interleaved [ROUNDS]\nscenarios: {}",
            ids.join(", ")
        ));
    };
    let iterations: u64 = args
        .get(2)
        .map_or(Ok(10_000), |n| n.parse())
        .map_err(|err| format!("{err}"))?;
    let scenario = scenarios::all()
        .into_iter()
        .find(|scenario| scenario.id == id)
        .ok_or_else(|| format!("no scenario {id}"))?;
    let runner = match side.as_str() {
        "raw" => &scenario.raw,
        "framework" => &scenario.framework,
        other => return Err(format!("side is raw or framework, not {other}")),
    };
    let timed = run(&scenario, runner, iterations);
    println!(
        "{id} {side}: {iterations} deliveries, {:.3} µs each",
        timed.as_secs_f64() / iterations as f64 * 1e6
    );
    Ok(())
}
