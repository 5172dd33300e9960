/**
 * The `logger` option end to end: every kind of auth failure, driven through `LogtoServer` against
 * the dev provider, is logged exactly once, with its error tag and status; and no entry contains a
 * token, an authorization code, a cookie value or a secret.
 */
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { appOrigin, ServerBrowser } from '@logto-machine/testing/server';
import { createStorage } from 'unstorage';
import memoryDriver from 'unstorage/drivers/memory';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import type { Logger, LogLevel } from '../ports/Logger.ts';
import { ProviderCache } from '../runtime/providerCache.ts';
import { LogtoServer } from './LogtoServer.ts';
import type { LogtoServerConfig } from './serverConfig.ts';

interface Entry {
  readonly level: LogLevel;
  readonly details: Readonly<Record<string, unknown>>;
  readonly message: string;
}

const entries: Entry[] = [];
const record =
  (level: LogLevel) =>
  (details: Readonly<Record<string, unknown>>, message: string): void =>
    void entries.push({ level, details, message });
const logger: Logger = {
  debug: record('debug'),
  info: record('info'),
  warn: record('warn'),
  error: record('error'),
};

const resource = 'https://api.example.com';
const sessionSecret = 'failure-log-test-secret-0123456789abcdef';
const appSecret = 'demo-app-secret';
/** Every string no log entry may contain: tokens, codes, cookie values, secrets. */
const secrets = new Set<string>([sessionSecret, appSecret]);

let provider: DevProvider;
let server: LogtoServer;
let storeServer: LogtoServer;

const config = (endpoint: string): LogtoServerConfig => ({
  endpoint,
  appId: 'demo-app',
  appSecret,
  scopes: ['read:data'],
  resources: [resource],
  session: { secrets: [sessionSecret] },
  clientOptions: { cache: new ProviderCache() },
  logger,
});

beforeAll(async () => {
  provider = await startDevProvider();
  server = new LogtoServer(config(provider.url));
  storeServer = new LogtoServer({
    ...config(provider.url),
    session: { store: createStorage({ driver: memoryDriver() }), secrets: [sessionSecret] },
  });
});
afterAll(() => provider?.stop());
beforeEach(() => {
  entries.length = 0;
});

/** Remembers what a browser holds: its cookie values, and the callback URL's code and state. */
const remember = (browser: ServerBrowser) => {
  for (const pair of browser.cookie.split('; ')) {
    const value = pair.slice(pair.indexOf('=') + 1);
    if (value.length >= 16) secrets.add(value);
  }
};

/** Signs a browser in, remembering its cookies, its callback's code and its tokens. */
const signedIn = async (on = server) => {
  const browser = new ServerBrowser(on);
  const { routed } = await browser.request('/sign-in');
  if (routed?.kind !== 'redirect') throw new Error('expected a redirect to the provider');
  const callback = new URL(
    await completeSignIn(routed.location, { username: 'demo', password: 'demo-password' }),
  );
  secrets.add(callback.searchParams.get('code')!);
  await browser.request(callback.pathname + callback.search);
  remember(browser);
  const { value: tokens } = await browser.request('/', async (client) => [
    await client.getIdToken(),
    await client.getAccessToken(),
    await client.getRefreshToken(),
  ]);
  for (const token of tokens ?? []) if (token) secrets.add(token);
  return { browser, callback: `${callback.pathname}${callback.search}` };
};

/** The one entry the step logged. */
const onlyEntry = () => {
  expect(entries, JSON.stringify(entries)).toHaveLength(1);
  return entries[0]!;
};

describe('every auth failure is logged once', () => {
  it('a callback without its sign-in (a stale link): 400 CallbackError UnknownState', async () => {
    const { routed } = await new ServerBrowser(server).request(
      '/callback?code=stale-code-0123456789&state=abc',
    );
    secrets.add('stale-code-0123456789');
    expect(routed?.status).toBe(400);
    expect(onlyEntry()).toMatchObject({
      level: 'warn',
      details: {
        event: 'logto.failure',
        path: '/callback',
        status: 400,
        error: 'CallbackError',
        reason: 'UnknownState',
      },
    });
  });

  it('a callback replayed after its sign-in: 400, once', async () => {
    const { browser, callback } = await signedIn();
    entries.length = 0;
    const { routed } = await browser.request(callback);
    expect(routed?.status).toBe(400);
    expect(onlyEntry().details).toMatchObject({ status: 400, error: 'CallbackError' });
  });

  it('the provider refusing the sign-in (access_denied): 4xx, once', async () => {
    const browser = new ServerBrowser(server);
    const { routed } = await browser.request('/sign-in');
    remember(browser);
    const state = new URL(routed?.kind === 'redirect' ? routed.location : '').searchParams.get('state')!;
    secrets.add(state);
    const failed = await browser.request(
      `/callback?error=access_denied&error_description=denied&state=${state}`,
    );
    expect(failed.routed?.status).toBe(400);
    expect(onlyEntry().details).toMatchObject({ path: '/callback', status: 400, error: 'CallbackError' });
  });

  it('an unreachable provider at sign-in: 502 at error level, once', async () => {
    const offline = new LogtoServer(config('http://127.0.0.1:9'));
    const { routed } = await new ServerBrowser(offline).request('/sign-in');
    expect(routed?.status).toBe(502);
    expect(onlyEntry()).toMatchObject({
      level: 'error',
      details: { path: '/sign-in', status: 502, error: 'DiscoveryError' },
    });
    expect(onlyEntry().message).toContain('http://127.0.0.1:9');
  });

  it('a refresh the provider refuses: logged by the client, not again when the app answers it', async () => {
    const { browser } = await signedIn();
    // Signing out a copy of the session revokes its refresh token at the provider.
    await browser.clone().request('/sign-out');
    entries.length = 0;
    const request = server.open({ url: `${appOrigin}/data`, method: 'GET', cookie: browser.cookie });
    const error = await request.client.getAccessToken(resource).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ _tag: 'SessionExpired' });
    expect(onlyEntry()).toMatchObject({
      level: 'warn',
      details: { event: 'logto.refreshFailed', error: 'SessionExpired', resource },
    });
    expect(request.failure(error).status).toBe(302);
    expect(entries).toHaveLength(1);
  });

  it('a refresh while the provider is down: logged at error level, once', async () => {
    const offlineProvider = await startDevProvider();
    const offline = new LogtoServer(config(offlineProvider.url));
    const { browser } = await signedIn(offline);
    await offlineProvider.stop();
    entries.length = 0;
    const request = offline.open({ url: `${appOrigin}/data`, method: 'GET', cookie: browser.cookie });
    expect(await request.client.getAccessToken(resource)).toBeNull();
    expect(onlyEntry()).toMatchObject({ level: 'error', details: { event: 'logto.refreshFailed' } });
  });

  it('an API call the app answers with failure(): its status, once', async () => {
    const request = server.open({ url: `${appOrigin}/api/token?resource=x`, method: 'GET', cookie: null });
    const error = new ConfigError({ reason: 'InvalidOption', message: 'resource x is not configured' });
    expect(request.failure(error, { api: true }).status).toBe(400);
    expect(request.failure(error, { api: true }).status).toBe(400);
    expect(onlyEntry().details).toMatchObject({ path: '/api/token', status: 400, error: 'ConfigError' });
  });

  it('an error of the app’s own: 500 at error level, with the error as err', async () => {
    const request = server.open({ url: `${appOrigin}/page`, method: 'GET', cookie: null });
    const error = new TypeError('the app broke');
    expect(request.failure(error).status).toBe(500);
    expect(onlyEntry()).toMatchObject({
      level: 'error',
      details: { status: 500, error: 'TypeError', err: error },
    });
  });

  it('back-channel logout refusals: 405, 501, and 400 for a broken token, once each', async () => {
    const backchannel = (on: LogtoServer, method: string, body?: string) =>
      on
        .open({
          url: `${appOrigin}/backchannel-logout`,
          method,
          cookie: null,
          contentType: 'application/x-www-form-urlencoded',
          ...(body === undefined ? {} : { body: () => body }),
        })
        .route();
    const statuses: number[] = [];
    for (const [on, method, body] of [
      [storeServer, 'GET', undefined],
      [server, 'POST', 'logout_token=x'],
      [storeServer, 'POST', 'logout_token=not-a-jwt'],
      [storeServer, 'POST', 'no_token=1'],
    ] as const) {
      entries.length = 0;
      statuses.push((await backchannel(on, method, body))!.status);
      expect(onlyEntry().details).toMatchObject({ path: '/backchannel-logout', status: statuses.at(-1) });
    }
    expect(statuses).toEqual([405, 501, 400, 400]);
  });

  it('nothing is logged for a signed-in request that succeeds', async () => {
    const { browser } = await signedIn();
    entries.length = 0;
    const { value } = await browser.request('/', async (client) => [
      await client.isAuthenticated(),
      await client.getAccessToken(resource),
    ]);
    expect(value?.[0]).toBe(true);
    expect(entries).toEqual([]);
  });
});

describe('no log entry holds a secret', () => {
  it('holds none of the tokens, codes, cookie values and secrets these tests saw, nor a long piece of one', async () => {
    // Every failure above again, collected: the scan is over all of them.
    const all: Entry[] = [];
    const { browser, callback } = await signedIn();
    entries.length = 0;
    await browser.request(callback);
    await new ServerBrowser(server).request('/callback?code=stale-code-0123456789&state=abc');
    await browser.clone().request('/sign-out');
    const request = server.open({ url: `${appOrigin}/data`, method: 'GET', cookie: browser.cookie });
    await request.client.getAccessToken(resource).catch((error: unknown) => request.failure(error));
    all.push(...entries);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(secrets.size).toBeGreaterThanOrEqual(8);
    const logged = JSON.stringify(all);
    // Any 16 characters in a row of a secret would be a leak; a token cut into a message is found too.
    for (const secret of secrets) {
      for (let start = 0; start + 16 <= secret.length; start += 4) {
        expect(logged.includes(secret.slice(start, start + 16)), `a piece of a secret at ${start}`).toBe(
          false,
        );
      }
    }
  });
});
