/**
 * The floor of the work any cookie session does for a user it has not seen lately, for scale: bare Hono
 * and, per request, only what our cookie format needs to answer `/me` — find the session cookie, decode
 * it, open it with `node:crypto`'s AES-256-GCM (the key derived as ours is, bound to the cookie name),
 * `JSON.parse` the record and the ID token's payload, answer its `sub`. No SDK, no checks beyond the
 * tag, no caches: what the "2,000 sessions" rows cost over it is what our code adds to the unavoidable.
 */
import { Buffer } from 'node:buffer';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { counted, ready } from './control.ts';
import { openSessionCookie } from './sealedFloor.ts';

const app = new Hono();
app.get('/me', (c) => {
  const header = (c.env as { incoming: { headers: { cookie?: string } } }).incoming.headers.cookie ?? '';
  const plaintext = openSessionCookie(header, 'v1.');
  if (plaintext === undefined) return c.text('signed out', 401);
  const record = JSON.parse(plaintext);
  const payload = record.tokens.idToken.split('.')[1];
  const { sub } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  counted();
  return c.text(sub);
});

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => void ready(info.port));
