/** `GET /api/token?resource=R`: logto.route() gives a client that may refresh, and writes the cookies. */
import { logto } from '../../../lib/logto.ts';

export const GET = logto.route(async (request, { logto: client, logtoRequest }) => {
  const resource = request.nextUrl.searchParams.get('resource') ?? undefined;
  try {
    const accessToken = await client.getAccessToken(resource);
    return Response.json({ accessToken }, { status: accessToken ? 200 : 401 });
  } catch (error) {
    const { status } = logtoRequest.failure(error, { api: true });
    return Response.json({ accessToken: null }, { status });
  }
});
