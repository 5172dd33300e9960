/**
 * `LogtoClient` directly in a module worker, every port injected: the session storage (this request's
 * encrypted cookies), `fetch` and its timeout, the clock, the single-flight lock. No framework and no
 * `LogtoServer`: this is all an adapter does. `test/examples.test.ts` signs in and out through it.
 *
 * @module
 */
import {
  CookieSessions,
  errorPage,
  LogtoClient,
  type LogtoClientOptions,
  type LogtoConfig,
  makeMemoryLock,
  systemClock,
  toHttpFailure,
  UserInfoScope,
} from '@logto-machine/core';

/** The worker's bindings. */
export interface Env {
  LOGTO_ENDPOINT: string;
  LOGTO_APP_ID: string;
  LOGTO_APP_SECRET: string;
  BASE_URL: string;
  SESSION_SECRET: string;
}

/** Per isolate: the cookie keys and decrypt cache, and the lock every request's client shares. */
let sessions: CookieSessions | undefined;
const lock = makeMemoryLock();

/** The ports of one request's client; each has a default, here they are spelt out. */
const portsFor = (storage: LogtoClientOptions['storage']): LogtoClientOptions => ({
  storage, // where the session lives: here, this request's encrypted cookies
  fetch: (input, init) => fetch(input, init), // Workers' fetch, a service binding, or a mock in tests
  timeoutMs: 5_000, // per request to the provider
  clock: systemClock, // `Date.now()`; tests pass `makeManualClock()`
  lock, // one refresh per refresh token at a time; pass a shared one across instances
});

const redirect = (location: string, cookies: readonly string[]) => {
  const headers = new Headers({ location });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 302, headers });
};

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const config: LogtoConfig = {
      endpoint: env.LOGTO_ENDPOINT,
      appId: env.LOGTO_APP_ID,
      appSecret: env.LOGTO_APP_SECRET,
      scopes: [UserInfoScope.Email],
    };
    sessions ??= new CookieSessions({ secrets: env.SESSION_SECRET });
    const url = new URL(request.url);
    const storage = sessions.open(request.headers.get('cookie'), { secure: url.protocol === 'https:' });
    const client = new LogtoClient(config, portsFor(storage));

    try {
      switch (url.pathname) {
        case '/sign-in':
          return redirect(
            await client.signIn({ redirectUri: `${env.BASE_URL}/callback` }),
            storage.setCookieHeaders(),
          );
        case '/callback':
          await client.handleSignInCallback(`${env.BASE_URL}/callback${url.search}`);
          return redirect('/', storage.setCookieHeaders());
        case '/sign-out':
          return redirect((await client.signOut(`${env.BASE_URL}/`)) ?? '/', storage.setCookieHeaders());
      }
      const body = (await client.isAuthenticated())
        ? JSON.stringify(await client.getIdTokenClaims())
        : 'Not authenticated';
      const response = new Response(body);
      for (const cookie of storage.setCookieHeaders()) response.headers.append('set-cookie', cookie);
      return response;
    } catch (error) {
      // Tagged errors say what happened; `toHttpFailure` gives the status every adapter uses (never 500 for bad input).
      const { status, message } = toHttpFailure(error);
      return new Response(errorPage(message, '/sign-in'), {
        status,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
    }
  },
};
