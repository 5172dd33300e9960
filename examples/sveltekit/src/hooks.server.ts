/**
 * `handleLogto` answers `/sign-in`, `/sign-up`, `/callback`, `/sign-out` and (with `REDIS_URL`)
 * `/backchannel-logout`, and gives every load function, action and endpoint `locals.logto` (the
 * client) and `locals.user` (the ID-token claims). It refuses cross-site form submissions as
 * SvelteKit would, since svelte.config.js turns SvelteKit's own check off for back-channel logout.
 * `handleLogtoError` answers SDK errors they let through (an ended session: back to sign-in).
 */
import { handleLogto, handleLogtoError } from '@logto-machine/sveltekit';
import { configFromEnv } from './lib/server/config';

export const handle = handleLogto(configFromEnv());

export const handleError = handleLogtoError();
