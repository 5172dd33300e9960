/**
 * `@logto-machine/hono`: sign users in with Logto from a Hono app. One middleware answers the auth
 * routes, keeps the session in encrypted cookies and gives handlers a {@link LogtoClient}; all auth
 * logic lives in `@logto-machine/core`'s `LogtoServer`, this file only translates Hono ⇄ core.
 *
 * @module
 */
import {
  isApiRequest as isApiPathOrAccept,
  isLogtoMachineError,
  type LogtoClient,
  type LogtoRequest,
  type LogtoResponse,
  LogtoServer,
  type LogtoServerConfig,
  type RequireAuthOptions,
  responseBody,
  responseHeaders,
} from '@logto-machine/core';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';

// The types of this package's own API (its parameters, its context variables), so apps need not import core.
export type { LogtoClient, LogtoRequest, LogtoServerConfig, RequireAuthOptions } from '@logto-machine/core';

declare module 'hono' {
  interface ContextVariableMap {
    /** The signed-in user's client for this request (set by {@link logto}). */
    logto: LogtoClient;
    /** This request's view of Logto: its cookies, `requireAuth` and `failure` (set by {@link logto}). */
    logtoRequest: LogtoRequest;
  }
}

/** Options of the {@link logto} middleware beyond the Logto configuration. */
export interface LogtoMiddlewareOptions {
  /**
   * Whether a request is an API call, answered with JSON (401) rather than a redirect to sign-in.
   * Default {@link isApiRequest}.
   */
  readonly isApiRequest?: ((c: Context) => boolean) | undefined;
}

/**
 * The default API rule: the path is `/api` or under `/api/`, or the `Accept` header asks for JSON
 * and not for HTML (so browser navigations and requests that accept anything count as pages).
 */
export const isApiRequest = (c: Context): boolean => isApiPathOrAccept(c.req.path, c.req.header('accept'));

/** A core answer as a Hono response (with the headers set on `c` so far, but not the answer's cookies). */
const send = (c: Context, response: LogtoResponse): Response => {
  const headers = Object.fromEntries(responseHeaders(response));
  const body = responseBody(response);
  return body === null
    ? c.body(null, response.status as StatusCode, headers)
    : c.body(body, response.status as ContentfulStatusCode, headers);
};

/**
 * The request's Cookie header. On `@hono/node-server` it is read from Node's own parsed headers
 * (`c.env.incoming`, documented there): Node's parser has already refused control characters, and
 * Hono's header object would scan the multi-KB value for them again on every request.
 */
const cookieHeader = (c: Context): string | undefined => {
  const incoming = (
    c.env as { incoming?: { headers?: { cookie?: unknown } | undefined } | undefined } | undefined
  )?.incoming;
  const cookie = incoming?.headers?.cookie;
  return typeof cookie === 'string' ? cookie : c.req.header('cookie');
};

const appendCookies = (c: Context, cookies: readonly string[]) => {
  for (const cookie of cookies) c.header('set-cookie', cookie, { append: true });
};

/**
 * The Logto middleware: answers the auth routes (`/sign-in`, `/sign-up`, `/callback`, `/sign-out`,
 * or `config.routes`), sets `c.var.logto` (the request's {@link LogtoClient}) for every other route,
 * writes the session cookies the request changed, and turns the SDK's errors thrown by handlers into
 * their HTTP answer (an ended session: pages redirect to sign-in, APIs get 401; bad input: 4xx).
 * The configuration is checked here, once: a bad one throws a `ConfigError` when the app is built.
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.use(logto({ endpoint, appId, appSecret, session: { secrets: [process.env.SESSION_SECRET!] } }));
 * app.get('/', async (c) =>
 *   c.text((await c.var.logto.isAuthenticated()) ? 'Signed in' : 'Not authenticated'),
 * );
 * ```
 */
export const logto = (config: LogtoServerConfig, options: LogtoMiddlewareOptions = {}): MiddlewareHandler => {
  const server = new LogtoServer(config);
  const isApi = options.isApiRequest ?? isApiRequest;
  // Not `async`: most requests are for the app, and chaining on `next()` spares each of them a
  // promise and a tick of their own (Hono awaits what a middleware returns).
  return (c, next) => {
    const request = server.open({
      url: c.req.url,
      method: c.req.method,
      cookie: cookieHeader(c),
      api: () => isApi(c),
      contentType: () => c.req.header('content-type'),
      // Unread, so core's cap holds while reading; text when a middleware already read (and cached) it.
      body: () => (c.req.raw.bodyUsed ? c.req.text() : c.req.raw.body),
    });
    if (request.isAuthRoute) return answerAuthRoute(c, next, request);
    return handOver(c, next, request);
  };
};

/** An auth route: the core's answer, or the app's route when the core leaves it to the app. */
const answerAuthRoute = async (
  c: Context,
  next: Next,
  request: LogtoRequest,
): Promise<Response | undefined> => {
  const routed = await request.route();
  if (!routed) return handOver(c, next, request);
  appendCookies(c, routed.setCookie);
  return send(c, routed);
};

/** Runs the app's handlers with the request's client, then answers SDK errors and writes the session cookies. */
const handOver = (c: Context, next: Next, request: LogtoRequest): Promise<undefined> => {
  c.set('logto', request.client);
  c.set('logtoRequest', request);
  return next().then(() => {
    // Hono catches what handlers throw and hands it to `app.onError`; SDK errors get their own answer.
    // (`c.error` is tested first: most requests have none, and the class check is not free.)
    if (c.error !== undefined && isLogtoMachineError(c.error)) c.res = send(c, request.failure(c.error));
    appendCookies(c, request.setCookieHeaders());
    return undefined;
  });
};

/**
 * A guard for routes that need a signed-in user (the tutorial's `@authenticated`): signed-out pages
 * are redirected to sign-in (and come back after it), signed-out API calls get 401 JSON (`api`
 * defaults to the {@link logto} middleware's API rule). Mount it after {@link logto}.
 *
 * @example
 * ```ts
 * app.get('/protected', requireAuth(), (c) => c.text('Protected page'));
 * app.get('/api/data', requireAuth({ api: true }), (c) => c.json({ ok: true }));
 * ```
 */
export const requireAuth = (options: RequireAuthOptions = {}): MiddlewareHandler => {
  return async (c, next) => {
    const request = c.get('logtoRequest');
    if (!request) throw new Error('requireAuth() needs the logto() middleware mounted before it.');
    const denied = await request.requireAuth(options);
    // Its cookies are appended by the logto middleware, on the way out.
    if (denied) return send(c, denied);
    await next();
  };
};
