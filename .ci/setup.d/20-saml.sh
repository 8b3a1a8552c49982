#!/usr/bin/env bash
# Installs the npm SAML IdP peer (saml-idp, with samlp pinned to 7.1.1 by an
# override) used by saml/interop_node_test.go. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/../../saml/testdata/interop"
if [ -f node_modules/saml-idp/app.js ] && [ node_modules/.package-lock.json -nt package.json ]; then
  exit 0
fi
npm install --no-audit --no-fund --silent
