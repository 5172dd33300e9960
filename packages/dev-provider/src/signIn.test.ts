import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevProvider, startDevProvider } from './index.js';
import { atHashOf } from './middleware/atHash.js';
import { demoApp, signIn, signInUrl, tokenRequest } from './test/oidcClient.js';
import { CookieJar, completeSignIn, FlowError } from './testing.js';

let op: DevProvider;
beforeAll(async () => {
  op = await startDevProvider({ logErrors: false });
});
afterAll(() => op.stop());

describe('discovery', () => {
  it('serves Logto paths under {url}/oidc', async () => {
    const response = await fetch(`${op.url}/oidc/.well-known/openid-configuration`);
    const document = await response.json();
    expect(document).toMatchObject({
      issuer: `${op.url}/oidc`,
      authorization_endpoint: `${op.url}/oidc/auth`,
      token_endpoint: `${op.url}/oidc/token`,
      userinfo_endpoint: `${op.url}/oidc/me`,
      end_session_endpoint: `${op.url}/oidc/session/end`,
      revocation_endpoint: `${op.url}/oidc/token/revocation`,
      introspection_endpoint: `${op.url}/oidc/token/introspection`,
      jwks_uri: `${op.url}/oidc/jwks`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(document.id_token_signing_alg_values_supported).toContain('ES384');
    expect(op.stats.requests.discovery).toBeGreaterThan(0);
  });
});

describe('sign-in', () => {
  it('returns code, state and iss to the redirect URI and exchanges the code with Basic auth', async () => {
    const { callback, state, tokens } = await signIn(op);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(op.issuer);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', scope: 'openid offline_access profile' });
    expect(tokens.body.refresh_token).toBeTypeOf('string');
    const { protectedHeader, payload } = await jwtVerify(
      tokens.body.id_token ?? '',
      createRemoteJWKSet(new URL(`${op.issuer}/jwks`)),
      { issuer: op.issuer, audience: 'demo-app' },
    );
    expect(protectedHeader.alg).toBe('ES384');
    expect(payload.sub).toBe('user_demo');
  });

  it('rejects a wrong password with the sign-in page error', async () => {
    const { url } = signInUrl(op);
    const attempt = completeSignIn(url, { username: 'demo', password: 'nope' });
    await expect(attempt).rejects.toThrow(FlowError);
    await expect(completeSignIn(url, { username: 'demo', password: 'nope' })).rejects.toThrow(
      /Incorrect account or password/,
    );
  });
});

describe('claims', () => {
  it('puts Logto quirks in the ID token: ms timestamps, picture null, at_hash', async () => {
    const { tokens } = await signIn(op, { scopes: ['email', 'roles', 'urn:logto:scope:organizations'] });
    const claims = decodeJwt(tokens.body.id_token ?? '');
    expect(claims.created_at).toBeGreaterThan(1e12);
    expect(claims.updated_at).toBeGreaterThan(1e12);
    expect(claims).toMatchObject({
      name: 'Demo User',
      picture: null,
      username: 'demo',
      email: 'demo@example.com',
      email_verified: true,
      roles: ['reader', 'writer'],
      organizations: ['org_demo'],
    });
    expect(claims.at_hash).toBe(atHashOf(tokens.body.access_token ?? '', 'ES384'));
    expect(claims).not.toHaveProperty('organization_data');
  });

  it('answers userinfo for the opaque access token with every claim of the granted scopes', async () => {
    const scopes = [
      'custom_data',
      'identities',
      'urn:logto:scope:organizations',
      'urn:logto:scope:organization_roles',
    ];
    const { tokens } = await signIn(op, { scopes });
    expect(decodeJwt(tokens.body.id_token ?? '')).not.toHaveProperty('custom_data');
    expect(tokens.body.access_token?.split('.')).toHaveLength(1);
    const response = await fetch(`${op.issuer}/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(await response.json()).toMatchObject({
      sub: 'user_demo',
      custom_data: { plan: 'demo' },
      identities: {},
      sso_identities: [],
      organizations: ['org_demo'],
      organization_roles: ['org_demo:admin'],
      organization_data: [
        {
          id: 'org_demo',
          name: 'Demo organization',
          description: 'The organization the demo user belongs to',
        },
      ],
    });
    expect(op.stats.requests.userinfo).toBeGreaterThan(0);
  });

  it('gives no refresh token without prompt=consent', async () => {
    const { tokens } = await signIn(op, { prompt: 'login' });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toBeUndefined();
  });
});

describe('redirect URIs', () => {
  it('accepts any loopback redirect URI for apps registered without URIs', async () => {
    const { url } = signInUrl(op, { extra: { redirect_uri: 'http://localhost:4173/auth/callback' } });
    const callback = await completeSignIn(url, { username: 'demo', password: 'demo-password' });
    expect(callback).toMatch(/^http:\/\/localhost:4173\/auth\/callback\?code=/);
  });

  it('matches configured URIs exactly', async () => {
    const strict = await startDevProvider({
      apps: [
        { id: 'web', secret: 's', type: 'traditional', redirectUris: ['http://127.0.0.1:5555/callback'] },
      ],
    });
    try {
      const ok = signInUrl(strict, { app: { clientId: 'web', secret: 's' } });
      await expect(completeSignIn(ok.url, { username: 'demo', password: 'demo-password' })).resolves.toMatch(
        /code=/,
      );
      const other = signInUrl(strict, {
        app: { clientId: 'web', secret: 's' },
        extra: { redirect_uri: 'http://127.0.0.1:5556/callback' },
      });
      const response = await fetch(other.url, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'oidc.invalid_redirect_uri',
        error: 'invalid_redirect_uri',
      });
    } finally {
      await strict.stop();
    }
  });
});

it('exchanges codes only with PKCE', async () => {
  const { url } = signInUrl(op);
  const withoutPkce = new URL(url);
  withoutPkce.searchParams.delete('code_challenge');
  withoutPkce.searchParams.delete('code_challenge_method');
  const callback = await completeSignIn(withoutPkce.href, { username: 'demo', password: 'demo-password' });
  expect(new URL(callback).searchParams.get('error')).toBe('invalid_request');
  const stray = await tokenRequest(op, demoApp, { grant_type: 'authorization_code', code: 'nope' });
  expect(stray.status).toBe(400);
});

describe('third-party apps', () => {
  it('show a consent screen before redirecting back', async () => {
    const custom = await startDevProvider({
      apps: [{ id: 'partner', type: 'spa', firstParty: false, name: 'Partner app' }],
    });
    const jar = new CookieJar();
    /** Follows redirects to the next page on the provider. */
    const pageAt = async (start: string, init: RequestInit = {}) => {
      let url = start;
      let request = init;
      for (;;) {
        const response = await fetch(url, {
          ...request,
          redirect: 'manual',
          headers: { ...request.headers, cookie: jar.header(url) ?? '' },
        });
        jar.store(url, response);
        const location = response.headers.get('location');
        if (!location) return { url, html: await response.text() };
        url = new URL(location, url).href;
        request = {};
        if (!url.startsWith(custom.url)) return { url, html: '' };
      }
    };
    const post = (url: string, form: Record<string, string>) =>
      pageAt(url, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    try {
      const signInPage = await pageAt(
        signInUrl(custom, { app: { clientId: 'partner' }, extra: { login_hint: 'demo' } }).url,
      );
      expect(signInPage.html).toMatch(/<title>Sign in/);
      expect(signInPage.html).toContain('value="demo"');
      const consent = await post(`${signInPage.url}/login`, { username: 'demo', password: 'demo-password' });
      expect(consent.html).toMatch(/<title>Authorize/);
      expect(consent.html).toContain('Partner app');
      const back = await post(`${consent.url}/consent`, {});
      expect(back.url).toMatch(/^http:\/\/127\.0\.0\.1:5555\/callback\?code=/);
    } finally {
      await custom.stop();
    }
  });
});
