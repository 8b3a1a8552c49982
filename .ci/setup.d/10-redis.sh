#!/usr/bin/env bash
# redisstore tests start their own redis-server processes (no system daemon
# is used) and redis-cli (to form a test cluster); install Debian's
# redis-server package (which brings redis-tools) when either is missing.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
