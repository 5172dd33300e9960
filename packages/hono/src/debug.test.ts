import { startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { logto } from './index.ts';

it('debug concurrent', async () => {
  const provider = await startDevProvider({ rotateRefreshTokens: 'always', ttl: { accessToken: 2 } });
  const app = new Hono();
  app.use(logto({ endpoint: provider.url, appId: 'demo-app', appSecret: 'demo-app-secret', scopes: ['read:data'], resources: ['https://api.example.com'], session: { secrets: ['x'.repeat(40)] } }));
  app.get('/t', async (c) => {
    try {
      return c.json({ t: await c.var.logto.getAccessToken('https://api.example.com') });
    } catch (e) { return c.json({ e: String(e), tag: (e as any)._tag, reason: (e as any).reason }, 500); }
  });
  const jar = new Map<string, string>();
  const get = async (u: string, cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')) => {
    const r = await app.request(new Request(new URL(u, 'http://127.0.0.1:5000'), { headers: { cookie } }));
    for (const h of r.headers.getSetCookie()) { const [p = ''] = h.split(';'); const i = p.indexOf('='); if (/Max-Age=0/.test(h)) jar.delete(p.slice(0, i)); else jar.set(p.slice(0, i), p.slice(i + 1)); }
    return r;
  };
  const s = await get('/sign-in');
  await get(await completeSignIn(s.headers.get('location')!, { username: 'demo', password: 'demo-password' }));
  await new Promise((r) => setTimeout(r, 2100));
  const before = provider.stats.refreshGrants.length;
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const rs = await Promise.all(Array.from({ length: 20 }, () => app.request(new Request('http://127.0.0.1:5000/t', { headers: { cookie } }))));
  const bodies = await Promise.all(rs.map((r) => r.json()));
  console.log(rs.map((r) => r.status), bodies.map((b) => b.e ?? (b.t ? 'token' : b)), provider.stats.refreshGrants.slice(before));
  await provider.stop();
  expect(1).toBe(1);
});
