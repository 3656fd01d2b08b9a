#!/usr/bin/env bash
# The one test command (see README): installs what the suite needs when it is missing, then runs
# every test. Extra arguments go to `cargo test` (e.g. `bash tests/run.sh ingest`).
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""
if [ "$(id -u)" != 0 ] && have sudo; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if ! have apt-get; then
    echo "tests/run.sh: please install: $*" >&2
    return 1
  fi
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# openssl: the sign test compares `bloop sign` with `openssl dgst -hmac`.
have openssl || apt_install openssl
# sqlite3: the stock shell is run on the live database while serve writes (lock safety).
have sqlite3 || apt_install sqlite3
# PostgreSQL's server programs: the conformance suite runs every behaviour on SQLite and on a
# throw-away PostgreSQL server it starts itself (initdb + pg_ctl in a temp dir).
if ! have initdb && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
fi
# python3 + the pinned packages the tests drive (tests/requirements.txt): aiosmtpd (a real SMTP
# server for alert emails), openapi-spec-validator, bloop-sdk (the Python client users have).
have python3 || apt_install python3
have pip3 || python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
python3 -m pip install --quiet -r tests/requirements.txt 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages -r tests/requirements.txt
# Headless Chromium + playwright-core (Node.js) for the dashboard's browser test.
have node && have npm || apt_install nodejs npm
bash tests/browser/install.sh
# esbuild and the real @sentry/node SDK (pinned in tests/sentry/js/package-lock.json) for the
# source-map test; reinstalled when the lock file is newer than the install.
js=tests/sentry/js
if [[ ! -f $js/node_modules/.package-lock.json || $js/package-lock.json -nt $js/node_modules/.package-lock.json ]]; then
  npm ci --prefix "$js" --no-audit --no-fund >/dev/null
fi
have cargo || { echo "tests/run.sh: a Rust toolchain (cargo) is required: https://rustup.rs" >&2; exit 1; }

cargo test --locked "$@"
