/** `GET /api/token?resource=R`: logto.route() gives a client that may refresh, and writes the cookies. */
import { logto } from '../../../lib/logto.ts';
import { tokenJson } from '../../../lib/tokenJson.ts';

export const GET = logto.route((request, { logto: client, logtoRequest }) => {
  const resource = request.nextUrl.searchParams.get('resource') ?? undefined;
  return tokenJson(
    logtoRequest,
    () => client.getAccessToken(resource),
    () => client.getAccessTokenClaims(resource),
  );
});
