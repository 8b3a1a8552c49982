#!/usr/bin/env bash
# jwtsso interop tests sign tokens with npm jsonwebtoken, as a partner's
# login script would. Installs it under jwtsso/testdata/interop (idempotent).
set -euo pipefail
cd "$(dirname "$0")/../../jwtsso/testdata/interop"
npm install --no-audit --no-fund --silent
