import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevProvider, startDevProvider } from './index.js';
import { signIn, signInUrl } from './test/oidcClient.js';
import { CookieJar, completeSignIn, completeSignOut, FlowError } from './testing.js';

let op: DevProvider;
beforeAll(async () => {
  op = await startDevProvider({ logErrors: false });
});
afterAll(() => op.stop());

const endSessionUrl = (postLogoutRedirectUri: string, clientId = 'demo-app') =>
  `${op.issuer}/session/end?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: postLogoutRedirectUri })}`;

describe('end session', () => {
  it('confirms with logout=yes and redirects to the post-logout redirect URI', async () => {
    const cookieJar = new CookieJar();
    await signIn(op, { cookieJar });
    expect(cookieJar.names()).toContain('_ldp_session');
    // While the session lives, another sign-in skips the password.
    const { url } = signInUrl(op);
    await expect(completeSignIn(url, { username: 'demo', password: 'wrong', cookieJar })).resolves.toMatch(
      /code=/,
    );

    const page = await fetch(endSessionUrl('http://127.0.0.1:5555/signed-out'), {
      headers: { cookie: cookieJar.header(op.issuer) ?? '' },
    });
    const html = await page.text();
    expect(html).toMatch(/<form id="op.logoutForm"[^>]*>.*name="logout" value="yes".*<\/form>/s);

    const final = await completeSignOut(endSessionUrl('http://127.0.0.1:5555/signed-out'), { cookieJar });
    expect(final).toBe('http://127.0.0.1:5555/signed-out');
    expect(op.stats.requests.end_session).toBe(2);

    // The whole provider session is gone: the password is asked for again.
    await expect(
      completeSignIn(signInUrl(op).url, { username: 'demo', password: 'wrong', cookieJar }),
    ).rejects.toThrow(FlowError);
  });

  it('signs out without a session too', async () => {
    const final = await completeSignOut(endSessionUrl('http://localhost:3000/'));
    expect(final).toBe('http://localhost:3000/');
  });

  it('refuses a post-logout redirect URI that is not registered', async () => {
    await expect(completeSignOut(endSessionUrl('https://evil.example.com/'))).rejects.toThrow(/400/);
  });

  it('uses prefixed cookie names that cannot clash with an app on the same host', async () => {
    const cookieJar = new CookieJar();
    await signIn(op, { cookieJar });
    for (const name of cookieJar.names()) expect(name).toMatch(/^_ldp_/);
  });
});
