/**
 * Next 16's proxy (`middleware.ts` on Next 15, same code): refreshes the session's access token
 * before pages render (Server Components cannot write cookies), and guards `/protected`.
 */
import { logto } from './lib/logto.ts';

export const proxy = logto.proxy({ protect: ['/protected'] });

export const config = {
  // Everything but Next's own files.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
