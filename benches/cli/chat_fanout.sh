#!/usr/bin/env bash
# Fan-out load on the chat service (examples/chat/examples/fanout.rs): CLIENTS
# WebSocket clients (1,000 by default) follow one channel while messages are posted
# into it at RATE per second (2,000) for SECONDS (10), beside a peer in the same run:
#
#   1. peer: a bare axum WebSocket broadcast (a post is handed to every socket from
#      memory), the ceiling for fan-out on this machine;
#   2. chat on one process on SQLite;
#   3. chat on two processes on one PostgreSQL database (DATABASE, by default
#      $ANDEL_TEST_POSTGRES; skipped when neither is set), clients spread over both,
#      posts sent to the first.
#
# Prints, for each, the rate sustained, how many messages reached every client, and
# the fan-out latency (post sent -> last client received) p50/p99/max, with chat's
# rate as a ratio of the peer's.
#
#   bash benches/cli/chat_fanout.sh            # from the workspace root
set -euo pipefail
cd "$(dirname "$0")/../.."
clients="${CLIENTS:-1000}"
rate="${RATE:-2000}"
seconds="${SECONDS_EACH:-10}"
database="${DATABASE:-${ANDEL_TEST_POSTGRES:-}}"
cargo build -q --release -p chat --bin chat --example fanout
fanout="${CARGO_TARGET_DIR:-target}/release/examples/fanout"
ulimit -n 65536 2>/dev/null || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # name, then fanout's arguments
  local name=$1; shift
  "$fanout" --clients "$clients" --rate "$rate" --seconds "$seconds" "$@" >"$work/$name.json"
}
run peer --target peer
run sqlite --target chat
if [ -n "$database" ]; then
  # A schema of its own, so the run starts empty.
  schema="fanout_$$"
  psql "$database" -qc "CREATE SCHEMA $schema" >/dev/null
  sep='?'; case "$database" in *\?*) sep='&';; esac
  run postgres --target chat --processes 2 --database "${database}${sep}options=-c%20search_path%3D$schema"
  psql "$database" -qc "DROP SCHEMA $schema CASCADE" >/dev/null
fi
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
rows = [json.load(open(os.path.join(work, f"{n}.json"))) for n in ("peer", "sqlite", "postgres") if os.path.exists(os.path.join(work, f"{n}.json"))]
peer = rows[0]["sustained_per_s"]
print(f"{'target':<8} {'procs':>5} {'db':<9} {'clients':>7} {'offered/s':>9} {'sustained/s':>11} {'vs peer':>7} {'to all':>11} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'post p99':>8}")
for r in rows:
    f = r["fanout_ms"]
    print(f"{r['target']:<8} {r['processes']:>5} {r['database']:<9} {r['clients']:>7} {r['offered_per_s']:>9} {r['sustained_per_s']:>11.0f} {r['sustained_per_s']/peer:>7.3f} {r['delivered_to_all']:>5}/{r['messages']:<5} {f['p50']:>8.1f} {f['p99']:>8.1f} {f['max']:>8.1f} {r['post_ms']['p99']:>8.1f}")
PY
