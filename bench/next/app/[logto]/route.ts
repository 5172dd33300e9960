import { logto } from '../../lib/logto.ts';

export const { GET, POST } = logto.handlers;
