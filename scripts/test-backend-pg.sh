#!/usr/bin/env bash
# Runs the backend's tests on PostgreSQL as well as SQLite (the `pg-tests` feature adds a
# PostgreSQL variant of every storage/API/crash test). Fails loudly when PostgreSQL is
# not reachable: a PostgreSQL test is never skipped or silently passed.
#
#   LEADGATE_TEST_PG_URL  (default: $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
#
# Each test works in its own schema (lgtest_*); leftovers from earlier runs are dropped first.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL="${LEADGATE_TEST_PG_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}"
case "$PG_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "test-backend-pg: LEADGATE_TEST_PG_URL/DATABASE_URL is not a PostgreSQL URL: $PG_URL" >&2; exit 1 ;;
esac
export LEADGATE_TEST_PG_URL="$PG_URL"

if command -v psql >/dev/null 2>&1; then
  if ! psql "$PG_URL" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    echo "test-backend-pg: FAIL: PostgreSQL is not reachable at $PG_URL" >&2
    exit 1
  fi
  # Drop schemas left by earlier runs (each test creates its own lgtest_* schema).
  psql "$PG_URL" -Atqc "SELECT 'DROP SCHEMA IF EXISTS ' || schema_name || ' CASCADE;' FROM information_schema.schemata WHERE schema_name LIKE 'lgtest\_%'" \
    | psql "$PG_URL" -q >/dev/null
else
  # Without psql the tests themselves fail loudly on connect.
  echo "test-backend-pg: psql not found; the tests will report an unreachable server themselves" >&2
fi

echo "test-backend-pg: server on SQLite and PostgreSQL ($PG_URL)"
cargo test -p leadgate-server --features pg-tests
