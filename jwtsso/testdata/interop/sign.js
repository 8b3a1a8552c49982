// A partner's login script, as the IT Glue document describes it: sign
// {iat, jti, email} with the shared SSO key (HS256) and print the token.
//
// Input (environment): SSO_KEY, EMAIL, IAT (seconds; default now),
// CLAIM_CASE ("lower" or "capitalised", as in the document's example),
// ALG (default HS256; "none" makes the unsigned token an attacker would
// send), KID (optional), EXPIRES_IN (optional, seconds).
'use strict';
const jwt = require('jsonwebtoken');
const crypto = require('crypto');

const iat = process.env.IAT ? Number(process.env.IAT) : Math.floor(Date.now() / 1000);
const jti = `${iat}/${crypto.randomBytes(18).toString('hex')}`;
const payload = process.env.CLAIM_CASE === 'capitalised'
  ? { iat, Jti: jti, Email: process.env.EMAIL }
  : { iat, jti, email: process.env.EMAIL };
const options = { algorithm: process.env.ALG || 'HS256' };
if (process.env.KID) options.keyid = process.env.KID;
if (process.env.EXPIRES_IN) options.expiresIn = Number(process.env.EXPIRES_IN);

process.stdout.write(jwt.sign(payload, process.env.SSO_KEY, options));
