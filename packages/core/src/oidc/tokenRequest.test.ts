import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { describe, expect, it } from 'vitest';
import { ConfigError, TokenRequestError } from '../errors.ts';
import { type LogtoConfig, type NormalizedConfig, normalizeConfig } from './config.ts';
import type { ProviderMetadata } from './discovery.ts';
import type { SignInTransaction } from './signIn.ts';
import {
  authorizationCodeGrantRequest,
  processTokenResponse,
  refreshTokenGrantRequest,
} from './tokenRequest.ts';

const metadata: ProviderMetadata = {
  issuer: 'https://tenant.example/oidc',
  authorization_endpoint: 'https://tenant.example/oidc/auth',
  token_endpoint: 'https://tenant.example/oidc/token',
  jwks_uri: 'https://tenant.example/oidc/jwks',
};

const transaction: SignInTransaction = {
  state: 'state-1',
  nonce: 'nonce-1',
  codeVerifier: 'verifier-1',
  redirectUri: 'https://app.example/callback',
  expiresAt: Date.UTC(2026, 0, 1),
};

const config = (overrides: Partial<LogtoConfig> = {}): NormalizedConfig => {
  const normalized = normalizeConfig({ endpoint: 'https://tenant.example', appId: 'app-1', ...overrides });
  if (normalized instanceof ConfigError) throw normalized;
  return normalized;
};

const form = async (request: Request) => Object.fromEntries(new URLSearchParams(await request.text()));

/** The client id and secret a server reads from a Basic header: base64, then form-urldecode each half. */
const decodeBasic = (header: string | null) => {
  expect(header).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
  const [id, secret] = atob(header!.slice('Basic '.length)).split(':');
  const formDecode = (value = '') => new URLSearchParams(`v=${value}`).get('v');
  return { raw: [id, secret], id: formDecode(id), secret: formDecode(secret) };
};

describe('authorizationCodeGrantRequest', () => {
  it('POSTs the code, redirect URI and PKCE verifier as a form to the token endpoint', async () => {
    const request = authorizationCodeGrantRequest(
      metadata,
      config({ appSecret: 's3cret' }),
      'code-1',
      transaction,
    );
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://tenant.example/oidc/token');
    expect(request.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(await form(request)).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: 'https://app.example/callback',
      code_verifier: 'verifier-1',
    });
  });

  it('authenticates a confidential client with client_secret_basic', () => {
    const request = authorizationCodeGrantRequest(
      metadata,
      config({ appSecret: 's3cret' }),
      'code-1',
      transaction,
    );
    expect(decodeBasic(request.headers.get('authorization'))).toMatchObject({
      id: 'app-1',
      secret: 's3cret',
    });
  });

  it('form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const secret = 'a:b c+d%e€';
    const request = authorizationCodeGrantRequest(
      metadata,
      config({ appId: 'my app', appSecret: secret }),
      'code-1',
      transaction,
    );
    const basic = decodeBasic(request.headers.get('authorization'));
    expect(basic.raw).toEqual(['my+app', 'a%3Ab+c%2Bd%25e%E2%82%AC']);
    expect(basic).toMatchObject({ id: 'my app', secret });
  });

  it('sends client_id in the body and no Authorization for a public client', async () => {
    const request = authorizationCodeGrantRequest(metadata, config(), 'code-1', transaction);
    expect(request.headers.has('authorization')).toBe(false);
    expect(await form(request)).toMatchObject({ client_id: 'app-1', code: 'code-1' });
  });
});

describe('refreshTokenGrantRequest', () => {
  it('sends the refresh token, resource and organization_id', async () => {
    const request = refreshTokenGrantRequest(metadata, config({ appSecret: 's3cret' }), 'rt-1', {
      resource: 'https://api.example',
      organizationId: 'org-1',
    });
    expect(request.url).toBe('https://tenant.example/oidc/token');
    expect(await form(request)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      resource: 'https://api.example',
      organization_id: 'org-1',
    });
    expect(decodeBasic(request.headers.get('authorization')).id).toBe('app-1');
  });

  it('sends neither resource nor organization_id for the default token', async () => {
    const body = await form(refreshTokenGrantRequest(metadata, config(), 'rt-1', {}));
    expect(body).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'app-1' });
  });
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const accept = (response: Response) => Effect.runPromise(processTokenResponse(response));

const failure = async (response: Response) => {
  const exit = await Effect.runPromiseExit(processTokenResponse(response));
  if (Exit.isSuccess(exit)) throw new Error('expected the token response to be rejected');
  const error = Option.getOrThrow(Exit.findErrorOption(exit));
  expect(error).toBeInstanceOf(TokenRequestError);
  return error;
};

const tokens = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 };

describe('processTokenResponse accepts', () => {
  it('a full response, keeping wire field names', async () => {
    const body = { ...tokens, refresh_token: 'rt-2', id_token: 'a.b.c', scope: 'openid profile' };
    expect(await accept(json(body))).toEqual(body);
  });

  it.each(['bearer', 'BEARER'])('token_type %s case-insensitively, as Bearer', async (tokenType) => {
    expect((await accept(json({ ...tokens, token_type: tokenType }))).token_type).toBe('Bearer');
  });

  it('a response without expires_in', async () => {
    const { expires_in: _, ...withoutExpiry } = tokens;
    expect((await accept(json(withoutExpiry))).expires_in).toBeUndefined();
  });

  it('a response without scope', async () => {
    expect((await accept(json(tokens))).scope).toBeUndefined();
  });
});

describe('processTokenResponse rejects', () => {
  it('a non-Bearer token as InvalidResponse', async () => {
    expect((await failure(json({ ...tokens, token_type: 'DPoP' }))).reason).toBe('InvalidResponse');
  });

  it('a response without access_token as InvalidResponse', async () => {
    expect((await failure(json({ token_type: 'Bearer' }))).reason).toBe('InvalidResponse');
  });

  it('a negative expires_in as InvalidResponse', async () => {
    expect((await failure(json({ ...tokens, expires_in: -1 }))).reason).toBe('InvalidResponse');
  });

  it('a 200 that is not JSON as InvalidResponse', async () => {
    expect(await failure(new Response('<html>', { status: 200 }))).toMatchObject({
      reason: 'InvalidResponse',
      status: 200,
    });
  });

  it('a 400 invalid_grant as Rejected with the OAuth error', async () => {
    const error = await failure(json({ error: 'invalid_grant', error_description: 'grant expired' }, 400));
    expect(error).toMatchObject({
      reason: 'Rejected',
      status: 400,
      error: 'invalid_grant',
      errorDescription: 'grant expired',
    });
  });

  it("Logto's error body with extra code and message, keeping error and error_description", async () => {
    const body = {
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
      code: 'oidc.invalid_grant',
      message: 'grant request is invalid',
    };
    expect(await failure(json(body, 400))).toMatchObject({
      reason: 'Rejected',
      error: 'invalid_grant',
      errorDescription: 'grant request is invalid',
    });
  });

  it.each([503, 500, 429])('a %i as Unavailable', async (status) => {
    expect(await failure(new Response('busy', { status }))).toMatchObject({ reason: 'Unavailable', status });
  });

  it('a 400 without an OAuth error as InvalidResponse', async () => {
    expect(await failure(new Response('bad', { status: 400 }))).toMatchObject({
      reason: 'InvalidResponse',
      status: 400,
    });
  });
});
