import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevProvider, demoResource, startDevProvider } from './index.js';
import { atHashOf } from './middleware/atHash.js';
import { organizationResource } from './resources.js';
import { demoApp, redirectUri, refresh, signIn, signInUrl, tokenRequest } from './test/oidcClient.js';
import { completeSignIn } from './testing.js';

const orgScopes = ['urn:logto:scope:organizations', 'read:org', 'write:org'];

let op: DevProvider;
beforeAll(async () => {
  op = await startDevProvider({ logErrors: false });
});
afterAll(() => op.stop());

const refreshTokenOf = async (request: Parameters<typeof signIn>[1]) => {
  const { tokens } = await signIn(op, request);
  expect(tokens.status).toBe(200);
  return tokens.body.refresh_token ?? '';
};

describe('API resource tokens', () => {
  it('issues a JWT for the resource with the scopes the user roles allow', async () => {
    const request = { resources: [demoResource], scopes: ['read:data', 'write:data'] };
    const demo = await refresh(op, demoApp, await refreshTokenOf(request), { resource: demoResource });
    expect(demo.status).toBe(200);
    expect(decodeProtectedHeader(demo.body.access_token ?? '')).toMatchObject({
      alg: 'ES384',
      typ: 'at+jwt',
    });
    expect(decodeJwt(demo.body.access_token ?? '')).toMatchObject({
      aud: demoResource,
      iss: op.issuer,
      sub: 'user_demo',
      client_id: 'demo-app',
      scope: 'read:data write:data',
    });
    expect(demo.body.expires_in).toBe(3600);

    const guestToken = await refreshTokenOf({ ...request, username: 'guest', password: 'guest-password' });
    const guest = await refresh(op, demoApp, guestToken, { resource: demoResource });
    expect(decodeJwt(guest.body.access_token ?? '').scope).toBe('read:data');
  });

  it('answers invalid_target for a resource the sign-in did not ask for, or an unknown one', async () => {
    const token = await refreshTokenOf({});
    const unrequested = await refresh(op, demoApp, token, { resource: demoResource });
    expect(unrequested).toMatchObject({
      status: 400,
      body: { error: 'invalid_target', code: 'oidc.invalid_target' },
    });

    const { url } = signInUrl(op, { resources: ['https://unknown.example.com'] });
    const callback = new URL(await completeSignIn(url, { username: 'demo', password: 'demo-password' }));
    expect(callback.searchParams.get('error')).toBe('invalid_target');
  });

  it('keeps the opaque userinfo token when no resource is asked for', async () => {
    const token = await refreshTokenOf({ resources: [demoResource], scopes: ['read:data'] });
    const plain = await refresh(op, demoApp, token);
    expect(plain.status).toBe(200);
    expect(plain.body.access_token?.split('.')).toHaveLength(1);
    expect(plain.body.scope).toBe('openid offline_access profile');
  });

  it('issues a resource JWT at code exchange when asked, with a matching at_hash', async () => {
    const { url, verifier } = signInUrl(op, { resources: [demoResource], scopes: ['read:data'] });
    const callback = new URL(await completeSignIn(url, { username: 'demo', password: 'demo-password' }));
    const tokens = await tokenRequest(op, demoApp, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      code_verifier: verifier,
      redirect_uri: redirectUri,
      resource: demoResource,
    });
    const accessToken = tokens.body.access_token ?? '';
    expect(decodeJwt(accessToken)).toMatchObject({ aud: demoResource, scope: 'read:data' });
    expect(decodeJwt(tokens.body.id_token ?? '').at_hash).toBe(atHashOf(accessToken, 'ES384'));
  });

  it('takes the TTL from the resource', async () => {
    const custom = await startDevProvider({
      resources: [{ indicator: demoResource, scopes: ['read:data'], accessTokenTtl: 120 }],
      roles: [{ name: 'reader', scopes: [{ resource: demoResource, scope: 'read:data' }] }],
      users: [{ username: 'demo', password: 'demo-password', roles: ['reader'] }],
      organizations: [],
    });
    try {
      const { tokens } = await signIn(custom, { resources: [demoResource], scopes: ['read:data'] });
      const response = await refresh(custom, demoApp, tokens.body.refresh_token ?? '', {
        resource: demoResource,
      });
      const { exp = 0, iat = 0 } = decodeJwt(response.body.access_token ?? '');
      expect(exp - iat).toBe(120);
    } finally {
      await custom.stop();
    }
  });
});

describe('organization tokens', () => {
  it('issues a JWT for urn:logto:organization:<id> with the organization role scopes', async () => {
    const token = await refreshTokenOf({ scopes: orgScopes, resources: [organizationResource] });
    const response = await refresh(op, demoApp, token, { organization_id: 'org_demo' });
    expect(response.status).toBe(200);
    const claims = decodeJwt(response.body.access_token ?? '');
    expect(claims).toMatchObject({ aud: 'urn:logto:organization:org_demo', scope: 'read:org write:org' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(response.body.scope).toBe('read:org write:org');
  });

  it('always has a scope claim, empty when sign-in did not ask for the organizations resource', async () => {
    const token = await refreshTokenOf({ scopes: orgScopes });
    const response = await refresh(op, demoApp, token, { organization_id: 'org_demo' });
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.access_token ?? '')).toHaveProperty('scope', '');
  });

  it('answers 403 access_denied for an organization the user is not a member of', async () => {
    const token = await refreshTokenOf({ scopes: orgScopes, resources: [organizationResource] });
    const response = await refresh(op, demoApp, token, { organization_id: 'org_other' });
    expect(response).toMatchObject({
      status: 403,
      body: {
        code: 'oidc.access_denied',
        message: 'Access denied.',
        error: 'access_denied',
        error_description: 'user is not a member of the organization',
      },
    });
  });

  it('answers 403 insufficient_scope without the organizations scope', async () => {
    const response = await refresh(op, demoApp, await refreshTokenOf({}), { organization_id: 'org_demo' });
    expect(response).toMatchObject({
      status: 403,
      body: {
        code: 'oidc.insufficient_scope',
        message: 'Token missing scope `{{scope}}`.',
        error: 'insufficient_scope',
        scope: 'urn:logto:scope:organizations',
      },
    });
  });

  it('adds organization_id to a resource token asked for with organization_id', async () => {
    const scopes = [...orgScopes, 'read:data', 'write:data'];
    const token = await refreshTokenOf({ scopes, resources: [organizationResource, demoResource] });
    const response = await refresh(op, demoApp, token, {
      resource: demoResource,
      organization_id: 'org_demo',
    });
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.access_token ?? '')).toMatchObject({
      aud: demoResource,
      organization_id: 'org_demo',
      scope: 'read:data write:data',
    });
  });

  it('grants organization-level API permissions only through that organization', async () => {
    const custom = await startDevProvider({
      resources: [{ indicator: demoResource, scopes: ['read:data', 'write:data'] }],
      roles: [],
      organizations: [
        {
          id: 'org_a',
          name: 'A',
          roles: [{ name: 'editor', scopes: [{ resource: demoResource, scope: 'write:data' }] }],
        },
        {
          id: 'org_b',
          name: 'B',
          roles: [{ name: 'viewer', scopes: [{ resource: demoResource, scope: 'read:data' }] }],
        },
      ],
      users: [
        {
          username: 'demo',
          password: 'demo-password',
          organizations: [
            { id: 'org_a', roles: ['editor'] },
            { id: 'org_b', roles: ['viewer'] },
          ],
        },
      ],
    });
    try {
      const { tokens } = await signIn(custom, {
        scopes: ['urn:logto:scope:organizations', 'read:data', 'write:data'],
        resources: [demoResource],
      });
      const response = await refresh(custom, demoApp, tokens.body.refresh_token ?? '', {
        resource: demoResource,
        organization_id: 'org_b',
      });
      expect(decodeJwt(response.body.access_token ?? '')).toMatchObject({
        scope: 'read:data',
        organization_id: 'org_b',
      });
    } finally {
      await custom.stop();
    }
  });
});
