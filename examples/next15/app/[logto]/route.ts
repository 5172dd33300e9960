/** The auth routes, one route handler: `/sign-in`, `/sign-up`, `/callback`, `/sign-out`, `/backchannel-logout`. */
import { logto } from '../../lib/logto.ts';

export const { GET, POST } = logto.handlers;
