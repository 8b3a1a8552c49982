// A third-party OpenID provider (panva/oidc-provider, OpenID-certified) for
// the oidc package's interop test. It listens on 127.0.0.1 on a free port
// and prints "ISSUER <url>" once ready. The account id typed in the dev
// login form is the subject.
import http from 'node:http';
import Provider from 'oidc-provider';

const accounts = {
  'alice-sub': { email: 'alice@acme.example', email_verified: true, name: 'Alice Doe' },
};

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'ssokit',
      client_secret: 'interop-secret-interop-secret-interop-secret',
      redirect_uris: ['https://app.example/oidc/callback'],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    async findAccount(ctx, id) {
      if (!accounts[id]) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['ssokit-interop-cookie-key'] },
  });
  server.on('request', provider.callback());
  console.log(`ISSUER ${issuer}`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
