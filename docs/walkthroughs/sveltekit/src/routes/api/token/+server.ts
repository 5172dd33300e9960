import { json, type RequestHandler } from '@sveltejs/kit';

export const GET: RequestHandler = async ({ locals }) => {
  if (!locals.user) return json({ accessToken: null }, { status: 401 });
  const accessToken = await locals.logto.getAccessToken(process.env.LOGTO_RESOURCE);
  return json({ accessToken }, { status: accessToken ? 200 : 401 });
};
