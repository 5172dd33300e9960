/**
 * The auth routes, one route handler: `/sign-in`, `/sign-up`, `/callback`, `/sign-out` and
 * `/backchannel-logout` (or the paths in the config's `routes`). Any other single-segment path that no
 * page claims answers 404.
 */
import { logto } from '../../lib/logto.ts';

export const { GET, POST } = logto.handlers;
