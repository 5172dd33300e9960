import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { type LogtoConfig, type NormalizedConfig, normalizeConfig } from './config.ts';
import type { ProviderMetadata } from './discovery.ts';
import { UserInfoScope } from './scopes.ts';
import { buildAuthorizationUrl, type SignInOptions, type SignInTransaction } from './signIn.ts';

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

/** The authorization URL's query for `options`. */
const params = (options: Partial<SignInOptions> = {}, configOverrides: Partial<LogtoConfig> = {}) =>
  new URL(
    buildAuthorizationUrl(metadata, config(configOverrides), transaction, 'challenge-1', {
      redirectUri: transaction.redirectUri,
      ...options,
    }),
  ).searchParams;

describe('buildAuthorizationUrl', () => {
  it('targets the discovered authorization endpoint', () => {
    const url = new URL(
      buildAuthorizationUrl(metadata, config(), transaction, 'challenge-1', {
        redirectUri: transaction.redirectUri,
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://tenant.example/oidc/auth');
  });

  it('sends the protocol parameters of the transaction, with PKCE S256', () => {
    const query = params();
    expect(Object.fromEntries(query)).toMatchObject({
      client_id: 'app-1',
      redirect_uri: 'https://app.example/callback',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
      state: 'state-1',
      nonce: 'nonce-1',
      response_type: 'code',
    });
    expect(query.has('code_verifier')).toBe(false);
  });

  it('asks for consent by default, so that Logto issues a refresh token', () => {
    expect(params().get('prompt')).toBe('consent');
  });

  it('takes the prompt of the sign-in over the configured one', () => {
    expect(params({ prompt: ['login', 'consent'] }, { prompt: 'consent' }).get('prompt')).toBe(
      'login consent',
    );
  });

  it('asks for the reserved scopes once each, then the configured ones', () => {
    const scope = params({}, { scopes: ['email', 'openid', 'profile', 'email'] }).get('scope');
    expect(scope).toBe('openid offline_access profile email');
  });

  it('sends one resource parameter per configured resource', () => {
    const query = params({}, { resources: ['https://api.example', 'https://billing.example'] });
    expect(query.getAll('resource')).toEqual(['https://api.example', 'https://billing.example']);
  });

  it('sends no resource parameter when none is configured', () => {
    expect(params().has('resource')).toBe(false);
  });

  it('adds the organizations resource when the organizations scope is configured', () => {
    const query = params({}, { scopes: [UserInfoScope.Organizations], resources: ['https://api.example'] });
    expect(query.getAll('resource')).toEqual(['https://api.example', 'urn:logto:resource:organizations']);
    expect(query.get('scope')?.split(' ')).toContain('urn:logto:scope:organizations');
  });
});

describe('buildAuthorizationUrl picks the first screen', () => {
  it('register for interactionMode signUp', () => {
    expect(params({ interactionMode: 'signUp' }).get('first_screen')).toBe('register');
  });

  it('sign_in for interactionMode signIn', () => {
    expect(params({ interactionMode: 'signIn' }).get('first_screen')).toBe('sign_in');
  });

  it('none without interactionMode or firstScreen (Logto decides)', () => {
    expect(params().has('first_screen')).toBe(false);
  });

  it('firstScreen over interactionMode', () => {
    expect(params({ interactionMode: 'signUp', firstScreen: 'identifier:sign_in' }).get('first_screen')).toBe(
      'identifier:sign_in',
    );
  });
});

describe("buildAuthorizationUrl passes Logto's sign-in options", () => {
  it('loginHint as login_hint', () => {
    expect(params({ loginHint: 'ada@example.com' }).get('login_hint')).toBe('ada@example.com');
  });

  it('directSignIn as direct_sign_in=<method>:<target>', () => {
    expect(params({ directSignIn: { method: 'social', target: 'google' } }).get('direct_sign_in')).toBe(
      'social:google',
    );
  });

  it('identifier as a space-separated list', () => {
    expect(params({ identifier: ['email', 'phone'] }).get('identifier')).toBe('email phone');
  });

  it('extra parameters the SDK does not set', () => {
    const query = params({ extraParams: { ui_locales: 'de', organization_id: 'org-1' } });
    expect(query.get('ui_locales')).toBe('de');
    expect(query.get('organization_id')).toBe('org-1');
  });

  it('never lets an extra parameter replace a protocol parameter', () => {
    const query = params(
      {
        loginHint: 'ada@example.com',
        extraParams: {
          client_id: 'evil-app',
          redirect_uri: 'https://evil.example/callback',
          code_challenge: 'evil',
          code_challenge_method: 'plain',
          state: 'evil-state',
          nonce: 'evil-nonce',
          response_type: 'token',
          prompt: 'none',
          scope: 'openid',
          resource: 'https://evil.example',
          login_hint: 'mallory@example.com',
        },
      },
      { resources: ['https://api.example'] },
    );
    expect(Object.fromEntries(query)).toMatchObject({
      client_id: 'app-1',
      redirect_uri: 'https://app.example/callback',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
      state: 'state-1',
      nonce: 'nonce-1',
      response_type: 'code',
      prompt: 'consent',
      scope: 'openid offline_access profile',
      login_hint: 'ada@example.com',
    });
    expect(query.getAll('resource')).toEqual(['https://api.example']);
    expect(query.getAll('state')).toEqual(['state-1']);
  });
});
