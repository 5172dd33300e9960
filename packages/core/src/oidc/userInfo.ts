import * as Effect from 'effect/Effect';
import { UserInfoError } from '../errors.ts';
import type { UserInfoResponse } from './claims.ts';
import { readJsonObject } from './json.ts';

/** The userinfo request (OpenID Connect Core §5.3.1) with the default access token as Bearer. */
export const userInfoRequest = (userInfoEndpoint: string, accessToken: string): Request =>
  new Request(userInfoEndpoint, {
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  });

/** Validates a userinfo response: 200, a JSON object, and `sub` equal to the ID token's (§5.3.4). */
export const processUserInfoResponse = (
  response: Response,
  expectedSubject: string,
): Effect.Effect<UserInfoResponse, UserInfoError> =>
  Effect.gen(function* () {
    if (response.status >= 500 || response.status === 429) {
      return yield* new UserInfoError({
        reason: 'Unavailable',
        status: response.status,
        message: `The userinfo endpoint answered ${response.status}; try again later.`,
      });
    }
    if (response.status !== 200) {
      return yield* new UserInfoError({
        reason: 'Rejected',
        status: response.status,
        message: `The userinfo endpoint answered ${response.status}; the access token was not accepted.`,
      });
    }
    const body = yield* readJsonObject(response).pipe(
      Effect.mapError(
        () =>
          new UserInfoError({
            reason: 'InvalidResponse',
            message: 'The userinfo response is not a JSON object.',
          }),
      ),
    );
    if (body.sub !== expectedSubject) {
      return yield* new UserInfoError({
        reason: 'SubjectMismatch',
        message: 'The userinfo response is for another user than the ID token; it was discarded.',
      });
    }
    return body as UserInfoResponse;
  });
