import { describe, expect, it } from 'vitest';
import { LogoutTokenError } from '../errors.ts';
import { maxBackchannelBodyBytes, readLogoutToken } from './backchannelLogout.ts';
import { toHttpFailure } from './errorMapping.ts';
import { LogtoServer } from './LogtoServer.ts';

const form = 'application/x-www-form-urlencoded';
const text = (value: string) => () => Promise.resolve(value);

describe('readLogoutToken', () => {
  it('reads the one logout_token of a form body, whatever the charset parameter', async () => {
    expect(await readLogoutToken(form, text('logout_token=a.b.c'))).toBe('a.b.c');
    expect(
      await readLogoutToken('Application/X-WWW-Form-Urlencoded; charset=UTF-8', text('logout_token=x')),
    ).toBe('x');
  });

  it.each([
    ['another content type', 'application/json', '{"logout_token":"a.b.c"}'],
    ['no content type', undefined, 'logout_token=a.b.c'],
    ['no logout_token', form, 'token=a.b.c'],
    ['an empty logout_token', form, 'logout_token='],
    ['two logout_tokens', form, 'logout_token=a.b.c&logout_token=d.e.f'],
    ['a body over the cap', form, `logout_token=${'a'.repeat(maxBackchannelBodyBytes)}`],
  ])('refuses %s', async (_, contentType, body) => {
    const result = await readLogoutToken(contentType, text(body));
    expect(result).toBeInstanceOf(LogoutTokenError);
    expect((result as LogoutTokenError).reason).toBe('Missing');
  });

  it('refuses a body that cannot be read', async () => {
    const result = await readLogoutToken(form, () => Promise.reject(new Error('connection reset')));
    expect(result).toBeInstanceOf(LogoutTokenError);
  });

  it('refuses an endless body after reading little more than the cap', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1024;
        controller.enqueue(new TextEncoder().encode(`logout_token=${'a'.repeat(1011)}`));
      },
    });
    const result = await readLogoutToken(form, () => body);
    expect(result).toMatchObject({ _tag: 'LogoutTokenError', reason: 'Missing' });
    expect(pulled).toBeLessThanOrEqual(maxBackchannelBodyBytes + 2 * 1024);
  });
});

describe('the back-channel logout route in cookie mode', () => {
  const server = new LogtoServer({
    endpoint: 'https://tenant.example',
    appId: 'app-1',
    appSecret: 'secret',
    session: { secrets: ['a-test-session-secret-of-32-chars-or-more'] },
  });
  const open = (method: string, path = '/backchannel-logout') =>
    server.open({
      url: `https://app.example${path}`,
      method,
      cookie: null,
      contentType: form,
      body: text('logout_token=a.b.c'),
    });

  it('answers 501 with no-store and says why: there is no server-side session to delete', async () => {
    const answer = await open('POST').route();
    expect(answer).toMatchObject({ kind: 'json', status: 501, headers: { 'cache-control': 'no-store' } });
    const body = JSON.parse((answer as { body: string }).body);
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/store mode/),
    });
    expect(answer?.setCookie).toEqual([]);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const answer = await open('GET').route();
    expect(answer).toMatchObject({
      status: 405,
      headers: { allow: 'POST', 'cache-control': 'no-store' },
    });
  });

  it('is at /backchannel-logout by default, or where routes.backchannelLogout says', async () => {
    expect(server.routes.backchannelLogout).toBe('/backchannel-logout');
    const moved = new LogtoServer({ ...server.config, routes: { backchannelLogout: '/auth/bc' } });
    const answer = await moved
      .open({ url: 'https://app.example/auth/bc', method: 'POST', cookie: null })
      .route();
    expect(answer?.status).toBe(501);
    expect(() => new LogtoServer({ ...server.config, routes: { backchannelLogout: 'bc' } })).toThrow(
      /routes.backchannelLogout/,
    );
  });
});

describe('toHttpFailure of a LogoutTokenError', () => {
  it('is 400 for a broken token, 502 when the provider keys cannot be had', () => {
    expect(toHttpFailure(new LogoutTokenError({ reason: 'NoncePresent', message: 'm' })).status).toBe(400);
    expect(toHttpFailure(new LogoutTokenError({ reason: 'KeysUnavailable', message: 'm' })).status).toBe(502);
  });
});
