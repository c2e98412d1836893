#!/usr/bin/env bash
# `andel tally` beside the stv-rs command, end to end (reading the file, counting,
# printing), on the same 500,000-ballot BLT (12 candidates, 3 seats, Meek STV), in one
# hyperfine run. Prints both commands' elected candidates, hyperfine's table and the
# ratio of the means.
#
#   benches/cli/tally_vs_stv_rs.sh [BALLOTS]
#
# Installs what it lacks: hyperfine (apt-get) and the stv-rs command (cargo install
# stv-rs 0.5.1, its command-line binary). Not run in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."

ballots="${1:-500000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v hyperfine >/dev/null || apt-get install -y hyperfine
command -v stv-rs >/dev/null || cargo install stv-rs --version 0.5.1 --locked

cargo build --release -q -p andel-cli --bin andel
benches/cli/write_blt.py "$work" "$ballots"
andel="target/release/andel"
blt="$work/ballots.blt"        # candidate numbers, for andel
nick="$work/ballots-nick.blt"  # the same ballots with nicknames, as stv-rs requires
echo "$(wc -l < "$blt") lines, $(du -h "$blt" | cut -f1)"

echo "andel elects:  $("$andel" tally --method stv-meek "$blt" | sed -n 's/^elected: //p')"
echo "stv-rs elects: $(stv-rs --arithmetic fixed9 --input "$nick" meek 2>/dev/null | sed -n '/Count Complete/,$p' | sed -n 's/^\tElected:  \(.*\) (.*$/\1/p' | paste -sd, -)"

hyperfine --warmup 2 --min-runs 10 --export-json "$work/runs.json" \
  -n "andel tally --method stv-meek" "$andel tally --method stv-meek $blt" \
  -n "andel tally --method plurality" "$andel tally --method plurality $blt" \
  -n "stv-rs meek (fixed9)" "stv-rs --arithmetic fixed9 --input $nick meek"

python3 - "$work/runs.json" <<'PY'
import json, sys
runs = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
andel, stv = runs["andel tally --method stv-meek"], runs["stv-rs meek (fixed9)"]
print(f"andel stv-meek {andel*1000:.1f} ms, stv-rs {stv*1000:.1f} ms: andel is {stv/andel:.1f}x faster")
PY
