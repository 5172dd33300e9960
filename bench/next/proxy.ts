import { logto } from './lib/logto.ts';

export const proxy = logto.proxy();

export const config = { matcher: ['/proxied/:path*'] };
