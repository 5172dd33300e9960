/**
 * `handleLogto` answers `/sign-in`, `/sign-up`, `/callback` and `/sign-out`, and gives every load
 * function, action and endpoint `locals.logto` (the client) and `locals.user` (the ID-token claims).
 * `handleLogtoError` answers SDK errors they let through (an ended session: back to sign-in).
 */
import { handleLogto, handleLogtoError } from '@logto-machine/sveltekit';
import { configFromEnv } from './lib/server/config';

export const handle = handleLogto(configFromEnv());

export const handleError = handleLogtoError();
