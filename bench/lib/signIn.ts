/**
 * Real sign-ins through an app server, as a browser would: the app's sign-in route redirects to the
 * dev provider, `completeSignIn` clicks through its pages (with its own cookie jar: the provider and
 * the app share the host 127.0.0.1), the callback goes back to the app, and the app's session cookies
 * are what is left in the app's jar.
 */
import { Browser, completeSignIn, type Fetch, locationOf } from '@logto-machine/dev-provider/testing';

export const demoUser = { username: 'demo', password: 'demo-password' } as const;

/**
 * Signs the demo user in through the app at `baseUrl`, starting at `startPath` (its sign-in route, or
 * a protected page that redirects to the provider); returns the Cookie header of the session.
 * `fetch` answers the app's requests in process instead of over the network.
 */
export const signIn = async (baseUrl: string, startPath: string, fetch?: Fetch): Promise<string> => {
  const browser = new Browser(baseUrl, fetch);
  const start = await browser.get(startPath);
  await start.body?.cancel();
  const authorization = locationOf(start, baseUrl);
  const callback = await completeSignIn(authorization.href, demoUser);
  const back = await browser.get(callback);
  await back.body?.cancel();
  if (back.status !== 302 && back.status !== 303) {
    throw new Error(`${baseUrl}: the callback answered ${back.status}, not a redirect`);
  }
  return cookieHeader(browser);
};

/** The Cookie header a browser would send to its app. */
export const cookieHeader = (browser: Browser): string =>
  [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');

/** GETs `path` with `cookie` and returns the status and body (to check a session before load). */
export const fetchWith = async (url: string, cookie: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(url, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
  return { status: response.status, body: await response.text() };
};
