#!/usr/bin/env bash
# Everything the tests need, from a fresh clone: npm packages from the
# lockfile and a Chromium for the browser tests. On Debian as root it installs
# Debian's chromium (Playwright cannot download its own browser everywhere);
# elsewhere it uses Playwright's own browser if one is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

have_playwright_browser() {
  compgen -G "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/chromium*" >/dev/null
}

if ! command -v chromium >/dev/null && ! have_playwright_browser; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "[setup] installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "[setup] no Chromium found: install Debian's 'chromium' or run 'npx playwright install chromium'" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
