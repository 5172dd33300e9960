import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { type CryptoKey, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdTokenError } from '../errors.ts';
import type { IdTokenClaims } from './claims.ts';
import { allowedAlgorithms, type IdTokenExpectations, type KeySource, verifyIdToken } from './idToken.ts';

const issuer = 'https://tenant.example/oidc';
const clientId = 'app-1';
const now = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds
const tolerance = 60;

interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

let es384: SigningKey;
let rs256: SigningKey;
/** Another ES384 key published under es384's kid: a forger's key. */
let imposter: SigningKey;
/** A key the provider rotates to later. */
let rotated: SigningKey;
/** A second ES384 key, for a JWKS with two keys of the same type. */
let es384Second: SigningKey;

const makeKey = async (alg: 'ES384' | 'RS256', kid: string): Promise<SigningKey> => {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

beforeAll(async () => {
  [es384, rs256, imposter, rotated, es384Second] = await Promise.all([
    makeKey('ES384', 'es-1'),
    makeKey('RS256', 'rs-1'),
    makeKey('ES384', 'es-1'),
    makeKey('ES384', 'es-2'),
    makeKey('ES384', 'es-3'),
  ]);
});

const jwks = (...keys: SigningKey[]): JSONWebKeySet => ({ keys: keys.map((key) => key.jwk) });

const validClaims = (): Record<string, unknown> => ({
  iss: issuer,
  aud: clientId,
  sub: 'user-1',
  exp: now + 3600,
  iat: now,
  nonce: 'nonce-1',
});

/** Signs `claims` (default: a valid sign-in ID token) with `key`; `kid: null` leaves the kid out. */
const sign = (
  overrides: Record<string, unknown> = {},
  options: { key?: SigningKey; alg?: string; kid?: string | null } = {},
) => {
  const key = options.key ?? es384;
  const kid = options.kid === undefined ? key.jwk.kid : options.kid;
  const claims = Object.fromEntries(
    Object.entries({ ...validClaims(), ...overrides }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? (key.jwk.alg as string), ...(kid === null ? {} : { kid }) })
    .sign(key.privateKey);
};

/** A key source whose cached JWKS is `current` and whose re-fetch returns `next`, counting re-fetches. */
const keySource = (current: JSONWebKeySet, next: JSONWebKeySet | null = current) => {
  const source = {
    refetches: 0,
    current: Effect.succeed(current),
    refetch: Effect.sync(() => {
      source.refetches++;
      return next;
    }),
  };
  return source satisfies KeySource;
};

const expectations = (overrides: Partial<IdTokenExpectations> = {}): IdTokenExpectations => ({
  issuer,
  clientId,
  algorithms: allowedAlgorithms(['ES384', 'RS256']),
  now,
  clockTolerance: tolerance,
  nonce: 'nonce-1',
  ...overrides,
});

const verify = (jwt: string, source: KeySource = keySource(jwks(es384, rs256)), expected = expectations()) =>
  Effect.runPromise(verifyIdToken(jwt, source, expected));

/** The reason `verifyIdToken` rejects with; fails the test if it accepts. */
const rejection = async (
  jwt: string,
  source: KeySource = keySource(jwks(es384, rs256)),
  expected = expectations(),
) => {
  const exit = await Effect.runPromiseExit(verifyIdToken(jwt, source, expected));
  if (Exit.isSuccess(exit)) throw new Error('expected the ID token to be rejected, but it was accepted');
  const error = Option.getOrThrow(Exit.findErrorOption(exit));
  expect(error).toBeInstanceOf(IdTokenError);
  if (jwt) expect(error.message).not.toContain(jwt);
  return error.reason;
};

const base64UrlJson = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('verifyIdToken accepts', () => {
  it('a valid ES384 token and returns its claims', async () => {
    const claims = await verify(await sign());
    expect(claims).toMatchObject({ iss: issuer, sub: 'user-1', aud: clientId, nonce: 'nonce-1' });
  });

  it('a valid RS256 token from the same JWKS', async () => {
    const claims = await verify(await sign({}, { key: rs256 }));
    expect(claims.sub).toBe('user-1');
  });
});

describe('verifyIdToken rejects the algorithm', () => {
  it('alg "none" (an unsigned token)', async () => {
    const unsigned = `${base64UrlJson({ alg: 'none' })}.${base64UrlJson(validClaims())}.`;
    expect(await rejection(unsigned)).toBe('UnsupportedAlgorithm');
  });

  it('HS256 signed with the client secret, even when discovery advertises HS256', async () => {
    const secret = new TextEncoder().encode('the-client-secret-that-is-long-enough');
    const jwt = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', kid: 'es-1' })
      .sign(secret);
    const expected = expectations({ algorithms: allowedAlgorithms(['HS256', 'ES384']) });
    expect(await rejection(jwt, keySource(jwks(es384)), expected)).toBe('UnsupportedAlgorithm');
  });

  it('an asymmetric alg the discovery document does not list', async () => {
    const expected = expectations({ algorithms: allowedAlgorithms(['RS256']) });
    expect(await rejection(await sign(), keySource(jwks(es384, rs256)), expected)).toBe(
      'UnsupportedAlgorithm',
    );
  });
});

describe('verifyIdToken checks the signature against the JWKS', () => {
  it('rejects a token signed by another key under the same kid', async () => {
    expect(await rejection(await sign({}, { key: imposter }))).toBe('InvalidSignature');
  });

  it('re-fetches the JWKS exactly once for an unknown kid, then fails with NoMatchingKey', async () => {
    const source = keySource(jwks(es384));
    expect(await rejection(await sign({}, { key: rotated }), source)).toBe('NoMatchingKey');
    expect(source.refetches).toBe(1);
  });

  it('fails with NoMatchingKey when the re-fetch is refused by its cooldown', async () => {
    const source = keySource(jwks(es384), null);
    expect(await rejection(await sign({}, { key: rotated }), source)).toBe('NoMatchingKey');
  });

  it('accepts a key that appears after the re-fetch (key rotation)', async () => {
    const source = keySource(jwks(es384), jwks(es384, rotated));
    const claims = await verify(await sign({}, { key: rotated }), source);
    expect(claims.sub).toBe('user-1');
    expect(source.refetches).toBe(1);
  });

  it('does not re-fetch for a kid it knows', async () => {
    const source = keySource(jwks(es384));
    await verify(await sign(), source);
    expect(source.refetches).toBe(0);
  });

  it('accepts a token without kid when the JWKS has a single key', async () => {
    const claims = await verify(await sign({}, { kid: null }), keySource(jwks(es384)));
    expect(claims.sub).toBe('user-1');
  });

  it('accepts a token without kid when only one key in the JWKS fits its alg', async () => {
    const claims = await verify(await sign({}, { kid: null }), keySource(jwks(es384, rs256)));
    expect(claims.sub).toBe('user-1');
  });

  // kid-absent-multiple-jwks: several keys fit a token without kid; each is tried in turn.
  it('accepts a token without kid when one of several fitting keys verifies it', async () => {
    const source = keySource(jwks(es384Second, es384));
    expect((await verify(await sign({}, { kid: null }), source)).sub).toBe('user-1');
    expect(source.refetches).toBe(0);
  });

  it('rejects a token without kid as InvalidSignature when none of several fitting keys verifies it', async () => {
    const source = keySource(jwks(es384Second, es384Second));
    expect(await rejection(await sign({}, { kid: null }), source)).toBe('InvalidSignature');
  });
});

describe('verifyIdToken checks the issuer and audience', () => {
  it('rejects another iss', async () => {
    expect(await rejection(await sign({ iss: 'https://evil.example/oidc' }))).toBe('InvalidIssuer');
  });

  it('rejects a missing aud', async () => {
    expect(await rejection(await sign({ aud: undefined }))).toBe('InvalidAudience');
  });

  it('rejects an aud for another application', async () => {
    expect(await rejection(await sign({ aud: 'app-2' }))).toBe('InvalidAudience');
  });

  it('rejects an aud array without this application', async () => {
    expect(await rejection(await sign({ aud: ['app-2', 'app-3'], azp: 'app-2' }))).toBe('InvalidAudience');
  });

  it('rejects an aud array with several values and no azp', async () => {
    expect(await rejection(await sign({ aud: [clientId, 'https://api.example'] }))).toBe(
      'InvalidAuthorizedParty',
    );
  });

  it('rejects an azp for another application', async () => {
    expect(await rejection(await sign({ aud: [clientId, 'app-2'], azp: 'app-2' }))).toBe(
      'InvalidAuthorizedParty',
    );
  });

  it('accepts an aud array with azp equal to this application', async () => {
    const claims = await verify(await sign({ aud: [clientId, 'https://api.example'], azp: clientId }));
    expect(claims.azp).toBe(clientId);
  });
});

describe('verifyIdToken checks the times', () => {
  it('rejects a missing exp', async () => {
    expect(await rejection(await sign({ exp: undefined }))).toBe('MissingExpiry');
  });

  it('rejects an exp further in the past than the clock tolerance', async () => {
    expect(await rejection(await sign({ exp: now - tolerance - 1, iat: now - 3600 }))).toBe('Expired');
  });

  it('accepts an exp that passed within the clock tolerance', async () => {
    const claims = await verify(await sign({ exp: now - tolerance + 1, iat: now - 3600 }));
    expect(claims.exp).toBe(now - tolerance + 1);
  });

  it('rejects a missing iat', async () => {
    expect(await rejection(await sign({ iat: undefined }))).toBe('MissingIssuedAt');
  });

  it('rejects an iat further in the future than the clock tolerance', async () => {
    expect(await rejection(await sign({ iat: now + tolerance + 1 }))).toBe('IssuedInFuture');
  });

  it('accepts an iat in the future within the clock tolerance', async () => {
    expect((await verify(await sign({ iat: now + tolerance }))).iat).toBe(now + tolerance);
  });

  it('accepts an iat a week in the past (a long-lived session)', async () => {
    const weekAgo = now - 7 * 24 * 3600;
    expect((await verify(await sign({ iat: weekAgo }))).iat).toBe(weekAgo);
  });
});

describe('verifyIdToken checks the subject and nonce', () => {
  it('rejects a missing sub', async () => {
    expect(await rejection(await sign({ sub: undefined }))).toBe('MissingSubject');
  });

  it('rejects an empty sub', async () => {
    expect(await rejection(await sign({ sub: '' }))).toBe('MissingSubject');
  });

  it('rejects a nonce other than the transaction nonce', async () => {
    expect(await rejection(await sign({ nonce: 'nonce-2' }))).toBe('NonceMismatch');
  });

  it('rejects a token without nonce when the sign-in sent one', async () => {
    expect(await rejection(await sign({ nonce: undefined }))).toBe('NonceMismatch');
  });
});

describe('verifyIdToken on refresh (OpenID Connect Core §12.2)', () => {
  const previous: IdTokenClaims = {
    iss: issuer,
    sub: 'user-1',
    aud: clientId,
    exp: now - 10,
    iat: now - 3610,
    nonce: 'nonce-1',
  };

  it('accepts a refreshed token without nonce', async () => {
    const claims = await verify(await sign({ nonce: undefined }), undefined, expectations({ previous }));
    expect(claims.sub).toBe('user-1');
  });

  it('accepts a refreshed token that repeats the original nonce', async () => {
    expect((await verify(await sign(), undefined, expectations({ previous }))).nonce).toBe('nonce-1');
  });

  it('rejects a refreshed token with another nonce', async () => {
    expect(await rejection(await sign({ nonce: 'nonce-2' }), undefined, expectations({ previous }))).toBe(
      'NonceMismatch',
    );
  });

  it('rejects a refreshed token for another user', async () => {
    expect(await rejection(await sign({ sub: 'user-2' }), undefined, expectations({ previous }))).toBe(
      'SubjectChanged',
    );
  });

  // A changed iss in the new token fails the configured-issuer check first; IssuerChanged is what a
  // session stored under another issuer sees.
  it('rejects a session whose previous token came from another issuer', async () => {
    const fromOldIssuer = { ...previous, iss: 'https://old-tenant.example/oidc' };
    expect(await rejection(await sign(), undefined, expectations({ previous: fromOldIssuer }))).toBe(
      'IssuerChanged',
    );
  });
});

describe('verifyIdToken rejects malformed JWTs before fetching keys', () => {
  it.each([
    ['two segments', `${base64UrlJson({ alg: 'ES384' })}.${base64UrlJson(validClaims())}`],
    ['a non-JSON header', `${btoa('not json')}.${base64UrlJson(validClaims())}.sig`],
    ['a non-JSON payload', `${base64UrlJson({ alg: 'ES384', kid: 'es-1' })}.${btoa('{oops')}.sig`],
    ['a JSON array payload', `${base64UrlJson({ alg: 'ES384', kid: 'es-1' })}.${base64UrlJson([1])}.sig`],
    ['an empty string', ''],
  ])('%s', async (_, jwt) => {
    const source = keySource(jwks(es384));
    expect(await rejection(jwt, source)).toBe('Malformed');
    expect(source.refetches).toBe(0);
  });
});
