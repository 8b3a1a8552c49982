#!/usr/bin/env bash
# The shell partner script from the package documentation: sign
# {iat, jti, email} with HS256 and the SSO key, using openssl and basenc.
# Input (environment): SSO_KEY, EMAIL, IAT (optional, seconds).
set -euo pipefail
b64() { basenc --base64url | tr -d '=\n'; }
iat=${IAT:-$(date +%s)}
jti="$iat/$(openssl rand -hex 18)"
header=$(printf '{"typ":"JWT","alg":"HS256"}' | b64)
payload=$(printf '{"iat":%s,"jti":"%s","email":"%s"}' "$iat" "$jti" "$EMAIL" | b64)
sig=$(printf '%s.%s' "$header" "$payload" |
  openssl dgst -sha256 -hmac "$SSO_KEY" -binary | b64)
printf '%s.%s.%s' "$header" "$payload" "$sig"
