import type { RequestEvent } from '@sveltejs/kit';

export const load = ({ locals }: RequestEvent) => ({ claims: locals.user });
