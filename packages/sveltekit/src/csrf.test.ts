import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import {
  Browser,
  CookieJar,
  completeSignIn,
  createTestSigningKey,
  locationOf,
  type TestSigningKey,
} from '@logto-machine/dev-provider/testing';
import { createStorage } from 'unstorage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFor } from '../test/requestEvent.ts';
import { type HandleLogtoOptions, handleLogto, type LogtoLocals, type LogtoServerConfig } from './index.ts';

const secret = 'a-test-session-secret-of-32-chars-or-more';
const origin = 'http://127.0.0.1:3000';
const evil = 'https://evil.example';
const form = 'application/x-www-form-urlencoded';

let signingKey: TestSigningKey;
let op: DevProvider;

beforeAll(async () => {
  signingKey = await createTestSigningKey();
  op = await startDevProvider({ keysFile: signingKey.keysFile, logErrors: false });
});
afterAll(async () => {
  await op?.stop();
  await signingKey?.remove();
});

/**
 * The hook in store mode (as for back-channel logout), in front of routes that say who is signed in:
 * SvelteKit's own check is off (`kit.csrf.trustedOrigins: ['*']`), so only the hook stands between a
 * cross-site form and the routes.
 */
const makeApp = (options?: HandleLogtoOptions) => {
  const config: LogtoServerConfig = {
    endpoint: op.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    session: { store: createStorage(), secrets: [secret] },
  };
  const handle = handleLogto(config, options);
  return async (request: Request) =>
    handle({
      event: eventFor(request),
      resolve: async (event) =>
        new Response(`reached as ${(event.locals as LogtoLocals).user?.sub ?? 'nobody'}`),
    });
};

type App = ReturnType<typeof makeApp>;

/** A request from a form: `headers` add to (or, with `undefined`, remove) a form POST's. */
const submit = (
  app: App,
  path: string,
  headers: Record<string, string | undefined> = {},
  init: { method?: string; body?: BodyInit } = {},
) => {
  const all = Object.entries({ 'content-type': form, origin: evil, ...headers }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return app(
    new Request(new URL(path, origin), {
      method: init.method ?? 'POST',
      headers: all,
      body: init.body ?? 'a=1',
    }),
  );
};

/** A browser on `app`, signed in as the demo user. */
const signedIn = async (app: App) => {
  const browser = new Browser(origin, app);
  const start = await browser.get('/sign-in');
  const callbackUrl = await completeSignIn(locationOf(start, origin).href, {
    username: 'demo',
    password: 'demo-password',
    cookieJar: new CookieJar(),
  });
  await browser.get(callbackUrl);
  expect(await (await browser.get('/')).text()).toBe('reached as user_demo');
  return browser;
};

const cookieOf = (browser: Browser) =>
  [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

const reached = async (response: Response) => {
  expect(response.status).toBe(200);
  expect(await response.text()).toMatch(/^reached/);
};

const refused = async (response: Response, method = 'POST') => {
  expect(response.status).toBe(403);
  expect(await response.text()).toBe(`Cross-site ${method} form submissions are forbidden`);
};

describe('handleLogto refuses cross-site form submissions, as SvelteKit does', () => {
  it('refuses a form POST from another origin, or without Origin, to a page, an action or an endpoint', async () => {
    const app = makeApp();
    await refused(await submit(app, '/'));
    await refused(await submit(app, '/account?/delete', { 'x-sveltekit-action': 'true' }));
    await refused(await submit(app, '/api/items', { origin: undefined }));
    // A look-alike: the scheme, host and port all count.
    await refused(await submit(app, '/', { origin: 'https://127.0.0.1:3000' }));
    await refused(await submit(app, '/', { origin: 'null' }));
  });

  it('refuses every content type a form can send, and PUT, PATCH and DELETE too', async () => {
    const app = makeApp();
    for (const contentType of [
      'multipart/form-data; boundary=x',
      'text/plain;charset=UTF-8',
      'Application/X-WWW-Form-Urlencoded',
      'application/x-sveltekit-formdata',
    ])
      await refused(await submit(app, '/', { 'content-type': contentType }));
    for (const method of ['PUT', 'PATCH', 'DELETE'])
      await refused(await submit(app, '/', {}, { method }), method);
  });

  it('answers JSON to a client that asks for JSON only', async () => {
    const response = await submit(makeApp(), '/', { accept: 'application/json' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ message: 'Cross-site POST form submissions are forbidden' });
  });

  it('refuses a cross-site POST to the auth routes: the session survives a forged sign-out', async () => {
    const app = makeApp();
    const browser = await signedIn(app);
    // From another subdomain (same site), SameSite=Lax cookies go along.
    await refused(await submit(app, '/sign-out', { cookie: cookieOf(browser) }));
    expect(await (await browser.get('/')).text()).toBe('reached as user_demo');
    // The same form from the app's own page signs out.
    const signOut = await submit(app, '/sign-out', { cookie: cookieOf(browser), origin });
    expect(signOut.status).toBe(302);
    browser.store(signOut);
    expect(await (await browser.get('/')).text()).toBe('reached as nobody');
  });

  it('lets same-origin forms through', async () => {
    const app = makeApp();
    await reached(await submit(app, '/', { origin }));
    await reached(await submit(app, '/account?/delete', { origin, 'x-sveltekit-action': 'true' }));
    await reached(await submit(app, '/api/items', { origin }, { method: 'DELETE' }));
  });

  it('leaves what a form cannot send to the browser’s CORS checks: other content types, GET, HEAD', async () => {
    const app = makeApp();
    await reached(await submit(app, '/api/items', { 'content-type': 'application/json' }, { body: '{}' }));
    // Bytes without a type (a string body would be sent as text/plain, a form's).
    await reached(
      await submit(app, '/api/items', { 'content-type': undefined }, { body: new Uint8Array([1]) }),
    );
    await reached(await app(new Request(`${origin}/?a=1`, { headers: { origin: evil } })));
    await reached(await app(new Request(`${origin}/`, { method: 'HEAD', headers: { origin: evil } })));
  });

  it('lets trusted origins through, and no other', async () => {
    const app = makeApp({ csrf: { trustedOrigins: ['https://checkout.example'] } });
    await reached(await submit(app, '/pay/done', { origin: 'https://checkout.example' }));
    await refused(await submit(app, '/pay/done', { origin: 'https://checkout.example.evil' }));
    await refused(await submit(app, '/pay/done', { origin: undefined }));
    await reached(await submit(app, '/', { origin }));
  });

  it('checks nothing when turned off, or when every origin is trusted', async () => {
    for (const csrf of [{ checkOrigin: false }, { trustedOrigins: ['*'] }]) {
      const app = makeApp({ csrf });
      await reached(await submit(app, '/'));
      await reached(await submit(app, '/', { origin: undefined }, { method: 'DELETE' }));
      // Even auth routes: a cross-site sign-out goes through.
      expect((await submit(app, '/sign-out')).status).toBe(302);
    }
  });

  it('refuses trusted origins that could never match, when the server starts', () => {
    for (const trusted of [
      'https://checkout.example/',
      'https://checkout.example/pay',
      'checkout.example',
      'null',
    ])
      expect(() => makeApp({ csrf: { trustedOrigins: [trusted] } })).toThrow(
        expect.objectContaining({ _tag: 'ConfigError', reason: 'InvalidOption' }),
      );
  });
});

describe('the back-channel logout route gets the provider’s form POST', () => {
  const logoutForm = async (claims: Record<string, unknown> = {}) =>
    new URLSearchParams({
      logout_token: await signingKey.logoutToken(op.issuer, 'demo-app', claims),
    }).toString();

  it('accepts a logout token without Origin (a server’s POST) and ends the session it names', async () => {
    const app = makeApp();
    const browser = await signedIn(app);

    const response = await submit(
      app,
      '/backchannel-logout',
      { origin: undefined },
      { body: await logoutForm() },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await (await browser.get('/')).text()).toBe('reached as nobody');
  });

  it('is answered by the hook whatever the Origin: the signed token is the check there', async () => {
    const app = makeApp();
    expect((await submit(app, '/backchannel-logout', {}, { body: await logoutForm() })).status).toBe(200);
    // A forged one is refused by the route, not let through to the app's routes.
    const forged = await submit(app, '/backchannel-logout', {}, { body: 'logout_token=forged' });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('is exempt at its configured path only', async () => {
    const config: LogtoServerConfig = {
      endpoint: op.url,
      appId: 'demo-app',
      appSecret: 'demo-app-secret',
      session: { store: createStorage(), secrets: [secret] },
      routes: { backchannelLogout: '/oidc/logout' },
    };
    const handle = handleLogto(config);
    const app: App = async (request) =>
      handle({
        event: eventFor(request),
        resolve: async () => new Response('reached'),
      });
    expect((await submit(app, '/oidc/logout', {}, { body: await logoutForm() })).status).toBe(200);
    await refused(await submit(app, '/backchannel-logout', {}, { body: await logoutForm() }));
    await refused(await submit(app, '/oidc/logout/', {}, { body: await logoutForm() }));
  });
});
