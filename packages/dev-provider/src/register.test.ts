import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevProvider, startDevProvider } from './index.js';
import { signIn, signInUrl } from './test/oidcClient.js';
import { CookieJar, completeSignIn, FlowError } from './testing.js';

let op: DevProvider;
beforeAll(async () => {
  op = await startDevProvider({ logErrors: false });
});
afterAll(() => op.stop());

/** Follows redirects from the authorization URL to the first page and returns its title. */
async function firstPageTitle(url: string): Promise<string | undefined> {
  const jar = new CookieJar();
  let next = url;
  for (;;) {
    const cookie = jar.header(next);
    const response = await fetch(next, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    jar.store(next, response);
    const location = response.headers.get('location');
    if (!location) return /<title>([^<]*)<\/title>/.exec(await response.text())?.[1];
    next = new URL(location, next).href;
  }
}

describe('register screen', () => {
  it.each([
    ['first_screen', 'register'],
    ['interaction_mode', 'signUp'],
  ])('opens with %s=%s', async (key, value) => {
    expect(await firstPageTitle(signInUrl(op, { extra: { [key]: value } }).url)).toMatch(/^Create account/);
  });

  it('opens the sign-in screen otherwise', async () => {
    expect(await firstPageTitle(signInUrl(op).url)).toMatch(/^Sign in/);
  });

  it('creates a user who can then sign in', async () => {
    const { tokens } = await signIn(op, {
      username: 'newcomer',
      password: 'secret-1',
      register: true,
      extra: { first_screen: 'register' },
    });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token ?? '')).toMatchObject({ username: 'newcomer', name: null });

    const again = await signIn(op, { username: 'newcomer', password: 'secret-1' });
    expect(decodeJwt(again.tokens.body.id_token ?? '').sub).toBe(decodeJwt(tokens.body.id_token ?? '').sub);
  });

  it('switches to the register screen when asked to register from the sign-in screen', async () => {
    const { tokens } = await signIn(op, { username: 'switcher', password: 'pw', register: true });
    expect(decodeJwt(tokens.body.id_token ?? '').username).toBe('switcher');
  });

  it('refuses a taken username', async () => {
    const { url } = signInUrl(op, { extra: { first_screen: 'register' } });
    const attempt = completeSignIn(url, { username: 'demo', password: 'x', register: true });
    await expect(attempt).rejects.toThrow(FlowError);
    await expect(completeSignIn(url, { username: 'demo', password: 'x', register: true })).rejects.toThrow(
      /already in use/,
    );
  });
});
