/**
 * The stored session of the in-process hot-path benchmarks (`hotPath.bench.ts`, `abHotPath.ts`): a
 * signed-in user with a realistic ID token, the default token and an API resource token, all valid for
 * an hour from when the module loads.
 *
 * @module
 */

const base64Url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Date.now();

/** An unsigned but decodable ID token with Logto's usual claims. */
export const idToken = `${base64Url({ alg: 'ES384', kid: 'k1' })}.${base64Url({
  iss: 'https://tenant.logto.app/oidc',
  sub: 'user_1234567890',
  aud: 'app',
  exp: Math.floor(now / 1000) + 3600,
  iat: Math.floor(now / 1000),
  name: 'Ada Lovelace',
  picture: null,
  email: 'ada@example.com',
  roles: ['admin'],
  organizations: ['org_1', 'org_2'],
  created_at: now,
  updated_at: now,
})}.${'s'.repeat(128)}`;

/** The machine context of that session. */
export const context = {
  transactions: {},
  failure: null,
  tokens: {
    idToken,
    idTokenExpiresAt: now + 3_600_000,
    refreshToken: 'r'.repeat(43),
    accessTokens: {
      '#': { token: 'o'.repeat(43), scope: '', expiresAt: now + 3_600_000 },
      'https://api.example.com#': {
        token: `${'a'.repeat(600)}`,
        scope: 'read write',
        expiresAt: now + 3_600_000,
      },
    },
  },
};

/** The session as stored (the string a storage or a cookie holds). */
export const raw = JSON.stringify({ v: 1, state: 'authenticated', tokens: context.tokens, failure: null });

/** The client config, with the API resource the session holds a token for. */
export const config = {
  endpoint: 'https://tenant.logto.app',
  appId: 'app',
  appSecret: 'secret',
  resources: ['https://api.example.com'],
};
