import type { RequestEvent } from '@sveltejs/kit';

export const load = async ({ locals }: RequestEvent) => {
  if (!locals.user) return { claims: null, userInfo: null };
  return { claims: locals.user, userInfo: await locals.logto.fetchUserInfo() };
};
