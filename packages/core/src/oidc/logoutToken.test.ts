import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogoutTokenError } from '../errors.ts';
import { allowedAlgorithms, type KeySource } from './idToken.ts';
import {
  backchannelLogoutEvent,
  type LogoutTokenExpectations,
  SeenLogoutTokens,
  verifyLogoutToken,
} from './logoutToken.ts';

const issuer = 'https://tenant.example/oidc';
const clientId = 'app-1';
const now = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds
const tolerance = 60;

interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

let provider: SigningKey;
let forger: SigningKey;

beforeAll(async () => {
  const make = async (): Promise<SigningKey> => {
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'es-1', alg: 'ES384', use: 'sig' } };
  };
  [provider, forger] = await Promise.all([make(), make()]);
});

const keySource = (): KeySource => ({
  current: Effect.succeed({ keys: [provider.jwk] }),
  refetch: Effect.succeed(null),
});

let jtis = 0;
/** A valid logout token's claims, as oidc-provider sends them, with a fresh jti each time. */
const validClaims = (): Record<string, unknown> => ({
  iss: issuer,
  aud: clientId,
  iat: now,
  exp: now + 120,
  jti: `jti-${++jtis}`,
  sub: 'user-1',
  sid: 'sid-1',
  events: { [backchannelLogoutEvent]: {} },
});

/** Signs the valid claims with `overrides` (`undefined` removes a claim). */
const sign = (overrides: Record<string, unknown> = {}, key?: SigningKey) => {
  const claims = Object.fromEntries(
    Object.entries({ ...validClaims(), ...overrides }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES384', kid: 'es-1', typ: 'logout+jwt' })
    .sign((key ?? provider).privateKey);
};

const expectations = (overrides: Partial<LogoutTokenExpectations> = {}): LogoutTokenExpectations => ({
  issuer,
  clientId,
  algorithms: allowedAlgorithms(['ES384']),
  now,
  clockTolerance: tolerance,
  seen: new SeenLogoutTokens(),
  ...overrides,
});

const verify = (jwt: string, expected = expectations()) =>
  Effect.runPromise(verifyLogoutToken(jwt, keySource(), expected));

/** The reason `verifyLogoutToken` rejects with; fails the test if it accepts. */
const rejection = async (jwt: string, expected = expectations()) => {
  const exit = await Effect.runPromiseExit(verifyLogoutToken(jwt, keySource(), expected));
  if (Exit.isSuccess(exit)) throw new Error('expected the logout token to be rejected, but it was accepted');
  const error = Option.getOrThrow(Exit.findErrorOption(exit));
  expect(error).toBeInstanceOf(LogoutTokenError);
  expect(error.message).toMatch(/^The logout token was rejected: /);
  expect(error.message).not.toContain(jwt);
  return error.reason;
};

const base64UrlJson = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('verifyLogoutToken accepts', () => {
  it('a token with sid only', async () => {
    const claims = await verify(await sign({ sub: undefined, sid: 'sid-9' }));
    expect(claims.sid).toBe('sid-9');
    expect(claims.sub).toBeUndefined();
  });

  it('a token with sub only', async () => {
    const claims = await verify(await sign({ sid: undefined }));
    expect(claims.sub).toBe('user-1');
    expect(claims.sid).toBeUndefined();
  });

  it('a token with both, and an aud list containing the app', async () => {
    const claims = await verify(await sign({ aud: ['other-app', clientId] }));
    expect(claims).toMatchObject({ sub: 'user-1', sid: 'sid-1', iss: issuer });
  });

  it('a token without exp while it is young (exp is optional before errata 1)', async () => {
    const claims = await verify(await sign({ exp: undefined, iat: now - 30 }));
    expect(claims.exp).toBeUndefined();
  });
});

describe('verifyLogoutToken rejects', () => {
  it('a bad signature', async () => {
    expect(await rejection(await sign({}, forger))).toBe('InvalidSignature');
  });

  it('alg none', async () => {
    const unsigned = `${base64UrlJson({ alg: 'none', typ: 'logout+jwt' })}.${base64UrlJson(validClaims())}.`;
    expect(await rejection(unsigned)).toBe('UnsupportedAlgorithm');
  });

  it('something that is not a JWS', async () => {
    expect(await rejection('not.a-jws')).toBe('Malformed');
  });

  it('a wrong iss', async () => {
    expect(await rejection(await sign({ iss: 'https://evil.example/oidc' }))).toBe('InvalidIssuer');
  });

  it('a wrong aud', async () => {
    expect(await rejection(await sign({ aud: 'other-app' }))).toBe('InvalidAudience');
  });

  it('a missing iat', async () => {
    expect(await rejection(await sign({ iat: undefined }))).toBe('MissingIssuedAt');
  });

  it('an iat in the future beyond the tolerance', async () => {
    expect(await rejection(await sign({ iat: now + tolerance + 5, exp: now + 600 }))).toBe('IssuedInFuture');
  });

  it('a missing jti', async () => {
    expect(await rejection(await sign({ jti: undefined }))).toBe('MissingJwtId');
  });

  it('missing events', async () => {
    expect(await rejection(await sign({ events: undefined }))).toBe('MissingEvents');
  });

  it('events without the back-channel logout member', async () => {
    const events = { 'https://schemas.openid.net/secevent/risc/event-type/sessions-revoked': {} };
    expect(await rejection(await sign({ events }))).toBe('InvalidEvents');
  });

  it('an events member whose value is not a JSON object', async () => {
    expect(await rejection(await sign({ events: { [backchannelLogoutEvent]: 'yes' } }))).toBe(
      'InvalidEvents',
    );
    expect(await rejection(await sign({ events: { [backchannelLogoutEvent]: [] } }))).toBe('InvalidEvents');
  });

  it('neither sid nor sub', async () => {
    expect(await rejection(await sign({ sid: undefined, sub: undefined }))).toBe('MissingSubjectAndSession');
  });

  it('a nonce (an ID token passed off as a logout token)', async () => {
    expect(await rejection(await sign({ nonce: 'nonce-1' }))).toBe('NoncePresent');
  });

  it('an expired exp', async () => {
    expect(await rejection(await sign({ iat: now - 600, exp: now - tolerance - 1 }))).toBe('Expired');
  });

  it('a token without exp issued longer ago than its maximum age', async () => {
    expect(await rejection(await sign({ exp: undefined, iat: now - 120 - tolerance - 1 }))).toBe('Stale');
  });

  it('a replayed jti within its lifetime, but not a fresh one', async () => {
    const expected = expectations();
    const token = await sign();
    await verify(token, expected);
    expect(await rejection(token, expected)).toBe('Replayed');
    await expect(verify(await sign(), expected)).resolves.toBeDefined();
  });

  it('does not remember the jti of a token it rejected', async () => {
    const expected = expectations();
    const jti = 'jti-shared';
    expect(await rejection(await sign({ jti, nonce: 'n' }), expected)).toBe('NoncePresent');
    await expect(verify(await sign({ jti }), expected)).resolves.toMatchObject({ jti });
  });
});

describe('SeenLogoutTokens', () => {
  it('forgets a token once it expires, and stays within its capacity', () => {
    const seen = new SeenLogoutTokens(2);
    expect(seen.claim('a', 100, 0)).toBe(true);
    expect(seen.claim('a', 100, 50)).toBe(false);
    expect(seen.claim('a', 200, 101)).toBe(true);
    seen.claim('b', 300, 101);
    seen.claim('c', 300, 101);
    expect(seen.size).toBe(2);
  });
});
