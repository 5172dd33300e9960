/**
 * `{ accessToken, claims }`, or `{ accessToken: null }` with 401 when there is no token to be had, or
 * with the status the SDK gives the error (400 for a resource that was not configured, 403 for an
 * organization the user is not a member of).
 */
import type { LogtoRequest } from '@logto-machine/next';

export const tokenJson = async (
  logtoRequest: LogtoRequest,
  getToken: () => Promise<string | null>,
  getClaims: () => Promise<unknown>,
): Promise<Response> => {
  try {
    const accessToken = await getToken();
    if (!accessToken) return Response.json({ accessToken: null }, { status: 401 });
    return Response.json({ accessToken, claims: await getClaims() });
  } catch (error) {
    const { status } = logtoRequest.failure(error, { api: true });
    return Response.json({ accessToken: null }, { status });
  }
};
