#!/usr/bin/env bash
# Installs Debian's chromium for the demo's browser end-to-end test
# (examples/demo/browser_test.go drives it headless through chromedp).
# Idempotent and quiet: does nothing when /usr/bin/chromium is present.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
