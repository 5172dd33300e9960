/**
 * Finding 4 of the security review (cookie bomb), end to end: `LogtoServer` in cookie mode, driven in
 * process like a browser, against the dev provider. A cross-site page can make a browser follow any
 * number of links to the sign-in route with a long `returnTo`; each once planted a transaction cookie
 * of its own (up to ~17 KB each), until every request to the app was refused (431). Now what the app
 * sets stays within the session's chunk budget plus a few bounded transactions, and the user can still
 * sign in.
 */
import { type DevProvider, startDevProvider } from '@logto-machine/dev-provider';
import { completeSignIn } from '@logto-machine/dev-provider/testing';
import { applySetCookies } from '@logto-machine/testing';
import { ServerBrowser } from '@logto-machine/testing/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCache } from '../runtime/providerCache.ts';
import { maxTransactionCookies } from '../session/CookieRequestSession.ts';
import { LogtoServer } from './LogtoServer.ts';
import { maxReturnToLength } from './returnTo.ts';

let provider: DevProvider;
let server: LogtoServer;

beforeAll(async () => {
  provider = await startDevProvider();
  server = new LogtoServer({
    endpoint: provider.url,
    appId: 'demo-app',
    appSecret: 'demo-app-secret',
    session: { secrets: 'cookie-bomb-test-secret-0123456789abcdef' },
    clientOptions: { cache: new ProviderCache() },
  });
});
afterAll(() => provider?.stop());

/** Node refuses a request whose headers exceed 16 KiB (431); the Cookie header must stay well under. */
const nodeHeaderLimit = 16 * 1024;
/** The default chunk budget of the session cookie, and the most bytes a cookie can hold. */
const [chunkBudget, cookieBytes] = [2, 4096];
/**
 * The most a transaction cookie can take in the Cookie header: its state, nonce, verifier, redirect URI
 * and a `returnTo` of at most `maxReturnToLength`, sealed (×4/3), with its name.
 */
const transactionBytes = 2 * maxReturnToLength;

/** Hostile return paths: far too long (refused, so `/` is kept), and the longest that is kept. */
const hostileReturnTo = (index: number) => `/${'a'.repeat(index % 2 === 0 ? 12_000 : maxReturnToLength - 1)}`;

describe('following 40 hostile sign-in links', () => {
  it('keeps the Cookie header far under the server limit, at most the cap of transactions, and the last sign-in completes', async () => {
    const browser = new ServerBrowser(server);
    await browser.signIn();
    const locations: string[] = [];
    for (let index = 0; index < 40; index++) {
      const { routed } = await browser.request(
        `/sign-in?returnTo=${encodeURIComponent(hostileReturnTo(index))}`,
      );
      expect(routed).toMatchObject({ kind: 'redirect', status: 302 });
      if (routed?.kind === 'redirect') locations.push(routed.location);

      const cookies = applySetCookies(browser.cookie, []);
      const transactions = [...cookies].filter(([name]) => name.includes('_tx_'));
      const session = [...cookies].filter(([name]) => !name.includes('_tx_'));
      expect(transactions.length).toBeLessThanOrEqual(maxTransactionCookies);
      for (const [name, value] of transactions)
        expect(name.length + 1 + value.length).toBeLessThanOrEqual(transactionBytes);
      expect(session.length).toBeLessThanOrEqual(chunkBudget);
      expect(browser.cookie.length).toBeLessThanOrEqual(
        chunkBudget * cookieBytes + maxTransactionCookies * transactionBytes,
      );
    }
    expect(chunkBudget * cookieBytes + maxTransactionCookies * transactionBytes).toBeLessThan(
      nodeHeaderLimit,
    );
    expect(browser.cookie.split('; ').filter((pair) => pair.includes('_tx_'))).toHaveLength(
      maxTransactionCookies,
    );

    // Still signed in, at an ordinary page.
    expect((await browser.request('/', (client) => client.isAuthenticated())).value).toBe(true);

    // The latest sign-in completes, back at its (kept) return path.
    const latest = new URL(
      await completeSignIn(locations[39]!, { username: 'demo', password: 'demo-password' }),
    );
    const { routed } = await browser.request(latest.pathname + latest.search);
    expect(routed).toMatchObject({ kind: 'redirect', status: 302 });
    expect(routed?.kind === 'redirect' && new URL(routed.location, 'http://x').pathname).toBe(
      hostileReturnTo(39),
    );

    // The oldest one's transaction is gone: its callback asks to sign in again (400, never 5xx).
    const oldest = new URL(
      await completeSignIn(locations[0]!, { username: 'demo', password: 'demo-password' }),
    );
    const stale = await browser.request(oldest.pathname + oldest.search);
    expect(stale.routed).toMatchObject({ kind: 'page', status: 400 });
    expect(stale.routed?.kind === 'page' && stale.routed.body).toMatch(/expired or was already used/);
    expect((await browser.request('/', (client) => client.isAuthenticated())).value).toBe(true);
  });
});
