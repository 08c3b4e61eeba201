#!/usr/bin/env bash
# The whole Leadgate stack on this machine: `./scripts/run.sh` (the README's first command).
#
# Builds what changed (the backend and the sandbox with cargo, the edge Worker with
# scripts/build-worker.sh, the browser wasm with scripts/build-wasm.sh), then starts
#   the vendor sandbox      127.0.0.1:8090  (every provider, the partner's postback receiver, a calendar)
#   the backend             127.0.0.1:8080  (leadgate.toml, SQLite in .leadgate/data)
#   the edge Worker         127.0.0.1:8787  (wrangler dev: workerd, wrangler.toml, worker/dev.vars.example)
#   the demo lead form      127.0.0.1:8000  (www/, site "demo-pow")
# prints the URLs, follows every log in one stream (each line prefixed by its part), and
# stops everything on Ctrl-C (or SIGTERM). State lives in .leadgate/: delete it to start over.
#
#   ./scripts/run.sh              debug build (fast to build; what the tests use)
#   ./scripts/run.sh --release    optimised backend and sandbox (slower to build the first time)
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

profile=debug
case "${1:-}" in
  "") ;;
  --release) profile=release ;;
  -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument $1 (try --help)" ;;
esac

STATE="$ROOT/.leadgate"
SANDBOX_PORT=8090 BACKEND_PORT=8080 EDGE_PORT=8787 DEMO_PORT=8000
started_at=$SECONDS

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in $SANDBOX_PORT $BACKEND_PORT $EDGE_PORT $DEMO_PORT; do
  ! port_busy "$port" || die "127.0.0.1:$port is already in use (is another ./scripts/run.sh running?)"
done

ensure_wasm_target
ensure_wasm_bindgen
ensure_node_modules

say "building the backend, the sandbox, the Worker and the browser wasm (only what changed)"
cargo_flags=(-p leadgate-server -p leadgate-sandbox)
[ "$profile" = release ] && cargo_flags+=(--release)
cargo build "${cargo_flags[@]}"
scripts/build-worker.sh
scripts/build-wasm.sh
built_at=$SECONDS

mkdir -p "$STATE/data" "$STATE/xdg" "$STATE/tmp" "$STATE/wrangler"

# --- process handling ------------------------------------------------------------------
# Each part runs in its own session (setsid), so Ctrl-C reaches only this script, which then
# stops the parts in order: the form, the edge, the backend (graceful: in-flight leads finish),
# the sandbox. Output goes through a prefixer that ignores INT/TERM, so the parts' last log
# lines still show.
names=() pids=()
if [ -t 1 ]; then colors=(36 35 33 32); else colors=(); export NO_COLOR=1; fi
start() {
  local name="$1" color="${colors[${#pids[@]}]:-}"; shift
  local tag
  tag=$(printf '%-7s|' "$name")
  [ -n "$color" ] && tag=$'\033['"${color}m${tag}"$'\033[0m'
  # Booking tokens are single-use credentials that carry the lead's name and email: the
  # request log shows /v1/book/… instead.
  setsid "$@" </dev/null > >(trap '' INT TERM; exec sed -u -e "s#/v1/book/[A-Za-z0-9._~-]*#/v1/book/…#g" -e "s/^/$tag /") 2>&1 &
  names+=("$name"); pids+=($!)
}

# A part is alive while its first process or anything in its process group is. (Right after
# `start`, setsid may not have run yet: the group does not exist, the process does.)
alive() { kill -0 "$1" 2>/dev/null || kill -0 -- "-$1" 2>/dev/null; }
signal_part() { kill "-$1" -- "-$2" 2>/dev/null || true; kill "-$1" "$2" 2>/dev/null || true; }

stop_one() {
  local name="$1" pid="$2" i
  alive "$pid" || return 0
  signal_part TERM "$pid"
  for i in $(seq 1 150); do alive "$pid" || return 0; sleep 0.1; done
  say "$name did not stop within 15 s: killing it"
  signal_part KILL "$pid"
  for i in $(seq 1 20); do alive "$pid" || return 0; sleep 0.1; done
}

stopping=""
cleanup() {
  [ -n "$stopping" ] && return
  stopping=1
  trap '' INT TERM
  set +e # stop every part, whatever fails on the way
  echo >&2
  say "stopping"
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_one "${names[$i]}" "${pids[$i]}"; done
  wait "${pids[@]}" 2>/dev/null || true
  sleep 0.2 # the prefixers print the parts' last lines
  say "stopped"
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

# wait_http NAME URL: until URL answers below 500, or NAME's process has died.
wait_http() {
  local name="$1" url="$2" pid="${pids[-1]}" i
  for i in $(seq 1 600); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    alive "$pid" || die "$name exited during start-up; see its log lines above"
    sleep 0.1
  done
  die "$name did not answer $url within 60 s; see its log lines above"
}
command -v curl >/dev/null || die "curl is required: apt-get install curl"

# --- the parts -------------------------------------------------------------------------
start sandbox "target/$profile/leadgate-sandbox" --port $SANDBOX_PORT
wait_http sandbox "http://127.0.0.1:$SANDBOX_PORT/_admin/health"

LEADGATE_SERVER__DATA_DIR="$STATE/data" start backend "target/$profile/leadgate" serve --config leadgate.toml
wait_http backend "http://127.0.0.1:$BACKEND_PORT/readyz"

WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
XDG_CONFIG_HOME="$STATE/xdg" TMPDIR="$STATE/tmp" \
  start edge "$ROOT/node_modules/.bin/wrangler" dev --ip 127.0.0.1 --port $EDGE_PORT \
    --env-file worker/dev.vars.example --persist-to "$STATE/wrangler" --show-interactive-dev-session=false
wait_http edge "http://127.0.0.1:$EDGE_PORT/healthz"

start demo node www/serve.mjs --port $DEMO_PORT --edge "http://127.0.0.1:$EDGE_PORT"
wait_http demo "http://127.0.0.1:$DEMO_PORT/demo/"

cat >&2 <<MSG

  Leadgate is running (built in $((built_at - started_at)) s, started in $((SECONDS - built_at)) s).

    demo lead form       http://127.0.0.1:$DEMO_PORT/demo/                       (site demo-pow, campaign home-solar)
    edge                 http://127.0.0.1:$EDGE_PORT/v1/config/demo-pow          http://127.0.0.1:$EDGE_PORT/v1/config/brightside-business
    edge outbox          curl -H 'Authorization: Bearer dev-admin-token-change-me' http://127.0.0.1:$EDGE_PORT/v1/outbox
    backend              http://127.0.0.1:$BACKEND_PORT/readyz    metrics http://127.0.0.1:$BACKEND_PORT/metrics
    a lead's status      curl -H 'X-Api-Key: dev-partner-key-sunrise' http://127.0.0.1:$BACKEND_PORT/v1/leads/<lead_id>
    campaigns running    curl -H 'Authorization: Bearer dev-backend-admin-token' http://127.0.0.1:$BACKEND_PORT/v1/admin/campaigns
    partner postbacks    http://127.0.0.1:$SANDBOX_PORT/partner/received
    sandbox calls        http://127.0.0.1:$SANDBOX_PORT/_admin/calls

  Logs follow, prefixed by the part. Ctrl-C stops everything. State: .leadgate/ (delete to reset).

MSG

# Run until Ctrl-C, or until one part exits on its own (then stop the rest).
while :; do
  exited=""
  wait -n "${pids[@]}" 2>/dev/null || true
  [ -n "$stopping" ] && break
  for i in "${!pids[@]}"; do alive "${pids[$i]}" || exited="${names[$i]}"; done
  if [ -n "$exited" ]; then say "$exited exited; stopping the rest"; exit 1; fi
done
