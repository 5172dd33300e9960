/** `GET /api/me`: `{ isAuthenticated, claims, userInfo }`. */
import { logto } from '../../../lib/logto.ts';

export const GET = logto.route(async (_request, { logto: client }) => {
  if (!(await client.isAuthenticated()))
    return Response.json({ isAuthenticated: false, claims: null, userInfo: null });
  const claims = await client.getIdTokenClaims();
  return Response.json({ isAuthenticated: true, claims, userInfo: await client.fetchUserInfo() });
});
