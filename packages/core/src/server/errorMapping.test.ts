import { describe, expect, it } from 'vitest';
import {
  CallbackError,
  ConfigError,
  DiscoveryError,
  IdTokenError,
  NotAuthenticated,
  SessionExpired,
  StorageError,
  TokenRequestError,
} from '../errors.ts';
import { errorPage, failureResponse, toHttpFailure } from './errorMapping.ts';

describe('toHttpFailure', () => {
  it('sends ended sessions to sign in again (401)', () => {
    expect(toHttpFailure(new SessionExpired({ reason: 'RefreshTokenRejected', message: 'm' }))).toEqual({
      status: 401,
      message: 'm',
      signInAgain: true,
    });
    expect(toHttpFailure(new NotAuthenticated({ message: 'm' })).signInAgain).toBe(true);
  });

  it('answers bad input with 4xx', () => {
    expect(toHttpFailure(new CallbackError({ reason: 'UnknownState', message: 'm' })).status).toBe(400);
    expect(toHttpFailure(new ConfigError({ reason: 'ResourceNotRequested', message: 'm' })).status).toBe(400);
    expect(toHttpFailure(new IdTokenError({ reason: 'NonceMismatch', message: 'm' })).status).toBe(400);
  });

  it('passes a provider refusal through as 403 or 400', () => {
    const denied = new TokenRequestError({
      reason: 'Rejected',
      error: 'access_denied',
      status: 403,
      message: 'm',
    });
    expect(toHttpFailure(denied).status).toBe(403);
    const target = new TokenRequestError({
      reason: 'Rejected',
      error: 'invalid_target',
      status: 400,
      message: 'm',
    });
    expect(toHttpFailure(target).status).toBe(400);
  });

  it('answers an unreachable provider with 502', () => {
    expect(toHttpFailure(new TokenRequestError({ reason: 'Unavailable', message: 'm' })).status).toBe(502);
    expect(toHttpFailure(new DiscoveryError({ reason: 'Unavailable', message: 'm' })).status).toBe(502);
  });

  it('keeps unknown errors opaque', () => {
    const failure = toHttpFailure(new Error('secret detail'));
    expect(failure.status).toBe(500);
    expect(failure.message).not.toContain('secret');
    expect(toHttpFailure(new StorageError({ reason: 'ReadFailed', message: 'm' })).status).toBe(500);
  });

  it('answers an unreachable session store with 503 and a message that leaks nothing', () => {
    const failure = toHttpFailure(new StorageError({ reason: 'Unavailable', message: 'redis at 10.0.0.5' }));
    expect(failure).toEqual({
      status: 503,
      message: 'The session store is unavailable; please try again in a moment.',
      signInAgain: false,
    });
  });
});

describe('errorPage', () => {
  it('starts its text with Error and escapes the message', () => {
    const html = errorPage('<script>x</script>', '/sign-in');
    expect(html).toContain('<p>Error: &#60;script&#62;x&#60;/script&#62;</p>');
    expect(html).toContain('href="/sign-in"');
  });
});

describe('failureResponse', () => {
  const context = { signInPath: '/sign-in', returnTo: '/me?x=1', setCookie: ['a=b'] } as const;
  const expired = new SessionExpired({ reason: 'RefreshTokenRejected', message: 'm' });

  it('sends pages of an ended session to sign in, coming back; APIs get 401 JSON', () => {
    expect(failureResponse(expired, { ...context, answer: 'page' })).toEqual({
      kind: 'redirect',
      status: 302,
      location: '/sign-in?returnTo=%2Fme%3Fx%3D1',
      setCookie: ['a=b'],
    });
    expect(failureResponse(expired, { ...context, answer: 'api' })).toEqual({
      kind: 'json',
      status: 401,
      body: JSON.stringify({ error: 'm' }),
      setCookie: ['a=b'],
    });
  });

  it('answers a failed callback with a page: 400 unless the provider is down, never a redirect', () => {
    const stale = failureResponse(new CallbackError({ reason: 'UnknownState', message: 'state not found' }), {
      ...context,
      answer: 'callback',
    });
    expect(stale).toMatchObject({ kind: 'page', status: 400 });
    expect(stale.kind === 'page' && stale.body).toContain(
      'This sign-in link has expired or was already used',
    );
    expect(failureResponse(expired, { ...context, answer: 'callback' })).toMatchObject({
      kind: 'page',
      status: 400,
    });
    const down = new TokenRequestError({ reason: 'Unavailable', message: 'm' });
    expect(failureResponse(down, { ...context, answer: 'callback' })).toMatchObject({
      kind: 'page',
      status: 502,
    });
  });

  it('answers every failed back-channel logout with 400 and an OAuth error body, without cookies (§2.8)', () => {
    const answer = failureResponse(new Error('secret detail'), { ...context, answer: 'backchannelLogout' });
    expect(answer).toMatchObject({ kind: 'json', status: 400, setCookie: [] });
    expect(answer.kind === 'json' && JSON.parse(answer.body)).toEqual({
      error: 'invalid_request',
      error_description: 'The logout failed unexpectedly; try again.',
    });
  });
});
