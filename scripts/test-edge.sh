#!/usr/bin/env bash
# Edge tests: builds the Worker (incrementally, scripts/build-worker.sh) and runs
# tests/edge/*.test.mjs with node's test runner; each test file starts the built Worker
# in workerd (Miniflare) with local Turnstile / reCAPTCHA / backend stand-ins on 127.0.0.1.
# Usage: scripts/test-edge.sh [extra node --test args]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-worker.sh
[[ -d node_modules/miniflare ]] || { echo "test-edge: node_modules missing (run npm ci)" >&2; exit 1; }
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false CLOUDFLARE_CF_FETCH_ENABLED=false
echo "test-edge: node --test tests/edge/"
node --test --test-concurrency=2 --test-reporter=spec "$@" tests/edge/*.test.mjs
