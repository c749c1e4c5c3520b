// A real OpenID Connect provider on 127.0.0.1 (npm oidc-provider), standing in for the national
// eID in the portal's tests and in the demo. DEV ONLY: its signing key is generated at start,
// its users and passwords are fictional.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"port", "clients": [{"client_id", "client_secret"?, "redirect_uris"}],
//          "users": [{"login", "password", "national_number", "given_name", "family_name"}]}
// Prints one line "listening <issuer>" once it serves. Login is a real form with a password check
// (no dev interactions); consent is implied (a government eID shares what the client asks for).
import { generateKeyPairSync, randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const users = new Map(config.users.map((user) => [user.login, user]));
const accounts = new Map(config.users.map((user) => [accountId(user), user]));

function accountId(user) {
  // a pairwise-looking subject: the provider's own identifier, not the national number
  return createHash('sha256').update(`civicred-test-idp:${user.login}`).digest('hex').slice(0, 32);
}

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'ES256', kid: 'dev-only-es256' };

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: client.client_secret ? 'client_secret_basic' : 'none',
    id_token_signed_response_alg: 'ES256',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name'],
    national_number: ['national_number'],
  },
  scopes: ['openid', 'profile', 'national_number'],
  conformIdTokenClaims: false,
  enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const user = accounts.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          national_number: user.national_number,
          given_name: user.given_name,
          family_name: user.family_name,
        };
      },
    };
  },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, AccessToken: 300, IdToken: 300 },
});
provider.proxy = false;

function page(res, uid, message) {
  res.writeHead(message ? 401 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test eID login</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<main><h1>Test eID (DEV ONLY)</h1>${message ? `<p role="alert">${message}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<p><label for="login">User name</label> <input id="login" name="login" autocomplete="username" required></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Log in</button></p></form></main></body></html>`);
}

function passwordMatches(user, password) {
  const want = Buffer.from(user.password);
  const got = Buffer.from(password);
  return want.length === got.length && timingSafeEqual(want, got);
}

async function body(req) {
  let data = '';
  for await (const chunk of req) {
    data += chunk;
    if (data.length > 8192) throw new Error('body too large');
  }
  return new URLSearchParams(data);
}

async function interaction(req, res) {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) return false;
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    if (req.method !== 'POST') return page(res, details.uid), true;
    const form = await body(req);
    const user = users.get(form.get('login') || '');
    if (!user || !passwordMatches(user, form.get('password') || '')) {
      return page(res, details.uid, 'Wrong user name or password.'), true;
    }
    await provider.interactionFinished(req, res, { login: { accountId: accountId(user) } }, { mergeWithLastSubmission: false });
    return true;
  }
  // consent: grant what the client asked for
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  return true;
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok');
    }
    if (await interaction(req, res)) return;
    return callback(req, res);
  } catch (error) {
    console.error(`interaction failed: ${error.name}`);
    if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('interaction failed');
  }
});
server.listen(config.port, '127.0.0.1', () => console.log(`listening ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
