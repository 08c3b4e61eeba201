#!/usr/bin/env bash
# Builds the edge Worker into worker/build/ (shim.mjs + leadgate_worker.js + .wasm) without
# worker-build: cargo (wasm32, profile wasm-release) -> wasm-bindgen --target module ->
# optional wasm-opt (binaryen from node_modules) -> shim. Incremental: skipped when no input
# changed since the last build. Run from anywhere; FORCE=1 rebuilds; NO_WASM_OPT=1 skips wasm-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=worker/build
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-edge}"
STAMP="$OUT/.inputs.sha256"

inputs_hash() {
  {
    find worker/src worker/js crates/checks crates/protocol crates/pow crates/phone -type f \( -name '*.rs' -o -name '*.toml' -o -name '*.mjs' -o -name '*.txt' -o -name '*.json' -o -name '*.csv' \) 2>/dev/null | sort | xargs sha256sum
    sha256sum worker/Cargo.toml Cargo.toml Cargo.lock scripts/build-worker.sh
    echo "NO_WASM_OPT=${NO_WASM_OPT:-}"
  } | sha256sum | cut -d' ' -f1
}

HASH=$(inputs_hash)
if [[ -z "${FORCE:-}" && -f "$STAMP" && "$(cat "$STAMP")" == "$HASH" && -f "$OUT/leadgate_worker_bg.wasm" && -f "$OUT/shim.mjs" ]]; then
  echo "build-worker: up to date ($OUT)"
  exit 0
fi

command -v wasm-bindgen >/dev/null || { echo "build-worker: wasm-bindgen not found (cargo install wasm-bindgen-cli --version 0.2.130)" >&2; exit 1; }
WANT=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p' | head -1)
HAVE=$(wasm-bindgen --version | awk '{print $2}')
if [[ "$WANT" != "$HAVE" ]]; then
  echo "build-worker: wasm-bindgen CLI $HAVE does not match the crate $WANT in Cargo.lock" >&2
  exit 1
fi

echo "build-worker: cargo build (wasm32-unknown-unknown, wasm-release)"
# Panic locations carry source paths: keep this machine's out of the upload.
sysroot="$(rustc --print sysroot)"
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$PWD=leadgate --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo --remap-path-prefix=$sysroot=rust"
cargo build --quiet --target wasm32-unknown-unknown --profile wasm-release -p leadgate-worker
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/leadgate_worker.wasm"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
wasm-bindgen "$WASM" --out-dir "$TMP" --out-name leadgate_worker --target module \
  --no-typescript --experimental-reset-state-function --force-enable-abort-handler

# workerd imports a .wasm module as a compiled WebAssembly.Module: plain `import`.
sed -i 's/^import source /import /' "$TMP/leadgate_worker.js"

WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"
if [[ -z "${NO_WASM_OPT:-}" && -x "$WASM_OPT" ]]; then
  # -ocimfs 100: do not inline a function that has one caller when it is bigger than that.
  # Left unlimited, -Oz folds the whole fetch path into one ~90 KB function, which V8
  # compiles whole on a fresh isolate's first request even though a request runs a small
  # part of it (docs/edge.md, "First request in a fresh isolate"); costs ~2 KB raw.
  echo "build-worker: wasm-opt -Oz -ocimfs 100"
  "$WASM_OPT" -Oz -ocimfs 100 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-exception-handling \
    "$TMP/leadgate_worker_bg.wasm" -o "$TMP/opt.wasm"
  mv "$TMP/opt.wasm" "$TMP/leadgate_worker_bg.wasm"
fi

rm -rf "$OUT"
mkdir -p "$OUT"
cp worker/js/shim.mjs "$OUT/shim.mjs"
cp "$TMP/leadgate_worker.js" "$TMP/leadgate_worker_bg.wasm" "$OUT/"
# wasm-bindgen inline JS snippets (workers-rs uses one), imported relatively by the glue.
if [[ -d "$TMP/snippets" ]]; then cp -r "$TMP/snippets" "$OUT/"; fi
echo "$HASH" > "$STAMP"
RAW=$(stat -c %s "$OUT/leadgate_worker_bg.wasm")
GZ=$(gzip -9 -c "$OUT/leadgate_worker_bg.wasm" | wc -c)
echo "build-worker: built $OUT (wasm ${RAW} bytes raw, ${GZ} bytes gzip)"
