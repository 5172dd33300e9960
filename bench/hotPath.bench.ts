/**
 * The hot path of every authenticated request: build a client over the request's storage, then ask
 * isAuthenticated(), getIdTokenClaims() and a cached getAccessToken(). Target: ≤ 10 µs together.
 * Beside it, for scale, what the design avoids: an XState actor restore and a JSON.parse of the session.
 */
import { CookieSessions, LogtoClient, MemoryStorage, sessionMachine } from '@logto-machine/core';
import { bench, describe } from 'vitest';
import { createActor } from 'xstate';

const base64Url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Date.now();
const idToken = `${base64Url({ alg: 'ES384', kid: 'k1' })}.${base64Url({
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
const context = {
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
const raw = JSON.stringify({ v: 1, state: 'authenticated', tokens: context.tokens, failure: null });
const config = {
  endpoint: 'https://tenant.logto.app',
  appId: 'app',
  appSecret: 'secret',
  resources: ['https://api.example.com'],
};
const storage = new MemoryStorage();
await storage.set('session', raw);
const persisted = sessionMachine.getPersistedSnapshot(
  sessionMachine.resolveState({ value: 'authenticated', context }),
);

// Many users: sealed cookies of 2,000 distinct sessions, more than the decrypt cache and the memo
// hold, opened in turn (scenario 1's "2,000 sessions" rows).
const cookieSessions = new CookieSessions({ secrets: 'bench-only-session-secret-0123456789abcdef' });
const users: string[] = [];
for (let index = 0; index < 2000; index += 1) {
  const session = cookieSessions.open(null, { secure: false });
  await session.set('session', raw.replace('"failure":null', `"failure":null,"n":${index}`));
  users.push(session.setCookieHeaders()[0]!.split(';', 1)[0]!);
}

describe('authenticated request, valid session, cached token', () => {
  bench('logto-machine: new client + isAuthenticated + getIdTokenClaims + getAccessToken', async () => {
    const client = new LogtoClient(config, { storage });
    await client.isAuthenticated();
    await client.getIdTokenClaims();
    await client.getAccessToken('https://api.example.com');
  });

  // The same session arriving as a new string each request (e.g. a cookie store without its decrypt cache).
  const fresh = new MemoryStorage();
  bench('logto-machine: same, the session a fresh string each time (memo hit by content)', async () => {
    await fresh.set('session', ` ${raw}`.slice(1));
    const client = new LogtoClient(config, { storage: fresh });
    await client.isAuthenticated();
    await client.getIdTokenClaims();
    await client.getAccessToken('https://api.example.com');
  });

  // A session never seen before by this process: JSON.parse + claims decode (memo miss).
  let counter = 0;
  const unseen = new MemoryStorage();
  bench('logto-machine: same, a session this process has not seen (memo miss)', async () => {
    await unseen.set('session', raw.replace('"failure":null', `"failure":null,"n":${counter++}`));
    const client = new LogtoClient(config, { storage: unseen });
    await client.isAuthenticated();
    await client.getIdTokenClaims();
    await client.getAccessToken('https://api.example.com');
  });

  let user = 0;
  bench('logto-machine: same, a sealed cookie this process has not opened (2,000 users)', async () => {
    const storage = cookieSessions.open(users[user++ % users.length], { secure: false });
    const client = new LogtoClient(config, { storage });
    await client.isAuthenticated();
    await client.getIdTokenClaims();
    await client.getAccessToken('https://api.example.com');
  });

  bench('for scale: XState actor restore from a persisted snapshot', () => {
    createActor(sessionMachine, { snapshot: persisted }).start().stop();
  });

  bench('for scale: JSON.parse of the stored session', () => {
    JSON.parse(raw);
  });
});
