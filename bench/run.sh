#!/usr/bin/env bash
# The load benchmark (README "Performance"): builds a release binary, starts `bloop serve` on
# 127.0.0.1 with a temp database, drives it with wrk, and prints the README's Performance tables
# in markdown, ready to paste. The README's figures are this output, never edited by hand. Each
# row is one whole run: of RUNS runs, the one with the median persisted rate.
#   bash bench/run.sh                            # everything (~11 minutes)
#   RUNS=1 SHORT=1 bash bench/run.sh             # a quick look
#   RUNS=1 DURATION=3 PROBES=3 bash bench/run.sh # a smoke test of the script (~1 minute)
#   ONLY=batches bash bench/run.sh               # the scenarios whose name contains "batches"
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --locked --quiet
exec python3 bench/bench.py "$@"
