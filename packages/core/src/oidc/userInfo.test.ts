import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import * as Option from 'effect/Option';
import { describe, expect, it } from 'vitest';
import { UserInfoError } from '../errors.ts';
import { processUserInfoResponse, userInfoRequest } from './userInfo.ts';

const failure = async (response: Response, subject = 'user-1') => {
  const exit = await Effect.runPromiseExit(processUserInfoResponse(response, subject));
  if (Exit.isSuccess(exit)) throw new Error('expected the userinfo response to be rejected');
  const error = Option.getOrThrow(Exit.findErrorOption(exit));
  expect(error).toBeInstanceOf(UserInfoError);
  return error;
};

describe('userInfoRequest', () => {
  it('presents the access token as Bearer', () => {
    const request = userInfoRequest('https://tenant.example/oidc/me', 'at-1');
    expect(request.headers.get('authorization')).toBe('Bearer at-1');
  });
});

describe('processUserInfoResponse', () => {
  it("returns the claims of the ID token's subject", async () => {
    const body = { sub: 'user-1', email: 'ada@example.com', custom_data: { plan: 'pro' } };
    const claims = await Effect.runPromise(processUserInfoResponse(Response.json(body), 'user-1'));
    expect(claims).toEqual(body);
  });

  it('rejects claims of another user as SubjectMismatch', async () => {
    expect((await failure(Response.json({ sub: 'user-2', email: 'mallory@example.com' }))).reason).toBe(
      'SubjectMismatch',
    );
  });

  it('rejects claims without sub as SubjectMismatch', async () => {
    expect((await failure(Response.json({ email: 'ada@example.com' }))).reason).toBe('SubjectMismatch');
  });

  it('rejects a 401 as Rejected', async () => {
    expect(await failure(new Response('', { status: 401 }))).toMatchObject({
      reason: 'Rejected',
      status: 401,
    });
  });

  it('rejects a 503 as Unavailable', async () => {
    expect(await failure(new Response('', { status: 503 }))).toMatchObject({
      reason: 'Unavailable',
      status: 503,
    });
  });

  it('rejects a body that is not a JSON object as InvalidResponse', async () => {
    expect((await failure(new Response('[]', { status: 200 }))).reason).toBe('InvalidResponse');
  });
});
