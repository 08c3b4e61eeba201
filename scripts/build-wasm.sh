#!/usr/bin/env bash
# Builds the browser wasm packages into www/pkg/:
#   leadgate_wasm.js + leadgate_wasm_bg.wasm            phone engine with every region (any site)
#   leadgate_wasm_nanp.js + leadgate_wasm_nanp_bg.wasm  United States and Canada only (sites whose
#                                                       script tag says data-phone-regions="us-ca")
# Incremental: cargo decides whether the crate changed; bindgen + wasm-opt run only when the
# raw wasm (or this script) differs from the last build, recorded in www/pkg/.stamp-<name>.
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
mkdir -p "$OUT"
rm -f "$OUT/.stamp" # the single-package stamp of earlier builds

# build_variant <out name> <cargo feature>
build_variant() {
  local name=$1 feature=$2
  CARGO_PROFILE_WASM_RELEASE_STRIP=false cargo build --quiet --target wasm32-unknown-unknown \
    --profile wasm-release -p leadgate-wasm --no-default-features --features "$feature"
  local stamp
  stamp="$(cat "$RAW" "$0" | sha256sum | cut -d' ' -f1) bindgen-$have"
  if [ -f "$OUT/.stamp-$name" ] && [ "$(cat "$OUT/.stamp-$name")" = "$stamp" ] \
     && [ -f "$OUT/$name.js" ] && [ -f "$OUT/${name}_bg.wasm" ]; then
    echo "build-wasm: $name up to date ($OUT)"
    return 0
  fi
  local tmp
  tmp="$(mktemp -d)"
  wasm-bindgen --target web --no-typescript --out-name "$name" --out-dir "$tmp" "$RAW"
  "$WASM_OPT" -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --enable-exception-handling \
    -o "$tmp/${name}_bg.opt.wasm" "$tmp/${name}_bg.wasm"
  cp "$tmp/$name.js" "$OUT/$name.js"
  cp "$tmp/${name}_bg.opt.wasm" "$OUT/${name}_bg.wasm"
  rm -rf "$tmp"
  echo "$stamp" > "$OUT/.stamp-$name"
  echo "build-wasm: built $OUT/$name ($(stat -c %s "$OUT/${name}_bg.wasm") bytes wasm, $(stat -c %s "$OUT/$name.js") bytes glue)"
}

build_variant leadgate_wasm all-regions
build_variant leadgate_wasm_nanp nanp
