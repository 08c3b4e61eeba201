#!/usr/bin/env bash
# End-to-end tests across every tier: headless Chromium on the demo form -> the edge Worker in
# workerd (Miniflare) -> the backend (target/debug/leadgate, SQLite) -> the vendor sandbox
# (target/debug/leadgate-sandbox) -> the partner's postback receiver. Each test file starts
# its own stack on free ports with its state in a temporary directory (tests/e2e/harness.mjs).
# Builds what changed first: the two binaries (debug), the Worker, the browser wasm.
# Run with: ./scripts/test-e2e.sh [extra node --test args]   (LEADGATE_E2E_KEEP=1 keeps the logs)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "test-e2e: Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}" >&2; exit 1; }
[ -d node_modules/playwright-core ] && [ -d node_modules/miniflare ] || { echo "test-e2e: node_modules missing (run npm ci)" >&2; exit 1; }

echo "== backend and sandbox (cargo build, debug)"
cargo build --quiet -p leadgate-server -p leadgate-sandbox
echo "== edge Worker"
./scripts/build-worker.sh
echo "== browser wasm"
./scripts/build-wasm.sh

export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false
echo "== node --test tests/e2e/"
node --test --test-concurrency=2 --test-reporter=spec "$@" tests/e2e/*.test.mjs
