import { fc, test } from '@fast-check/vitest';
import * as Cause from 'effect/Cause';
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { exportJWK, generateKeyPair, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect } from 'vitest';
import { IdTokenError } from '../errors.ts';
import { encodeBase64Url } from './base64url.ts';
import { supportedAlgorithms, verifyIdToken } from './idToken.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 200);
const now = 1_767_225_600;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const { publicKey } = await generateKeyPair('ES384');
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384', use: 'sig' }] };
});

const segment = (value: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
const header = fc.oneof(
  fc.record({
    alg: fc.oneof(fc.constantFrom(...supportedAlgorithms, 'none', 'HS256', 'ES384'), fc.jsonValue()),
    kid: fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), fc.jsonValue()), { nil: undefined }),
    crit: fc.option(fc.array(fc.string()), { nil: undefined }),
    b64: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.jsonValue(),
);
const payload = fc.oneof(
  fc.record({
    iss: fc.oneof(fc.constant('https://tenant.example/oidc'), fc.jsonValue()),
    aud: fc.oneof(fc.constant('app-1'), fc.constant(['app-1', 'x']), fc.jsonValue()),
    sub: fc.oneof(fc.constant('user-1'), fc.jsonValue()),
    exp: fc.oneof(fc.constant(now + 3600), fc.jsonValue()),
    iat: fc.oneof(fc.constant(now), fc.jsonValue()),
    nonce: fc.oneof(fc.constant('n'), fc.jsonValue()),
  }),
  fc.jsonValue(),
);
const signature = fc.oneof(
  fc.constant(''),
  fc.uint8Array({ maxLength: 120 }).map(encodeBase64Url),
  fc.string(),
);
const jwt = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(header, payload, signature).map(([h, p, s]) => `${segment(h)}.${segment(p)}.${s}`),
  },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.array(fc.string(), { maxLength: 6 }).map((parts) => parts.join('.')) },
  { weight: 1, arbitrary: fc.anything() as fc.Arbitrary<never> },
);

describe('verifyIdToken (fuzzed)', () => {
  test.prop([jwt], { numRuns })(
    'a token without a valid signature is always an IdTokenError, never a defect',
    async (token) => {
      const keySource = { current: Effect.succeed(jwks), refetch: Effect.succeed(null) };
      const exit = await Effect.runPromiseExit(
        verifyIdToken(token, keySource, {
          issuer: 'https://tenant.example/oidc',
          clientId: 'app-1',
          algorithms: supportedAlgorithms,
          now,
          clockTolerance: 60,
          nonce: 'n',
        }),
      );
      expect(Exit.isFailure(exit)).toBe(true);
      if (Exit.isSuccess(exit)) return;
      expect(Cause.hasDies(exit.cause), Cause.pretty(exit.cause)).toBe(false);
      expect(Option.getOrThrow(Exit.findErrorOption(exit))).toBeInstanceOf(IdTokenError);
    },
  );
});
