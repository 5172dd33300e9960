import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { CallbackError } from '../errors.ts';
import { validateCallback } from './callback.ts';
import type { ProviderMetadata } from './discovery.ts';
import type { SignInTransaction } from './signIn.ts';

const numRuns = Number(process.env.FUZZ_RUNS ?? 200);
const issuer = 'https://tenant.example/oidc';
const now = Date.UTC(2026, 0, 1);
const reasons: readonly CallbackError['reason'][] = [
  'InvalidUrl',
  'RedirectUriMismatch',
  'ProviderError',
  'MissingState',
  'UnknownState',
  'MissingCode',
  'MissingIssuer',
  'IssuerMismatch',
];

const redirectUris = [
  'https://app.example/callback',
  'https://app.example/callback?tenant=acme',
  'http://127.0.0.1:3000/auth/callback',
];
const transaction = fc.record({
  state: fc.oneof(
    fc.constantFrom('state-1', 'state-2', '__proto__', 'constructor'),
    fc.string({ minLength: 1 }),
  ),
  nonce: fc.string(),
  codeVerifier: fc.string(),
  redirectUri: fc.constantFrom(...redirectUris),
  expiresAt: fc.integer({ min: now, max: now + 600_000 }),
});
const transactions = fc
  .array(transaction, { maxLength: 3 })
  .map((list): Record<string, SignInTransaction> => Object.fromEntries(list.map((tx) => [tx.state, tx])));
const metadata = fc.boolean().map(
  (promised): ProviderMetadata => ({
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    authorization_response_iss_parameter_supported: promised,
  }),
);

/** Values that hit each check: the real ones, near misses, empty, and anything at all. */
const paramValue = (real: readonly string[]) =>
  fc.oneof(fc.constantFrom(...real, '', ' '), fc.string(), fc.string({ unit: 'binary' }));
const param = fc.oneof(
  fc.tuple(fc.constant('state'), paramValue(['state-1', 'state-2', '__proto__'])),
  fc.tuple(fc.constant('code'), paramValue(['code-1'])),
  fc.tuple(fc.constant('iss'), paramValue([issuer, `${issuer}/`, 'https://attacker.example/oidc'])),
  fc.tuple(fc.constant('error'), paramValue(['access_denied'])),
  fc.tuple(fc.constant('error_description'), fc.string()),
  fc.tuple(fc.string(), fc.string()),
);
const bases = [
  ...redirectUris,
  'https://app.example/callback/',
  'https://app.example/Callback',
  'https://evil.example/callback',
  'http://app.example/callback',
  'https://app.example:443/callback',
  'https://user:pass@app.example/callback',
];

/** One way to spoil a callback. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom('state', 'code', 'iss') }),
  fc.record({ kind: fc.constant('set' as const), param }),
  fc.record({ kind: fc.constant('append' as const), param }),
  fc.record({ kind: fc.constant('base' as const), base: fc.constantFrom(...bases) }),
  fc.record({ kind: fc.constant('hash' as const), hash: fc.string() }),
);

/**
 * A callback for one of the pending transactions (when there is one) as the provider would send it,
 * spoilt by zero or more mutations; or any URL at one of the bases with random parameters.
 */
const scenario = transactions.chain((pending) => {
  const states = Object.keys(pending);
  const answer = fc
    .tuple(
      states.length > 0 ? fc.constantFrom(...states) : fc.constant('state-1'),
      fc.string({ minLength: 1 }),
      fc.array(mutation, { maxLength: 3 }),
    )
    .map(([state, code, mutations]) => {
      let url = new URL(pending[state]?.redirectUri ?? redirectUris[0]!);
      url.searchParams.set('code', code);
      url.searchParams.set('state', state);
      url.searchParams.set('iss', issuer);
      for (const change of mutations) {
        if (change.kind === 'delete') url.searchParams.delete(change.name);
        else if (change.kind === 'set') url.searchParams.set(change.param[0], change.param[1]);
        else if (change.kind === 'append') url.searchParams.append(change.param[0], change.param[1]);
        else if (change.kind === 'hash') url.hash = change.hash;
        else {
          const next = new URL(change.base);
          next.search = url.search;
          url = next;
        }
      }
      return url.href;
    });
  const random = fc
    .tuple(fc.constantFrom(...bases), fc.array(param, { maxLength: 8 }))
    .map(([base, params]) => {
      const url = new URL(base);
      for (const [name, value] of params) url.searchParams.append(name, value);
      return url.href;
    });
  const callbackUrl = fc.oneof(
    { weight: 6, arbitrary: answer },
    { weight: 2, arbitrary: random },
    { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
    // Not even a string: the facade is called from JavaScript too.
    { weight: 1, arbitrary: fc.anything() as fc.Arbitrary<never> },
  );
  return fc.tuple(callbackUrl, fc.constant(pending));
});

const accepted = { count: 0 };

describe('validateCallback (fuzzed)', () => {
  afterAll(() => {
    // The generators reach the accepting path, not only the rejections.
    expect(accepted.count).toBeGreaterThan(0);
  });

  test.prop(
    [scenario, metadata, fc.oneof(fc.constant(now), fc.integer({ min: now - 1_000, max: now + 700_000 }))],
    { numRuns },
  )(
    'returns a CallbackError or a callback for a live transaction with its state and a non-empty code; never throws',
    ([url, pending], provider, at) => {
      const result = validateCallback(url, pending, provider, at);
      if (result instanceof CallbackError) {
        expect(reasons).toContain(result.reason);
        expect(typeof result.message).toBe('string');
        return;
      }
      accepted.count++;
      const parsed = new URL(url);
      const state = parsed.searchParams.get('state');
      expect(state).not.toBeNull();
      expect(Object.hasOwn(pending, state!)).toBe(true);
      expect(result.transaction).toBe(pending[state!]);
      expect(result.transaction.state).toBe(state);
      expect(result.transaction.expiresAt).toBeGreaterThan(at);
      expect(result.code).toBe(parsed.searchParams.get('code'));
      expect(result.code.length).toBeGreaterThan(0);
      expect(parsed.searchParams.get('error')).toBeFalsy();
      const redirect = new URL(result.transaction.redirectUri);
      expect(`${parsed.origin}${parsed.pathname}`).toBe(`${redirect.origin}${redirect.pathname}`);
      const iss = parsed.searchParams.get('iss');
      if (iss !== null || provider.authorization_response_iss_parameter_supported) expect(iss).toBe(issuer);
    },
  );
});
