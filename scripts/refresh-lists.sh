#!/usr/bin/env bash
# Refresh the bundled data lists of leadgate-checks from their npm packages.
#
#   scripts/refresh-lists.sh                 # newest published versions
#   DISPOSABLE_VERSION=1.0.62 TLDS_VERSION=1.261.0 scripts/refresh-lists.sh
#
# Writes crates/checks/data/disposable_domains.txt and crates/checks/data/tlds.txt
# (and regenerates data/nanp_area_codes.txt from the phonenumber crate),
# each with a provenance header (package, version, tarball integrity, date). Needs
# npm and node; uses only the npm registry. Review the diff, then run
# `cargo test -p leadgate-checks` (the allowlist and typo tests catch surprises).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/crates/checks/data"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # fetch <package> <version> -> prints the extracted package dir
  local pkg="$1" ver="$2"
  (cd "$work" && npm pack --silent "$pkg@$ver" >/dev/null 2>&1)
  local tgz
  tgz="$(ls "$work"/"$pkg"-*.tgz | head -1)"
  mkdir -p "$work/$pkg"
  tar -xzf "$tgz" -C "$work/$pkg"
  echo "$work/$pkg/package"
}

write_list() { # write_list <out> <package> <version> <json-file> <note>
  local out="$1" pkg="$2" ver="$3" json="$4" note="$5"
  local integrity
  integrity="$(npm view "$pkg@$ver" dist.integrity 2>/dev/null | tail -1)"
  node - "$json" "$out.tmp" "$pkg" "$ver" "$integrity" "$note" <<'JS'
const fs = require('fs');
const url = require('url');
const [json, out, pkg, ver, integrity, note] = process.argv.slice(2);
const raw = JSON.parse(fs.readFileSync(json, 'utf8'));
// ASCII (punycode) form, lower-case, de-duplicated, sorted by bytes: the checks
// crate binary-searches these files as they are.
const ascii = (d) => url.domainToASCII(String(d).trim().toLowerCase()) || '';
const items = [...new Set(raw.map(ascii).filter(Boolean))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const header = [
  `# source: npm package ${pkg}@${ver}`,
  `# integrity: ${integrity}`,
  `# fetched: ${new Date().toISOString().slice(0, 10)} by scripts/refresh-lists.sh`,
  `# note: ${note}`,
  `# entries: ${items.length}`,
];
fs.writeFileSync(out, header.join('\n') + '\n' + items.join('\n') + '\n');
JS
  mv "$out.tmp" "$out"
  echo "wrote $out ($(grep -vc '^#' "$out") entries)"
}

disp_ver="${DISPOSABLE_VERSION:-$(npm view disposable-email-domains version 2>/dev/null | tail -1)}"
tlds_ver="${TLDS_VERSION:-$(npm view tlds version 2>/dev/null | tail -1)}"

dir="$(fetch disposable-email-domains "$disp_ver")"
write_list "$data/disposable_domains.txt" disposable-email-domains "$disp_ver" "$dir/index.json" \
  "disposable (throwaway) mail domains; the policy allowlist beats this list"

dir="$(fetch tlds "$tlds_ver")"
write_list "$data/tlds.txt" tlds "$tlds_ver" "$dir/index.json" \
  "IANA root zone TLDs (ASCII/punycode form)"

# NANP area codes: regenerated from the phonenumber crate's libphonenumber metadata.
out="$data/nanp_area_codes.txt"
(cd "$root" && cargo run -q -p leadgate-checks --example gen_area_codes) > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(grep -vc '^#' "$out") area codes)"
