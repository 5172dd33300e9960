import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import {
  Browser,
  CookieJar,
  completeSignIn,
  completeSignOut,
  createTestSigningKey,
  endlessChunkBytes,
  endlessPost,
  type TestSigningKey,
} from '@logto-machine/dev-provider/testing';
import { Hono } from 'hono';
import { createStorage } from 'unstorage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogtoServerConfig, logto } from './index.ts';

const secret = 'a-test-session-secret-of-32-chars-or-more';
const testUser = { username: 'demo', password: 'demo-password' };

type Fetch = (request: Request) => Response | Promise<Response>;

/** Serves `handler()` on a free loopback port, so the provider can POST to it; `handler` is read late. */
const serve = async (handler: () => Fetch) => {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const item of [value ?? []].flat()) headers.append(name, item);
    }
    const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
    const response = await handler()(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method ?? 'GET', headers, body }),
    );
    res.writeHead(response.status, [...response.headers].flat());
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
};

/** The app: `/` says whose session this is, or that there is none. */
const makeApp = (config: LogtoServerConfig) => {
  const app = new Hono();
  app.use(logto(config));
  app.get('/', async (c) =>
    (await c.var.logto.isAuthenticated())
      ? c.text(`Signed in as ${(await c.var.logto.getIdTokenClaims()).sub}`)
      : c.text('Not authenticated'),
  );
  return app;
};

/** The provider signs with this key (its `keysFile`), so the tests can sign the provider's tokens. */
let signingKey: TestSigningKey;
/** Another key: what a forger would sign with. */
let forgerKey: TestSigningKey;
let op: DevProvider;
const apps = {} as Record<
  'sid' | 'sub' | 'cookie',
  { url: string; fetch: Fetch; close: () => Promise<unknown> }
>;

const appConfig = (appId: string, session: LogtoServerConfig['session']): LogtoServerConfig => ({
  endpoint: op.url,
  appId,
  appSecret: `${appId}-secret`,
  session,
});

beforeAll(async () => {
  [signingKey, forgerKey] = await Promise.all([createTestSigningKey(), createTestSigningKey()]);
  let fetches: Partial<Record<keyof typeof apps, Fetch>> = {};
  const servers = await Promise.all(
    (['sid', 'sub', 'cookie'] as const).map(
      async (name) => [name, await serve(() => fetches[name]!)] as const,
    ),
  );
  const urls = Object.fromEntries(servers.map(([name, { url }]) => [name, url]));
  op = await startDevProvider({
    keysFile: signingKey.keysFile,
    logErrors: false,
    apps: [
      {
        id: 'bc-sid',
        secret: 'bc-sid-secret',
        type: 'traditional',
        backchannelLogoutUri: `${urls.sid}/backchannel-logout`,
        backchannelLogoutSessionRequired: true,
      },
      {
        id: 'bc-sub',
        secret: 'bc-sub-secret',
        type: 'traditional',
        backchannelLogoutUri: `${urls.sub}/backchannel-logout`,
      },
      {
        id: 'bc-cookie',
        secret: 'bc-cookie-secret',
        type: 'traditional',
        backchannelLogoutUri: `${urls.cookie}/backchannel-logout`,
      },
    ],
  });
  const store = () => ({ store: createStorage(), secrets: [secret] });
  fetches = {
    sid: makeApp(appConfig('bc-sid', store())).fetch,
    sub: makeApp(appConfig('bc-sub', store())).fetch,
    cookie: makeApp(appConfig('bc-cookie', { secrets: [secret] })).fetch,
  };
  for (const [name, server] of servers) apps[name] = { ...server, fetch: fetches[name]! };
});

afterAll(async () => {
  await op?.stop();
  await Promise.all(Object.values(apps).map((app) => app.close()));
  await Promise.all([signingKey?.remove(), forgerKey?.remove()]);
});

/** Signs the demo user in to `app` in a fresh browser with its own provider session. */
const signedIn = async (app: (typeof apps)['sid']) => {
  const browser = new Browser(app.url, app.fetch);
  const providerCookies = new CookieJar();
  const start = await browser.get('/sign-in');
  expect(start.status).toBe(302);
  await browser.get(
    await completeSignIn(start.headers.get('location')!, { ...testUser, cookieJar: providerCookies }),
  );
  expect(await (await browser.get('/')).text()).toBe('Signed in as user_demo');
  return { browser, providerCookies };
};

/** Signs out at the provider (as from another app, or the provider's own page): the app learns only by back channel. */
const signOutAtProvider = (clientId: string, providerCookies: CookieJar) =>
  completeSignOut(
    `${op.issuer}/session/end?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: 'http://127.0.0.1:5555/' })}`,
    { cookieJar: providerCookies },
  );

const home = async (browser: Browser) => (await browser.get('/')).text();

describe('back-channel logout, end to end against the dev provider (store mode)', () => {
  it('ends the app session of the provider session that signed out (sid), and only that one', async () => {
    const first = await signedIn(apps.sid);
    const second = await signedIn(apps.sid);
    op.stats.reset();

    await signOutAtProvider('bc-sid', first.providerCookies);

    expect(op.stats.backchannelLogouts).toMatchObject([{ clientId: 'bc-sid', outcome: 'delivered' }]);
    expect(await home(first.browser)).toBe('Not authenticated');
    expect(await home(second.browser)).toBe('Signed in as user_demo');
  });

  it('ends every app session of the user when the token names only sub', async () => {
    const first = await signedIn(apps.sub);
    const second = await signedIn(apps.sub);
    op.stats.reset();

    await signOutAtProvider('bc-sub', first.providerCookies);

    expect(op.stats.backchannelLogouts).toMatchObject([{ clientId: 'bc-sub', outcome: 'delivered' }]);
    expect(await home(first.browser)).toBe('Not authenticated');
    expect(await home(second.browser)).toBe('Not authenticated');
  });
});

describe('the back-channel logout route', () => {
  const logoutToken = (claims: Record<string, unknown> = {}, key = signingKey) =>
    key.logoutToken(op.issuer, 'bc-sid', { sub: 'user_nobody', ...claims });
  const post = (
    app: (typeof apps)['sid'],
    body: string,
    init: { method?: string; contentType?: string } = {},
  ) =>
    app.fetch(
      new Request(`${app.url}/backchannel-logout`, {
        method: init.method ?? 'POST',
        headers: { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' },
        ...(init.method === 'GET' ? {} : { body }),
      }),
    );
  const form = (token: string) => new URLSearchParams({ logout_token: token }).toString();

  it('answers a valid token with 200, Cache-Control: no-store and no body', async () => {
    const response = await post(apps.sid, form(await logoutToken()));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    // The forger's key has the provider key's kid: only the signature tells them apart.
    ['a bad signature', () => logoutToken({}, forgerKey), /signature/],
    ['a wrong audience', () => logoutToken({ aud: 'another-app' }), /aud/],
    ['a nonce', () => logoutToken({ nonce: 'n' }), /nonce/],
    ['no events', () => logoutToken({ events: undefined }), /events/],
    ['neither sid nor sub', () => logoutToken({ sub: undefined }), /sid nor sub/],
    ['an expired token', () => logoutToken({ iat: 1_000, exp: 1_120 }), /exp/],
  ])('answers %s with 400 invalid_request and no-store', async (_, token, description) => {
    const response = await post(apps.sid, form(await token()));
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(description) });
  });

  it('answers a replayed token with 400', async () => {
    const token = await logoutToken();
    expect((await post(apps.sid, form(token))).status).toBe(200);
    const replay = await post(apps.sid, form(token));
    expect(replay.status).toBe(400);
    expect((await replay.json()).error_description).toMatch(/jti/);
  });

  it('answers a request without logout_token, or not as a form, with 400', async () => {
    expect((await post(apps.sid, 'token=x')).status).toBe(400);
    const json = await post(apps.sid, JSON.stringify({ logout_token: await logoutToken() }), {
      contentType: 'application/json',
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error_description).toMatch(/x-www-form-urlencoded/);
  });

  it('reads at most 16 KiB of an endless body, then answers 400', async () => {
    const { request, pulled } = endlessPost(`${apps.sid.url}/backchannel-logout`);
    const response = await apps.sid.fetch(request);
    expect(response.status).toBe(400);
    expect((await response.json()).error_description).toMatch(/16384 bytes/);
    expect(pulled.bytes).toBeLessThanOrEqual(4 * endlessChunkBytes);
  });
  it('reads a body a middleware already read, from the cache Hono keeps', async () => {
    const app = new Hono();
    app.use(async (c, next) => {
      await c.req.text();
      await next();
    });
    app.use(logto(appConfig('bc-sid', { store: createStorage(), secrets: [secret] })));
    const response = await app.request('/backchannel-logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form(await logoutToken()),
    });
    expect(response.status).toBe(200);
  });

  it('answers other methods with 405 and Allow: POST', async () => {
    const response = await post(apps.sid, '', { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 501 in cookie mode, where there is no server-side session to delete', async () => {
    const response = await post(apps.cookie, form(await logoutToken({ aud: 'bc-cookie' })));
    expect(response.status).toBe(501);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.json()).error_description).toMatch(/store mode/);
  });

  it('goes over the network too: the provider gets 501 from a cookie-mode app and records the failure', async () => {
    const { providerCookies } = await signedIn(apps.cookie);
    op.stats.reset();
    await signOutAtProvider('bc-cookie', providerCookies);
    expect(op.stats.backchannelLogouts).toMatchObject([
      { clientId: 'bc-cookie', outcome: 'failed', error: expect.stringMatching(/501/) },
    ]);
  });
});
