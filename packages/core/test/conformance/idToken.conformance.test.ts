/**
 * The OpenID conformance suite's ID-token client tests, against a hostile provider over HTTP: each
 * `it` is one module (current `oidcc-client-test-*` / `fapi2-…-client-test-*` name, legacy `rp-*` name).
 * A rejection must be the typed error with its reason, and leave no session behind.
 *
 * @see https://openid.net/certification/connect_rp_testing/
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { IdTokenError } from '../../src/index.ts';
import { encodeBase64Url } from '../../src/oidc/base64url.ts';
import {
  expectError,
  expectNoSession,
  expectSession,
  redirectUri,
  rejectedSignIn,
  signIn,
  useRigs,
} from './harness.ts';
import {
  type Claims,
  defaultClientSecret,
  providerKey,
  tamperSignature,
  withoutKid,
} from './hostileProvider.ts';

const rig = useRigs();
const day = 24 * 60 * 60;
const attacker = 'https://attacker.example/oidc';

/** A plan whose code-grant ID token has its claims rewritten by `change`. */
const claims = (change: (claims: Claims) => Claims) => ({ idToken: { claims: change } });
const without =
  (...names: string[]) =>
  (claims: Claims) =>
    Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));

describe('accepted as required', () => {
  it('oidcc-client-test (rp-response_type-code): signs in with the code flow, PKCE S256, state and nonce', async () => {
    const setup = await rig();
    const { signInUrl, nonce } = await signIn(setup);
    expect(Object.fromEntries(signInUrl.searchParams)).toMatchObject({
      response_type: 'code',
      code_challenge_method: 'S256',
      client_id: setup.provider.clientId,
      redirect_uri: redirectUri,
    });
    expect(signInUrl.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'profile']),
    );
    const claims = await expectSession(setup, nonce);
    expect(claims).toMatchObject({ aud: setup.provider.clientId, name: 'Ada Lovelace' });
    // The access token of the code grant is handed out as is, without another request.
    expect(setup.provider.issued.accessTokens.has((await setup.client.getAccessToken())!)).toBe(true);
    expect(setup.provider.count('token')).toBe(1);
    expect((await setup.client.fetchUserInfo()).sub).toBe(setup.provider.subject);
  });

  it('oidcc-client-test-idtoken-sig-rs256 (rp-id_token-sig-rs256): accepts an ID token signed with RS256', async () => {
    const setup = await rig({ idToken: { signer: 'rs256' } });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
  });

  it('oidcc-client-test-kid-absent-single-jwks (rp-id_token-kid-absent-single-jwks): accepts a token without kid when one key fits', async () => {
    const setup = await rig({
      idToken: { signer: 'rs256', header: without('kid') },
      jwks: { keys: [withoutKid((await providerKey('rs256')).jwk)] },
    });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
  });

  it('oidcc-client-test-kid-absent-multiple-jwks (rp-id_token-kid-absent-multiple-jwks): tries every fitting key, accepting the one that verifies', async () => {
    const [first, second] = await Promise.all([providerKey('rs256'), providerKey('rs256b')]);
    const setup = await rig({
      // Signed with the second of two RSA keys, neither with a kid: the first candidate fails.
      idToken: { signer: 'rs256b', header: without('kid') },
      jwks: { keys: [withoutKid(first.jwk), withoutKid(second.jwk)] },
    });
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    expect(setup.provider.count('jwks')).toBe(1);
  });

  it('fapi2-security-profile-final-client-test-valid-aud-as-array (no legacy rp-* test): accepts aud as a one-element array', async () => {
    const setup = await rig(claims((c) => ({ ...c, aud: [c.aud] })));
    const { nonce } = await signIn(setup);
    expect((await expectSession(setup, nonce)).aud).toEqual([setup.provider.clientId]);
  });

  it('fapi2-security-profile-final-client-test-iat-is-week-in-past (no legacy rp-* test): accepts an iat a week old while exp is ahead', async () => {
    const setup = await rig(claims((c) => ({ ...c, iat: (c.iat as number) - 7 * day })));
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
  });

  it('oidcc-client-test-signing-key-rotation (rp-key-rotation-op-sign-key): an unknown kid re-fetches the JWKS exactly once, then accepts', async () => {
    const setup = await rig({ idToken: { signer: 'rs256' }, jwks: { keys: ['rs256'] } });
    await signIn(setup);
    expect(setup.provider.count('jwks')).toBe(1);
    // The provider rotates its signing key; the client's cached JWKS does not know the new kid.
    setup.provider.plan = { idToken: { signer: 'rotated' }, jwks: { keys: ['rotated'] } };
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    expect(setup.provider.count('jwks')).toBe(2);
    // Later tokens use the refreshed cache: no further JWKS request.
    await signIn(setup);
    expect(setup.provider.count('jwks')).toBe(2);
  });
});

describe('rejected as required', () => {
  it.each([
    [
      'oidcc-client-test-invalid-iss (rp-id_token-issuer-mismatch): rejects an iss that is not the issuer',
      claims((c) => ({ ...c, iss: attacker })),
      'InvalidIssuer',
    ],
    [
      'fapi2-security-profile-final-client-test-invalid-missing-iss (no legacy rp-* test): rejects an ID token without iss',
      claims(without('iss')),
      'InvalidIssuer',
    ],
    [
      'oidcc-client-test-missing-sub (rp-id_token-sub): rejects an ID token without sub',
      claims(without('sub')),
      'MissingSubject',
    ],
    [
      'oidcc-client-test-invalid-aud (rp-id_token-aud): rejects an aud that is another client',
      claims((c) => ({ ...c, aud: 'another-client' })),
      'InvalidAudience',
    ],
    [
      'oidcc-client-test-missing-aud / fapi2-security-profile-final-client-test-invalid-missing-aud (rp-id_token-aud): rejects an ID token without aud',
      claims(without('aud')),
      'InvalidAudience',
    ],
    [
      'fapi2-security-profile-final-client-test-invalid-secondary-aud (no legacy rp-* test): rejects an extra, untrusted audience without azp',
      claims((c) => ({ ...c, aud: [c.aud, `${c.aud}1`] })),
      'InvalidAuthorizedParty',
    ],
    [
      'oidcc-client-test-missing-iat (rp-id_token-iat): rejects an ID token without iat',
      claims(without('iat')),
      'MissingIssuedAt',
    ],
    [
      'fapi2-security-profile-final-client-test-invalid-expired-exp (no legacy rp-* test): rejects an exp an hour ago',
      claims((c) => ({ ...c, exp: (c.iat as number) - 3600, iat: (c.iat as number) - 7200 })),
      'Expired',
    ],
    [
      'fapi2-security-profile-final-client-test-invalid-missing-exp (no legacy rp-* test): rejects an ID token without exp',
      claims(without('exp')),
      'MissingExpiry',
    ],
    [
      'oidcc-client-test-nonce-invalid / fapi2-security-profile-final-client-test-invalid-nonce (rp-nonce-invalid): rejects a nonce of another sign-in',
      claims((c) => ({ ...c, nonce: 'nonce-of-another-sign-in' })),
      'NonceMismatch',
    ],
    [
      'fapi2-security-profile-final-client-test-invalid-missing-nonce (no legacy rp-* test): rejects an ID token without the nonce that was sent',
      claims(without('nonce')),
      'NonceMismatch',
    ],
  ] as const)('%s', async (_, plan, reason) => {
    const setup = await rig(plan);
    expectError(await rejectedSignIn(setup), IdTokenError, reason);
    expect(setup.provider.count('token')).toBe(1);
    await expectNoSession(setup);
  });

  it('oidcc-client-test-invalid-sig-rs256 (rp-id_token-bad-sig-rs256): rejects an RS256 token whose signature does not verify', async () => {
    const setup = await rig({ idToken: { signer: 'rs256', jws: tamperSignature } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'InvalidSignature');
    await expectNoSession(setup);
  });

  it('oidcc-client-test-invalid-sig-es256 (rp-id_token-bad-sig-es256): rejects an ES256 token whose signature does not verify', async () => {
    const setup = await rig({ idToken: { signer: 'es256', jws: tamperSignature } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'InvalidSignature');
    await expectNoSession(setup);
  });

  it('oidcc-client-test-idtoken-sig-none (rp-id_token-sig-none): rejects an unsigned ID token even from the token endpoint (the suite allows either; we never accept alg none)', async () => {
    const setup = await rig({ idToken: { signer: 'none' } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'UnsupportedAlgorithm');
    await expectNoSession(setup);
    expect(setup.provider.count('userinfo')).toBe(0);
  });

  it('fapi2-security-profile-final-client-test-invalid-null-alg (no legacy rp-* test): rejects alg none', async () => {
    const setup = await rig({ idToken: { signer: 'none' } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'UnsupportedAlgorithm');
    await expectNoSession(setup);
  });

  it('oidcc-client-test-invalid-sig-hs256 (rp-id_token-bad-sig-hs256): rejects HS256, even a MAC made with the client secret while the JWKS is asymmetric (alg confusion)', async () => {
    for (const hmac of [defaultClientSecret, 'a-secret-the-client-does-not-know']) {
      const setup = await rig({ idToken: { signer: { hmac } } });
      expectError(await rejectedSignIn(setup), IdTokenError, 'UnsupportedAlgorithm');
      await expectNoSession(setup);
    }
  });

  it('fapi2-security-profile-final-client-test-invalid-alternate-alg (no legacy rp-* test): rejects RS256 when discovery says PS256', async () => {
    const setup = await rig({
      idToken: { signer: 'rs256' },
      discovery: { body: (document) => ({ ...document, id_token_signing_alg_values_supported: ['PS256'] }) },
    });
    expectError(await rejectedSignIn(setup), IdTokenError, 'UnsupportedAlgorithm');
    await expectNoSession(setup);
  });
});

describe('beyond the suite: key selection and algorithm confusion', () => {
  it('a kid the JWKS does not have, even after one re-fetch, is NoMatchingKey', async () => {
    const setup = await rig({ idToken: { header: (header) => ({ ...header, kid: 'unknown-kid' }) } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'NoMatchingKey');
    expect(setup.provider.count('jwks')).toBe(2);
    await expectNoSession(setup);
  });

  it('JWKS flooding: a second unknown kid within the cooldown triggers no further JWKS request', async () => {
    const setup = await rig({ idToken: { header: (header) => ({ ...header, kid: 'unknown-1' }) } });
    await rejectedSignIn(setup);
    setup.provider.plan = { idToken: { header: (header) => ({ ...header, kid: 'unknown-2' }) } };
    expectError(await rejectedSignIn(setup), IdTokenError, 'NoMatchingKey');
    expect(setup.provider.count('jwks')).toBe(2);
  });

  it('a key that is not published, under a published kid, is InvalidSignature', async () => {
    const setup = await rig({ idToken: { signer: 'unpublished' } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'InvalidSignature');
    await expectNoSession(setup);
  });

  it.each([
    ['alg "None"', { alg: 'None' }],
    ['alg "NONE"', { alg: 'NONE' }],
    ['alg null', { alg: null }],
    ['no alg', { alg: undefined }],
    ['alg "es384" (wrong case)', { alg: 'es384' }],
    ['alg "HS256" over an ES384 signature', { alg: 'HS256' }],
  ])('a header with %s is UnsupportedAlgorithm', async (_, change) => {
    const setup = await rig({ idToken: { header: (header) => ({ ...header, ...change }) } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'UnsupportedAlgorithm');
    await expectNoSession(setup);
  });

  it('alg none with the original signature left in place is UnsupportedAlgorithm', async () => {
    const setup = await rig({
      idToken: {
        jws: (jws) => {
          const [, payload, signature] = jws.split('.');
          return `${encodeBase64Url(new TextEncoder().encode('{"alg":"none"}'))}.${payload}.${signature}`;
        },
      },
    });
    expectError(await rejectedSignIn(setup), IdTokenError, 'UnsupportedAlgorithm');
    await expectNoSession(setup);
  });

  it.each([
    ['an empty string', () => ''],
    ['two segments', (jws: string) => jws.split('.').slice(0, 2).join('.')],
    ['a JWE-like five segments', (jws: string) => `${jws}.x.y`],
    ['a payload that is not JSON', (jws: string) => jws.replace(/\.[^.]+\./, '.bm90IGpzb24.')],
  ])('an ID token that is %s is Malformed', async (_, jws) => {
    const setup = await rig({ idToken: { jws } });
    const error = await rejectedSignIn(setup);
    // An empty id_token is no id_token at all: the token response is refused before any JWT parsing.
    if ((error as { _tag?: string })._tag === 'TokenRequestError')
      expect(error.reason).toBe('InvalidResponse');
    else expectError(error, IdTokenError, 'Malformed');
    await expectNoSession(setup);
  });

  it('the accepted ID token verifies with the provider keys and the allow-list (sanity check of the oracle)', async () => {
    const setup = await rig();
    await signIn(setup);
    const idToken = (await setup.client.getIdToken())!;
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(await setup.provider.publishedJwks()), {
      issuer: setup.provider.issuer,
      audience: setup.provider.clientId,
      algorithms: ['ES384'],
    });
    expect(payload.sub).toBe(setup.provider.subject);
  });
});
