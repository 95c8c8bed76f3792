// A real OpenID Connect provider (panva/oidc-provider) for the scheduler's tests. Never for production.
//
// Usage: node provider.mjs --port 4000 --issuer http://127.0.0.1:4000 --client-id app \
//          --client-secret s3cret --redirect-uri http://127.0.0.1:3000/auth/callback/oidc [--redirect-uri ...]
// Every option can also come from the environment: OIDC_PORT, OIDC_ISSUER, OIDC_CLIENT_ID,
// OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma-separated), OIDC_ACCESS_TOKEN_TTL (seconds).
//
// The signing key and cookie keys are made at start and live only in memory. The login page is a plain
// form (e-mail, name, subject, "e-mail verified"); `login_hint` logs in at once as that e-mail. Consent is
// granted automatically. PKCE is required and refresh tokens rotate on every use.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: argv } = parseArgs({
  options: {
    port: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'access-token-ttl': { type: 'string' },
  },
});
const env = process.env;
const port = Number(argv.port ?? env.OIDC_PORT ?? 4000);
const issuer = argv.issuer ?? env.OIDC_ISSUER ?? `http://127.0.0.1:${port}`;
const clientId = argv['client-id'] ?? env.OIDC_CLIENT_ID ?? 'scheduler-test';
const clientSecret = argv['client-secret'] ?? env.OIDC_CLIENT_SECRET ?? randomBytes(24).toString('hex');
const redirectUris = argv['redirect-uri'] ?? (env.OIDC_REDIRECT_URIS ?? '').split(',').filter(Boolean);
const accessTokenTtl = Number(argv['access-token-ttl'] ?? env.OIDC_ACCESS_TOKEN_TTL ?? 3600);
if (redirectUris.length === 0) {
  console.error('provider.mjs: give at least one --redirect-uri (or OIDC_REDIRECT_URIS)');
  process.exit(2);
}

// Accounts exist once someone logs in as them; the subject is stable per e-mail unless given.
const accounts = new Map();
function rememberAccount({ email, name, subject, emailVerified }) {
  const sub = subject || `sub-${createHash('sha256').update(email).digest('hex').slice(0, 20)}`;
  accounts.set(sub, { sub, email, name: name || email.split('@')[0], email_verified: emailVerified });
  return sub;
}

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  alg: 'RS256',
  use: 'sig',
  kid: randomBytes(8).toString('hex'),
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  ttl: { AccessToken: accessTokenTtl },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => {
    const account = accounts.get(sub);
    return account && { accountId: sub, claims: async () => ({ ...account }) };
  },
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<p><label for="email">E-mail</label> <input id="email" name="email" type="email" required></p>
<p><label for="name">Name</label> <input id="name" name="name" type="text"></p>
<p><label for="subject">Subject</label> <input id="subject" name="subject" type="text"></p>
<p><input id="email_verified" name="email_verified" type="checkbox" value="true" checked>
<label for="email_verified">E-mail verified</label></p>
<button type="submit">Continue</button></form></main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function grantConsent(req, res, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
    mergeWithLastSubmission: true,
  });
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name === 'consent') return grantConsent(req, res, details);
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const email = (form.get('email') ?? '').trim();
    if (!email) throw new Error('e-mail required');
    const sub = rememberAccount({
      email,
      name: form.get('name'),
      subject: form.get('subject'),
      emailVerified: form.get('email_verified') === 'true',
    });
    return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
  }
  const hint = details.params.login_hint;
  if (hint) {
    const sub = rememberAccount({ email: hint, emailVerified: true });
    return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  return res.end(loginPage(uid));
}

const handle = provider.callback();
const server = createServer(async (req, res) => {
  const match = /^\/interaction\/([\w-]+)(?:\/(login))?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return handle(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (error) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`interaction failed: ${error.message}`);
  }
});
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
