# Shared helpers for Leadgate's scripts. Source it: `. "$(dirname "$0")/lib/common.sh"`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
WASM_BINDGEN_VERSION="0.2.130"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt-get, with one `apt-get update` per run, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ -z "${LEADGATE_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq >&2 || die "apt-get update failed; install $* by hand"
    export LEADGATE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown >&2
  fi
}

# The CLI must equal the wasm-bindgen crate version pinned in Cargo.lock.
ensure_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 6 minutes on 2 cores)"
    # Installed without --locked: its lock file pins a dependency version the package
    # registry this project builds against does not serve.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >&2
  fi
}

ensure_node_modules() {
  command -v node >/dev/null || die "node (>= 20) is required: apt-get install nodejs"
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing npm packages (wrangler, miniflare, playwright-core, axe-core, binaryen, ...)"
    (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium from Debian's packages"
    apt_install chromium
  fi
}

# Sets LEADGATE_TEST_PG_URL to a PostgreSQL the tests may use: the machine's own on
# 127.0.0.1:5432 when it answers, else a throwaway cluster under target/ (installing
# Debian's postgresql when it is missing).
ensure_postgres() {
  if [ -n "${LEADGATE_TEST_PG_URL:-}" ]; then return; fi
  if pg_up 127.0.0.1 5432; then
    export LEADGATE_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/test"
    return
  fi
  say "no PostgreSQL on 127.0.0.1:5432: starting a throwaway cluster on port 55432"
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$bindir" ]; then
    apt_install postgresql
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  local dir="$ROOT/target/pg-throwaway"
  rm -rf "$dir" && mkdir -p "$dir"
  local run=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; run=(runuser -u postgres --); fi
  "${run[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -o "-p 55432 -k $dir -c listen_addresses=127.0.0.1" -l "$dir/log" -w start >/dev/null
  "${run[@]}" "$bindir/createdb" -h 127.0.0.1 -p 55432 -U postgres test
  export LEADGATE_TEST_PG_URL="postgres://postgres@127.0.0.1:55432/test"
}

pg_up() {
  if command -v pg_isready >/dev/null; then pg_isready -q -h "$1" -p "$2"; else (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; fi
}
