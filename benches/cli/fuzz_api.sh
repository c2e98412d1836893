#!/usr/bin/env bash
# Property-based fuzzing of the kanban service's HTTP API with Schemathesis, driven by the
# service's own OpenAPI document (GET /api/openapi.json), against the load benchmark's
# target (a demo co-op with a board of 500 cards in a scratch SQLite database, Alva
# signed in):
#
#   1. every operation of the document is sent generated requests, valid and invalid
#      ones alike, with Alva's session cookie and CSRF token, in each of Schemathesis'
#      phases: the schema's examples, the coverage phase's boundary values, then at most
#      MAX_EXAMPLES (50 by default) random cases per operation, and as many sequences
#      chained through the links it infers (stateful);
#   2. each response is checked: no 5xx (not_a_server_error), a status code the document
#      lists for the operation (status_code_conformance), the documented content type
#      (content_type_conformance) and a body that the documented schema accepts
#      (response_schema_conformance). Every failing case is reported, not only the first
#      of each operation (--continue-on-failure).
#
# Two operations are left out (--exclude-name takes Schemathesis' "METHOD /path"),
# because one that succeeds ends what the rest of the run can test:
#   - DELETE /api/session signs the session out, and every later request would be a 401;
#   - POST /api/me/resignation makes Alva leave the co-op, and with her the boards.
# Everything else is fuzzed, writes included: the database is a scratch one.
#
# Exits non-zero when any check fails (Schemathesis' own exit code, 1), after printing
# each failure with a curl line that reproduces it; about a minute at 50 examples. Needs
# python3 with venv. Schemathesis is pinned below and installed from PyPI into a
# virtualenv under a temporary directory, or into $SCHEMATHESIS_VENV if that is set
# (created if missing; the pinned version is installed into it unless it already has
# it). SKIP_BUILD=1 skips the cargo build and uses the load_target already built.
# Arguments are passed on to `schemathesis run`, e.g. `--seed 1` to replay a run,
# `--phases fuzzing`, or `--report junit --report-dir /tmp/fuzz` (an absolute path: it
# runs in a scratch directory).
#
#   bash benches/cli/fuzz_api.sh [schemathesis run options]    # from the workspace root
#
# Environment: MAX_EXAMPLES (50), PORT (8191; the target also binds PORT+1), WORKERS (1),
# SCHEMATHESIS_VENV, SKIP_BUILD.
set -euo pipefail
cd "$(dirname "$0")/../.."
schemathesis_version=4.32.5
max_examples="${MAX_EXAMPLES:-50}"
port="${PORT:-8191}"
workers="${WORKERS:-1}"
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build -q --release -p kanban --example load_target
target_bin="${CARGO_TARGET_DIR:-target}/release/examples/load_target"
[ -x "$target_bin" ] || { echo "no $target_bin: build it, or run without SKIP_BUILD=1" >&2; exit 1; }
work=$(mktemp -d)
target=
trap '[ -z "$target" ] || kill "$target" 2>/dev/null || true; rm -rf "$work"' EXIT

venv="${SCHEMATHESIS_VENV:-$work/venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" \
  != "$schemathesis_version" ]; then
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

"$target_bin" --port "$port" >"$work/target.json" 2>"$work/target.err" &
target=$!
for _ in $(seq 1 120); do [ -s "$work/target.json" ] && break; kill -0 "$target" 2>/dev/null || break; sleep 0.5; done
[ -s "$work/target.json" ] || { cat "$work/target.err" >&2; exit 1; }
field() { python3 -c "import json,sys; print(json.load(open('$work/target.json'))['$1'])"; }
service=$(field service); cookie=$(field cookie); csrf=$(field csrf)

# Run from the scratch directory, so that Hypothesis' example database lands there rather
# than in the work tree. The CSRF header goes on every request: GETs ignore it, and
# without it every write would be refused before its body is even read (the operations
# that declare it as a header parameter still get cases without it, from the coverage
# phase).
status=0
(cd "$work" && "$venv/bin/schemathesis" run "$service/api/openapi.json" \
  --header "Cookie: $cookie" --header "X-CSRF-Token: $csrf" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$max_examples" --workers "$workers" --continue-on-failure \
  --exclude-name "DELETE /api/session" --exclude-name "POST /api/me/resignation" \
  "$@") || status=$?
kill -0 "$target" 2>/dev/null || { echo "the target died:" >&2; cat "$work/target.err" >&2; status=1; }
exit "$status"
