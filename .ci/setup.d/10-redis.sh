#!/usr/bin/env bash
# redisstore tests start their own redis-server processes (no system daemon
# is used); install Debian's redis-server package when it is missing.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
