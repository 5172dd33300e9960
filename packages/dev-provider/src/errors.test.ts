import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DevProvider, startDevProvider } from './index.js';
import { demoApp, refresh, signIn, tokenRequest } from './test/oidcClient.js';

let op: DevProvider;
beforeAll(async () => {
  op = await startDevProvider({ logErrors: false });
});
afterAll(() => op.stop());

describe('Logto error bodies', () => {
  it('adds code and message to token endpoint errors, and error_uri to invalid_grant', async () => {
    const response = await refresh(op, demoApp, 'not-a-token');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 'oidc.invalid_grant',
      message: 'Grant request is invalid.',
      error_uri: 'https://openid.sh/debug/invalid_grant',
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
  });

  it('falls back to a generic message for codes Logto has no phrase for', async () => {
    const response = await tokenRequest(
      op,
      { clientId: 'demo-app', secret: 'wrong' },
      { grant_type: 'refresh_token' },
    );
    expect(response).toMatchObject({
      status: 401,
      body: {
        code: 'oidc.invalid_client',
        message: 'An OIDC error occurred: oidc.invalid_client.',
        error: 'invalid_client',
      },
    });
  });

  it('shapes userinfo errors', async () => {
    const response = await fetch(`${op.issuer}/me`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      code: 'oidc.invalid_token',
      message: 'Invalid token provided.',
      error: 'invalid_token',
    });
  });

  it('answers JSON at the authorization endpoint even to browsers', async () => {
    const response = await fetch(`${op.issuer}/auth?client_id=nobody&response_type=code`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ code: 'oidc.invalid_client', error: 'invalid_client' });
  });

  it('shapes unsupported grant types', async () => {
    const response = await tokenRequest(op, demoApp, { grant_type: 'password' });
    expect(response.body).toMatchObject({
      code: 'oidc.unsupported_grant_type',
      message: 'Unsupported `grant_type` requested.',
    });
  });
});

describe('revocation', () => {
  it('revokes a refresh token the way @logto/node signs out (client_id + token, Basic auth)', async () => {
    const { tokens } = await signIn(op);
    const token = tokens.body.refresh_token ?? '';
    const response = await fetch(`${op.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('demo-app:demo-app-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ client_id: 'demo-app', token }),
    });
    expect(response.status).toBe(200);
    expect(await refresh(op, demoApp, token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(op.stats.requests.revocation).toBe(1);
  });

  it('also accepts client_secret_post', async () => {
    const { tokens } = await signIn(op);
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token ?? '',
      client_id: 'demo-app',
      client_secret: 'demo-app-secret',
    });
    const response = await fetch(`${op.issuer}/token`, { method: 'POST', body });
    expect(response.status).toBe(200);
  });
});
