/**
 * Whatever a provider answers — any status, any content type, any bytes, any JSON, near-valid
 * documents with one field gone wrong, a body that fails mid-read — each `processXResponse` ends in a
 * typed error with a known reason or in a value that passed its checks. Never a defect (`Die`).
 */
import { fc, test } from '@fast-check/vitest';
import * as Cause from 'effect/Cause';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { describe, expect } from 'vitest';
import { DiscoveryError, IdTokenError, TokenRequestError, UserInfoError } from '../errors.ts';
import { processDiscoveryResponse } from './discovery.ts';
import { processJwksResponse } from './jwks.ts';
import { processErrorResponse, processTokenResponse } from './tokenRequest.ts';
import { processUserInfoResponse } from './userInfo.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 200);
const issuer = 'https://tenant.example/oidc';

/** A valid object with each field kept, dropped, or replaced by any JSON value. */
const nearValid = (valid: Record<string, unknown>) =>
  fc
    .tuple(
      ...Object.keys(valid).map((field) =>
        fc.oneof(
          { weight: 12, arbitrary: fc.constant(valid[field]) },
          { weight: 1, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.jsonValue() },
        ),
      ),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    )
    .map((values) => {
      const extra = values.pop() as Record<string, unknown>;
      return {
        ...extra,
        ...Object.fromEntries(Object.keys(valid).map((field, index) => [field, values[index]])),
      };
    });

const validDiscovery = {
  issuer,
  authorization_endpoint: `${issuer}/auth`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  userinfo_endpoint: `${issuer}/me`,
  end_session_endpoint: `${issuer}/session/end`,
  revocation_endpoint: `${issuer}/token/revocation`,
  id_token_signing_alg_values_supported: ['ES384'],
  authorization_response_iss_parameter_supported: true,
};
const validTokens = {
  access_token: 'at-1',
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: 'rt-1',
  id_token: 'a.b.c',
  scope: 'openid',
};
const validJwks = { keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y', kid: 'k' }] };
const validUserInfo = { sub: 'user-1', email: 'ada@example.com' };
const validError = { error: 'invalid_grant', error_description: 'expired', code: 'oidc.invalid_grant' };

/** A body: near-valid JSON for `valid`, any JSON, any text, any bytes (invalid UTF-8 too), or a failing stream. */
const body = (valid: Record<string, unknown>) =>
  fc.oneof(
    { weight: 5, arbitrary: nearValid(valid).map((value) => JSON.stringify(value)) },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constant('failing-stream' as const) },
    { weight: 1, arbitrary: fc.constant(null) },
  );

const statuses = fc.oneof(
  { weight: 5, arbitrary: fc.constant(200) },
  { weight: 3, arbitrary: fc.constantFrom(201, 204, 301, 304, 400, 401, 403, 404, 429, 500, 502, 503) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
);
const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/html',
  'application/jwk-set+json',
  '',
);

type Body = string | Uint8Array | 'failing-stream' | null;

/** A Response as `fetch` could hand it over (statuses without a body get none). */
const response = (status: number, content: Body, contentType: string) => {
  const nullBody = [204, 205, 304].includes(status);
  const payload: BodyInit | null =
    nullBody || content === null
      ? null
      : content === 'failing-stream'
        ? new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"access_token":'));
              controller.error(new TypeError('connection reset'));
            },
          })
        : (content as BodyInit);
  return new Response(payload, { status, headers: contentType ? { 'content-type': contentType } : {} });
};

/** Runs `effect` and returns its value or its error; fails the test on a defect or an interruption. */
const settle = async <A, E>(
  effect: Effect.Effect<A, E>,
): Promise<{ ok: true; value: A } | { ok: false; error: E }> => {
  const exit = await Effect.runPromiseExit(effect);
  if (Exit.isSuccess(exit)) return { ok: true, value: exit.value };
  expect(Cause.hasDies(exit.cause), Cause.pretty(exit.cause)).toBe(false);
  expect(Cause.hasInterrupts(exit.cause)).toBe(false);
  return { ok: false, error: Option.getOrThrow(Exit.findErrorOption(exit)) };
};

const isSecureUrl = (value: unknown) => {
  const url = new URL(value as string);
  return url.protocol === 'https:' || /^(localhost|\[::1\]|127(\.\d{1,3}){3})$/.test(url.hostname);
};

describe('provider answers (fuzzed)', () => {
  test.prop([statuses, body(validDiscovery), contentTypes], { numRuns })(
    'processDiscoveryResponse: DiscoveryError, or metadata for the expected issuer with secure endpoints',
    async (status, content, contentType) => {
      const result = await settle(processDiscoveryResponse(response(status, content, contentType), issuer));
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(DiscoveryError);
        expect(['Unavailable', 'InvalidResponse', 'IssuerMismatch']).toContain(result.error.reason);
        return;
      }
      expect(status).toBe(200);
      expect(result.value.issuer).toBe(issuer);
      for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
        expect(isSecureUrl(result.value[field])).toBe(true);
      }
      for (const field of ['userinfo_endpoint', 'end_session_endpoint', 'revocation_endpoint'] as const) {
        if (result.value[field] !== undefined) expect(isSecureUrl(result.value[field])).toBe(true);
      }
      for (const alg of result.value.id_token_signing_alg_values_supported ?? [])
        expect(typeof alg).toBe('string');
      expect(typeof result.value.authorization_response_iss_parameter_supported).toBe('boolean');
    },
  );

  test.prop([statuses, body(validTokens), contentTypes], { numRuns })(
    'processTokenResponse: TokenRequestError, or a Bearer token response with well-typed fields',
    async (status, content, contentType) => {
      const result = await settle(processTokenResponse(response(status, content, contentType)));
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(TokenRequestError);
        expect(['Rejected', 'Unavailable', 'InvalidResponse']).toContain(result.error.reason);
        if (result.error.reason === 'Rejected') expect(result.error.error).toBeTruthy();
        return;
      }
      const tokens = result.value;
      expect(status).toBe(200);
      expect(typeof tokens.access_token).toBe('string');
      expect(tokens.access_token).not.toBe('');
      expect(tokens.token_type).toBe('Bearer');
      if (tokens.expires_in !== undefined) {
        expect(Number.isFinite(tokens.expires_in) && tokens.expires_in >= 0).toBe(true);
      }
      for (const field of ['refresh_token', 'id_token', 'scope'] as const) {
        expect(['string', 'undefined']).toContain(typeof tokens[field]);
      }
    },
  );

  test.prop([statuses, body(validError), contentTypes, fc.constantFrom('token', 'revocation')], { numRuns })(
    'processErrorResponse: always a TokenRequestError with a known reason',
    async (status, content, contentType, endpoint) => {
      const result = await settle(processErrorResponse(response(status, content, contentType), endpoint));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(TokenRequestError);
      expect(['Rejected', 'Unavailable', 'InvalidResponse']).toContain(result.error.reason);
      if (result.error.reason === 'Rejected') expect(typeof result.error.error).toBe('string');
    },
  );

  test.prop([statuses, body(validJwks), contentTypes], { numRuns })(
    'processJwksResponse: IdTokenError KeysUnavailable, or a key set whose keys are objects',
    async (status, content, contentType) => {
      const result = await settle(processJwksResponse(response(status, content, contentType)));
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(IdTokenError);
        expect(result.error.reason).toBe('KeysUnavailable');
        return;
      }
      expect(Array.isArray(result.value.keys)).toBe(true);
      for (const key of result.value.keys) expect(typeof key === 'object' && key !== null).toBe(true);
    },
  );

  test.prop([statuses, body(validUserInfo), contentTypes], { numRuns })(
    'processUserInfoResponse: UserInfoError, or claims of the expected subject',
    async (status, content, contentType) => {
      const result = await settle(processUserInfoResponse(response(status, content, contentType), 'user-1'));
      if (!result.ok) {
        expect(result.error).toBeInstanceOf(UserInfoError);
        expect(['Rejected', 'Unavailable', 'InvalidResponse', 'SubjectMismatch']).toContain(
          result.error.reason,
        );
        return;
      }
      expect(status).toBe(200);
      expect(result.value.sub).toBe('user-1');
    },
  );
});
