/** `GET /api/organization-token?organizationId=X`. */
import { logto } from '../../../lib/logto.ts';
import { tokenJson } from '../../../lib/tokenJson.ts';

export const GET = logto.route((request, { logto: client, logtoRequest }) => {
  const organizationId = request.nextUrl.searchParams.get('organizationId') ?? '';
  return tokenJson(
    logtoRequest,
    () => client.getOrganizationToken(organizationId),
    () => client.getOrganizationTokenClaims(organizationId),
  );
});
