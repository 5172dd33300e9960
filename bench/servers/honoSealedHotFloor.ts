/**
 * The floor of a cookie format that seals what a page reads (state, expiry, the ID token's claims) apart
 * from the tokens, for scale beside servers/honoSealedFloor.ts: per request, one native AES-256-GCM open
 * of that part alone (~400 bytes) and one `JSON.parse`. The load is the same rotating Cookie headers as
 * the "2,000 sessions" rows; the values opened are this process's own 2,000 small sealed parts, one per
 * request in turn (the format does not exist: this only measures what it would cost).
 */
import { Buffer } from 'node:buffer';
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sessionSecret } from './config.ts';
import { counted, ready } from './control.ts';

const name = 'logto_session';
const key = createSecretKey(
  Buffer.from(hkdfSync('sha256', sessionSecret, 'logto-machine cookie session', 'aes-256-gcm v1', 32)),
);
const additionalData = Buffer.from(name);
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
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(additionalData);
  const sealed = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${name}=v2.${sealed.toString('base64url')}`;
});
let next = 0;

const app = new Hono();
app.get('/me', (c) => {
  const header = sealedParts[next++ % sealedParts.length]!;
  const start = header.indexOf(`${name}=v2.`);
  if (start === -1) return c.text('signed out', 401);
  const end = header.indexOf(';', start);
  const sealed = Buffer.from(
    header.slice(start + name.length + 4, end === -1 ? undefined : end),
    'base64url',
  );
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12), { authTagLength: 16 });
  decipher.setAAD(additionalData);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const head = decipher.update(sealed.subarray(12, sealed.length - 16));
  decipher.final();
  const record = JSON.parse(head.toString('utf8'));
  counted();
  return c.text(record.claims.sub);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
