/**
 * Store mode end to end, in process: `LogtoServer` with `session: { store, secrets }` on unstorage's
 * memory driver, against the dev provider. Redis-backed runs live in `@logto-machine/redis`.
 */
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { ServerBrowser } from '@logto-machine/testing/server';
import {
  createStorage,
  type StorageValue,
  type TransactionOptions,
  type Storage as Unstorage,
} from 'unstorage';
import memoryDriver from 'unstorage/drivers/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCache } from '../runtime/providerCache.ts';
import { LogtoServer } from '../server/LogtoServer.ts';
import { StoreSessions } from './StoreSessions.ts';

let provider: DevProvider;
let store: Unstorage;
let server: LogtoServer;

beforeAll(async () => {
  provider = await startDevProvider();
  store = createStorage({ driver: memoryDriver() });
  server = new LogtoServer({
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    session: { store, secrets: 'store-mode-test-secret-0123456789abcdef' },
    clientOptions: { cache: new ProviderCache() },
  });
});
afterAll(() => provider?.stop());

const idOf = (cookie: string) => /logto_session=([\w-]{43})\./.exec(cookie)?.[1];

describe('LogtoServer in store mode', () => {
  it('builds StoreSessions from { store, secrets } and exposes them', () => {
    expect(server.sessions).toBeInstanceOf(StoreSessions);
  });

  it('signs in with only a signed id in the cookie, rotated at the callback', async () => {
    const browser = new ServerBrowser(server);
    const { routed } = await browser.request('/sign-in');
    const beforeSignIn = idOf(browser.cookie)!;
    expect(beforeSignIn).toBeDefined();
    const planted = browser.clone();
    const callback = new URL(
      await completeSignIn(routed?.kind === 'redirect' ? routed.location : '', {
        username: 'demo',
        password: 'demo-password',
      }),
    );
    await browser.request(callback.pathname + callback.search);
    const afterSignIn = idOf(browser.cookie)!;
    expect(afterSignIn).not.toBe(beforeSignIn);
    expect(browser.cookie).toMatch(/^logto_session=[\w-]{43}\.[\w-]{43}$/);
    const { value: claims } = await browser.request('/', (client) => client.getIdTokenClaims());
    expect(claims?.sub).toBe('user_demo');
    // The id known before sign-in (planted by an attacker, say) is worth nothing after it.
    expect((await planted.request('/', (client) => client.isAuthenticated())).value).toBe(false);
    expect(await store.getItem(`logto:session:${beforeSignIn}`)).toBeNull();
  });

  it('never lets a planted session id read as the user, not even while the callback runs', async () => {
    // A slow store widens every window: each call waits 2 ms.
    const slow = createStorage({ driver: memoryDriver() });
    for (const method of ['getItem', 'getItemRaw', 'setItem', 'removeItem'] as const) {
      const original = slow[method].bind(slow) as (...args: unknown[]) => Promise<unknown>;
      (slow as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return original(...args);
      };
    }
    const slowServer = new LogtoServer({
      ...server.config,
      session: { store: slow, secrets: 'store-mode-test-secret-0123456789abcdef' },
    });
    // The attacker starts a sign-in to get an id, and plants that cookie in the victim's browser.
    const attacker = new ServerBrowser(slowServer);
    await attacker.request('/sign-in');
    const victim = new ServerBrowser(slowServer);
    victim.cookie = attacker.cookie;
    const { routed } = await victim.request('/sign-in');
    const plantedId = idOf(victim.cookie)!;
    expect(plantedId).toBe(idOf(attacker.cookie));
    const callback = new URL(
      await completeSignIn(routed?.kind === 'redirect' ? routed.location : '', {
        username: 'demo',
        password: 'demo-password',
      }),
    );
    // The attacker polls with the planted id for as long as the victim's callback runs.
    let done = false;
    const seen: boolean[] = [];
    const polling = (async () => {
      while (!done) seen.push((await attacker.request('/', (client) => client.isAuthenticated())).value!);
    })();
    await victim.request(callback.pathname + callback.search);
    done = true;
    await polling;
    seen.push((await attacker.request('/', (client) => client.isAuthenticated())).value!);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((signedIn) => !signedIn)).toBe(true);
    expect((await victim.request('/', (client) => client.isAuthenticated())).value).toBe(true);
    expect(idOf(victim.cookie)).not.toBe(plantedId);
  });

  it('leaves a planted session id without tokens when the store fails during the callback', async () => {
    const failing = createStorage({ driver: memoryDriver() });
    const failServer = new LogtoServer({
      ...server.config,
      session: { store: failing, secrets: 'store-mode-test-secret-0123456789abcdef' },
    });
    const victim = new ServerBrowser(failServer);
    const { routed } = await victim.request('/sign-in');
    const plantedId = idOf(victim.cookie)!;
    const callback = new URL(
      await completeSignIn(routed?.kind === 'redirect' ? routed.location : '', {
        username: 'demo',
        password: 'demo-password',
      }),
    );
    const { setItem } = failing;
    const written: string[] = [];
    failing.setItem = (key: string, value: StorageValue, options?: TransactionOptions) => {
      written.push(key);
      return key.includes(':session:')
        ? Promise.reject(new Error('ECONNRESET'))
        : setItem(key, value, options);
    };
    try {
      const answer = await victim.request(callback.pathname + callback.search);
      expect(answer.routed).toMatchObject({ kind: 'page', status: 503 });
    } finally {
      failing.setItem = setItem;
    }
    expect(written).not.toContain(`logto:session:${plantedId}`);
    expect(await failing.getItem(`logto:session:${plantedId}`)).toBeNull();
    expect(idOf(victim.cookie)).toBe(plantedId);
  });

  it('gets and refreshes tokens through the store', async () => {
    const browser = new ServerBrowser(server);
    await browser.signIn();
    const { value: token } = await browser.request('/', (client) => client.getAccessToken());
    expect(token).toBeTruthy();
    const { value: again, setCookie } = await browser.request('/', (client) => client.getAccessToken());
    expect(again).toBe(token);
    expect(setCookie).toEqual([]);
  });

  it('signs out: deletes the store entry and expires the cookie; a copy of the cookie reads signed out', async () => {
    const browser = new ServerBrowser(server);
    await browser.signIn();
    const copy = browser.clone();
    const id = idOf(browser.cookie)!;
    const { routed } = await browser.request('/sign-out');
    expect(routed?.setCookie).toEqual([expect.stringMatching(/^logto_session=; Path=\/; Max-Age=0/)]);
    expect(browser.cookie).toBe('');
    expect(await store.getItem(`logto:session:${id}`)).toEqual({ v: 1, deleted: true });
    expect((await copy.request('/', (client) => client.isAuthenticated())).value).toBe(false);
  });

  it("ends every session of a user with deleteSessions({ sub }), read by the ID token's sub", async () => {
    const first = new ServerBrowser(server);
    const second = new ServerBrowser(server);
    await first.signIn();
    await second.signIn();
    expect(
      await (server.sessions as StoreSessions).deleteSessions({ sub: 'user_demo' }),
    ).toBeGreaterThanOrEqual(2);
    for (const browser of [first, second]) {
      expect((await browser.request('/', (client) => client.isAuthenticated())).value).toBe(false);
    }
  });

  it('answers requests that carry a session with 503 while the store is down, and loses nothing', async () => {
    const browser = new ServerBrowser(server);
    await browser.signIn();
    const { getItem, getItemRaw } = store;
    store.getItem = () => Promise.reject(new Error('ECONNREFUSED'));
    store.getItemRaw = () => Promise.reject(new Error('ECONNREFUSED'));
    try {
      const request = server.open({
        url: 'http://127.0.0.1:4999/api/me',
        method: 'GET',
        cookie: browser.cookie,
      });
      const failure = await request.client
        .isAuthenticated()
        .catch((error: unknown) => request.failure(error));
      expect(failure).toMatchObject({ kind: 'page', status: 503 });
      // Signed-out visitors carry no session: they never reach the store.
      const anonymous = server.open({ url: 'http://127.0.0.1:4999/', method: 'GET', cookie: '' });
      expect(await anonymous.client.isAuthenticated()).toBe(false);
    } finally {
      Object.assign(store, { getItem, getItemRaw });
    }
    expect((await browser.request('/', (client) => client.isAuthenticated())).value).toBe(true);
  });
});
