#!/usr/bin/env bash
# Load on the kanban service with a real HTTP load generator (oha), beside an axum
# hello-world served by the same process on the same machine in the same run:
#
#   1. GET a board of 500 cards;
#   2. card moves: POST .../cards/N/move with N drawn at random among the 500, each to
#      the top of the second list (a real move almost every time);
#   3. GET / on the hello-world (the baseline);
#   4. GET /board on the hello-world: the same board's JSON answered from memory, the
#      ceiling for a response of that size on this machine (a second baseline);
#   5. POST /write on the hello-world: one durable SQLite insert per request, in a
#      database opened as the journal store opens its own (the ceiling for a write).
#
# 64 connections, DURATION seconds each (10 by default). Prints requests per second and
# p50/p99 latency for each, and each kanban figure as a ratio of the hello-world's.
# Needs oha (installed with `cargo install --locked oha` if missing) and python3.
#
#   bash benches/cli/kanban_load.sh            # from the workspace root
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${DURATION:-10}"
connections="${CONNECTIONS:-64}"
port="${PORT:-8181}"
command -v oha >/dev/null 2>&1 || cargo install --locked oha
cargo build -q --release -p kanban --example load_target
work=$(mktemp -d)
trap 'kill "$target" 2>/dev/null || true; rm -rf "$work"' EXIT
"${CARGO_TARGET_DIR:-target}/release/examples/load_target" --port "$port" >"$work/target.json" 2>"$work/target.err" &
target=$!
for _ in $(seq 1 120); do [ -s "$work/target.json" ] && break; sleep 0.5; done
[ -s "$work/target.json" ] || { cat "$work/target.err" >&2; exit 1; }
field() { python3 -c "import json,sys; print(json.load(open('$work/target.json'))['$1'])"; }
service=$(field service); hello=$(field hello); cookie=$(field cookie); csrf=$(field csrf)
board=$(field board); list=$(python3 -c "import json; print(json.load(open('$work/target.json'))['lists'][1])")
first=$(field first_card); last=$(field last_card)

run() { # name, then oha's arguments
  local name=$1; shift
  oha --no-tui --output-format json -z "${duration}s" -c "$connections" "$@" >"$work/$name.json"
}
run hello "$hello"
run bytes "${hello}board"
run write -m POST "${hello}write"
run board -H "Cookie: $cookie" "$service/api/boards/$board"
# Card ids as a regular expression over the range (oha draws a URL per request; its
# expressions take a dot as a dot).
ids=$(python3 -c "print('|'.join(str(n) for n in range($first, $last + 1)))")

run move -m POST -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H "Content-Type: application/json" \
  -d "{\"list\": $list, \"index\": 0}" --rand-regex-url "$service/api/boards/$board/cards/($ids)/move"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def load(name):
    data = json.load(open(f"{work}/{name}.json"))
    summary, pct = data["summary"], data["latencyPercentiles"]
    codes = data.get("statusCodeDistribution", {})
    return summary["requestsPerSec"], pct["p50"] * 1000, pct["p99"] * 1000, codes
hello = load("hello")
# Each figure against the hello-world, and against the peer that does the same work
# with nothing of the service's: the board's bytes for a read, one insert for a write.
peers = {"board": load("bytes"), "move": load("write")}
print(f"{'what':<36} {'requests/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'× hello':>8} {'× peer':>8}  statuses")
for name, label in [("hello", "axum hello-world"), ("bytes", "peer: the board's bytes from memory"), ("write", "peer: one SQLite insert"), ("board", "GET a board of 500 cards"), ("move", "POST a card move")]:
    rps, p50, p99, codes = load(name)
    peer = f"{rps / peers[name][0]:>8.3f}" if name in peers else f"{'':>8}"
    print(f"{label:<36} {rps:>12.0f} {p50:>8.2f} {p99:>8.2f} {rps / hello[0]:>8.3f} {peer}  {codes}")
PY
