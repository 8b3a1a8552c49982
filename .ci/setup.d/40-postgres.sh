#!/usr/bin/env bash
# sqlstore tests start their own PostgreSQL server (initdb + pg_ctl in a
# temp dir, as the postgres user); install Debian's postgresql package
# when the binaries are missing.
set -euo pipefail
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
