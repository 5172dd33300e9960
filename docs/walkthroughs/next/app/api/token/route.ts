import { logto, resource } from '../../../lib/logto';

// logto.route() gives a client that may refresh the token, and writes the session cookies.
export const GET = logto.route(async (_request, { logto: client }) => {
  const accessToken = await client.getAccessToken(resource);
  return Response.json({ accessToken }, { status: accessToken ? 200 : 401 });
});
