/**
 * A provider that breaks instead of lying: errors, junk, hangs and dropped connections at each
 * endpoint. Each must surface as a typed error with its reason — never a crash, never a session.
 */
import { describe, expect, it } from 'vitest';
import { DiscoveryError, IdTokenError, TokenRequestError, UserInfoError } from '../../src/index.ts';
import {
  expectError,
  expectNoSession,
  expectSession,
  failure,
  redirectUri,
  rejectedSignIn,
  signIn,
  useRigs,
} from './harness.ts';

const rig = useRigs();
const htmlPage = '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>';

describe('the token endpoint breaks during the code exchange', () => {
  it.each([
    ['a 500', 'Unavailable', { status: 500, raw: 'Internal Server Error', contentType: 'text/plain' }, 500],
    ['an empty 503', 'Unavailable', { status: 503, raw: '' }, 503],
    [
      'an HTML error page with status 502',
      'Unavailable',
      { status: 502, raw: htmlPage, contentType: 'text/html' },
      502,
    ],
    ['an HTML page with status 200', 'InvalidResponse', { raw: htmlPage, contentType: 'text/html' }, 200],
    [
      'an HTML page with status 400',
      'InvalidResponse',
      { status: 400, raw: htmlPage, contentType: 'text/html' },
      400,
    ],
    ['invalid JSON', 'InvalidResponse', { raw: '{"access_token": "at-1", "token_type":' }, 200],
    ['a JSON array', 'InvalidResponse', { raw: '[]' }, 200],
    ['JSON null', 'InvalidResponse', { raw: 'null' }, 200],
  ] as const)('%s is TokenRequestError %s', async (_, reason, plan, status) => {
    const setup = await rig({ token: plan });
    const error = await rejectedSignIn(setup);
    expectError(error, TokenRequestError, reason);
    expect(error.status).toBe(status);
    await expectNoSession(setup);
  });

  it.each([
    ['no access_token', ({ access_token: _, ...body }: Record<string, unknown>) => body],
    ['no id_token', ({ id_token: _, ...body }: Record<string, unknown>) => body],
    ['a DPoP token_type', (body: Record<string, unknown>) => ({ ...body, token_type: 'DPoP' })],
    ['a negative expires_in', (body: Record<string, unknown>) => ({ ...body, expires_in: -1 })],
    ['an expires_in string', (body: Record<string, unknown>) => ({ ...body, expires_in: '3600' })],
    ['an id_token object', (body: Record<string, unknown>) => ({ ...body, id_token: { alg: 'none' } })],
  ])('a 200 with %s is TokenRequestError InvalidResponse', async (_, body) => {
    const setup = await rig({ token: { body } });
    expectError(await rejectedSignIn(setup), TokenRequestError, 'InvalidResponse');
    await expectNoSession(setup);
  });

  it('an OAuth error is TokenRequestError Rejected, with the error code', async () => {
    const setup = await rig({
      token: { status: 400, body: () => ({ error: 'invalid_grant', error_description: 'code expired' }) },
    });
    const error = await rejectedSignIn(setup);
    expectError(error, TokenRequestError, 'Rejected');
    expect(error).toMatchObject({ error: 'invalid_grant', errorDescription: 'code expired', status: 400 });
    await expectNoSession(setup);
  });

  it('a dropped connection is TokenRequestError Unavailable', async () => {
    const setup = await rig({ token: { destroy: true } });
    expectError(await rejectedSignIn(setup), TokenRequestError, 'Unavailable');
    await expectNoSession(setup);
  });

  it('a 30-second hang is TokenRequestError Unavailable after timeoutMs, not after 30 s', async () => {
    const setup = await rig({ token: { delayMs: 30_000 } }, { client: { timeoutMs: 200 } });
    const started = performance.now();
    expectError(await rejectedSignIn(setup), TokenRequestError, 'Unavailable');
    expect(performance.now() - started).toBeLessThan(2_000);
    // A code exchange is never retried: the code may already be spent.
    expect(setup.provider.count('token')).toBe(1);
    await expectNoSession(setup);
  });
});

// Retries back off for most of a second, so these run concurrently, each stopping its own provider.
describe('the JWKS endpoint breaks', () => {
  it.concurrent.for([
    ['a 500', { status: 500, raw: 'down' }],
    ['an HTML page', { raw: htmlPage, contentType: 'text/html' }],
    ['a document without keys', { body: () => ({ keys: 'none' }) }],
    ['keys that are not objects', { body: () => ({ keys: ['a', 1, null] }) }],
  ] as const)(
    '%s is IdTokenError KeysUnavailable (after retries), and no session',
    async ([, plan], { onTestFinished }) => {
      const setup = await rig({ jwks: plan }, { onFinished: onTestFinished });
      expectError(await rejectedSignIn(setup), IdTokenError, 'KeysUnavailable');
      await expectNoSession(setup);
    },
  );

  it('keys that are objects but not keys verify nothing: NoMatchingKey', async () => {
    const setup = await rig({ jwks: { body: () => ({ keys: [{ kty: 'nonsense' }, {}] }) } });
    expectError(await rejectedSignIn(setup), IdTokenError, 'NoMatchingKey');
    await expectNoSession(setup);
  });

  it.concurrent('a failed JWKS load is not cached: the next sign-in fetches it again and succeeds', async ({
    onTestFinished,
  }) => {
    const setup = await rig({ jwks: { status: 500, raw: 'down' } }, { onFinished: onTestFinished });
    await rejectedSignIn(setup);
    const failedLoads = setup.provider.count('jwks');
    setup.provider.plan = {};
    const { nonce } = await signIn(setup);
    await expectSession(setup, nonce);
    expect(setup.provider.count('jwks')).toBe(failedLoads + 1);
  });
});

// Retries back off for most of a second here too.
describe('discovery and userinfo break', () => {
  it.concurrent.for([
    ['a 500', 'Unavailable', { status: 500, raw: 'down' }],
    ['a 404', 'InvalidResponse', { status: 404, raw: 'not found' }],
    ['an HTML page', 'InvalidResponse', { raw: htmlPage, contentType: 'text/html' }],
    [
      'an http:// endpoint off loopback',
      'InvalidResponse',
      { body: (d: Record<string, unknown>) => ({ ...d, token_endpoint: 'http://evil.example/token' }) },
    ],
    [
      'no authorization_endpoint',
      'InvalidResponse',
      { body: ({ authorization_endpoint: _, ...d }: Record<string, unknown>) => d },
    ],
  ] as const)(
    'discovery answering %s is DiscoveryError %s at sign-in',
    async ([, reason, plan], { onTestFinished }) => {
      const setup = await rig({ discovery: plan }, { onFinished: onTestFinished });
      expectError(await failure(setup.client.signIn({ redirectUri })), DiscoveryError, reason);
      expect(setup.provider.count('authorization')).toBe(0);
      await expectNoSession(setup);
    },
  );

  it.concurrent.for([
    ['a 500', 'Unavailable', { status: 500, raw: 'down' }],
    ['a hang', 'Unavailable', { delayMs: 30_000 }],
    ['a 401', 'Rejected', { status: 401, raw: '' }],
    ['invalid JSON', 'InvalidResponse', { raw: '{"sub":' }],
  ] as const)(
    'userinfo answering %s is UserInfoError %s, and the session stays',
    async ([, reason, plan], { onTestFinished }) => {
      const setup = await rig({ userinfo: plan }, { client: { timeoutMs: 200 }, onFinished: onTestFinished });
      const { nonce } = await signIn(setup);
      expectError(await failure(setup.client.fetchUserInfo()), UserInfoError, reason);
      await expectSession(setup, nonce);
    },
  );
});

describe('refresh grants break', () => {
  it.each([
    ['a 500', { status: 500, raw: 'down' }],
    ['a hang', { delayMs: 30_000 }],
    ['a dropped connection', { destroy: true }],
  ])('%s: getAccessToken is null (try later), the session keeps its tokens', async (_, plan) => {
    const setup = await rig({}, { client: { timeoutMs: 200 } });
    const { nonce } = await signIn(setup);
    const refreshToken = await setup.client.getRefreshToken();
    setup.provider.plan = { refresh: plan };
    expect(await setup.client.getAccessToken('https://api.example.com')).toBeNull();
    await expectSession(setup, nonce);
    expect(await setup.client.getRefreshToken()).toBe(refreshToken);
  });

  it('a 200 that is not a token response is TokenRequestError InvalidResponse; the session stays', async () => {
    const setup = await rig();
    const { nonce } = await signIn(setup);
    setup.provider.plan = { refresh: { raw: htmlPage, contentType: 'text/html' } };
    expectError(
      await failure(setup.client.getAccessToken('https://api.example.com')),
      TokenRequestError,
      'InvalidResponse',
    );
    await expectSession(setup, nonce);
  });
});
