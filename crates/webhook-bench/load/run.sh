#!/usr/bin/env bash
# HTTP load comparison: the example server (`cargo run --example server`) vs the
# hand-written axum receiver (`crates/webhook-bench/src/bin/handwritten_receiver.rs`).
#
#   bash crates/webhook-bench/load/run.sh
#
# Builds both in release, starts each on loopback (127.0.0.1 only, two ports), checks that
# each answers 200 to the signed TalkPlus `message` sample, then runs `wrk` against them
# ALTERNATING (round 1: example, hand-written; round 2: hand-written, example; ...),
# ROUNDS rounds of DURATION each, and prints the requests/sec medians and the ratio
# example / hand-written. Both servers are killed on exit.
#
# Settings (environment): ROUNDS (3), DURATION (10s), CONNECTIONS (32), THREADS (1),
# EXAMPLE_PORT (38001), HANDWRITTEN_PORT (38002), WRK (wrk).
# Needs `wrk` (Debian: apt-get update && apt-get install -y wrk) and `curl`.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
EXAMPLE_PORT=${EXAMPLE_PORT:-38001}
HANDWRITTEN_PORT=${HANDWRITTEN_PORT:-38002}
WRK=${WRK:-wrk}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
cd "$root"

command -v "$WRK" >/dev/null || { echo "wrk not found: apt-get update && apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl not found" >&2; exit 1; }

body_file="$root/crates/webhook-core/fixtures/talkplus/message.json"
path=/webhooks/talkplus

# The example server's demo key (it uses it when TALKPLUS_API_KEY is unset).
demo_key=$(sed -n 's/^pub const DEMO_TALKPLUS_API_KEY: &str = "\(.*\)";$/\1/p' src/server/mod.rs)
[ -n "$demo_key" ] || { echo "cannot read DEMO_TALKPLUS_API_KEY from src/server/mod.rs" >&2; exit 1; }

echo "== building (release)"
cargo build --release --quiet --example server
cargo build --release --quiet -p webhook-bench --bin handwritten_receiver --bin sign_delivery
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
release="$target_dir/release"
signature=$("$release/sign_delivery" "$demo_key" "$body_file")

logs=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$logs"
}
trap cleanup EXIT INT TERM

echo "== starting servers on 127.0.0.1:$EXAMPLE_PORT (example) and 127.0.0.1:$HANDWRITTEN_PORT (hand-written)"
# The example server: demo key (TALKPLUS_API_KEY unset), handlers log at INFO below the
# enabled level, deduplication off.
env -u TALKPLUS_API_KEY -u AMITY_WEBHOOK_SECRET \
    RUST_LOG=warn WEBHOOK_DEDUP=off WEBHOOK_ADDR="127.0.0.1:$EXAMPLE_PORT" \
    "$release/examples/server" >"$logs/example.log" 2>&1 &
pids+=($!)
TALKPLUS_API_KEY="$demo_key" HANDWRITTEN_ADDR="127.0.0.1:$HANDWRITTEN_PORT" \
    "$release/handwritten_receiver" >"$logs/handwritten.log" 2>&1 &
pids+=($!)

post() {
    curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$1$path" \
        -H 'Content-Type: application/json' -H "x-talkplus-signature: $signature" \
        --data-binary "@$body_file" 2>/dev/null || true
}
for port in "$EXAMPLE_PORT" "$HANDWRITTEN_PORT"; do
    status=""
    for _ in $(seq 1 100); do
        status=$(post "$port")
        [ "$status" = 200 ] && break
        sleep 0.1
    done
    if [ "$status" != 200 ]; then
        echo "server on port $port did not answer 200 (got '$status'); logs:" >&2
        cat "$logs"/*.log >&2
        exit 1
    fi
done
echo "   both answer 200 to the signed sample ($(wc -c <"$body_file") bytes)"

# One wrk run; prints requests/sec. Fails if any response was not 2xx.
load() {
    local port=$1 out
    out=$(WEBHOOK_BODY_FILE="$body_file" WEBHOOK_SIGNATURE="$signature" \
        timeout 60 "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" \
        -s "$here/post.lua" "http://127.0.0.1:$port$path")
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "non-2xx responses from port $port:" >&2
        echo "$out" >&2
        exit 1
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

median() {
    tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, alternating"
example_runs=()
handwritten_runs=()
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then order="example handwritten"; else order="handwritten example"; fi
    for server in $order; do
        if [ "$server" = example ]; then
            rps=$(load "$EXAMPLE_PORT"); example_runs+=("$rps")
        else
            rps=$(load "$HANDWRITTEN_PORT"); handwritten_runs+=("$rps")
        fi
        printf '   round %d  %-12s %12s req/s\n' "$round" "$server" "$rps"
    done
done

example_median=$(echo "${example_runs[*]}" | median)
handwritten_median=$(echo "${handwritten_runs[*]}" | median)
ratio=$(awk -v a="$example_median" -v b="$handwritten_median" 'BEGIN { printf "%.3f", a / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.0) ? "yes" : "no" }')

echo
echo "| server | requests/sec (median of $ROUNDS) | runs |"
echo "|---|---:|---|"
echo "| example server (RUST_LOG=warn WEBHOOK_DEDUP=off, demo key) | $example_median | ${example_runs[*]} |"
echo "| hand-written receiver | $handwritten_median | ${handwritten_runs[*]} |"
echo
echo "ratio example / hand-written: $ratio (target >= 1.0: $met)"
