import { requireAuth } from '@logto-machine/sveltekit';
import type { RequestEvent } from '@sveltejs/kit';

// Signed-out visitors are sent to sign in, and come back here afterwards.
export const load = async (event: RequestEvent) => ({ user: await requireAuth(event) });
