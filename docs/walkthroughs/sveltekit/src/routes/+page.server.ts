import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => ({ claims: locals.user });
