/**
 * The floor of the work any cookie session does for a user it has not seen lately, for scale: bare Hono
 * and, per request, only what our cookie format needs to answer `/me` — find the session cookie, decode
 * it, open it with `node:crypto`'s AES-256-GCM (the key derived as ours is, bound to the cookie name),
 * `JSON.parse` the record and the ID token's payload, answer its `sub`. No SDK, no checks beyond the
 * tag, no caches: what the "2,000 sessions" rows cost over it is what our code adds to the unavoidable.
 */
import { Buffer } from 'node:buffer';
import { createDecipheriv, createSecretKey, hkdfSync } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sessionSecret } from './config.ts';
import { counted, ready } from './control.ts';

const name = 'logto_session';
const key = createSecretKey(
  Buffer.from(hkdfSync('sha256', sessionSecret, 'logto-machine cookie session', 'aes-256-gcm v1', 32)),
);
const additionalData = Buffer.from(name);

const app = new Hono();
app.get('/me', (c) => {
  const header = (c.env as { incoming: { headers: { cookie?: string } } }).incoming.headers.cookie ?? '';
  const start = header.indexOf(`${name}=v1.`);
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
  const payload = record.tokens.idToken.split('.')[1];
  const { sub } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  counted();
  return c.text(sub);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
