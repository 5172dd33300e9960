import { json } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
  if (!locals.user) return json({ accessToken: null }, { status: 401 });
  const accessToken = await locals.logto.getAccessToken(env.LOGTO_RESOURCE);
  return json({ accessToken }, { status: accessToken ? 200 : 401 });
};
