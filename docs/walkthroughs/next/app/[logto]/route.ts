import { logto } from '../../lib/logto';

// /sign-in, /sign-up, /callback, /sign-out and /backchannel-logout, as one route handler.
export const { GET, POST } = logto.handlers;
