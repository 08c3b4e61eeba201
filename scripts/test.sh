#!/usr/bin/env bash
# Leadgate's whole test suite: `./scripts/test.sh` (the README's test command; CI runs it).
#
# Installs what it needs when missing (wasm32 target, wasm-bindgen-cli, npm packages,
# Chromium from Debian's packages, PostgreSQL when none answers on 127.0.0.1:5432), then runs:
# rustfmt, clippy, every Rust test, the wasm32 build of the pure crates, the purity check, the
# page's no_std wasm modules, the Worker in workerd, the backend against PostgreSQL,
# the snippet in headless Chromium, and the end-to-end tests across every tier
# (Chromium -> workerd -> backend -> sandbox -> postback).
#
#   ./scripts/test.sh              everything
#   ./scripts/test.sh rust         only the Rust stages (fmt, clippy, tests, wasm32, purity)
#   ./scripts/test.sh edge pg browser e2e   only those part stages
. "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(rust edge pg browser e2e)
want() { local s; for s in "${stages[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

passed=0 failed=0 failures=()
stage() {
  local name="$1"; shift
  say "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); say "$name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); say "$name: FAILED ($((SECONDS - start)) s)"
  fi
}

# Pure crates must never gain I/O: no async runtime, HTTP, database or JS bindings in their tree.
purity() {
  local bad=0 krate deps
  for krate in leadgate-checks leadgate-protocol leadgate-phone leadgate-pow; do
    deps=$(cargo tree -p "$krate" -e normal --prefix none --format '{p}' | awk '{print $1}' | sort -u)
    if printf '%s\n' "$deps" | grep -E -x 'tokio|reqwest|hyper|sqlx|mio|wasm-bindgen|js-sys|web-sys|worker|axum|async-std|getrandom'; then
      echo "$krate depends on an I/O crate (above)" >&2; bad=1
    fi
  done
  return $bad
}

# The page's wasm modules are no_std (a std build links std's panic handler, which formats
# its message: core::fmt and Unicode tables on every page). Built alone, as
# scripts/build-wasm.sh builds them, no crate in their trees may turn on a `std` feature
# (another member in the same cargo command would bring std back).
wasm_modules_without_std() {
  local tree args
  for args in "-p leadgate-pow-wasm" \
      "-p leadgate-wasm --no-default-features --features all-regions" \
      "-p leadgate-wasm --no-default-features --features nanp"; do
    # shellcheck disable=SC2086 # the arguments are words
    tree=$(cargo tree $args --target wasm32-unknown-unknown -e normal,features --prefix none) || return 1
    if printf '%s\n' "$tree" | grep -F 'feature "std"'; then
      echo "cargo tree $args: the wasm build has std features (above)" >&2; return 1
    fi
  done
}

ensure_wasm_target
if want edge || want browser || want e2e; then ensure_wasm_bindgen; ensure_node_modules; fi
if want browser || want e2e; then ensure_chromium; fi
if want rust || want pg; then ensure_postgres; fi

if want rust; then
  stage "rustfmt" cargo fmt --all -- --check
  stage "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
  stage "cargo test" cargo test --workspace --quiet
  # The checks' own tests again with the `phonenumber` crate as the phone engine
  # (`native-phone`): both engines must give the answers the tests expect.
  stage "checks on the phonenumber crate" cargo test --quiet -p leadgate-checks \
    --features native-phone
  # ... and as the browser builds them: no IDN tables, the best-known disposable subset.
  stage "checks as the browser builds them" cargo test --quiet -p leadgate-checks --lib \
    --no-default-features --features compact-lists,phone-all-regions
  stage "checks as the US/CA page build has them" cargo test --quiet -p leadgate-checks --lib \
    --no-default-features --features compact-lists,phone-nanp
  stage "wasm32 build of the pure crates" cargo build --quiet --target wasm32-unknown-unknown \
    -p leadgate-checks -p leadgate-protocol -p leadgate-pow --no-default-features
  stage "purity of checks, protocol, phone and pow" purity
  stage "the page's wasm modules without std" wasm_modules_without_std
fi
if want edge && [ -x scripts/test-edge.sh ]; then stage "edge (Worker in workerd)" scripts/test-edge.sh; fi
if want pg && [ -x scripts/test-backend-pg.sh ]; then stage "backend on PostgreSQL" scripts/test-backend-pg.sh; fi
if want browser && [ -x scripts/test-browser.sh ]; then stage "browser (headless Chromium)" scripts/test-browser.sh; fi
if want e2e && [ -x scripts/test-e2e.sh ]; then stage "end to end (Chromium, workerd, backend, sandbox)" scripts/test-e2e.sh; fi

echo
[ $failed -eq 0 ] || echo "failed stages: ${failures[*]}"
echo "stages: $passed passed, $failed failed"
[ $failed -eq 0 ]
