#!/usr/bin/env bash
# What keeping deliveries costs over HTTP: the example server with its store in memory,
# in the embedded SQLite file (inline mode), and in inbox mode on the same file, each fed
# distinct signed deliveries (webhook-bench's `unique_load`), since every delivery a
# store-backed server records is a write.
#
#   bash webhook-bench/load/stores.sh
#
# Builds in release, starts each server on loopback (127.0.0.1, one port each, a fresh
# store file each in a temporary directory), checks that each answers a signed delivery,
# then runs `unique_load` against them ALTERNATING (reversed order in even rounds), ROUNDS
# rounds of DURATION seconds, and prints the requests/sec medians (2xx only), the 503 and
# other answers, the ratios to the in-memory store (target: embedded inline >= 0.8), and
# the server CPU time per request. All servers are killed on exit.
#
# Settings (environment): ROUNDS (3), DURATION (10), CONNECTIONS (32), PORT_BASE (38101).
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
PORT_BASE=${PORT_BASE:-38101}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=rounds.sh
source "$here/rounds.sh"
cd "$root"

demo_key=$(sed -n 's/^pub const DEMO_TALKPLUS_API_KEY: &str = "\(.*\)";$/\1/p' src/server/config.rs)
[ -n "$demo_key" ] || { echo "cannot read DEMO_TALKPLUS_API_KEY from src/server/config.rs" >&2; exit 1; }

echo "== building (release)"
cargo build --release --quiet --example server
cargo build --release --quiet -p webhook-bench --bin unique_load
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
release="$target_dir/release"

work=$(mktemp -d)
declare -A pid_of port_of
servers=(memory embedded embedded-normal inbox inbox-normal)
for i in "${!servers[@]}"; do port_of[${servers[$i]}]=$((PORT_BASE + i)); done

cleanup() {
    local pid
    for pid in "${pid_of[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pid_of[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

start() {
    local server=$1
    shift
    mkdir -p "$work/$server"
    # `env` execs the server: `$!` is the server's own pid, for its CPU time.
    env -C "$work/$server" -u TALKPLUS_API_KEY -u AMITY_WEBHOOK_SECRET -u REDIS_URL \
        -u WEBHOOK_DEDUP -u WEBHOOK_INBOX_TOKEN -u WEBHOOK_STORE_SYNC RUST_LOG=warn \
        WEBHOOK_ADDR="127.0.0.1:${port_of[$server]}" "$@" \
        "$release/examples/server" >"$work/$server.log" 2>&1 &
    pid_of[$server]=$!
}
start memory WEBHOOK_STORE=memory
start embedded WEBHOOK_STORE="$work/embedded/inbox.db"
start embedded-normal WEBHOOK_STORE="$work/embedded-normal/inbox.db" WEBHOOK_STORE_SYNC=normal
start inbox WEBHOOK_MODE=inbox WEBHOOK_STORE="$work/inbox/inbox.db"
start inbox-normal WEBHOOK_MODE=inbox WEBHOOK_STORE="$work/inbox-normal/inbox.db" WEBHOOK_STORE_SYNC=normal

url() { echo "http://127.0.0.1:${port_of[$1]}/webhooks/talkplus"; }
for server in "${servers[@]}"; do
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:${port_of[$server]}/healthz" && break
        sleep 0.1
    done
    result=$("$release/unique_load" "$(url "$server")" "$demo_key" 0.2 1)
    read -r _ ok _ other <<<"$result"
    if [ "$ok" = 0 ] || [ "$other" != 0 ]; then
        echo "$server did not answer 2xx ($result); log:" >&2
        cat "$work/$server.log" >&2
        exit 1
    fi
done
echo "   all answer distinct signed deliveries"

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

echo "== unique_load, $CONNECTIONS connections, ${DURATION}s, $ROUNDS rounds, alternating order"
declare -A rps_runs cpu_runs rejected
for round in $(seq 1 "$ROUNDS"); do
    round_order "$round"
    for server in "${order[@]}"; do
        before=$(ticks "${pid_of[$server]}")
        result=$(timeout 120 "$release/unique_load" "$(url "$server")" "$demo_key" "$DURATION" "$CONNECTIONS")
        after=$(ticks "${pid_of[$server]}")
        read -r rps ok unavailable other <<<"$result"
        cpu=$(awk -v t="$((after - before))" -v hz="$hz" -v n="$((ok + unavailable + other))" \
            'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
        rps_runs[$server]="${rps_runs[$server]:-} $rps"
        cpu_runs[$server]="${cpu_runs[$server]:-} $cpu"
        rejected[$server]="${rejected[$server]:-} $unavailable/$other"
        printf '   round %d  %-16s %10s req/s (2xx)  503/other %s  %6s µs CPU/request\n' \
            "$round" "$server" "$rps" "$unavailable/$other" "$cpu"
    done
done

label() {
    case $1 in
        memory) echo "inline, MemoryStore (WEBHOOK_STORE=memory)" ;;
        embedded) echo "inline, embedded SQLite file (the default: every commit flushed)" ;;
        embedded-normal) echo "inline, embedded SQLite file, WEBHOOK_STORE_SYNC=normal" ;;
        inbox) echo "inbox mode, embedded file, flushed (202 once on disk)" ;;
        inbox-normal) echo "inbox mode, embedded file, WEBHOOK_STORE_SYNC=normal (202 once written to the OS)" ;;
    esac
}
echo
echo "| server | requests/sec, 2xx (median of $ROUNDS) | runs | 503/other per run | server CPU per request (median) |"
echo "|---|---:|---|---|---:|"
declare -A rps_median
for server in "${servers[@]}"; do
    rps_median[$server]=$(echo "${rps_runs[$server]}" | median)
    echo "| $(label "$server") | ${rps_median[$server]} |${rps_runs[$server]} |${rejected[$server]} | $(echo "${cpu_runs[$server]}" | median) µs |"
done
echo
for server in embedded embedded-normal inbox inbox-normal; do
    awk -v a="${rps_median[$server]}" -v b="${rps_median[memory]}" -v s="$server" \
        'BEGIN { r = a / b; printf "ratio %s / memory (requests/sec, 2xx): %.3f%s\n", s, r, (s ~ /^embedded/) ? ((r >= 0.8) ? " (target >= 0.8: yes)" : " (target >= 0.8: no)") : "" }'
done
