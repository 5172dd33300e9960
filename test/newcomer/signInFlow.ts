/**
 * The walkthrough app's contract, driven over HTTP like a browser (one cookie jar, no redirects
 * followed): signed out → sign-in at the dev provider → callback → the protected page → an API
 * resource token → sign-out.
 *
 * @module
 */
import { Browser, completeSignIn, jwtPayload, locationOf } from '@logto-machine/dev-provider/testing';

/** What the flow needs to know of the app and the provider. */
export interface FlowTarget {
  readonly baseUrl: string;
  /** The provider's issuer, `${LOGTO_ENDPOINT}/oidc`. */
  readonly issuer: string;
  /** The API resource the app was given as `LOGTO_RESOURCE`. */
  readonly resource: string;
  /** The dev provider's seeded user. */
  readonly user: { readonly username: string; readonly password: string; readonly sub: string };
}

/** One step of the flow, by the name a failure reports. */
export type FlowStep = (name: string, check: () => Promise<void>) => Promise<void>;

const expectThat = (condition: boolean, message: string) => {
  if (!condition) throw new Error(message);
};

const describe = async (response: Response) =>
  `${response.status} ${response.headers.get('location') ?? ''} ${(await response.clone().text()).slice(0, 400)}`;

/** Signs in and out of the app at `target`, each check a named step. */
export const signInFlow = async (target: FlowTarget, step: FlowStep): Promise<void> => {
  const browser = new Browser(target.baseUrl);
  const json = { accept: 'application/json' };

  await step('GET / signed out', async () => {
    const home = await browser.get('/');
    const text = await home.text();
    expectThat(home.status === 200, `expected 200, got ${home.status}: ${text.slice(0, 400)}`);
    expectThat(text.includes('Not authenticated'), `no "Not authenticated" in ${text.slice(0, 400)}`);
    expectThat(text.includes('/sign-in'), `no link to /sign-in in ${text.slice(0, 400)}`);
  });

  await step('GET /protected signed out', async () => {
    const protectedPage = await browser.get('/protected');
    expectThat(protectedPage.status === 302, `expected 302 to sign-in, got ${await describe(protectedPage)}`);
    const location = locationOf(protectedPage, target.baseUrl);
    expectThat(location.pathname === '/sign-in', `expected a redirect to /sign-in, got ${location.href}`);
  });

  await step('GET /api/token signed out', async () => {
    const token = await browser.get('/api/token', json);
    expectThat(token.status === 401, `expected 401, got ${await describe(token)}`);
    expectThat(
      (token.headers.get('content-type') ?? '').includes('json'),
      `expected JSON, got ${token.headers.get('content-type')}`,
    );
  });

  let callbackUrl = '';
  await step('sign-in at the dev provider', async () => {
    const signIn = await browser.get('/sign-in');
    expectThat(signIn.status === 302, `expected 302 to the provider, got ${await describe(signIn)}`);
    const authorization = locationOf(signIn, target.baseUrl);
    expectThat(
      authorization.href.startsWith(`${target.issuer}/`),
      `expected the provider's authorization endpoint, got ${authorization.href}`,
    );
    callbackUrl = await completeSignIn(authorization.href, target.user);
  });

  await step('GET /callback', async () => {
    const callback = await browser.get(callbackUrl);
    expectThat(callback.status === 302, `expected 302 home, got ${await describe(callback)}`);
    expectThat(
      locationOf(callback, target.baseUrl).pathname === '/',
      `expected a redirect to /, got ${callback.headers.get('location')}`,
    );
  });

  await step('GET / signed in', async () => {
    const home = await browser.get('/');
    const text = await home.text();
    expectThat(home.status === 200, `expected 200, got ${home.status}: ${text.slice(0, 400)}`);
    expectThat(
      text.includes(target.user.sub),
      `the page does not show the sub ${target.user.sub}: ${text.slice(0, 600)}`,
    );
  });

  await step('GET /protected signed in', async () => {
    const protectedPage = await browser.get('/protected');
    const text = await protectedPage.text();
    expectThat(
      protectedPage.status === 200,
      `expected 200, got ${protectedPage.status}: ${text.slice(0, 400)}`,
    );
    expectThat(text.includes('Protected page'), `no "Protected page" in ${text.slice(0, 400)}`);
  });

  await step('GET /api/token signed in', async () => {
    const response = await browser.get('/api/token', json);
    const text = await response.text();
    expectThat(response.status === 200, `expected 200, got ${response.status}: ${text.slice(0, 400)}`);
    const { accessToken } = JSON.parse(text) as { accessToken?: unknown };
    expectThat(typeof accessToken === 'string', `no accessToken in ${text.slice(0, 400)}`);
    const claims = jwtPayload(accessToken as string);
    expectThat(
      claims.aud === target.resource,
      `the token's aud is ${String(claims.aud)}, not ${target.resource}`,
    );
    expectThat(
      claims.sub === target.user.sub,
      `the token's sub is ${String(claims.sub)}, not ${target.user.sub}`,
    );
  });

  await step('GET /sign-out', async () => {
    const signOut = await browser.get('/sign-out');
    expectThat(signOut.status === 302, `expected 302 to the provider, got ${await describe(signOut)}`);
    const endSession = locationOf(signOut, target.baseUrl);
    expectThat(
      endSession.href.startsWith(`${target.issuer}/session/end`),
      `expected the provider's end-session endpoint, got ${endSession.href}`,
    );
    const home = await browser.get('/');
    const text = await home.text();
    expectThat(text.includes('Not authenticated'), `still signed in after sign-out: ${text.slice(0, 400)}`);
  });
};
