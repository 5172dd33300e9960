/**
 * Finding 4 of the security review (cookie bomb): each pending sign-in has its own cookie, and a link
 * to the sign-in route plants one, so 40 followed links once left 40 cookies — every request then too
 * large for the server (431) for ten minutes. A request that starts a sign-in now keeps at most
 * `maxTransactionCookies` of them, expiring the oldest it carries.
 */
import { fc, test } from '@fast-check/vitest';
import { applySetCookies, nextCookieHeader } from '@logto-machine/testing';
import { describe, expect, it } from 'vitest';
import { maxTransactionCookies } from './CookieRequestSession.ts';
import { CookieSessions, type CookieSessionsConfig } from './CookieSessions.ts';

const secrets = 'transaction-cap-test-secret-0123456789abcdef';
const sessions = (config: Partial<CookieSessionsConfig> = {}) => new CookieSessions({ secrets, ...config });

/** A 43-character state whose cookie name (its first 16 characters) is told apart by `index`. */
const state = (index: number) => `${String(index).padStart(16, 'S')}${'x'.repeat(27)}`;
const txCookie = (index: number, cookieName = 'logto_session') =>
  `${cookieName}_tx_${state(index).slice(0, 16)}`;

/** One request: opens `cookie`, runs `change`, returns the Set-Cookie headers and the next Cookie header. */
const request = async (
  instance: CookieSessions,
  cookie: string,
  change: (session: ReturnType<CookieSessions['open']>) => Promise<unknown>,
) => {
  const session = instance.open(cookie, { secure: true });
  await change(session);
  const setCookies = session.setCookieHeaders();
  return { setCookies, cookie: nextCookieHeader(cookie, setCookies) };
};

const signIn = (instance: CookieSessions, cookie: string, index: number, value = `tx ${index}`) =>
  request(instance, cookie, (s) => s.set(`transaction:${state(index)}`, value));

/** The transaction cookies (chunks included) a browser holding `cookie` has, in its order. */
const transactionCookies = (cookie: string, cookieName = 'logto_session') =>
  [...applySetCookies(cookie, []).keys()].filter((name) => name.startsWith(`${cookieName}_tx_`));

const read = (instance: CookieSessions, cookie: string, index: number) =>
  instance.open(cookie, { secure: true }).get(`transaction:${state(index)}`);

describe(`transaction cookies: at most ${maxTransactionCookies}`, () => {
  it('keeps the newest sign-ins of 40 in a row, each still readable, and forgets the oldest', async () => {
    const instance = sessions();
    let cookie = 'theme=dark';
    for (let index = 0; index < 40; index++) {
      ({ cookie } = await signIn(instance, cookie, index));
      const kept = Array.from(
        { length: Math.min(index + 1, maxTransactionCookies) },
        (_, back) => index - back,
      );
      expect(transactionCookies(cookie).sort()).toEqual(kept.map((k) => txCookie(k)).sort());
    }
    expect(await read(instance, cookie, 39)).toBe('tx 39');
    expect(await read(instance, cookie, 37)).toBe('tx 37');
    expect(await read(instance, cookie, 36)).toBeNull();
    expect(applySetCookies(cookie, []).get('theme')).toBe('dark');
  });

  it('expires the oldest by the order the browser sends them (creation order), with all its chunks', async () => {
    const instance = sessions({ maxCookieBytes: 512 });
    // A chunked transaction first (the oldest), then two small ones.
    let { cookie } = await signIn(instance, '', 0, 'x'.repeat(900));
    ({ cookie } = await signIn(instance, cookie, 1));
    ({ cookie } = await signIn(instance, cookie, 2));
    expect(transactionCookies(cookie).filter((name) => name.startsWith(txCookie(0))).length).toBeGreaterThan(
      1,
    );
    const { setCookies, cookie: next } = await signIn(instance, cookie, 3);
    const expired = setCookies.filter((header) => header.includes('Max-Age=0'));
    expect(expired.length).toBeGreaterThan(1);
    expect(expired.every((header) => header.startsWith(`${txCookie(0)}.`))).toBe(true);
    expect(transactionCookies(next)).toEqual([txCookie(1), txCookie(2), txCookie(3)]);
  });

  it('touches no transaction cookie in a request that starts no sign-in', async () => {
    const instance = sessions();
    // Five pending sign-ins, planted by a version without the cap.
    const planted = Array.from({ length: 5 }, (_, index) => signIn(instance, '', index));
    let cookie = (await Promise.all(planted)).map((answer) => answer.cookie).join('; ');
    for (const change of [
      (s: ReturnType<CookieSessions['open']>) => s.set('session', 'v'),
      (s: ReturnType<CookieSessions['open']>) => s.delete(`transaction:${state(0)}`),
      (s: ReturnType<CookieSessions['open']>) => s.get(`transaction:${state(1)}`),
    ]) {
      const answer = await request(instance, cookie, change);
      expect(
        answer.setCookies.filter((header) => header.includes('_tx_') && !header.startsWith(txCookie(0))),
      ).toEqual([]);
      cookie = answer.cookie;
    }
    expect(transactionCookies(cookie)).toHaveLength(4);
  });

  it('never expires the session or any other cookie', async () => {
    const instance = sessions();
    let { cookie } = await request(instance, 'a=1', (s) => s.set('session', 'signed in'));
    for (let index = 0; index < 5; index++)
      ({ cookie } = await signIn(instance, `${cookie}; b${index}=2`, index));
    expect([...applySetCookies(cookie, []).keys()].filter((name) => !name.includes('_tx_'))).toEqual([
      'a',
      'logto_session',
      'b0',
      'b1',
      'b2',
      'b3',
      'b4',
    ]);
    expect(await instance.open(cookie, { secure: true }).get('session')).toBe('signed in');
  });

  it('sends only the newest when one request starts more sign-ins than the cap', async () => {
    const { setCookies, cookie } = await request(sessions(), '', async (s) => {
      for (let index = 0; index < 5; index++) await s.set(`transaction:${state(index)}`, `tx ${index}`);
    });
    expect(setCookies).toHaveLength(maxTransactionCookies);
    expect(transactionCookies(cookie)).toEqual([txCookie(2), txCookie(3), txCookie(4)]);
  });

  it('counts a sign-in that rewrites a carried transaction once, as the newest', async () => {
    const instance = sessions();
    let cookie = '';
    for (let index = 0; index < 3; index++) ({ cookie } = await signIn(instance, cookie, index));
    const { setCookies, cookie: next } = await signIn(instance, cookie, 0, 'again');
    expect(setCookies).toEqual([expect.stringMatching(new RegExp(`^${txCookie(0)}=v1\\.`))]);
    expect(await read(instance, next, 0)).toBe('again');
    expect(transactionCookies(next)).toHaveLength(3);
  });

  it('uses the configured cookie name', async () => {
    const instance = sessions({ cookieName: 'app' });
    let cookie = 'logto_session_tx_AAAAAAAAAAAAAAAA=planted';
    for (let index = 0; index < 6; index++) ({ cookie } = await signIn(instance, cookie, index));
    expect(transactionCookies(cookie, 'app')).toEqual([3, 4, 5].map((index) => txCookie(index, 'app')));
    // Not ours: left alone.
    expect(applySetCookies(cookie, []).get('logto_session_tx_AAAAAAAAAAAAAAAA')).toBe('planted');
  });
});

type Step =
  | { readonly kind: 'signIn'; readonly length: number }
  | { readonly kind: 'callback'; readonly pick: number }
  | { readonly kind: 'session' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('signIn' as const), length: fc.integer({ min: 1, max: 1200 }) }),
  fc.record({ kind: fc.constant('callback' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('session' as const) }),
);

describe('transaction cookies (model-based property)', () => {
  test.prop([fc.array(step, { minLength: 1, maxLength: 25 }), fc.integer({ min: 400, max: 4096 })], {
    numRuns: 60,
  })(
    'after any run of sign-ins, callbacks and session writes, the browser holds exactly the newest pending sign-ins, at most the cap, each readable',
    async (steps, maxCookieBytes) => {
      const instance = sessions({ maxCookieBytes });
      let cookie = 'other=1';
      /** The pending sign-ins, oldest first, as the browser should hold them: index and value. */
      let pending: [index: number, value: string][] = [];
      let next = 0;
      for (const current of steps) {
        if (current.kind === 'signIn') {
          const value = 'v'.repeat(current.length);
          ({ cookie } = await signIn(instance, cookie, next, value));
          pending = [...pending, [next++, value] as [number, string]].slice(-maxTransactionCookies);
        } else if (current.kind === 'callback' && pending.length > 0) {
          const [index] = pending[current.pick % pending.length]!;
          ({ cookie } = await request(instance, cookie, (s) => s.delete(`transaction:${state(index)}`)));
          pending = pending.filter(([other]) => other !== index);
        } else {
          ({ cookie } = await request(instance, cookie, (s) => s.set('session', 'v')));
        }
        const held = new Set(transactionCookies(cookie).map((name) => name.replace(/\.\d+$/, '')));
        expect([...held].sort()).toEqual(pending.map(([index]) => txCookie(index)).sort());
      }
      for (const [index, value] of pending) expect(await read(instance, cookie, index)).toBe(value);
      expect(applySetCookies(cookie, []).get('other')).toBe('1');
    },
  );
});
