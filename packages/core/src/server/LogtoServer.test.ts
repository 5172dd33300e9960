import { describe, expect, it, vi } from 'vitest';
import { LogtoServer } from './LogtoServer.ts';
import type { LogtoServerConfig } from './serverConfig.ts';

const server = new LogtoServer({
  endpoint: 'https://tenant.example',
  appId: 'app-1',
  appSecret: 'secret-1',
  session: { secrets: ['a-session-secret-of-at-least-32-characters'] },
});

describe('LogtoServer.open', () => {
  it('asks the lazy inputs nothing for an app request that needs no answer', async () => {
    const api = vi.fn(() => true);
    const contentType = vi.fn(() => 'text/plain');
    const request = server.open({
      url: 'http://app.example/me?x=1',
      method: 'get',
      cookie: null,
      api,
      contentType,
    });
    expect(await request.route()).toBeNull();
    expect(await request.client.isAuthenticated()).toBe(false);
    expect([api, contentType].map((called) => called.mock.calls.length)).toEqual([0, 0]);
    expect(request.path).toBe('/me');
    expect(request.url.search).toBe('?x=1');
    expect(request.method).toBe('GET');
  });

  it('asks the API rule once, when an answer depends on it', async () => {
    const api = vi.fn(() => true);
    const request = server.open({ url: 'http://app.example/api/data', method: 'GET', cookie: null, api });
    expect((await request.requireAuth())?.status).toBe(401);
    expect(request.failure(new Error('boom')).kind).toBe('json');
    expect(api).toHaveBeenCalledTimes(1);
  });

  it('routes by the parsed path when the raw one is not plain', async () => {
    const request = server.open({ url: 'http://app.example/x/../sign-in', method: 'GET', cookie: null });
    expect(request.path).toBe('/sign-in');
    // The sign-in route answers (here with an error page: the provider cannot be reached).
    expect(await request.route()).not.toBeNull();
  });

  it('sets Secure cookies by the request origin, per origin', async () => {
    for (const [url, secure] of [
      ['https://app.example/sign-in', true],
      ['http://app.example/sign-in', false],
      ['HTTPS://APP.example/sign-in', true],
    ] as const) {
      const request = server.open({ url, method: 'GET', cookie: null });
      await request.session.set('session', '{}');
      const [cookie, ...others] = request.setCookieHeaders();
      expect(others).toEqual([]);
      expect(cookie?.includes('; Secure')).toBe(secure);
    }
  });

  it('throws a TypeError for a URL that is not one (adapters answer 400)', () => {
    for (const url of ['http://host:99999/', 'http://ho st/', '/relative', 'http://[::1/'])
      expect(() => server.open({ url, method: 'GET', cookie: null })).toThrow(TypeError);
  });
});

describe('the session cookie name', () => {
  const base = {
    endpoint: 'https://tenant.example',
    appId: 'app-1',
    appSecret: 'secret',
    session: { secrets: ['a-test-session-secret-of-32-chars-or-more'] },
  };
  const names = async (config: LogtoServerConfig, url: string) => {
    const request = new LogtoServer(config).open({ url, method: 'GET', cookie: null });
    await request.session.set('session', '{}');
    return request.setCookieHeaders().map((cookie) => cookie.split('=')[0]);
  };

  it('is __Host-logto_session when baseUrl is https, so no other origin can plant it', async () => {
    expect(await names({ ...base, baseUrl: 'https://app.example' }, 'http://10.0.0.1:3000/')).toEqual([
      '__Host-logto_session',
    ]);
  });

  it('is __Secure-logto_session over https under another cookie path', async () => {
    const config = { ...base, baseUrl: 'https://app.example', session: { ...base.session, path: '/app' } };
    expect(await names(config, 'https://app.example/app')).toEqual(['__Secure-logto_session']);
  });

  it('stays logto_session without an https baseUrl, and is what cookieName says when set', async () => {
    expect(await names(base, 'http://127.0.0.1:3000/')).toEqual(['logto_session']);
    const named = {
      ...base,
      baseUrl: 'https://app.example',
      session: { ...base.session, cookieName: 'sid' },
    };
    expect(await names(named, 'https://app.example/')).toEqual(['sid']);
  });
});

describe('the logger option', () => {
  it("receives the sessions' warnings instead of console", async () => {
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const logged = new LogtoServer({
      endpoint: 'https://tenant.example',
      appId: 'app-1',
      appSecret: 'secret',
      logger,
      session: { secrets: ['a-test-session-secret-of-32-chars-or-more'], maxCookieBytes: 512 },
    });
    const request = logged.open({ url: 'http://app.example/', method: 'GET', cookie: null });
    // Five cookies of 512 bytes: over the default budget of two.
    await request.session.set('session', 'x'.repeat(2000));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[1]).toMatch(/chunkBudget 2/);
    expect(consoleWarn).not.toHaveBeenCalled();
    consoleWarn.mockRestore();
  });
});

describe('LogtoServer construction', () => {
  const base = {
    endpoint: 'https://tenant.example',
    appId: 'app-1',
    session: { secrets: ['a-session-secret-of-at-least-32-characters'] },
  };

  it.each([
    ['missing', {}],
    ['empty', { appSecret: '' }],
    ['undefined (an unset environment variable)', { appSecret: undefined }],
  ])('refuses a config whose appSecret is %s, at start-up, saying where to find it', (_, secret) => {
    const construct = () => new LogtoServer({ ...base, ...secret } as LogtoServerConfig);
    expect(construct).toThrow(expect.objectContaining({ _tag: 'ConfigError', reason: 'MissingAppSecret' }));
    expect(construct).toThrow(/Traditional web.*App secret/);
  });
});

describe('LogtoServer options read from the environment', () => {
  it('keeps the defaults of options given as undefined', () => {
    const unset: string | undefined = undefined;
    const fromEnv = new LogtoServer({
      endpoint: 'https://tenant.example',
      appId: 'app-1',
      appSecret: 'secret-1',
      baseUrl: unset,
      postSignOutPath: unset,
      routes: { signIn: unset, callback: '/auth/callback' },
      session: { secrets: ['a-session-secret-of-at-least-32-characters'], cookieName: unset, path: unset },
      clientOptions: { timeoutMs: unset === undefined ? undefined : 1 },
    });
    expect(fromEnv.routes).toEqual({ ...server.routes, callback: '/auth/callback' });
    expect(fromEnv.routes.signIn).toBe('/sign-in');
  });
});
