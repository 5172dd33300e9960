/**
 * Two instances of the example app sharing one Redis and one session cookie: a session started on
 * one is used on the other, 20 concurrent token requests on an expired token make exactly one refresh
 * grant between them, and signing out on one signs out on both.
 */
import { jwtPayload } from '@logto-machine/dev-provider/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserOn, type Cluster, json, resource, signIn, startCluster } from './test/exampleApps.ts';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
});
afterAll(() => cluster?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('two instances, one Redis, one session cookie', () => {
  it('signs in on A, is signed in on B, refreshes once for 20 concurrent requests, and signs out on both', async () => {
    const onA = browserOn(cluster.a);
    await signIn(onA);
    expect([...onA.cookies.keys()]).toEqual(['logto_session']);
    const onB = browserOn(cluster.b, onA);
    const me = await json(await onB.get('/api/me'));
    expect(me).toMatchObject({ status: 200, body: { isAuthenticated: true, claims: { sub: 'user_demo' } } });

    // A resource token, then let it expire (the provider issues 2-second access tokens).
    expect((await onA.get(`/api/token?resource=${encodeURIComponent(resource)}`)).status).toBe(200);
    await sleep(2100);
    cluster.provider.stats.reset();

    const path = `/api/token?resource=${encodeURIComponent(resource)}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) => (index % 2 ? onA : onB).clone().get(path).then(json)),
    );
    expect(cluster.provider.stats.refreshGrants).toHaveLength(1);
    expect(cluster.provider.stats.refreshGrants[0]!.status).toBe(200);
    const now = Date.now() / 1000;
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      const claims = jwtPayload(body.accessToken);
      expect(claims).toMatchObject({ aud: resource, sub: 'user_demo' });
      expect(claims.exp as number).toBeGreaterThan(now);
    }
    expect(new Set(answers.map(({ body }) => body.accessToken)).size).toBe(1);

    // Both instances now hold the rotated refresh token: the next refresh works from either.
    await sleep(2100);
    expect((await json(await onB.get(path))).status).toBe(200);
    expect(cluster.provider.stats.reusedRefreshTokens()).toEqual([]);

    const signOut = await onB.get('/sign-out');
    expect(signOut.status).toBe(302);
    expect(onB.cookies.size).toBe(0);
    // A still holds the cookie: the session behind it is gone.
    expect(await json(await onA.get('/api/me'))).toMatchObject({
      status: 200,
      body: { isAuthenticated: false },
    });
    expect((await onA.get(path)).status).toBe(401);
  });
});
