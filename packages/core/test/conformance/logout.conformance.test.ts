/**
 * The OpenID conformance suite's logout client tests: the Back-Channel Logout RP plan
 * (`oidcc-client-back-channel-logout-rp`) and the state modules of the RP-Initiated Logout RP plan.
 * Each drives a real `LogtoServer` in store mode (unstorage's memory driver) through its routes, like a
 * browser, against the hostile provider: sign-in, callback, RP-initiated logout through `/sign-out`
 * and the provider's end-session endpoint, then the provider's logout token POSTed to
 * `/backchannel-logout`. Each test asserts the HTTP answer and what became of the sessions.
 */

import { nextCookieHeader } from '@logto-machine/testing';
import { createStorage, type Storage as Unstorage } from 'unstorage';
import { afterEach, describe, expect, it } from 'vitest';
import { LogoutTokenError, makeMemoryLock, ProviderCache, RefreshLedger } from '../../src/index.ts';
import { makeManualClock } from '../../src/ports/Clock.ts';
import type { LogtoClient } from '../../src/runtime/LogtoClient.ts';
import { LogtoServer } from '../../src/server/LogtoServer.ts';
import { expectError, failure } from './harness.ts';
import {
  backchannelLogoutEvent,
  type HostileProvider,
  type IdTokenPlan,
  type ProviderPlan,
  startHostileProvider,
} from './hostileProvider.ts';

const appOrigin = 'http://127.0.0.1:4999';
const sessionSecret = 'logout-conformance-session-secret-0123456789';
/** The provider session the signing-out browser shares with a second RP session. */
const opSession = 'op-session-1';

interface App {
  readonly provider: HostileProvider;
  readonly server: LogtoServer;
  readonly store: Unstorage;
}

const started: HostileProvider[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((provider) => provider.stop()));
});

/** A hostile provider and an app on it: `LogtoServer` in store mode over a memory store. */
const startApp = async (plan: ProviderPlan = {}): Promise<App> => {
  const clock = makeManualClock(Date.now());
  const provider = await startHostileProvider(plan, { clock });
  started.push(provider);
  const store = createStorage();
  const server = new LogtoServer({
    endpoint: provider.endpoint,
    appId: provider.clientId,
    appSecret: provider.clientSecret!,
    session: { store, secrets: sessionSecret },
    clientOptions: {
      clock,
      timeoutMs: 2_000,
      cache: new ProviderCache(),
      ledger: new RefreshLedger(),
      lock: makeMemoryLock(),
    },
  });
  return { provider, server, store };
};

/** A browser of the app: one cookie jar, requests through the server's routes. */
class Browser {
  cookie = '';

  constructor(readonly app: App) {}

  /** One GET of `path`: an auth route's answer (`routed`), or `use` run with the request's client. */
  async request<A>(path: string, use?: (client: LogtoClient) => Promise<A>) {
    const request = this.app.server.open({ url: `${appOrigin}${path}`, method: 'GET', cookie: this.cookie });
    const routed = await request.route();
    const value = routed === null && use ? await use(request.client) : undefined;
    const setCookie = routed?.setCookie ?? request.setCookieHeaders();
    this.cookie = nextCookieHeader(this.cookie, setCookie);
    return { routed, value, setCookie };
  }

  /** Signs in through `/sign-in`, the provider's authorization endpoint and `/callback`, in provider session `sid`. */
  async signIn(sid: string): Promise<void> {
    this.app.provider.opSession = sid;
    const { routed } = await this.request('/sign-in');
    if (routed?.kind !== 'redirect') throw new Error(`/sign-in answered ${JSON.stringify(routed)}`);
    const callback = new URL(await this.app.provider.authorize(routed.location));
    const answer = await this.request(`${callback.pathname}${callback.search}`);
    expect(answer.routed).toMatchObject({ kind: 'redirect', status: 302, location: '/' });
    expect(await this.idToken()).toBeTruthy();
  }

  /**
   * RP-initiated logout: `/sign-out`, then the provider's end-session endpoint, which sends the user agent
   * back; returns the end-session URL the app redirected to and where the provider sent the user agent.
   */
  async signOut(): Promise<{ endSession: URL; landing: URL }> {
    const { routed } = await this.request('/sign-out');
    if (routed?.kind !== 'redirect') throw new Error(`/sign-out answered ${JSON.stringify(routed)}`);
    const endSession = new URL(routed.location);
    const response = await fetch(endSession, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return { endSession, landing: new URL(response.headers.get('location')!) };
  }

  async signedIn(): Promise<boolean> {
    return (await this.request('/', (client) => client.isAuthenticated())).value!;
  }

  async idToken(): Promise<string | null> {
    return (await this.request('/', (client) => client.getIdToken())).value!;
  }

  /** The store key of this browser's session. */
  get sessionKey(): string {
    const id = /logto_session=([\w-]{43})\./.exec(this.cookie)?.[1];
    if (!id) throw new Error('no session cookie');
    return `logto:session:${id}`;
  }
}

/** The provider's back-channel logout request (§2.5): a form POST of `logout_token` to the app. */
const postLogoutToken = (app: App, logoutToken: string) =>
  app.server
    .open({
      url: `${appOrigin}/backchannel-logout`,
      method: 'POST',
      cookie: null,
      contentType: 'application/x-www-form-urlencoded',
      body: () => Promise.resolve(new URLSearchParams({ logout_token: logoutToken }).toString()),
    })
    .route();

/** Every entry of the store, for "did anything change?" checks. */
const storeSnapshot = async (store: Unstorage) => {
  const keys = (await store.getKeys()).sort();
  return Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await store.getItem(key)])));
};

/**
 * What each back-channel module does before the provider sends its logout token: three browsers sign
 * in as the provider's user. `signingOut` and `sameOpSession` share provider session `op-session-1`
 * (say, two hosts of the app, one SSO session at the provider); `otherOpSession` is another device.
 * `signingOut` then logs out through the app (RP-initiated logout), which ends the provider session:
 * the back-channel logout that follows must end `sameOpSession` too, and nothing else.
 */
const signInAndLogOut = async (app: App) => {
  const signingOut = new Browser(app);
  const sameOpSession = new Browser(app);
  const otherOpSession = new Browser(app);
  await signingOut.signIn(opSession);
  await sameOpSession.signIn(opSession);
  await otherOpSession.signIn('op-session-2');
  const secrets = {
    idToken: (await sameOpSession.idToken())!,
    refreshToken: (await sameOpSession.request('/', (client) => client.getRefreshToken())).value!,
  };
  const { endSession, landing } = await signingOut.signOut();
  expect(`${endSession.origin}${endSession.pathname}`).toBe(`${app.provider.issuer}/session/end`);
  expect(landing.href).toBe(`${appOrigin}/`);
  expect(app.provider.count('endSession')).toBe(1);
  expect(app.provider.count('revocation')).toBe(1);
  expect(await signingOut.signedIn()).toBe(false);
  expect(await sameOpSession.signedIn()).toBe(true);
  return { sameOpSession, otherOpSession, secrets };
};

/** §2.8: the logout succeeded: 200, no body, `Cache-Control: no-store`, no cookies. */
const expectLoggedOut = (answer: unknown) =>
  expect(answer).toEqual({
    kind: 'empty',
    status: 200,
    headers: { 'cache-control': 'no-store' },
    setCookie: [],
  });

/**
 * The module's one step: the provider POSTs a logout token forged as `plan` says. The app must answer
 * 400 with `Cache-Control: no-store` and the `LogoutTokenError` (`reason`) as the error description,
 * and leave every session as it was. A valid logout token afterwards still ends the provider session,
 * so the rejection was the token's, not a route that never deletes anything.
 */
const expectRejected = async (plans: IdTokenPlan | readonly IdTokenPlan[], reason: string, app?: App) => {
  const setup = app ?? (await startApp());
  const { sameOpSession, otherOpSession, secrets } = await signInAndLogOut(setup);
  for (const plan of [plans].flat()) {
    const logoutToken = await setup.provider.logoutToken(plan, opSession);
    const before = await storeSnapshot(setup.store);
    const answer = await postLogoutToken(setup, logoutToken);
    expect(await storeSnapshot(setup.store)).toEqual(before);

    expect(answer).toMatchObject({
      kind: 'json',
      status: 400,
      headers: { 'cache-control': 'no-store' },
      setCookie: [],
    });
    const error = await failure(
      setup.server
        .open({ url: appOrigin, method: 'GET', cookie: null })
        .client.verifyLogoutToken(logoutToken),
    );
    expectError(error, LogoutTokenError, reason);
    expect(JSON.parse((answer as { body: string }).body)).toEqual({
      error: 'invalid_request',
      error_description: error.message,
    });

    expect(await sameOpSession.idToken()).toBe(secrets.idToken);
    expect(await sameOpSession.signedIn()).toBe(true);
    expect(await otherOpSession.signedIn()).toBe(true);
  }
  expectLoggedOut(await postLogoutToken(setup, await setup.provider.logoutToken({}, opSession)));
  expect(await sameOpSession.signedIn()).toBe(false);
  expect(await otherOpSession.signedIn()).toBe(true);
};

describe('back-channel logout', () => {
  it('oidcc-client-test-rp-backchannel-rpinitlogout (rp-backchannel-rpinitlogout): after RP-initiated logout, a valid logout token ends the sessions of its sid: 200, Cache-Control no-store', async () => {
    const app = await startApp();
    const { sameOpSession, otherOpSession, secrets } = await signInAndLogOut(app);
    const logoutToken = await app.provider.logoutToken({}, opSession);
    const claims = JSON.parse(atob(logoutToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(claims).toMatchObject({
      sid: opSession,
      sub: app.provider.subject,
      events: { [backchannelLogoutEvent]: {} },
      ignored_claim: expect.any(String),
    });

    expectLoggedOut(await postLogoutToken(app, logoutToken));

    // The session of that provider session is gone: signed out, its store entry a tombstone.
    expect(await sameOpSession.signedIn()).toBe(false);
    expect(await app.store.getItem(sameOpSession.sessionKey)).toEqual({ v: 1, deleted: true });
    const stored = JSON.stringify(await storeSnapshot(app.store));
    expect(stored).not.toContain(secrets.idToken);
    expect(stored).not.toContain(secrets.refreshToken);
    // The same user's session in another provider session stays.
    expect(await otherOpSession.signedIn()).toBe(true);
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-alg-none (rp-backchannel-rpinitlogout-lt-alg-none): rejects an unsigned logout token: 400, no session ends', async () => {
    await expectRejected({ signer: 'none' }, 'UnsupportedAlgorithm');
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-no-event (rp-backchannel-rpinitlogout-lt-no-event): rejects a logout token without events: 400, no session ends', async () => {
    await expectRejected({ claims: ({ events: _, ...claims }) => claims }, 'MissingEvents');
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-with-nonce (rp-backchannel-rpinitlogout-lt-with-nonce): rejects a logout token with a nonce: 400, no session ends', async () => {
    await expectRejected({ claims: (claims) => ({ ...claims, nonce: 'logout-nonce' }) }, 'NoncePresent');
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-wrong-alg (rp-backchannel-rpinitlogout-lt-wrong-alg): rejects HS256 with the client secret, and RS256 from a published key when discovery names only ES384: 400, no session ends', async () => {
    // As at Logto, discovery names the one algorithm the provider signs with.
    const app = await startApp({
      discovery: { body: (document) => ({ ...document, id_token_signing_alg_values_supported: ['ES384'] }) },
    });
    await expectRejected(
      [{ signer: { hmac: app.provider.clientSecret! } }, { signer: 'rs256' }],
      'UnsupportedAlgorithm',
      app,
    );
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-wrong-aud (rp-backchannel-rpinitlogout-lt-wrong-aud): rejects a logout token for another audience: 400, no session ends', async () => {
    await expectRejected(
      { claims: (claims) => ({ ...claims, aud: `${claims.aud}INVALID` }) },
      'InvalidAudience',
    );
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-wrong-event (rp-backchannel-rpinitlogout-lt-wrong-event): rejects a logout token whose events lack the back-channel logout member: 400, no session ends', async () => {
    await expectRejected(
      { claims: (claims) => ({ ...claims, events: { 'http://schemas.openid.net/event/foobar': {} } }) },
      'InvalidEvents',
    );
  });

  it('oidcc-client-test-rp-backchannel-rpinitlogout-wrong-iss (rp-backchannel-rpinitlogout-lt-wrong-issuer): rejects a logout token from another issuer: 400, no session ends', async () => {
    await expectRejected(
      { claims: (claims) => ({ ...claims, iss: `${claims.iss}INVALID` }) },
      'InvalidIssuer',
    );
  });

  it('Back-Channel Logout 1.0 §2.6 (beyond the suite): a replayed logout token is refused (400, Replayed) and ends nothing more', async () => {
    const app = await startApp();
    const { sameOpSession, otherOpSession } = await signInAndLogOut(app);
    const logoutToken = await app.provider.logoutToken({}, opSession);
    expectLoggedOut(await postLogoutToken(app, logoutToken));
    expect(await sameOpSession.signedIn()).toBe(false);
    // The same provider session signs in again; the captured token must not end it.
    await sameOpSession.signIn(opSession);
    const before = await storeSnapshot(app.store);
    const answer = await postLogoutToken(app, logoutToken);
    expect(answer).toMatchObject({ status: 400, headers: { 'cache-control': 'no-store' } });
    expect(JSON.parse((answer as { body: string }).body).error_description).toMatch(/already received/);
    expect(await storeSnapshot(app.store)).toEqual(before);
    expect(await sameOpSession.signedIn()).toBe(true);
    expect(await otherOpSession.signedIn()).toBe(true);
  });
});

describe('RP-initiated logout: the state modules', () => {
  /**
   * Both modules check that the client sent `state` to the end-session endpoint and skip the test when
   * it did not. The app sends none — it keeps nothing to check on the way back — so the post-logout
   * landing is an ordinary page of the app: what the provider puts in `state` cannot matter.
   */
  const logOutAndLand = async (plan: ProviderPlan) => {
    const app = await startApp(plan);
    const browser = new Browser(app);
    await browser.signIn(opSession);
    const idToken = await browser.idToken();
    const { endSession, landing } = await browser.signOut();
    expect(Object.fromEntries(endSession.searchParams)).toEqual({
      client_id: app.provider.clientId,
      post_logout_redirect_uri: `${appOrigin}/`,
      id_token_hint: idToken,
    });
    expect(app.provider.requestsTo('endSession')[0]?.url.searchParams.has('state')).toBe(false);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${appOrigin}/`);
    // The landing is no auth route: the app serves it, signed out, with no error and no cookie.
    const { routed, value, setCookie } = await browser.request(
      `${landing.pathname}${landing.search}`,
      (client) => client.isAuthenticated(),
    );
    expect(routed).toBeNull();
    expect(value).toBe(false);
    expect(setCookie).toEqual([]);
    return landing;
  };

  it('oidcc-client-test-rp-init-logout-no-state (rp-init-logout-no-state): sends no state to end_session, and its post-logout landing needs none', async () => {
    const landing = await logOutAndLand({ endSession: { state: null } });
    expect(landing.search).toBe('');
  });

  it('oidcc-client-test-rp-init-logout-other-state (rp-init-logout-other-state): sends no state to end_session, and its post-logout landing ignores a state it never sent', async () => {
    const landing = await logOutAndLand({ endSession: { state: 'state-the-client-never-sent' } });
    expect(landing.searchParams.get('state')).toBe('state-the-client-never-sent');
  });
});
