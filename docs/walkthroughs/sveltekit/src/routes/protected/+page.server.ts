import { requireAuth } from '@logto-machine/sveltekit';
import type { PageServerLoad } from './$types';

// Signed-out visitors are sent to sign in, and come back here afterwards.
export const load: PageServerLoad = async (event) => ({ user: await requireAuth(event) });
