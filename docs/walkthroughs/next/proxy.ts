import { logto } from './lib/logto';

// Refreshes an expiring session before pages render, and guards /protected.
export const proxy = logto.proxy({ protect: ['/protected'] });

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
