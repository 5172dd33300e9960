import { afterEach, describe, expect, it, vi } from 'vitest';

import { type DevProvider, type DevProviderOptions, startDevProvider, tokenDigest } from './index.js';
import { demoApp, demoSpa, refresh, signIn } from './test/oidcClient.js';

const running: DevProvider[] = [];
const start = async (options: DevProviderOptions) => {
  const op = await startDevProvider({ logErrors: false, ...options });
  running.push(op);
  return op;
};
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((op) => op.stop()));
});

const day = 24 * 60 * 60 * 1000;

describe("rotateRefreshTokens: 'always'", () => {
  it('revokes the whole grant when a rotated-away refresh token comes back', async () => {
    const op = await start({ rotateRefreshTokens: 'always' });
    const { tokens } = await signIn(op);
    const first = tokens.body.refresh_token ?? '';

    const rotated = await refresh(op, demoApp, first);
    expect(rotated.status).toBe(200);
    const second = rotated.body.refresh_token ?? '';
    expect(second).not.toBe(first);

    const reused = await refresh(op, demoApp, first);
    expect(reused).toMatchObject({
      status: 400,
      body: {
        code: 'oidc.invalid_grant',
        message: 'Grant request is invalid.',
        error_uri: 'https://openid.sh/debug/invalid_grant',
        error: 'invalid_grant',
        error_description: 'grant request is invalid',
      },
    });
    const afterTheft = await refresh(op, demoApp, second);
    expect(afterTheft).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    expect(op.stats.grants).toMatchObject({ authorization_code: 1, refresh_token: 3 });
    expect(op.stats.refreshGrants.map(({ status }) => status)).toEqual([200, 400, 400]);
    expect(op.stats.reusedRefreshTokens()).toEqual([tokenDigest(first)]);
  });
});

describe("rotateRefreshTokens: 'logto'", () => {
  it('keeps a confidential client token until it is past 70% of its lifetime', async () => {
    const op = await start({});
    const { tokens } = await signIn(op);
    const token = tokens.body.refresh_token ?? '';

    const early = await refresh(op, demoApp, token);
    expect(early.body.refresh_token).toBe(token);
    const again = await refresh(op, demoApp, token);
    expect(again).toMatchObject({ status: 200, body: { refresh_token: token } });

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11 * day);
    const late = await refresh(op, demoApp, token);
    expect(late.status).toBe(200);
    expect(late.body.refresh_token).not.toBe(token);
    expect(op.stats.reusedRefreshTokens()).toEqual([tokenDigest(token)]);
  });

  it('rotates a public client token on every refresh, keeping its remaining lifetime', async () => {
    const op = await start({ ttl: { refreshToken: 1000 } });
    const { tokens } = await signIn(op, { app: demoSpa });
    const first = tokens.body.refresh_token ?? '';
    const second = await refresh(op, demoSpa, first);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first);
    const third = await refresh(op, demoSpa, second.body.refresh_token ?? '');
    expect(third.body.refresh_token).not.toBe(second.body.refresh_token);

    const introspection = await fetch(`${op.issuer}/token/introspection`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'demo-spa', token: third.body.refresh_token ?? '' }),
    });
    const { active, exp = 0, iat = 0 } = await introspection.json();
    expect(active).toBe(true);
    expect(exp - iat).toBeLessThanOrEqual(1000);
    expect(op.stats.requests.introspection).toBe(1);
  });
});

it('refuses expired refresh tokens', async () => {
  const op = await start({ ttl: { refreshToken: 60 } });
  const { tokens } = await signIn(op);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 61_000);
  const response = await refresh(op, demoApp, tokens.body.refresh_token ?? '');
  expect(response).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
});

describe('lifetimes', () => {
  it('honours ttl.accessToken for userinfo and resource tokens', async () => {
    const op = await start({ ttl: { accessToken: 2 } });
    const { tokens } = await signIn(op, { resources: ['https://api.example.com'], scopes: ['read:data'] });
    expect(tokens.body.expires_in).toBe(2);
    const resource = await refresh(op, demoApp, tokens.body.refresh_token ?? '', {
      resource: 'https://api.example.com',
    });
    expect(resource.body.expires_in).toBe(2);

    const userinfo = () =>
      fetch(`${op.issuer}/me`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect((await userinfo()).status).toBe(200);
    // Past the TTL plus oidc-provider's 15-second clock tolerance, which Logto keeps.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 18_000);
    expect((await userinfo()).status).toBe(401);
  });
});
