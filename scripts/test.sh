#!/usr/bin/env bash
# Set up everything and run all checks and tests: lint, migrations, the converter's output,
# the suite on SQLite, then the suite on PostgreSQL (skipped with a message if none is reachable,
# except under CI=true, where it must run). Installs Debian's Chromium for the browser tests when
# it is missing and we may (root with apt-get); otherwise the browser tests are skipped, again
# except under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh requirements-dev.txt
CI="${CI:-false}"
export CI

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== Installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "!! chromium is not installed and cannot be installed here: browser tests will be skipped"
  fi
fi
# wrk drives the benchmark's end-to-end test; pg_dump/pg_restore the backup round trip.
for tool in wrk:wrk pg_dump:postgresql-client; do
  if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "== Installing Debian's ${tool#*:}"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tool#*:}" >/dev/null
    else
      echo "!! ${tool%%:*} is not installed and cannot be installed here: its tests will be skipped"
    fi
  fi
done
# The benchmark's two-server test shares a Redis cache (the machine normally runs one).
if command -v redis-cli >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null 2>&1 && redis-server --daemonize yes --save '' --appendonly no >/dev/null
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== migrations match the models; the edition source matches a fresh conversion"
DEBUG=1 .venv/bin/python manage.py makemigrations --check --dry-run
DEBUG=1 .venv/bin/python manage.py convert_source --check

echo "== tests on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest "$@"

PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if .venv/bin/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  echo "== tests on PostgreSQL ($PG_URL)"
  # A test database of its own per run, so two runs on one server never drop each other's.
  DATABASE_URL="$PG_URL" TEST_DB_NAME="${TEST_DB_NAME:-test_edition_$$}" .venv/bin/python -m pytest "$@"
elif [ "$CI" = "true" ]; then
  echo "!! CI=true but PostgreSQL is not reachable at $PG_URL" >&2
  exit 1
else
  echo "!! PostgreSQL not reachable at $PG_URL: the PostgreSQL run is SKIPPED (set TEST_POSTGRES_URL)"
fi
echo "== all checks passed"
