import { describe, expect, it } from 'vitest';
import { CallbackError } from '../errors.ts';
import { validateCallback } from './callback.ts';
import type { ProviderMetadata } from './discovery.ts';
import type { SignInTransaction } from './signIn.ts';

const issuer = 'https://tenant.example/oidc';
const now = Date.UTC(2026, 0, 1);

const metadata = (overrides: Partial<ProviderMetadata> = {}): ProviderMetadata => ({
  issuer,
  authorization_endpoint: `${issuer}/auth`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  authorization_response_iss_parameter_supported: true,
  ...overrides,
});

const transaction = (overrides: Partial<SignInTransaction> = {}): SignInTransaction => ({
  state: 'state-1',
  nonce: 'nonce-1',
  codeVerifier: 'verifier-1',
  redirectUri: 'https://app.example/callback',
  expiresAt: now + 600_000,
  ...overrides,
});

const pending = (tx: SignInTransaction = transaction()) => ({ [tx.state]: tx });

/** A callback URL at `base` with `params` (default: a successful response for state-1). */
const callbackUrl = (params: Record<string, string> = {}, base = 'https://app.example/callback') => {
  const url = new URL(base);
  for (const [key, value] of Object.entries({ code: 'code-1', state: 'state-1', iss: issuer, ...params })) {
    if (value !== '') url.searchParams.set(key, value);
  }
  return url.href;
};

/** The callback error's reason, failing the test if the callback was accepted. */
const rejection = (result: ReturnType<typeof validateCallback>) => {
  if (!(result instanceof CallbackError)) throw new Error('expected the callback to be rejected');
  return result;
};

describe('validateCallback accepts', () => {
  it('a callback for a pending transaction, returning its code and transaction', () => {
    expect(validateCallback(callbackUrl(), pending(), metadata(), now)).toEqual({
      code: 'code-1',
      transaction: transaction(),
    });
  });

  it('a redirect URI that has its own query', () => {
    const tx = transaction({ redirectUri: 'https://app.example/callback?tenant=acme' });
    const url = callbackUrl({}, 'https://app.example/callback?tenant=acme');
    expect(validateCallback(url, pending(tx), metadata(), now)).toEqual({ code: 'code-1', transaction: tx });
  });

  it('a callback without iss when the provider does not promise one (RFC 9207)', () => {
    const result = validateCallback(
      callbackUrl({ iss: '' }),
      pending(),
      metadata({ authorization_response_iss_parameter_supported: false }),
      now,
    );
    expect(result).toEqual({ code: 'code-1', transaction: transaction() });
  });

  it('the right transaction when several tabs are signing in', () => {
    const other = transaction({ state: 'state-2', nonce: 'nonce-2' });
    const result = validateCallback(
      callbackUrl({ state: 'state-2' }),
      { ...pending(), ...pending(other) },
      metadata(),
      now,
    );
    expect(result).toEqual({ code: 'code-1', transaction: other });
  });
});

describe('validateCallback rejects the URL and state', () => {
  it.each([
    ['a relative path', '/callback?code=c&state=state-1'],
    ['garbage', 'not a url'],
    ['an empty string', ''],
  ])('InvalidUrl for %s', (_, url) => {
    expect(rejection(validateCallback(url, pending(), metadata(), now)).reason).toBe('InvalidUrl');
  });

  it('MissingState without state', () => {
    expect(rejection(validateCallback(callbackUrl({ state: '' }), pending(), metadata(), now)).reason).toBe(
      'MissingState',
    );
  });

  it('UnknownState for a state no sign-in started', () => {
    const result = validateCallback(callbackUrl({ state: 'state-9' }), pending(), metadata(), now);
    expect(rejection(result).reason).toBe('UnknownState');
  });

  it.each(['__proto__', 'constructor', 'toString'])(
    'UnknownState for the inherited property name %s',
    (state) => {
      const result = validateCallback(callbackUrl({ state }), pending(), metadata(), now);
      expect(rejection(result).reason).toBe('UnknownState');
    },
  );

  it('UnknownState for an expired transaction', () => {
    const result = validateCallback(callbackUrl(), pending(transaction({ expiresAt: now })), metadata(), now);
    expect(rejection(result).reason).toBe('UnknownState');
  });
});

describe('validateCallback rejects a callback at another redirect URI', () => {
  it.each([
    ['another path', 'https://app.example/other'],
    ['another origin', 'https://evil.example/callback'],
    ['another port', 'https://app.example:8443/callback'],
    ['http instead of https', 'http://app.example/callback'],
    ['a prefix-extended path', 'https://app.example/callback-evil'],
    ['a sub-path', 'https://app.example/callback/evil'],
  ])('%s', (_, base) => {
    const result = validateCallback(callbackUrl({}, base), pending(), metadata(), now);
    expect(rejection(result).reason).toBe('RedirectUriMismatch');
  });
});

describe('validateCallback reports the provider', () => {
  it('error and error_description as ProviderError fields', () => {
    const url = callbackUrl({ code: '', error: 'access_denied', error_description: 'The user cancelled.' });
    const error = rejection(validateCallback(url, pending(), metadata(), now));
    expect(error).toMatchObject({
      reason: 'ProviderError',
      error: 'access_denied',
      errorDescription: 'The user cancelled.',
    });
    expect(error.message).toContain('access_denied');
  });

  it('error without description', () => {
    const url = callbackUrl({ code: '', error: 'login_required' });
    expect(rejection(validateCallback(url, pending(), metadata(), now))).toMatchObject({
      reason: 'ProviderError',
      error: 'login_required',
      errorDescription: undefined,
    });
  });

  it('IssuerMismatch for an iss other than the configured issuer (mix-up defence)', () => {
    const url = callbackUrl({ iss: 'https://evil.example/oidc' });
    expect(rejection(validateCallback(url, pending(), metadata(), now)).reason).toBe('IssuerMismatch');
  });

  it('IssuerMismatch before a provider error from another issuer', () => {
    const url = callbackUrl({ iss: 'https://evil.example/oidc', error: 'access_denied' });
    expect(rejection(validateCallback(url, pending(), metadata(), now)).reason).toBe('IssuerMismatch');
  });

  it('MissingIssuer when the provider always sends iss and this callback has none', () => {
    const url = callbackUrl({ iss: '' });
    expect(rejection(validateCallback(url, pending(), metadata(), now)).reason).toBe('MissingIssuer');
  });

  it('MissingCode without code', () => {
    const url = callbackUrl({ code: '' });
    expect(rejection(validateCallback(url, pending(), metadata(), now)).reason).toBe('MissingCode');
  });
});
