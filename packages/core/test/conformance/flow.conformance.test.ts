/**
 * The OpenID conformance suite's client tests for everything around the ID token: the authorization
 * response (state, RFC 9207 iss), discovery, the token endpoint's answer, client authentication,
 * userinfo, the refresh-token profile and RP-initiated logout — against a hostile provider over HTTP.
 */
import { describe, expect, it } from 'vitest';
import {
  CallbackError,
  DiscoveryError,
  IdTokenError,
  SessionExpired,
  UserInfoError,
} from '../../src/index.ts';
import { sessionKey } from '../../src/runtime/sessionRecord.ts';
import {
  authorize,
  expectError,
  expectNoSession,
  expectSession,
  failure,
  providerSecrets,
  type Rig,
  redirectUri,
  resource,
  signIn,
  useRigs,
} from './harness.ts';
import type { Claims } from './hostileProvider.ts';

const rig = useRigs();
const attacker = 'https://attacker.example/oidc';

/** A callback the client must refuse before any token request. */
const rejectedCallback = async (setup: Rig) => {
  const { callbackUrl } = await authorize(setup);
  const error = await failure(setup.client.handleSignInCallback(callbackUrl));
  expect(setup.provider.count('token')).toBe(0);
  return error;
};

describe('the authorization response', () => {
  it('fapi2-security-profile-final-client-test-ensure-authorization-response-with-invalid-state-fails (no legacy rp-* test): rejects a state no sign-in started', async () => {
    const setup = await rig({ authorization: { state: 'forged-state' } });
    expectError(await rejectedCallback(setup), CallbackError, 'UnknownState');
    await expectNoSession(setup);
  });

  it('fapi2-security-profile-final-client-test-ensure-authorization-response-with-invalid-missing-state-fails (no legacy rp-* test): rejects a callback without state', async () => {
    const setup = await rig({ authorization: { state: null } });
    expectError(await rejectedCallback(setup), CallbackError, 'MissingState');
    await expectNoSession(setup);
  });

  it('fapi2-security-profile-final-client-test-invalid-authorization-response-iss (no legacy rp-* test): rejects an iss of another issuer (RFC 9207 mix-up)', async () => {
    const setup = await rig({ authorization: { iss: attacker } });
    expectError(await rejectedCallback(setup), CallbackError, 'IssuerMismatch');
    await expectNoSession(setup);
  });

  it('fapi2-security-profile-final-client-test-remove-authorization-response-iss (no legacy rp-* test): rejects a missing iss when discovery promises it', async () => {
    const setup = await rig({ authorization: { iss: null } });
    expectError(await rejectedCallback(setup), CallbackError, 'MissingIssuer');
    await expectNoSession(setup);
  });

  it('accepts a missing iss from a provider that does not promise one (RFC 9207 §2.4)', async () => {
    const setup = await rig({
      authorization: { iss: null },
      discovery: {
        body: (document) => ({ ...document, authorization_response_iss_parameter_supported: false }),
      },
    });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
  });

  it('a provider error in the callback is ProviderError, with its error code', async () => {
    const setup = await rig({
      authorization: { code: null, params: { error: 'access_denied', error_description: 'user cancelled' } },
    });
    const error = await rejectedCallback(setup);
    expectError(error, CallbackError, 'ProviderError');
    expect(error).toMatchObject({ error: 'access_denied', errorDescription: 'user cancelled' });
    await expectNoSession(setup);
  });

  it('a callback without code is MissingCode', async () => {
    const setup = await rig({ authorization: { code: null } });
    expectError(await rejectedCallback(setup), CallbackError, 'MissingCode');
    await expectNoSession(setup);
  });

  it('a replayed callback is UnknownState and redeems its code once', async () => {
    const setup = await rig();
    const { callbackUrl } = await signIn(setup);
    expectError(await failure(setup.client.handleSignInCallback(callbackUrl)), CallbackError, 'UnknownState');
    expect(setup.provider.count('token')).toBe(1);
  });
});

describe('discovery', () => {
  it('oidcc-client-test-discovery-issuer-mismatch (rp-discovery-issuer-not-matching-config): refuses a document for another issuer', async () => {
    const setup = await rig({ discovery: { body: (document) => ({ ...document, issuer: attacker }) } });
    expectError(await failure(setup.client.signIn({ redirectUri })), DiscoveryError, 'IssuerMismatch');
    expect(setup.provider.count('authorization')).toBe(0);
    await expectNoSession(setup);
  });

  it('oidcc-client-test-discovery-openid-config (rp-discovery-openid-configuration): takes every endpoint from discovery', async () => {
    const setup = await rig();
    const { signInUrl } = await signIn(setup);
    expect(`${signInUrl.origin}${signInUrl.pathname}`).toBe(`${setup.provider.issuer}/auth`);
    expect(setup.provider.requestsTo('discovery')[0]?.url.pathname).toBe(
      '/oidc/.well-known/openid-configuration',
    );
    expect(setup.provider.count('discovery')).toBe(1);
  });

  it('oidcc-client-test-discovery-jwks-uri-keys (rp-discovery-jwks_uri-keys): fetches the keys from the jwks_uri discovery names', async () => {
    const setup = await rig({
      discovery: { body: (document) => ({ ...document, jwks_uri: `${document.jwks_uri}?generation=7` }) },
    });
    await signIn(setup);
    expect(setup.provider.requestsTo('jwks').map((request) => request.url.search)).toEqual(['?generation=7']);
  });
});

describe('the token endpoint', () => {
  it('oidcc-client-test-client-secret-basic (rp-token_endpoint-client_secret_basic): form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', async () => {
    const clientId = 'conformance app:1';
    const clientSecret = 'p@ss:w%rd+/ é€=&';
    const setup = await rig({}, { provider: { clientId, clientSecret } });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    const [request] = setup.provider.requestsTo('token');
    expect(request?.headers.authorization).toBe(
      `Basic ${btoa('conformance+app%3A1:p%40ss%3Aw%25rd%2B%2F+%C3%A9%E2%82%AC%3D%26')}`,
    );
    const form = new URLSearchParams(request?.body);
    expect(form.has('client_secret')).toBe(false);
    expect(form.get('grant_type')).toBe('authorization_code');
    // Discovery and JWKS are public: no credentials there.
    for (const other of [...setup.provider.requestsTo('discovery'), ...setup.provider.requestsTo('jwks')]) {
      expect(other.headers.authorization).toBeUndefined();
    }
  });

  it('sends the PKCE verifier of the challenge it sent, and the exact redirect_uri', async () => {
    const setup = await rig();
    await signIn(setup);
    const form = new URLSearchParams(setup.provider.requestsTo('token')[0]?.body);
    expect(form.get('redirect_uri')).toBe(redirectUri);
    expect(form.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
  });

  it('fapi2-security-profile-final-client-test-token-type-case-insensitivity (no legacy rp-* test): accepts token_type "bEARER"', async () => {
    const setup = await rig({ token: { body: (body) => ({ ...body, token_type: 'bEARER' }) } });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    expect((await setup.client.fetchUserInfo()).sub).toBe(setup.provider.subject);
  });

  it('fapi2-security-profile-final-client-test-token-endpoint-response-without-expires_in (no legacy rp-* test): accepts it and keeps using the token', async () => {
    const setup = await rig({ token: { body: ({ expires_in: _, ...body }) => body } });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    expect(setup.provider.issued.accessTokens.has((await setup.client.getAccessToken())!)).toBe(true);
    expect(setup.provider.count('token')).toBe(1);
  });

  it('fapi1-advanced-final-client-test-no-scope-in-token-endpoint-response (no legacy rp-* test): accepts a response without scope', async () => {
    const setup = await rig({ token: { body: ({ scope: _, ...body }) => body } });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    expect(await setup.client.getAccessToken()).toBeTruthy();
  });
});

describe('userinfo', () => {
  it('oidcc-client-test-userinfo-bearer-header (rp-userinfo-bearer-header): presents the access token as a Bearer header only', async () => {
    const setup = await rig();
    await signIn(setup);
    await setup.client.fetchUserInfo();
    const [request] = setup.provider.requestsTo('userinfo');
    const accessToken = (await setup.client.getAccessToken())!;
    expect(request?.method).toBe('GET');
    expect(request?.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(request?.url.search).toBe('');
    expect(request?.body).toBe('');
  });

  it('oidcc-client-test-scope-userinfo-claims (rp-scope-userinfo-claims): asks for the profile, email, phone and address scopes and gets their claims', async () => {
    const setup = await rig({}, { config: { scopes: ['email', 'phone', 'address'] } });
    const { signInUrl } = await signIn(setup);
    expect(signInUrl.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'phone', 'address']),
    );
    expect(await setup.client.fetchUserInfo()).toMatchObject({
      sub: setup.provider.subject,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone_number: '+15555550100',
      address: { country: 'GB' },
    });
  });

  it("oidcc-client-test-userinfo-invalid-sub (rp-userinfo-bad-sub-claim): rejects another user's claims and keeps the session as it was", async () => {
    const setup = await rig({ userinfo: { claims: (claims) => ({ ...claims, sub: 'another-user' }) } });
    const { nonce } = await signIn(setup);
    expectError(await failure(setup.client.fetchUserInfo()), UserInfoError, 'SubjectMismatch');
    expect((await expectSession(setup, nonce)).sub).toBe(setup.provider.subject);
    expect(await setup.storage.get(sessionKey)).not.toContain('another-user');
  });
});

/** The secrets the provider minted since `before` was taken (the answer of the step in between). */
const mintedSince = (setup: Rig, before: readonly string[]) =>
  providerSecrets(setup.provider).filter((secret) => !before.includes(secret));

describe('the refresh-token profile', () => {
  it('oidcc-client-test-refresh-token (no legacy rp-* test): a refresh returns a new ID token and access token', async () => {
    const setup = await rig();
    await signIn(setup);
    const idToken = await setup.client.getIdToken();
    const accessToken = await setup.client.getAccessToken();
    const refreshToken = await setup.client.getRefreshToken();
    setup.clock.advance(3_600_000);
    const refreshed = await setup.client.getAccessToken();
    expect(refreshed).not.toBe(accessToken);
    expect(setup.provider.issued.accessTokens.has(refreshed!)).toBe(true);
    expect(await setup.client.getIdToken()).not.toBe(idToken);
    // §12.2: the refreshed ID token is for the same user, and carries no nonce.
    expect((await expectSession(setup)).nonce).toBeUndefined();
    const form = new URLSearchParams(setup.provider.requestsTo('token')[1]?.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'refresh_token', refresh_token: refreshToken });
    // An API resource token comes from another refresh grant with `resource`.
    expect(await setup.client.getAccessToken(resource)).toBeTruthy();
    expect(new URLSearchParams(setup.provider.requestsTo('token')[2]?.body).get('resource')).toBe(resource);
  });

  it.each([
    [
      'oidcc-client-test-refresh-token-invalid-issuer (no legacy rp-* test): rejects a refreshed ID token from another issuer',
      (claims: Claims) => ({ ...claims, iss: attacker }),
      'InvalidIssuer',
    ],
    [
      'oidcc-client-test-refresh-token-invalid-sub (no legacy rp-* test): rejects a refreshed ID token for another user',
      (claims: Claims) => ({ ...claims, sub: 'another-user' }),
      'SubjectChanged',
    ],
    [
      'oidcc-client-test-refresh-token-invalid-aud (no legacy rp-* test): rejects a refreshed ID token for another audience',
      (claims: Claims) => ({ ...claims, aud: 'another-client' }),
      'InvalidAudience',
    ],
    [
      'oidcc-client-test-refresh-token-invalid-azp (no legacy rp-* test): rejects a refreshed ID token with an unexpected azp',
      (claims: Claims) => ({ ...claims, azp: 'random_azp_value_x1' }),
      'InvalidAuthorizedParty',
    ],
    [
      'OpenID Connect Core §12.2 (beyond the suite): rejects a refreshed ID token that gains an azp, even our own',
      (claims: Claims) => ({ ...claims, azp: claims.aud }),
      'InvalidAuthorizedParty',
    ],
    [
      'OpenID Connect Core §12.2 (beyond the suite): rejects a refreshed ID token with a nonce of another sign-in',
      (claims: Claims) => ({ ...claims, nonce: 'another-nonce' }),
      'NonceMismatch',
    ],
  ] as const)(
    '%s; the session keeps its tokens and stores nothing from the bad answer',
    async (_, change, reason) => {
      const setup = await rig();
      const { nonce } = await signIn(setup);
      const before = {
        idToken: await setup.client.getIdToken(),
        refreshToken: await setup.client.getRefreshToken(),
        secrets: providerSecrets(setup.provider),
      };
      setup.provider.plan = { refreshIdToken: { claims: change } };
      expectError(await failure(setup.client.getAccessToken(resource)), IdTokenError, reason);
      expect(setup.provider.count('token')).toBe(2);

      // The failure path records the failure and keeps the tokens it had: the user stays signed in.
      const client = setup.again();
      await expectSession(setup, nonce);
      expect(await client.getIdToken()).toBe(before.idToken);
      expect(await client.getRefreshToken()).toBe(before.refreshToken);
      expect((await client.getSessionState()).failure).toMatchObject({ tag: 'IdTokenError', reason });
      const bad = mintedSince(setup, before.secrets);
      expect(bad.length).toBeGreaterThanOrEqual(2);
      const stored = (await setup.storage.get(sessionKey))!;
      for (const secret of bad) expect(stored).not.toContain(secret);

      // The bad answer's access token is never handed out: the next call asks again, and recovers.
      setup.provider.plan = {};
      const token = await client.getAccessToken(resource);
      expect(bad).not.toContain(token);
      expect(setup.provider.count('token')).toBe(3);
    },
  );

  it('OpenID Connect Core §12.2 (beyond the suite): rejects a refreshed ID token whose audiences changed', async () => {
    const audiences = (extra: string) => (claims: Claims) => ({
      ...claims,
      aud: [claims.aud, extra],
      azp: claims.aud,
    });
    const setup = await rig({ idToken: { claims: audiences('https://api.example') } });
    const { nonce } = await signIn(setup);
    setup.provider.plan = { refreshIdToken: { claims: audiences('https://other.example') } };
    expectError(await failure(setup.client.getAccessToken(resource)), IdTokenError, 'InvalidAudience');
    await expectSession(setup, nonce);
    // The same audiences again are fine.
    setup.provider.plan = { refreshIdToken: { claims: audiences('https://api.example') } };
    expect(await setup.client.getAccessToken(resource)).toBeTruthy();
  });

  it('a refresh without a new ID token keeps the one from sign-in', async () => {
    const setup = await rig({ refreshIdToken: 'omit' });
    const { nonce } = await signIn(setup);
    const idToken = await setup.client.getIdToken();
    expect(await setup.client.getAccessToken(resource)).toBeTruthy();
    expect(await setup.client.getIdToken()).toBe(idToken);
    await expectSession(setup, nonce);
  });

  it('a refresh token the provider refuses (invalid_grant) ends the session with SessionExpired', async () => {
    const setup = await rig();
    await signIn(setup);
    // Revoked behind the client's back (an admin, a sign-out elsewhere).
    await fetch(`${setup.provider.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: setup.provider.requestsTo('token')[0]!.headers.authorization! },
      body: new URLSearchParams({ token: (await setup.client.getRefreshToken())! }),
    });
    expectError(await failure(setup.client.getAccessToken(resource)), SessionExpired, 'RefreshTokenRejected');
    await expectNoSession(setup);
  });
});

describe('RP-initiated logout', () => {
  it('oidcc-client-test-rp-init-logout (rp-init-logout): revokes the refresh token and redirects to end_session with id_token_hint, client_id and post_logout_redirect_uri', async () => {
    const setup = await rig();
    await signIn(setup);
    const idToken = await setup.client.getIdToken();
    const refreshToken = await setup.client.getRefreshToken();
    const postLogout = 'http://127.0.0.1:4999/signed-out';
    const endSession = new URL((await setup.client.signOut(postLogout))!);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${setup.provider.issuer}/session/end`);
    expect(Object.fromEntries(endSession.searchParams)).toEqual({
      id_token_hint: idToken,
      client_id: setup.provider.clientId,
      post_logout_redirect_uri: postLogout,
    });
    const [revocation] = setup.provider.requestsTo('revocation');
    expect(Object.fromEntries(new URLSearchParams(revocation?.body))).toEqual({
      token: refreshToken,
      token_type_hint: 'refresh_token',
    });
    expect(revocation?.headers.authorization).toMatch(/^Basic /);
    expect(await setup.storage.get(sessionKey)).toBeNull();
    await expectNoSession(setup);
  });

  it('a failing revocation endpoint still ends the local session (RFC 7009 is best effort)', async () => {
    const setup = await rig({ revocation: { status: 503, raw: 'down' } });
    await signIn(setup);
    expect(await setup.client.signOut()).toContain('/session/end');
    expect(setup.provider.count('revocation')).toBe(1);
    await expectNoSession(setup);
  });
});
