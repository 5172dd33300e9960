import { createStorage } from 'unstorage';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from './errors.ts';
import type { LogtoServerConfig } from './server/serverConfig.ts';
import { handleLogto, isApiRequest, type LogtoContext, withLogto } from './web.ts';

const endpoint = 'https://web-entry.example';
const issuer = `${endpoint}/oidc`;
const origin = 'http://app.example';

/** The provider's discovery document, the only request these tests let the client make. */
const discoveryOnly: typeof fetch = async (input, init) => {
  const url = new Request(input, init).url;
  if (url !== `${issuer}/.well-known/openid-configuration`) return new Response('not here', { status: 404 });
  return Response.json({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/session/end`,
  });
};

const config: LogtoServerConfig = {
  endpoint,
  appId: 'app-1',
  appSecret: 'secret-1',
  session: { secrets: ['a-session-secret-of-at-least-32-characters'] },
  clientOptions: { fetch: discoveryOnly },
};

const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(`${origin}${path}`, { headers });

const sessionCookies = (response: Response) =>
  response.headers.getSetCookie().filter((cookie) => cookie.startsWith('logto_session'));

/** The `Set-Cookie` values of what the request changed, as core writes them. */
const cookiesOf = (logto: LogtoContext) => {
  const cookies = logto.request.setCookieHeaders();
  expect(cookies).not.toEqual([]);
  return cookies;
};

/** Starts a sign-in from the app's own handler: the request's session changes (a sign-in transaction). */
const startSignIn = (logto: LogtoContext) => logto.client.signIn({ redirectUri: `${origin}/callback` });

describe('handleLogto', () => {
  const logto = handleLogto(config);

  it('answers an auth route with its Response, cookies included', async () => {
    const handled = await logto(get('/sign-in'));
    expect(handled.response?.status).toBe(302);
    expect(handled.response?.headers.get('location')).toMatch(`${issuer}/auth?`);
    expect(sessionCookies(handled.response!)).not.toEqual([]);
  });

  it('gives other requests their client, and adds nothing when the session did not change', async () => {
    const handled = await logto(get('/'));
    if (handled.response) throw new Error('not an auth route');
    expect(await handled.client.isAuthenticated()).toBe(false);
    const response = new Response('hi');
    expect(handled.withCookies(response)).toBe(response);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('leaves a method an auth route does not answer to the app', async () => {
    const handled = await logto(new Request(`${origin}/sign-in`, { method: 'DELETE' }));
    expect(handled.response).toBeNull();
  });

  it('throws a ConfigError when built with a bad config', () => {
    expect(() => handleLogto({ ...config, session: { secrets: ['short'] } })).toThrow(ConfigError);
  });
});

describe('isApiRequest, the default API rule', () => {
  it('counts /api paths and JSON-only Accept headers as API calls, navigations as pages', () => {
    expect(isApiRequest(get('/api/data?x=1'))).toBe(true);
    expect(isApiRequest(get('/me', { accept: 'application/json' }))).toBe(true);
    expect(isApiRequest(get('/apiary'))).toBe(false);
    expect(isApiRequest(get('/me', { accept: 'text/html,application/json;q=0.9' }))).toBe(false);
    expect(isApiRequest(get('/me', { accept: '*/*' }))).toBe(false);
  });
});

describe('withCookies puts the session cookies on any Response', () => {
  const logto = handleLogto(config);
  const changed = async () => {
    const handled = await logto(get('/start'));
    if (handled.response) throw new Error('not an auth route');
    return { handled, location: await startSignIn(handled) };
  };

  it('on the app’s own Response, the same object', async () => {
    const { handled } = await changed();
    const response = new Response('ok', { headers: { 'x-app': '1' } });
    expect(handled.withCookies(response)).toBe(response);
    expect(response.headers.getSetCookie()).toEqual(cookiesOf(handled));
    expect(response.headers.get('x-app')).toBe('1');
  });

  it('on Response.redirect, whose headers are immutable: a copy with the status and location', async () => {
    const { handled, location } = await changed();
    const redirect = Response.redirect(location, 303);
    expect(() => redirect.headers.append('x', 'y')).toThrow(TypeError);
    const sent = handled.withCookies(redirect);
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(location);
    expect(sent.headers.getSetCookie()).toEqual(cookiesOf(handled));
  });

  it('on a fetch() response, whose headers are immutable: a copy with the same body', async () => {
    const { handled } = await changed();
    const fetched = await fetch('data:text/plain;charset=utf-8,from%20elsewhere');
    expect(() => fetched.headers.append('x', 'y')).toThrow(TypeError);
    const sent = handled.withCookies(fetched);
    expect(sent).not.toBe(fetched);
    expect(sent.status).toBe(200);
    expect(sent.headers.get('content-type')).toBe('text/plain;charset=utf-8');
    expect(sent.headers.getSetCookie()).toEqual(cookiesOf(handled));
    expect(await sent.text()).toBe('from elsewhere');
  });

  it('on a streaming body, without reading it', async () => {
    const { handled } = await changed();
    let pulls = 0;
    const chunks = ['one ', 'two ', 'three'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[pulls++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(chunk));
      },
    });
    const sent = handled.withCookies(new Response(body));
    // A stream pulls its first chunk ahead when built: nothing more until the body is read.
    expect(pulls).toBeLessThanOrEqual(1);
    expect(sent.headers.getSetCookie()).toEqual(cookiesOf(handled));
    expect(await sent.text()).toBe('one two three');
  });
});

describe('withLogto', () => {
  it('answers the auth routes before the handler runs', async () => {
    const handler = vi.fn(() => new Response('app'));
    const response = await withLogto(config, handler)(get('/sign-in'));
    expect(response.status).toBe(302);
    expect(handler).not.toHaveBeenCalled();
  });

  it('puts the cookies the handler’s request changed on its Response, even an immutable one', async () => {
    const fetchHandler = withLogto(config, async (_request, logto) =>
      Response.redirect(await startSignIn(logto), 302),
    );
    const response = await fetchHandler(get('/start'));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(`${issuer}/auth?`);
    expect(sessionCookies(response)).not.toEqual([]);
  });

  it('sends signed-out pages to sign-in and gives APIs 401 when the handler throws NotAuthenticated', async () => {
    const fetchHandler = withLogto(config, async (_request, logto) =>
      Response.json(await logto.client.getIdTokenClaims()),
    );
    const page = await fetchHandler(get('/me?tab=2'));
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/me?tab=2')}`);
    for (const api of [get('/api/me'), get('/me', { accept: 'application/json' })]) {
      const response = await fetchHandler(api);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/json');
    }
  });

  it('answers bad input the handler lets through with 4xx, with the request’s cookies', async () => {
    const fetchHandler = withLogto(config, async (request, logto) => {
      await startSignIn(logto);
      const resource = new URL(request.url).searchParams.get('resource') ?? undefined;
      return Response.json({ accessToken: await logto.client.getAccessToken(resource) });
    });
    const response = await fetchHandler(
      get(`/api/token?resource=${encodeURIComponent('https://unknown.example')}`),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error).toContain('config.resources');
    expect(sessionCookies(response)).not.toEqual([]);
  });

  it('lets other errors through, to the server’s own error handling', async () => {
    const fetchHandler = withLogto(config, () => {
      throw new RangeError('the app’s own bug');
    });
    await expect(fetchHandler(get('/'))).rejects.toThrow(RangeError);
  });

  it('requireAuth: signed-out pages go to sign-in and back, APIs get 401, options win', async () => {
    const fetchHandler = withLogto(
      config,
      async (request, logto) =>
        (await logto.requireAuth(
          new URL(request.url).pathname === '/elsewhere' ? { redirectTo: '/welcome' } : {},
        )) ?? new Response('Protected page'),
      { isApiRequest: (request) => new URL(request.url).pathname.startsWith('/rpc/') },
    );
    const page = await fetchHandler(get('/protected?x=1'));
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe(`/sign-in?returnTo=${encodeURIComponent('/protected?x=1')}`);
    expect((await fetchHandler(get('/rpc/call'))).status).toBe(401);
    // The custom rule replaces the default one: /api/ is a page here.
    expect((await fetchHandler(get('/api/data'))).status).toBe(302);
    expect((await fetchHandler(get('/elsewhere'))).headers.get('location')).toBe('/welcome');
  });

  it('hands the server’s arguments after the request to the handler', async () => {
    const seen: unknown[] = [];
    const fetchHandler = withLogto(config, (_request, _logto, env: { name: string }, context: string) => {
      seen.push(env, context);
      return new Response('ok');
    });
    expect((await fetchHandler(get('/'), { name: 'env' }, 'ctx')).status).toBe(200);
    expect(seen).toEqual([{ name: 'env' }, 'ctx']);
  });

  it('throws a ConfigError when built with a bad config', () => {
    expect(() => withLogto({ ...config, routes: { signIn: 'sign-in' } }, () => new Response())).toThrow(
      ConfigError,
    );
  });
});

describe('the back-channel logout route on the Web entry (store mode)', () => {
  const storeConfig: LogtoServerConfig = {
    ...config,
    session: { store: createStorage(), secrets: ['a-session-secret-of-at-least-32-characters'] },
  };
  const post = (body: BodyInit, init: RequestInit = {}) =>
    new Request(`${origin}/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      ...init,
    });

  it('reads at most 16 KiB of an endless body, then answers 400', async () => {
    const chunkBytes = 4096;
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunkBytes;
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
      },
    });
    const response = await withLogto(
      storeConfig,
      () => new Response('app'),
    )(post(endless, { duplex: 'half' } as RequestInit));
    expect(response.status).toBe(400);
    expect((await response.json()).error_description).toMatch(/16384 bytes/);
    expect(pulled).toBeLessThanOrEqual(8 * chunkBytes);
  });

  it('answers a body someone already read with 400, not 500', async () => {
    const request = post(new URLSearchParams({ logout_token: 'x.y.z' }));
    await request.text();
    const response = await withLogto(storeConfig, () => new Response('app'))(request);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('invalid_request');
  });
});
