import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { describe, expect, it } from 'vitest';
import { DiscoveryError } from '../errors.ts';
import { discoveryRequest, processDiscoveryResponse } from './discovery.ts';

const issuer = 'https://tenant.example/oidc';

const document = (overrides: Record<string, unknown> = {}, base = issuer) => ({
  issuer: base,
  authorization_endpoint: `${base}/auth`,
  token_endpoint: `${base}/token`,
  jwks_uri: `${base}/jwks`,
  userinfo_endpoint: `${base}/me`,
  end_session_endpoint: `${base}/session/end`,
  revocation_endpoint: `${base}/token/revocation`,
  id_token_signing_alg_values_supported: ['ES384'],
  authorization_response_iss_parameter_supported: true,
  ...overrides,
});

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

const failure = async (response: Response, expectedIssuer = issuer) => {
  const exit = await Effect.runPromiseExit(processDiscoveryResponse(response, expectedIssuer));
  if (Exit.isSuccess(exit)) throw new Error('expected the discovery response to be rejected');
  const error = Option.getOrThrow(Exit.findErrorOption(exit));
  expect(error).toBeInstanceOf(DiscoveryError);
  return error;
};

describe('discoveryRequest', () => {
  it('GETs the well-known document under the issuer', () => {
    expect(discoveryRequest(issuer).url).toBe(`${issuer}/.well-known/openid-configuration`);
  });
});

describe('processDiscoveryResponse', () => {
  it('returns the endpoints, algorithms and iss support of a valid document', async () => {
    const metadata = await Effect.runPromise(processDiscoveryResponse(json(document()), issuer));
    expect(metadata).toEqual(document());
  });

  it('accepts a document without the optional endpoints', async () => {
    const minimal = document({
      userinfo_endpoint: undefined,
      end_session_endpoint: undefined,
      revocation_endpoint: undefined,
    });
    const metadata = await Effect.runPromise(processDiscoveryResponse(json(minimal), issuer));
    expect(metadata.revocation_endpoint).toBeUndefined();
  });

  it('accepts http endpoints on a loopback issuer (local development)', async () => {
    const local = 'http://localhost:3001/oidc';
    const metadata = await Effect.runPromise(processDiscoveryResponse(json(document({}, local)), local));
    expect(metadata.token_endpoint).toBe('http://localhost:3001/oidc/token');
  });

  it('rejects another issuer as IssuerMismatch', async () => {
    expect((await failure(json(document({ issuer: 'https://evil.example/oidc' })))).reason).toBe(
      'IssuerMismatch',
    );
  });

  it('rejects a 500 as Unavailable', async () => {
    expect(await failure(new Response('down', { status: 500 }))).toMatchObject({
      reason: 'Unavailable',
      status: 500,
    });
  });

  it('rejects a 404 as InvalidResponse (a wrong endpoint, not an outage)', async () => {
    expect(await failure(new Response('nope', { status: 404 }))).toMatchObject({
      reason: 'InvalidResponse',
      status: 404,
    });
  });

  it('names the URL it tried, for a failure and for an outage', async () => {
    const url = 'https://tenant.example/oidc/.well-known/openid-configuration';
    expect((await failure(new Response('nope', { status: 404 }))).message).toContain(url);
    expect((await failure(new Response('down', { status: 503 }))).message).toContain(url);
  });

  it('says so when config.endpoint wrongly ends in /oidc (the SDK adds it)', async () => {
    const error = await failure(new Response('nope', { status: 404 }), 'https://tenant.example/oidc/oidc');
    expect(error.message).toContain('https://tenant.example/oidc/oidc/.well-known/openid-configuration');
    expect(error.message).toContain('config.endpoint ends in "/oidc"');
    expect(error.message).toContain('"https://tenant.example"');
  });

  it('rejects a body that is not JSON as InvalidResponse', async () => {
    expect((await failure(new Response('<html>', { status: 200 }))).reason).toBe('InvalidResponse');
  });

  it.each(['token_endpoint', 'authorization_endpoint', 'jwks_uri', 'revocation_endpoint'])(
    'rejects a plain-http %s on a public host',
    async (field) => {
      const insecure = document({ [field]: `http://tenant.example/oidc/${field}` });
      expect((await failure(json(insecure))).reason).toBe('InvalidResponse');
    },
  );

  it('rejects a document without token_endpoint', async () => {
    expect((await failure(json(document({ token_endpoint: undefined })))).reason).toBe('InvalidResponse');
  });
});
