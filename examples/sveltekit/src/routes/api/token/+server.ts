import type { RequestHandler } from '@sveltejs/kit';
import { tokenJson } from '../../../lib/server/tokenJson';

export const GET: RequestHandler = ({ locals, url }) => {
  const resource = url.searchParams.get('resource') ?? undefined;
  return tokenJson(
    locals,
    () => locals.logto.getAccessToken(resource),
    () => locals.logto.getAccessTokenClaims(resource),
  );
};
