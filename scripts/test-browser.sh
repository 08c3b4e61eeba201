#!/usr/bin/env bash
# The browser part: builds the wasm packages (incrementally), checks the glue crates, then runs
# the snippet's tests in headless Chromium (playwright-core) with node's test runner: first
# against the edge stand-in (tests/browser/edge-standin.mjs), then against the real Worker
# (built by scripts/build-worker.sh) in workerd.
# Run with: ./scripts/test-browser.sh            (from the repo root or anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { echo "test-browser: Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}" >&2; exit 1; }
[ -d node_modules/playwright-core ] || { echo "test-browser: node_modules missing (run npm ci)" >&2; exit 1; }

echo "== leadgate-wasm, leadgate-pow-wasm: cargo test (native)"
cargo test --quiet -p leadgate-wasm -p leadgate-pow-wasm
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-browser}"

echo "== wasm package"
./scripts/build-wasm.sh

echo "== snippet syntax"
node --check www/leadgate.js
node --check www/leadgate-pow.js
node --check www/serve.mjs

mkdir -p "$CARGO_TARGET_DIR/screenshots"
status=0
echo "== browser tests against the edge stand-in (headless Chromium)"
node --test --test-concurrency=1 --test-reporter=spec tests/browser/glue.test.mjs tests/browser/pow.test.mjs tests/browser/snippet.test.mjs tests/browser/hostile.test.mjs || status=1

echo "== browser tests against the real edge Worker (workerd via Miniflare)"
if ./scripts/build-worker.sh; then
  node --test --test-concurrency=1 --test-reporter=spec tests/browser/edge-e2e.test.mjs || status=1
else
  echo "test-browser: building the edge Worker failed; end-to-end tests not run" >&2
  status=1
fi
exit $status
