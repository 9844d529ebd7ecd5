// A real OpenID Connect provider (node-oidc-provider) for the single sign-on tests, which start
// it (tests/sso_provider.py): `REDIRECT_URI=http://127.0.0.1:8000/accounts/oidc/callback/ node
// server.js` listens on a free port (or PORT) of 127.0.0.1 and prints its issuer URL as its first
// line. One static client, a few accounts, and a plain login form whose "mfa" box says whether the
// person also used a second factor (the ID token's `amr` then names it). Test use only: its
// signing key is made anew at each start and it keeps everything in memory.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const CLIENT_ID = 'chatlinks';
const CLIENT_SECRET = 'chatlinks-test-secret';

// The identity provider's directory: login name → claims (no password: the form only names one).
const ACCOUNTS = {
  ana: { email: 'Ana.Staff@Example.test', email_verified: true },
  unverified: { email: 'unverified.staff@example.test', email_verified: false },
  stranger: { email: 'stranger@example.test', email_verified: true },
};

const redirectUri = process.env.REDIRECT_URI;
if (!redirectUri) {
  throw new Error('Set REDIRECT_URI (the relying party callback URL).');
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };

const makeProvider = (issuer) => new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['test-cookie-key'] },
  // The ID token always says how the person signed in (amr), as identity providers' do.
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  // The client is the business's own application: no consent screen, every scope it asks.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email');
    await grant.save();
    return grant;
  },
});

function loginForm(uid) {
  return `<!doctype html><title>Test identity provider</title>
<form method="post" action="/interaction/${uid}/login">
  <label>Login <input name="login" autofocus></label>
  <label><input type="checkbox" name="mfa" value="1"> I also used my authenticator</label>
  <button type="submit">Sign in</button>
</form>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const interaction = /^\/interaction\/([\w-]+)(\/login)?$/;

const handle = (provider, callback) => async (req, res) => {
  if (!interaction.test(new URL(req.url, provider.issuer).pathname)) {
    callback(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(loginForm(details.uid));
      return;
    }
    const form = await readForm(req);
    const accountId = form.get('login');
    if (!ACCOUNTS[accountId]) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<p>No such account.</p>${loginForm(details.uid)}`);
      return;
    }
    const amr = form.get('mfa') ? ['pwd', 'otp', 'mfa'] : ['pwd'];
    await provider.interactionFinished(req, res, { login: { accountId, amr } });
  } catch (error) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    res.end(String(error));
  }
};

// The issuer names the port, so the provider is made once the server has one.
const server = http.createServer();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = makeProvider(issuer);
  server.on('request', handle(provider, provider.callback()));
  console.log(issuer);
});
