/**
 * A sign-in opened at another host than `baseUrl`'s is moved to `baseUrl` once (the sign-in cookie
 * would not come back to the callback), never twice (behind a proxy the moved request arrives as the
 * same internal URL), and a callback without its sign-in names where to open the app.
 */
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, LogLevel } from '../ports/Logger.ts';
import { ProviderCache } from '../runtime/providerCache.ts';
import { LogtoServer } from './LogtoServer.ts';
import type { LogtoServerConfig } from './serverConfig.ts';

const logged: { level: LogLevel; details: Readonly<Record<string, unknown>>; message: string }[] = [];
const logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (details: Readonly<Record<string, unknown>>, message: string) => logged.push({ level, details, message }),
  ]),
) as unknown as Logger;

let provider: DevProvider;
const serverAt = (baseUrl: string | undefined) => {
  const config: LogtoServerConfig = {
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    session: { secrets: ['origin-check-test-secret-0123456789abcdef'] },
    clientOptions: { cache: new ProviderCache() },
    logger,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
  return new LogtoServer(config);
};
const get = (server: LogtoServer, url: string) => server.open({ url, method: 'GET', cookie: null }).route();

beforeAll(async () => {
  provider = await startDevProvider();
});
afterAll(() => provider?.stop());

describe('a sign-in at another host than baseUrl', () => {
  it('is moved to the same route on baseUrl, with its query, setting no cookie, and logged naming both origins', async () => {
    const server = serverAt('http://127.0.0.1:3000');
    logged.length = 0;
    for (const route of ['/sign-in', '/sign-up']) {
      const answer = await get(server, `http://localhost:3000${route}?returnTo=%2Fprotected`);
      expect(answer).toEqual({
        kind: 'redirect',
        status: 302,
        location: `http://127.0.0.1:3000${route}?returnTo=%2Fprotected&logto_moved=1`,
        setCookie: [],
      });
    }
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ level: 'info', details: { event: 'logto.signInMoved' } });
    expect(logged[0]!.message).toContain(
      'opened at http://localhost:3000, but baseUrl is http://127.0.0.1:3000',
    );
  });

  it('signs in as usual once moved, even when it still arrives at another host (a proxy’s internal URL)', async () => {
    const server = serverAt('https://app.example');
    const moved = await get(server, 'http://app-internal:3000/sign-in?returnTo=%2F');
    expect(moved?.kind === 'redirect' && moved.location).toBe(
      'https://app.example/sign-in?returnTo=%2F&logto_moved=1',
    );
    const signIn = await get(server, 'http://app-internal:3000/sign-in?returnTo=%2F&logto_moved=1');
    expect(signIn?.kind === 'redirect' && new URL(signIn.location).origin).toBe(provider.url);
    expect(signIn?.kind === 'redirect' && new URL(signIn.location).searchParams.get('redirect_uri')).toBe(
      'https://app.example/callback',
    );
    expect(signIn?.setCookie.length).toBeGreaterThan(0);
  });

  it('is not moved when only the scheme or port differs (cookies ignore both), nor without baseUrl', async () => {
    for (const [baseUrl, url] of [
      ['https://app.example', 'http://app.example:8080/sign-in'],
      [undefined, 'http://localhost:3000/sign-in'],
    ] as const) {
      const answer = await get(serverAt(baseUrl), url);
      expect(answer?.kind === 'redirect' && new URL(answer.location).origin).toBe(provider.url);
    }
  });
});

describe('a callback without its sign-in', () => {
  it('says where to open the app, and names the host it arrived at when that is another', async () => {
    const server = serverAt('http://127.0.0.1:3000');
    const same = await get(server, 'http://127.0.0.1:3000/callback?code=c&state=s');
    expect(same?.status).toBe(400);
    const samePage = same?.kind === 'page' ? same.body : '';
    expect(samePage).toContain('Open the app at http://127.0.0.1:3000 and sign in again.');
    expect(samePage).not.toContain('This request arrived at');
    const other = await get(server, 'http://localhost:3000/callback?code=c&state=s');
    expect(other?.kind === 'page' && other.body).toContain(
      'This request arrived at http://localhost:3000: if that is where the app is opened, set its baseUrl (BASE_URL) to it.',
    );
  });
});
