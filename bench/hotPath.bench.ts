/**
 * The hot path of every authenticated request: build a client over the request's storage, then ask
 * isAuthenticated(), getIdTokenClaims() and a cached getAccessToken(). Target: ≤ 10 µs together.
 * Beside it, for scale, what the design avoids: an XState actor restore and a JSON.parse of the session.
 */
import { CookieSessions, LogtoClient, MemoryStorage } from '@logto-machine/core';
import { sessionMachine } from '@logto-machine/core/machine';
import { bench, describe } from 'vitest';
import { createActor } from 'xstate';
import { config, context, raw } from './lib/hotPathSession.ts';

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
