import type { RequestHandler } from '@sveltejs/kit';
import { tokenJson } from '../../../lib/server/tokenJson';

export const GET: RequestHandler = ({ locals, url }) => {
  const organizationId = url.searchParams.get('organizationId') ?? '';
  return tokenJson(
    locals,
    () => locals.logto.getOrganizationToken(organizationId),
    () => locals.logto.getOrganizationTokenClaims(organizationId),
  );
};
