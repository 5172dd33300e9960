import { describe, expect, it } from 'vitest';

import { startDevProvider } from './index.js';

describe('startDevProvider', () => {
  it('binds 127.0.0.1 on a free port and stops quickly despite keep-alive connections', async () => {
    const op = await startDevProvider();
    expect(op.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(op.issuer).toBe(`${op.url}/oidc`);
    const response = await fetch(`${op.issuer}/jwks`, { headers: { connection: 'keep-alive' } });
    expect(response.status).toBe(200);
    const started = performance.now();
    await op.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`${op.issuer}/jwks`)).rejects.toThrow();
  });

  it('counts requests per endpoint and resets', async () => {
    const op = await startDevProvider();
    try {
      await fetch(`${op.issuer}/.well-known/openid-configuration`);
      await fetch(`${op.issuer}/jwks`);
      expect(op.stats.requests).toMatchObject({ discovery: 1, jwks: 1, token: 0 });
      op.stats.reset();
      expect(op.stats.requests.discovery).toBe(0);
    } finally {
      await op.stop();
    }
  });

  it('rejects options that name unknown roles or organizations', async () => {
    await expect(
      startDevProvider({ users: [{ username: 'x', password: 'y', roles: ['ghost'] }] }),
    ).rejects.toThrow(/unknown role ghost/);
    await expect(startDevProvider({ apps: [{ id: 'web', type: 'traditional' }] })).rejects.toThrow(
      /needs a secret/,
    );
  });
});
