/**
 * `@logto-machine/core/web`: Logto for any server built on Web `Request` and `Response` — `Bun.serve`,
 * `Deno.serve`, Cloudflare Workers' `fetch`, Remix / React Router loaders, Astro endpoints and
 * middleware, SolidStart, Elysia. {@link handleLogto} answers the auth routes and gives every other
 * request its client and a way to put the session's cookies on the app's own `Response`;
 * {@link withLogto} wraps a whole `(request) => Response` handler. Only Web-standard globals: it runs
 * on Node, Bun, Deno and workerd alike. All auth logic is `LogtoServer`'s; this file only translates.
 *
 * @module
 */
import { isLogtoMachineError } from './errors.ts';
import type { LogtoClient } from './runtime/LogtoClient.ts';
import { isApiRequest as isApiPathOrAccept } from './server/apiRequest.ts';
import type { LogtoRequest, RequireAuthOptions } from './server/LogtoRequest.ts';
import { toWebResponse, withSetCookie } from './server/LogtoResponse.ts';
import { LogtoServer } from './server/LogtoServer.ts';
import type { LogtoServerConfig } from './server/serverConfig.ts';

// The types of this entry's own API, so apps import nothing else.
export type { IdTokenClaims } from './oidc/claims.ts';
export type { LogtoClient } from './runtime/LogtoClient.ts';
export type { LogtoRequest, RequireAuthOptions } from './server/LogtoRequest.ts';
export type { LogtoRoutes, LogtoServerConfig } from './server/serverConfig.ts';

/** Options of {@link handleLogto} and {@link withLogto} beyond the Logto configuration. */
export interface WebLogtoOptions {
  /**
   * Whether a request is an API call, answered with JSON (401) rather than a redirect to sign-in.
   * Default {@link isApiRequest}.
   */
  readonly isApiRequest?: ((request: Request) => boolean) | undefined;
}

/**
 * The default API rule: the path is `/api` or under `/api/`, or the `Accept` header asks for JSON
 * and not for HTML (so browser navigations and `fetch`'s default `*∕*` count as pages).
 */
export const isApiRequest = (request: Request): boolean =>
  isApiPathOrAccept(new URL(request.url).pathname, request.headers.get('accept'));

/** One request of the app (not an auth route): its client, and the answers that carry its cookies. */
export interface LogtoContext {
  /** `null`: the request is the app's to answer (an auth route's answer is a {@link LogtoRouted}). */
  readonly response: null;
  /** The client for this request, on its session cookies. */
  readonly client: LogtoClient;
  /** This request's view of Logto (core's `LogtoRequest`): its routes, its cookies, its API rule. */
  readonly request: LogtoRequest;
  /**
   * `response` with the session cookies this request changed (a refreshed token, a cleared session)
   * appended: the same object when its headers can change, a copy with the same body stream when
   * they cannot (a `fetch()` response, `Response.redirect`). Call it once the app is done with the
   * client: cookies changed later (while a body streams, say) are not sent.
   */
  withCookies(response: Response): Response;
  /**
   * The guard of the tutorial's `@authenticated`: `null` when signed in; otherwise a redirect to
   * sign-in that comes back here (pages) or 401 JSON (APIs; `api` defaults to the API rule), with the
   * request's cookies — return it as it is.
   */
  requireAuth(options?: RequireAuthOptions): Promise<Response | null>;
  /**
   * Any error as the answer it calls for, with the request's cookies: an ended session sends pages to
   * sign-in and gives APIs 401; bad input is 4xx; an unreachable provider 502; anything else 500.
   */
  failure(error: unknown): Response;
}

/** An auth route, answered: send {@link LogtoRouted.response} as it is (its cookies are on it). */
export interface LogtoRouted {
  /** The auth route's answer: a redirect, an error page, or the back-channel logout's answer. */
  readonly response: Response;
}

/** What {@link handleLogto}'s handler makes of a request: an auth route's answer, or the app's request. */
export type LogtoHandled = LogtoRouted | LogtoContext;

/** A request in, the auth route's answer or the request's {@link LogtoContext} out. */
export type HandleLogto = (request: Request) => Promise<LogtoHandled>;

/** The shared answer of requests for the app: the request's context, no auth route. */
const contextOf = (request: LogtoRequest): LogtoContext => ({
  response: null,
  client: request.client,
  request,
  withCookies: (response) => withSetCookie(response, request.setCookieHeaders()),
  requireAuth: async (options) => {
    const denied = await request.requireAuth(options);
    return denied === null ? null : toWebResponse(denied);
  },
  failure: (error) => toWebResponse(request.failure(error)),
});

/** The handler of {@link handleLogto}, on a server already built. */
const handlerOf = (server: LogtoServer, options: WebLogtoOptions): HandleLogto => {
  const isApi = options.isApiRequest;
  return async (request) => {
    const opened: LogtoRequest = server.open({
      url: request.url,
      method: request.method,
      cookie: request.headers.get('cookie'),
      api: () => (isApi ? isApi(request) : isApiPathOrAccept(opened.path, request.headers.get('accept'))),
      contentType: () => request.headers.get('content-type'),
      // Unread: core reads it with its own cap, so a huge body is never buffered.
      body: () => request.body,
    });
    if (opened.isAuthRoute) {
      const routed = await opened.route();
      if (routed) return { response: toWebResponse(routed) };
    }
    return contextOf(opened);
  };
};

/**
 * Logto for a Web-standard server: returns a handler that answers the auth routes (`/sign-in`,
 * `/sign-up`, `/callback`, `/sign-out`, `/backchannel-logout`, or `config.routes`) with their
 * `Response`, and gives every other request its {@link LogtoContext}: the client on the request's
 * session cookies, `withCookies` to put the cookies the request changed on the app's `Response`,
 * `requireAuth`, and `failure` for the SDK's errors. The configuration is checked here, once: a bad
 * one throws a `ConfigError` when the app is built. Build it once per process (or isolate): it
 * holds the caches of the cookie keys, the sessions and the provider's metadata.
 *
 * @example
 * ```ts
 * import { handleLogto } from '@logto-machine/core/web';
 *
 * const logto = handleLogto({ endpoint, appId, appSecret, session: { secrets: [sessionSecret] } });
 *
 * Bun.serve({
 *   async fetch(request) {
 *     const handled = await logto(request);
 *     if (handled.response) return handled.response; // an auth route
 *     try {
 *       const signedIn = await handled.client.isAuthenticated();
 *       return handled.withCookies(new Response(signedIn ? 'Signed in' : 'Not authenticated'));
 *     } catch (error) {
 *       return handled.failure(error);
 *     }
 *   },
 * });
 * ```
 */
export const handleLogto = (config: LogtoServerConfig, options: WebLogtoOptions = {}): HandleLogto =>
  handlerOf(new LogtoServer(config), options);

/** The app's handler under {@link withLogto}: the request, its {@link LogtoContext}, and the server's other arguments. */
export type LogtoHandler<Args extends unknown[]> = (
  request: Request,
  logto: LogtoContext,
  ...args: Args
) => Response | Promise<Response>;

/**
 * Wraps a `(request, ...args) => Response` server handler (`Bun.serve`'s `fetch`, `Deno.serve`'s
 * handler, a Worker's `fetch(request, env, ctx)`): the auth routes are answered before it runs; it
 * gets the request's {@link LogtoContext} (and the server's arguments after the request); the session
 * cookies the request changed are put on its `Response`; and the SDK errors it throws get their HTTP
 * answer (an ended session: pages redirect to sign-in, APIs get 401; bad input: 4xx; an unreachable
 * provider: 502). Other errors go through, to the server's own error handling. The configuration is
 * checked here, once (see {@link handleLogto}).
 *
 * @example
 * ```ts
 * import { withLogto } from '@logto-machine/core/web';
 *
 * const config = { endpoint, appId, appSecret, session: { secrets: [sessionSecret] } };
 *
 * Deno.serve(
 *   withLogto(config, async (request, logto) => {
 *     const denied = await logto.requireAuth();
 *     if (denied) return denied;
 *     return Response.json(await logto.client.getIdTokenClaims());
 *   }),
 * );
 * ```
 */
export const withLogto = <Args extends unknown[] = []>(
  config: LogtoServerConfig,
  handler: LogtoHandler<Args>,
  options: WebLogtoOptions = {},
): ((request: Request, ...args: Args) => Promise<Response>) => {
  const handle = handleLogto(config, options);
  return async (request, ...args) => {
    const handled = await handle(request);
    if (handled.response) return handled.response;
    let response: Response;
    try {
      response = await handler(request, handled, ...args);
    } catch (error) {
      if (isLogtoMachineError(error)) return handled.failure(error);
      throw error;
    }
    return handled.withCookies(response);
  };
};
