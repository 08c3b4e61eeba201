#!/usr/bin/env bash
# Builds the browser wasm package into www/pkg/ (leadgate_wasm.js + leadgate_wasm_bg.wasm).
# Incremental: cargo decides whether the crate changed; bindgen + wasm-opt run only when the
# raw wasm (or this script) differs from the last build, recorded in www/pkg/.stamp.
# Run with: ./scripts/build-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-browser}"
OUT=www/pkg
RAW="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/leadgate_wasm.wasm"
WASM_OPT=node_modules/.bin/wasm-opt
WANT_BINDGEN=0.2.130

command -v wasm-bindgen >/dev/null || { echo "build-wasm: wasm-bindgen CLI $WANT_BINDGEN not found on PATH" >&2; exit 1; }
have="$(wasm-bindgen --version | awk '{print $2}')"
[ "$have" = "$WANT_BINDGEN" ] || { echo "build-wasm: wasm-bindgen CLI is $have, need $WANT_BINDGEN" >&2; exit 1; }
[ -x "$WASM_OPT" ] || { echo "build-wasm: $WASM_OPT missing (run npm ci)" >&2; exit 1; }

# Panic locations carry source paths: keep this machine's out of what ships to browsers.
sysroot="$(rustc --print sysroot)"
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$PWD=leadgate --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo --remap-path-prefix=$sysroot=rust"
CARGO_PROFILE_WASM_RELEASE_STRIP=false cargo build --quiet --target wasm32-unknown-unknown --profile wasm-release -p leadgate-wasm

stamp="$(cat "$RAW" "$0" | sha256sum | cut -d' ' -f1) bindgen-$have"
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] \
   && [ -f "$OUT/leadgate_wasm.js" ] && [ -f "$OUT/leadgate_wasm_bg.wasm" ]; then
  echo "build-wasm: up to date ($OUT)"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-name leadgate_wasm --out-dir "$tmp" "$RAW"
"$WASM_OPT" -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --enable-exception-handling \
  -o "$tmp/leadgate_wasm_bg.opt.wasm" "$tmp/leadgate_wasm_bg.wasm"
mkdir -p "$OUT"
cp "$tmp/leadgate_wasm.js" "$OUT/leadgate_wasm.js"
cp "$tmp/leadgate_wasm_bg.opt.wasm" "$OUT/leadgate_wasm_bg.wasm"
echo "$stamp" > "$OUT/.stamp"
echo "build-wasm: built $OUT ($(stat -c %s "$OUT/leadgate_wasm_bg.wasm") bytes wasm, $(stat -c %s "$OUT/leadgate_wasm.js") bytes glue)"
