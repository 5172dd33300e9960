/**
 * Redis stopped mid-run, under the example app in store mode. As designed (and documented in
 * `StoreSessions`): requests that carry a session answer 503 — pages and APIs, never a 500 — while
 * signed-out visitors, who need no store, are served as usual; no session is signed out or lost, and
 * everything works again once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserOn, type Cluster, json, resource, signIn, startCluster } from './test/exampleApps.ts';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(() => cluster?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokenPath = `/api/token?resource=${encodeURIComponent(resource)}`;

describe('Redis down under two instances', () => {
  it('answers 503 while Redis is down, never 500, and keeps every session for when it is back', async () => {
    const onA = browserOn(cluster.a);
    await signIn(onA);
    const onB = browserOn(cluster.b, onA);
    expect((await onB.get(tokenPath)).status).toBe(200);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

    await cluster.redis.stop();
    const started = Date.now();
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const browser of [onA, onB]) {
        const me = await browser.get('/api/me');
        expect(await me.json()).toEqual({
          error: 'The session store is unavailable; please try again in a moment.',
        });
        statuses.push(me.status);
        const page = await browser.get('/');
        expect(await page.text()).toContain('The session store is unavailable');
        statuses.push(
          page.status,
          (await browser.get(tokenPath)).status,
          (await browser.get('/protected')).status,
        );
      }
    }
    expect(new Set(statuses)).toEqual(new Set([503]));
    expect(Date.now() - started).toBeLessThan(5000); // each answer comes at once, nothing waits on Redis
    // The cookie was neither dropped nor replaced: the session is waiting in Redis.
    expect([...onA.cookies.keys()]).toEqual(['logto_session']);
    // Visitors without a session never touch the store.
    const anonymous = browserOn(cluster.a);
    const home = await anonymous.get('/');
    expect([home.status, await home.text()]).toEqual([200, expect.stringContaining('Not authenticated')]);
    expect((await anonymous.get('/sign-in')).status).toBe(503);

    await cluster.redis.resume();
    let me = { status: 0, body: {} as Record<string, unknown> };
    for (let attempt = 0; attempt < 50 && me.status !== 200; attempt++) {
      await sleep(100);
      me = await json(await onB.get('/api/me'));
    }
    expect(me).toMatchObject({ status: 200, body: { isAuthenticated: true, claims: { sub: 'user_demo' } } });
    expect(await json(await onA.get('/api/me'))).toMatchObject({
      status: 200,
      body: { isAuthenticated: true },
    });
    await sleep(2100); // the access token expired meanwhile: refreshing works again too
    expect((await onA.get(tokenPath)).status).toBe(200);
    expect(cluster.provider.stats.reusedRefreshTokens()).toEqual([]);
    warn.mockRestore();
  });
});
