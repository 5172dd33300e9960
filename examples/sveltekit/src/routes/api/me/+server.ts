import { json, type RequestHandler } from '@sveltejs/kit';

export const GET: RequestHandler = async ({ locals }) => {
  if (!locals.user) return json({ isAuthenticated: false, claims: null, userInfo: null });
  return json({ isAuthenticated: true, claims: locals.user, userInfo: await locals.logto.fetchUserInfo() });
};
