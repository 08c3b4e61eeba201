#!/usr/bin/env bash
# Size and speed report for the compact phone engine (leadgate-phone) and the page's
# checks module (crates/wasm, everything the page runs):
# builds the wasm harness (all regions, and US/CA only) with the
# wasm-release profile, runs wasm-bindgen and wasm-opt, minifies the glue, bundles
# libphonenumber-js (max) + validator.isEmail with esbuild, times both in
# node and the engine natively, and prints one table.
#
# Run from the repo root: ./scripts/size-report.sh   (JSON + table on stdout)
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${LEADGATE_PHONE_TARGET_DIR:-$PWD/target-phone}
OUT="$TARGET/size-report"
mkdir -p "$OUT"
WASM_OPT=node_modules/.bin/wasm-opt
ESBUILD=node_modules/.bin/esbuild
OPT_FLAGS=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue
  --enable-exception-handling)

for tool in wasm-bindgen "$WASM_OPT" "$ESBUILD" node; do
  command -v "$tool" >/dev/null || { echo "size-report: missing $tool" >&2; exit 1; }
done

build_variant() { # name, cargo feature
  local name=$1 feature=$2
  CARGO_TARGET_DIR="$TARGET/size" cargo build --quiet \
    --manifest-path tests/size/harness/Cargo.toml \
    --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features "$feature"
  rm -rf "$OUT/$name" && mkdir -p "$OUT/$name"
  wasm-bindgen --target web --out-dir "$OUT/$name" \
    "$TARGET/size/wasm32-unknown-unknown/wasm-release/leadgate_phone_size_harness.wasm" 2>/dev/null
  "$WASM_OPT" -Oz "${OPT_FLAGS[@]}" "$OUT/$name/leadgate_phone_size_harness_bg.wasm" \
    -o "$OUT/$name/opt.wasm"
  mv "$OUT/$name/opt.wasm" "$OUT/$name/leadgate_phone_size_harness_bg.wasm"
  # The glue minified like the JS baseline (a bundler would do the same).
  "$ESBUILD" "$OUT/$name/leadgate_phone_size_harness.js" --minify --format=esm \
    --outfile="$OUT/$name/leadgate_phone_size_harness.js" --allow-overwrite --log-level=warning
}

echo "size-report: building wasm (all regions, US/CA only)..." >&2
build_variant all regions-all
build_variant usca regions-nanp-us-ca

# The page's checks module as it ships (email, phone, typo, lists, address, name, consent,
# policy, verdict: scripts/build-wasm.sh), its glue minified like the others.
echo "size-report: building the page's checks module..." >&2
./scripts/build-wasm.sh >&2
for stem in leadgate_wasm leadgate_wasm_nanp; do
  rm -rf "$OUT/page-$stem" && mkdir -p "$OUT/page-$stem"
  cp "www/pkg/${stem}_bg.wasm" "$OUT/page-$stem/"
  "$ESBUILD" "www/pkg/$stem.js" --minify --format=esm \
    --outfile="$OUT/page-$stem/$stem.js" --log-level=warning
done

echo "size-report: bundling libphonenumber-js max + validator.isEmail..." >&2
"$ESBUILD" tests/size/lpjs-entry.mjs --bundle --minify --format=esm \
  --outfile="$OUT/lpjs.mjs" --log-level=warning
"$ESBUILD" tests/size/lpjs-phone-only.mjs --bundle --minify --format=esm \
  --outfile="$OUT/lpjs-phone-only.mjs" --log-level=warning

echo "size-report: native bench..." >&2
CARGO_TARGET_DIR="$TARGET" cargo run --quiet --release -p leadgate-phone --example bench -- \
  --corpus-out "$OUT/corpus-all.txt" > "$OUT/native-all.json"
CARGO_TARGET_DIR="$TARGET" cargo run --quiet --release -p leadgate-phone --example bench -- \
  --us-ca --corpus-out "$OUT/corpus-usca.txt" > "$OUT/native-usca.json"

cat > "$OUT/config.json" <<JSON
{
  "wasm": [
    {"name": "leadgate-phone all regions", "dir": "$OUT/all", "usCaOnly": false},
    {"name": "leadgate-phone US/CA only", "dir": "$OUT/usca", "usCaOnly": true}
  ],
  "pages": [
    {"name": "page checks module, all regions (www/pkg/leadgate_wasm)", "glue": "$OUT/page-leadgate_wasm/leadgate_wasm.js", "usCaOnly": false},
    {"name": "page checks module, US/CA (www/pkg/leadgate_wasm_nanp)", "glue": "$OUT/page-leadgate_wasm_nanp/leadgate_wasm_nanp.js", "usCaOnly": true}
  ],
  "jsBundle": "$OUT/lpjs.mjs",
  "jsPhoneOnlyBundle": "$OUT/lpjs-phone-only.mjs",
  "corpusAll": "$OUT/corpus-all.txt",
  "corpusUsCa": "$OUT/corpus-usca.txt",
  "nativeAll": "$OUT/native-all.json",
  "nativeUsCa": "$OUT/native-usca.json"
}
JSON

echo "size-report: measuring in node $(node --version) (load average: $(cut -d' ' -f1-3 /proc/loadavg))..." >&2
node tests/size/measure.mjs report "$OUT/config.json"
