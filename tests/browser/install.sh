#!/usr/bin/env bash
# Installs what the browser tests need. Idempotent; run from the repo root:
#   tests/browser/install.sh && node tests/browser/selftest.mjs
set -euo pipefail

dir=tests/browser
if [[ ! -f $dir/package-lock.json ]]; then
  echo "install.sh: run me from the repository root ($dir/package-lock.json not found)" >&2
  exit 1
fi

if [[ ! -x /usr/bin/chromium ]]; then
  echo "install.sh: installing chromium + chromium-driver" >&2
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends chromium chromium-driver
fi
/usr/bin/chromium --version 2>/dev/null  # stderr: harmless Debian wrapper noise

# npm ci writes node_modules/.package-lock.json, so its mtime tracks the
# last install; reinstall when package-lock.json is newer.
stamp=$dir/node_modules/.package-lock.json
if [[ ! -d $dir/node_modules || ! -f $stamp || $dir/package-lock.json -nt $stamp ]]; then
  echo "install.sh: installing node dependencies" >&2
  npm ci --prefix "$dir" --no-audit --no-fund
fi
