#!/usr/bin/env bash
# Builds the browser wasm packages into www/pkg/:
#   leadgate_wasm.js + leadgate_wasm_bg.wasm            the checks, phone engine with every region
#   leadgate_wasm_nanp.js + leadgate_wasm_nanp_bg.wasm  the checks, United States and Canada only
#                                                       (script tag data-phone-regions="us-ca")
#   leadgate_pow.js + leadgate_pow_bg.wasm              the proof-of-work solver (PoW sites only)
# One package per cargo command: cargo unifies the features of the packages it builds together,
# which would give the no_std proof-of-work module wasm-bindgen's std.
# Incremental: cargo decides whether the crate changed; bindgen + wasm-opt run only when the
# raw wasm (or this script) differs from the last build, recorded in www/pkg/.stamp-<name>.
# Run with: ./scripts/build-wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-browser}"
OUT=www/pkg
WASM_OPT=node_modules/.bin/wasm-opt
ESBUILD=node_modules/.bin/esbuild
WASM_DIS=node_modules/.bin/wasm-dis
WANT_BINDGEN=0.2.130

command -v wasm-bindgen >/dev/null || { echo "build-wasm: wasm-bindgen CLI $WANT_BINDGEN not found on PATH" >&2; exit 1; }
have="$(wasm-bindgen --version | awk '{print $2}')"
[ "$have" = "$WANT_BINDGEN" ] || { echo "build-wasm: wasm-bindgen CLI is $have, need $WANT_BINDGEN" >&2; exit 1; }
[ -x "$WASM_OPT" ] || { echo "build-wasm: $WASM_OPT missing (run npm ci)" >&2; exit 1; }
[ -x "$ESBUILD" ] || { echo "build-wasm: $ESBUILD missing (run npm ci)" >&2; exit 1; }
[ -x "$WASM_DIS" ] || { echo "build-wasm: $WASM_DIS missing (run npm ci)" >&2; exit 1; }

# Panic locations carry source paths: keep this machine's out of what ships to browsers.
sysroot="$(rustc --print sysroot)"
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$PWD=leadgate --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo --remap-path-prefix=$sysroot=rust"
mkdir -p "$OUT"
rm -f "$OUT/.stamp" # the single-package stamp of earlier builds

# The modules' panic handlers trap and drop the message, but a panic's formatting code stays
# linked. Indexing a `str` with a range (`&s[a..]`, `split_at`) can panic through
# `core::str::slice_error_fail`, whose message formats a `char` and a range: `<char as Debug>`
# and the Unicode printable and grapheme tables came with it, 3.2 KB brotli per checks module.
# The crates slice through `str::get` instead (`text::slice` in the checks, `input::slice` in
# the phone engine). Checked on the raw module, whose name section lists every function.
# without_str_slice_panics <raw wasm> <out name>
without_str_slice_panics() {
  local callers
  callers="$("$WASM_DIS" "$1" | awk '/^ \(func /{f=$2} /call \$[^ ]*slice_error_fail/{print f}' | sort -u)"
  [ -z "$callers" ] && return 0
  echo "build-wasm: $2 links core::str::slice_error_fail (a str indexed with a range), called from:" >&2
  printf '%s\n' "$callers" | sed 's/^/  /' >&2
  return 1
}

# build_package <out name> <cargo profile> <package> [cargo args...]
build_package() {
  local name=$1 profile=$2 package=$3
  shift 3
  # Unstripped: wasm-bindgen reads its own custom sections (it strips what it does not need).
  CARGO_PROFILE_WASM_RELEASE_STRIP=false CARGO_PROFILE_WASM_POW_STRIP=false \
    cargo build --quiet --target wasm32-unknown-unknown --profile "$profile" -p "$package" "$@"
  local raw="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/${package//-/_}.wasm"
  local stamp
  stamp="$(cat "$raw" "$0" | sha256sum | cut -d' ' -f1) bindgen-$have"
  if [ -f "$OUT/.stamp-$name" ] && [ "$(cat "$OUT/.stamp-$name")" = "$stamp" ] \
     && [ -f "$OUT/$name.js" ] && [ -f "$OUT/${name}_bg.wasm" ]; then
    echo "build-wasm: $name up to date ($OUT)"
    return 0
  fi
  without_str_slice_panics "$raw" "$name"
  local tmp
  tmp="$(mktemp -d)"
  wasm-bindgen --target web --no-typescript --out-name "$name" --out-dir "$tmp" "$raw"
  "$WASM_OPT" -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --enable-exception-handling \
    -o "$tmp/${name}_bg.opt.wasm" "$tmp/${name}_bg.wasm"
  # The glue minified (half its brotli size): exports and the wasm's import names are
  # kept, only local names and whitespace go.
  "$ESBUILD" "$tmp/$name.js" --minify --format=esm --outfile="$OUT/$name.js" --log-level=warning
  cp "$tmp/${name}_bg.opt.wasm" "$OUT/${name}_bg.wasm"
  rm -rf "$tmp"
  echo "$stamp" > "$OUT/.stamp-$name"
  echo "build-wasm: built $OUT/$name ($(stat -c %s "$OUT/${name}_bg.wasm") bytes wasm, $(stat -c %s "$OUT/$name.js") bytes glue)"
}

build_package leadgate_wasm wasm-release leadgate-wasm --no-default-features --features all-regions
build_package leadgate_wasm_nanp wasm-release leadgate-wasm --no-default-features --features nanp
# Its own profile (opt-level 3, Cargo.toml): hashing speed is what a person waits for.
build_package leadgate_pow wasm-pow leadgate-pow-wasm
