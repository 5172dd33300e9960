/**
 * Never a session without a verified ID token: the hostile provider forges the ID token of each
 * sign-in at random (claims, header, signer, signature) and the client must either sign in with a
 * token that verifies under the provider's keys with the right iss, aud and nonce — exactly when every
 * forgery was harmless — or fail with a typed error and keep no session.
 */
import { fc, test } from '@fast-check/vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  isLogtoMachineError,
  LogtoClient,
  MemoryStorage,
  makeManualClock,
  makeMemoryLock,
  ProviderCache,
  RefreshLedger,
} from '../../src/index.ts';
import { expectNoSession, type Rig, redirectUri } from './harness.ts';
import {
  type Claims,
  defaultClientSecret,
  type HostileProvider,
  type IdTokenPlan,
  type KeyName,
  startHostileProvider,
  tamperSignature,
} from './hostileProvider.ts';

const clock = makeManualClock(Date.UTC(2026, 10, 27));
let provider: HostileProvider;
const outcomes = { accepted: 0, rejected: 0 };
beforeAll(async () => {
  provider = await startHostileProvider({}, { clock });
});
afterAll(async () => {
  await provider?.stop();
  // Both branches of the property ran: it is not vacuous.
  expect(outcomes.accepted).toBeGreaterThan(0);
  expect(outcomes.rejected).toBeGreaterThan(0);
});

/** Each forgery dimension: a value and whether a correct client must still accept the token. */
const option = <T>(value: T, harmless: boolean) => ({ value, harmless });
type Option<T> = ReturnType<typeof option<T>>;
/** Nine times in ten a harmless value, so that about a third of the sign-ins must succeed. */
const pick = <T>(options: readonly Option<T>[]) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...options.filter((o) => o.harmless)) },
    { weight: 1, arbitrary: fc.constantFrom(...options.filter((o) => !o.harmless)) },
  );

const remove = undefined;
const dimensions: Record<string, readonly Option<unknown>[]> = {
  iss: [option('keep', true), option('https://attacker.example/oidc', false), option(remove, false)],
  aud: [
    option('keep', true),
    option('as-array', true),
    option('another-client', false),
    option('with-untrusted-extra', false),
    option(remove, false),
  ],
  azp: [option(remove, true), option('self', true), option('another-client', false)],
  sub: [option('keep', true), option(remove, false), option('', false), option(42, false)],
  nonce: [option('keep', true), option('another-nonce', false), option(remove, false)],
  exp: [
    option('keep', true),
    option(-30, true), // within the 60 s clock tolerance
    option(-3600, false),
    option(remove, false),
  ],
  iat: [
    option('keep', true),
    option(-7 * 86_400, true),
    option(30, true), // within the clock tolerance
    option(3600, false),
    option(remove, false),
  ],
  alg: [
    option('keep', true),
    option('none', false),
    option('HS256', false),
    option('es384', false),
    option(remove, false),
  ],
  kid: [option('keep', true), option(remove, true), option('unknown-kid', false)],
  signer: [
    option('es384', true),
    option('es256', true),
    option('rs256', true),
    option('unpublished', false),
    option('hmac', false),
    option('none', false),
  ],
  signature: [option('keep', true), option('tamper', false), option('strip', false)],
};
const forgery = fc.record(
  Object.fromEntries(Object.entries(dimensions).map(([name, options]) => [name, pick(options)])),
);
/** No forgery at all: the sign-in must succeed. */
const genuine = Object.fromEntries(Object.entries(dimensions).map(([name, options]) => [name, options[0]!]));

type Forgery = Record<string, Option<unknown>>;

/**
 * Whether a correct client must accept the token. An extra audience is accepted when `azp` names this
 * client (OpenID Connect Core §3.1.3.7 steps 3–5 as the SDK reads them; see docs/conformance.md).
 */
const isHarmless = (f: Forgery) =>
  Object.entries(f).every(
    ([name, dimension]) =>
      dimension.harmless ||
      (name === 'aud' && dimension.value === 'with-untrusted-extra' && f.azp!.value === 'self'),
  );

const applyClaims = (f: Forgery, claims: Claims): Claims => {
  const next: Claims = { ...claims };
  const now = claims.iat as number;
  const set = (name: string, value: unknown) => {
    if (value === undefined) delete next[name];
    else next[name] = value;
  };
  if (f.iss!.value !== 'keep') set('iss', f.iss!.value);
  if (f.aud!.value === 'as-array') set('aud', [claims.aud]);
  else if (f.aud!.value === 'with-untrusted-extra') set('aud', [claims.aud, `${claims.aud}1`]);
  else if (f.aud!.value !== 'keep') set('aud', f.aud!.value);
  set('azp', f.azp!.value === 'self' ? provider.clientId : f.azp!.value);
  if (f.sub!.value !== 'keep') set('sub', f.sub!.value);
  if (f.nonce!.value !== 'keep') set('nonce', f.nonce!.value);
  if (f.exp!.value !== 'keep')
    set('exp', f.exp!.value === undefined ? undefined : now + (f.exp!.value as number));
  if (f.iat!.value !== 'keep')
    set('iat', f.iat!.value === undefined ? undefined : now + (f.iat!.value as number));
  return next;
};

const planOf = (f: Forgery): IdTokenPlan => ({
  claims: (claims) => applyClaims(f, claims),
  signer: f.signer!.value === 'hmac' ? { hmac: defaultClientSecret } : (f.signer!.value as KeyName | 'none'),
  header: (header) => {
    const next = { ...header };
    if (f.alg!.value !== 'keep') next.alg = f.alg!.value;
    if (f.kid!.value === undefined) delete next.kid;
    else if (f.kid!.value !== 'keep') next.kid = f.kid!.value;
    return next;
  },
  jws: (jws) =>
    f.signature!.value === 'tamper'
      ? tamperSignature(jws)
      : f.signature!.value === 'strip'
        ? `${jws.split('.').slice(0, 2).join('.')}.`
        : jws,
});

describe('never a session without a verified ID token', () => {
  test.prop([forgery], {
    numRuns: Math.max(25, Math.floor(Number(process.env.FUZZ_RUNS ?? 0) / 100)),
    examples: [[genuine]],
  })(
    'a forged ID token is either harmless and verified, or rejected with a typed error and no session',
    async (drawn) => {
      const f = drawn as Forgery;
      const harmless = isHarmless(f);
      provider.plan = { idToken: planOf(f) };
      const storage = new MemoryStorage();
      const options = {
        storage,
        clock,
        timeoutMs: 2_000,
        cache: new ProviderCache(),
        ledger: new RefreshLedger(),
        lock: makeMemoryLock(),
      };
      const config = {
        endpoint: provider.endpoint,
        appId: provider.clientId,
        appSecret: defaultClientSecret,
      };
      const client = new LogtoClient(config, options);
      const signInUrl = new URL(await client.signIn({ redirectUri }));
      const nonce = signInUrl.searchParams.get('nonce');
      const callbackUrl = await provider.authorize(signInUrl.href);
      let error: unknown;
      try {
        await client.handleSignInCallback(callbackUrl);
      } catch (caught) {
        error = caught;
      }
      if (error === undefined) {
        expect(harmless).toBe(true);
        outcomes.accepted++;
        const idToken = (await client.getIdToken())!;
        const { payload, protectedHeader } = await jwtVerify(
          idToken,
          createLocalJWKSet(await provider.publishedJwks()),
          {
            issuer: provider.issuer,
            audience: provider.clientId,
            algorithms: ['ES384', 'ES256', 'RS256'],
            currentDate: new Date(clock.now()),
            clockTolerance: 60,
          },
        );
        expect(payload.nonce).toBe(nonce);
        expect(payload.sub).toBe(provider.subject);
        expect(protectedHeader.alg).not.toBe('none');
        expect(await client.isAuthenticated()).toBe(true);
      } else {
        expect(isLogtoMachineError(error), String(error)).toBe(true);
        expect(harmless).toBe(false);
        outcomes.rejected++;
        const rig = { provider, storage, again: () => new LogtoClient(config, options) } as unknown as Rig;
        await expectNoSession(rig);
      }
    },
  );
});
