#!/usr/bin/env bash
# The load benchmark (README "Performance"): builds a release binary, starts `bloop serve` on
# 127.0.0.1 with a temp database, drives it with wrk and prints a table of medians of 3 runs.
#   bash bench/run.sh                 # everything (~8 minutes)
#   RUNS=1 SHORT=1 bash bench/run.sh  # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --locked --quiet
exec python3 bench/bench.py "$@"
