import type { RequestEvent } from '@sveltejs/kit';

/** A `RequestEvent` as SvelteKit builds one, with the fields the hook and the routes use. */
export const eventFor = (request: Request, isDataRequest = false): RequestEvent =>
  ({
    request,
    url: new URL(request.url),
    locals: {},
    params: {},
    route: { id: null },
    isDataRequest,
    isSubRequest: false,
    getClientAddress: () => '127.0.0.1',
    setHeaders: () => {},
  }) as unknown as RequestEvent;
