import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { type LogtoConfig, normalizeConfig } from './config.ts';

const valid: LogtoConfig = { endpoint: 'https://tenant.example', appId: 'app-1' };

const normalized = (overrides: Partial<LogtoConfig> = {}) => {
  const result = normalizeConfig({ ...valid, ...overrides });
  if (result instanceof ConfigError) throw new Error(`expected a valid config, got ${result.message}`);
  return result;
};

const reason = (overrides: Record<string, unknown>) => {
  const result = normalizeConfig({ ...valid, ...overrides } as LogtoConfig);
  if (!(result instanceof ConfigError)) throw new Error('expected the config to be rejected');
  return result.reason;
};

describe('normalizeConfig derives', () => {
  it('the issuer at /oidc under the endpoint', () => {
    expect(normalized().issuer).toBe('https://tenant.example/oidc');
  });

  it.each([
    ['https://a.example/auth/', 'https://a.example/auth/oidc'],
    ['https://a.example/auth', 'https://a.example/auth/oidc'],
    ['https://a.example/', 'https://a.example/oidc'],
  ])('the issuer of %s as %s, keeping the path prefix', (endpoint, issuer) => {
    expect(normalized({ endpoint }).issuer).toBe(issuer);
  });

  it.each([
    ['http://localhost:3001', 'http://localhost:3001/oidc'],
    ['http://127.0.0.1:3001', 'http://127.0.0.1:3001/oidc'],
    ['http://[::1]:3001', 'http://[::1]:3001/oidc'],
  ])('an http loopback endpoint for local development: %s', (endpoint, issuer) => {
    expect(normalized({ endpoint }).issuer).toBe(issuer);
  });

  it('the reserved scopes first, each scope once', () => {
    expect(normalized({ scopes: ['email', 'profile', 'email'] }).scopes).toEqual([
      'openid',
      'offline_access',
      'profile',
      'email',
    ]);
  });

  it('prompt=consent by default, and joins several prompts', () => {
    expect(normalized().prompt).toBe('consent');
    expect(normalized({ prompt: ['login', 'consent'] }).prompt).toBe('login consent');
  });

  it('a public client without appSecret', () => {
    expect(normalized().appSecret).toBeUndefined();
    expect(normalized({ appSecret: 's3cret' }).appSecret).toBe('s3cret');
  });
});

describe('normalizeConfig rejects', () => {
  // `new URL('https://t.example/?').search` is '' although the href keeps the '?', so an emptiness test
  // on search/hash alone lets these through and the issuer becomes 'https://t.example/?/oidc'.
  it.each([
    ['an empty query', 'https://tenant.example/?'],
    ['an empty fragment', 'https://tenant.example/#'],
  ])('an endpoint with %s, or derives the plain issuer', (_, endpoint) => {
    const result = normalizeConfig({ ...valid, endpoint });
    if (result instanceof ConfigError) expect(result.reason).toBe('InvalidEndpoint');
    else expect(result.issuer).toBe('https://tenant.example/oidc');
  });

  it.each([
    ['http on a public host', 'http://tenant.example'],
    ['a query', 'https://tenant.example?tenant=a'],
    ['a fragment', 'https://tenant.example#top'],
    ['something that is not a URL', 'tenant.example'],
    ['another scheme', 'ftp://tenant.example'],
    ['a host that only starts like loopback', 'http://127.0.0.1.evil.example'],
    ['a missing endpoint', undefined],
  ])('an endpoint with %s as InvalidEndpoint', (_, endpoint) => {
    expect(reason({ endpoint })).toBe('InvalidEndpoint');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['missing', undefined],
  ])('an %s appId as InvalidAppId', (_, appId) => {
    expect(reason({ appId })).toBe('InvalidAppId');
  });

  it('an empty appSecret as InvalidOption', () => {
    expect(reason({ appSecret: '' })).toBe('InvalidOption');
  });

  it.each([
    ['a scope with a space', ['email phone']],
    ['an empty scope', ['']],
    ['a string instead of an array', 'email'],
    ['a non-string scope', [42]],
  ])('scopes with %s as InvalidScope', (_, scopes) => {
    expect(reason({ scopes })).toBe('InvalidScope');
  });

  it.each([
    ['a relative resource', ['/api']],
    ['a resource with a fragment', ['https://api.example#v1']],
    ['an empty resource', ['']],
    ['a string instead of an array', 'https://api.example'],
  ])('resources with %s as InvalidResource', (_, resources) => {
    expect(reason({ resources })).toBe('InvalidResource');
  });

  it.each([
    ['an unknown prompt', 'always'],
    ['an empty list', []],
    ['one unknown among known', ['login', 'always']],
  ])('prompt with %s as InvalidOption', (_, prompt) => {
    expect(reason({ prompt })).toBe('InvalidOption');
  });

  it('a config that is not an object as InvalidOption', () => {
    expect((normalizeConfig(null as unknown as LogtoConfig) as ConfigError).reason).toBe('InvalidOption');
  });
});
