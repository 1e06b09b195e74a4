#!/usr/bin/env bash
# HTTP load comparison: the example server (`cargo run --example server`) vs the
# hand-written axum receiver (`webhook-bench/src/bin/handwritten_receiver.rs`) and the
# floor, an axum route that only reads the body (`src/bin/read_body_receiver.rs`).
#
#   bash webhook-bench/load/run.sh
#
# Builds both in release, starts each on loopback (127.0.0.1 only, one port each), checks
# that each answers 200 to the signed TalkPlus `message` sample, then runs `wrk` against
# them ALTERNATING (round 1: example, hand-written; round 2: hand-written, example; ...),
# ROUNDS rounds of DURATION each, and prints the requests/sec medians, the ratios
# example / hand-written (target >= 1.2) and example / floor (target >= 0.6), and the
# server CPU time per request (user + system, from
# /proc/PID/stat). All servers are killed on exit (trap), whatever happens.
#
# By default (PIN=0) wrk and the servers share every core, as when the targets were set.
# With PIN=1 every server runs on CPU 1 and wrk on CPU 0 (`taskset`), so that a server has
# one whole core and the load generator never takes its time: requests/sec then measure
# the server's own cost, which is what makes a cheap server (the floor) stand out.
#
# Settings (environment): ROUNDS (3), DURATION (10s), CONNECTIONS (32), THREADS (1),
# PORT_BASE (38001: example, +1 hand-written, +2 direct, +3 floor), WRK (wrk),
# WITH_DIRECT=1 to add a diagnostic third server, `direct_dispatch_receiver`:
# `Dispatcher::dispatch` called from a plain axum handler, without webhook-axum.
# Needs `wrk` (Debian: apt-get update && apt-get install -y wrk) and `curl`.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
PORT_BASE=${PORT_BASE:-38001}
WRK=${WRK:-wrk}
WITH_DIRECT=${WITH_DIRECT:-0}
PIN=${PIN:-0}
server_cpu=()
load_cpu=()
if [ "$PIN" = 1 ]; then
    server_cpu=(taskset -c 1)
    load_cpu=(taskset -c 0)
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=rounds.sh
source "$here/rounds.sh"
cd "$root"

command -v "$WRK" >/dev/null || { echo "wrk not found: apt-get update && apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl not found" >&2; exit 1; }

body_file="$root/webhook-core/fixtures/talkplus/message.json"
path=/webhooks/talkplus

# The example server's demo key (it uses it when TALKPLUS_API_KEY is unset).
demo_key=$(sed -n 's/^pub const DEMO_TALKPLUS_API_KEY: &str = "\(.*\)";$/\1/p' src/server/config.rs)
[ -n "$demo_key" ] || { echo "cannot read DEMO_TALKPLUS_API_KEY from src/server/config.rs" >&2; exit 1; }

echo "== building (release)"
cargo build --release --quiet --example server
cargo build --release --quiet -p webhook-bench \
    --bin handwritten_receiver --bin direct_dispatch_receiver --bin read_body_receiver \
    --bin sign_delivery
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
release="$target_dir/release"
signature=$("$release/sign_delivery" "$demo_key" "$body_file")

logs=$(mktemp -d)
declare -A pid_of port_of
servers=(example handwritten floor)
[ "$WITH_DIRECT" = 1 ] && servers+=(direct)
port_of[example]=$PORT_BASE
port_of[handwritten]=$((PORT_BASE + 1))
port_of[direct]=$((PORT_BASE + 2))
port_of[floor]=$((PORT_BASE + 3))

cleanup() {
    local pid
    for pid in "${pid_of[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pid_of[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$logs"
}
trap cleanup EXIT INT TERM

echo "== starting on 127.0.0.1: $(for s in "${servers[@]}"; do printf '%s :%s  ' "$s" "${port_of[$s]}"; done)"
# The example server: demo key (TALKPLUS_API_KEY unset), its handlers log at INFO, below
# the enabled level, and deduplication is off.
env -u TALKPLUS_API_KEY -u AMITY_WEBHOOK_SECRET -u REDIS_URL \
    RUST_LOG=warn WEBHOOK_DEDUP=off WEBHOOK_ADDR="127.0.0.1:${port_of[example]}" \
    "${server_cpu[@]}" "$release/examples/server" >"$logs/example.log" 2>&1 &
pid_of[example]=$!
TALKPLUS_API_KEY="$demo_key" HANDWRITTEN_ADDR="127.0.0.1:${port_of[handwritten]}" \
    "${server_cpu[@]}" "$release/handwritten_receiver" >"$logs/handwritten.log" 2>&1 &
pid_of[handwritten]=$!
READ_BODY_ADDR="127.0.0.1:${port_of[floor]}" "${server_cpu[@]}" "$release/read_body_receiver" >"$logs/floor.log" 2>&1 &
pid_of[floor]=$!
if [ "$WITH_DIRECT" = 1 ]; then
    TALKPLUS_API_KEY="$demo_key" DIRECT_ADDR="127.0.0.1:${port_of[direct]}" \
        "${server_cpu[@]}" "$release/direct_dispatch_receiver" >"$logs/direct.log" 2>&1 &
    pid_of[direct]=$!
fi

post() {
    curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$1$path" \
        -H 'Content-Type: application/json' -H "x-talkplus-signature: $signature" \
        --data-binary "@$body_file" 2>/dev/null || true
}
for server in "${servers[@]}"; do
    status=""
    for _ in $(seq 1 100); do
        status=$(post "${port_of[$server]}")
        [ "$status" = 200 ] && break
        sleep 0.1
    done
    if [ "$status" != 200 ]; then
        echo "$server did not answer 200 (got '$status'); logs:" >&2
        cat "$logs"/*.log >&2
        exit 1
    fi
done
echo "   all answer 200 to the signed sample ($(wc -c <"$body_file") bytes)"

# CPU time (user + system) of a process so far, in clock ticks.
ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}
hz=$(getconf CLK_TCK)

# One wrk run against a server; prints "requests/sec cpu-µs-per-request". Fails if any
# response was not 2xx.
load() {
    local server=$1 out before after requests
    before=$(ticks "${pid_of[$server]}")
    out=$(WEBHOOK_BODY_FILE="$body_file" WEBHOOK_SIGNATURE="$signature" \
        timeout 60 "${load_cpu[@]}" "$WRK" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" \
        -s "$here/post.lua" "http://127.0.0.1:${port_of[$server]}$path")
    after=$(ticks "${pid_of[$server]}")
    if grep -q 'Non-2xx' <<<"$out"; then
        echo "non-2xx responses from $server:" >&2
        echo "$out" >&2
        exit 1
    fi
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    awk -v rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" \
        -v t="$((after - before))" -v hz="$hz" -v n="$requests" \
        'BEGIN { printf "%s %.1f\n", rps, t / hz * 1e6 / n }'
}


echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds, alternating order, PIN=$PIN"
declare -A rps_runs cpu_runs
for round in $(seq 1 "$ROUNDS"); do
    round_order "$round"
    for server in "${order[@]}"; do
        result=$(load "$server")
        read -r rps cpu <<<"$result"
        rps_runs[$server]="${rps_runs[$server]:-} $rps"
        cpu_runs[$server]="${cpu_runs[$server]:-} $cpu"
        printf '   round %d  %-12s %10s req/s  %6s µs CPU/request\n' "$round" "$server" "$rps" "$cpu"
    done
done

declare -A rps_median cpu_median
for server in "${servers[@]}"; do
    rps_median[$server]=$(echo "${rps_runs[$server]}" | median)
    cpu_median[$server]=$(echo "${cpu_runs[$server]}" | median)
done
label() {
    case $1 in
        example) echo "example server (RUST_LOG=warn WEBHOOK_DEDUP=off, demo key)" ;;
        handwritten) echo "hand-written receiver" ;;
        floor) echo "floor: axum route that only reads the body" ;;
        direct) echo "diagnostic: Dispatcher::dispatch from a plain axum handler (no webhook-axum)" ;;
    esac
}

echo
echo "| server | requests/sec (median of $ROUNDS) | runs | server CPU per request (median) |"
echo "|---|---:|---|---:|"
for server in "${servers[@]}"; do
    echo "| $(label "$server") | ${rps_median[$server]} |${rps_runs[$server]} | ${cpu_median[$server]} µs |"
done
echo
ratio=$(awk -v a="${rps_median[example]}" -v b="${rps_median[handwritten]}" 'BEGIN { printf "%.3f", a / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.2) ? "yes" : "no" }')
echo "ratio example / hand-written (requests/sec): $ratio (target >= 1.2: $met)"
floor_ratio=$(awk -v a="${rps_median[example]}" -v b="${rps_median[floor]}" 'BEGIN { printf "%.3f", a / b }')
floor_met=$(awk -v r="$floor_ratio" 'BEGIN { print (r >= 0.6) ? "yes" : "no" }')
echo "ratio example / floor (requests/sec): $floor_ratio (target >= 0.6: $floor_met)"
if [ "$WITH_DIRECT" = 1 ]; then
    awk -v a="${rps_median[direct]}" -v b="${rps_median[handwritten]}" \
        'BEGIN { printf "ratio direct / hand-written (requests/sec, diagnostic): %.3f\n", a / b }'
fi
