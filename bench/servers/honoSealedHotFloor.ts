/**
 * The floor of a cookie format that seals what a page reads (state, expiry, the ID token's claims) apart
 * from the tokens, for scale beside servers/honoSealedFloor.ts: per request, one native AES-256-GCM open
 * of that part alone (~400 bytes) and one `JSON.parse`. The load is the same rotating Cookie headers as
 * the "2,000 sessions" rows; the values opened are this process's own 2,000 small sealed parts, one per
 * request in turn (the format does not exist: this only measures what it would cost).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { counted, ready } from './control.ts';
import { cookieName, openSessionCookie, seal } from './sealedFloor.ts';

const now = Math.floor(Date.now() / 1000);
const sealedParts = Array.from({ length: 2000 }, (_, index) => {
  const plaintext = JSON.stringify({
    v: 2,
    state: 'authenticated',
    idTokenExpiresAt: now * 1000 + 3_600_000,
    refresh: true,
    claims: {
      iss: 'http://127.0.0.1/oidc',
      sub: `user_demo~${index}`,
      aud: 'demo-app',
      exp: now + 3600,
      iat: now,
      name: 'Ada Lovelace',
      picture: null,
      email: 'ada@example.com',
      roles: ['admin'],
      organizations: ['org_1', 'org_2'],
      created_at: now * 1000,
      updated_at: now * 1000,
      sid: `sid~${index}`,
    },
  });
  return `${cookieName}=${seal('v2.', plaintext)}`;
});
let next = 0;

const app = new Hono();
app.get('/me', (c) => {
  const header = sealedParts[next++ % sealedParts.length]!;
  const plaintext = openSessionCookie(header, 'v2.');
  if (plaintext === undefined) return c.text('signed out', 401);
  const record = JSON.parse(plaintext);
  counted();
  return c.text(record.claims.sub);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
