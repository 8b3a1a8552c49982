#!/usr/bin/env bash
# Installs panva/oidc-provider for the oidc package's interop test.
set -euo pipefail
cd "$(dirname "$0")/../../oidc/testdata/interop"
npm install --no-audit --no-fund --silent
