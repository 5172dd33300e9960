/**
 * Next 15's middleware (Next 16 calls it the proxy), on the Edge runtime, Next 15's default for
 * middleware: refreshes the tokens the pages behind it read before they render (Server Components
 * cannot write cookies), and guards `/protected` and the APIs.
 */
import type { NextRequest } from 'next/server';
import { logto } from './lib/logto.ts';

/** The Edge runtime's name for itself; undefined on Node. */
declare const EdgeRuntime: string | undefined;

const proxy = logto.proxy({
  protect: ['/protected', '/api'],
  // Pages read the default access token (userinfo); `/organizations/<id>` also that organization's.
  keepFresh: (request, api) => {
    if (api) return [];
    const organizationId = /^\/organizations\/([^/]+)$/.exec(request.nextUrl.pathname)?.[1];
    return organizationId ? [{}, { organizationId: decodeURIComponent(organizationId) }] : [{}];
  },
});

export async function middleware(request: NextRequest) {
  const response = await proxy(request);
  // Says where it ran, for the end-to-end test: `EdgeRuntime` is defined only on the Edge runtime.
  response.headers.set('x-middleware-runtime', typeof EdgeRuntime === 'string' ? 'edge' : 'nodejs');
  return response;
}

export const config = {
  // Everything but Next's own files.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
