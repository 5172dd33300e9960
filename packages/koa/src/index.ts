/**
 * `@logto-machine/koa`: sign users in with Logto from a Koa app. One middleware answers the auth
 * routes, keeps the session in encrypted cookies and gives handlers a {@link LogtoClient}; all auth
 * logic lives in `@logto-machine/core`'s `LogtoServer`, this file only translates Koa ⇄ core.
 *
 * @module
 */
import type { TLSSocket } from 'node:tls';
import {
  isApiRequest as isApiPathOrAccept,
  isLogtoMachineError,
  type LogtoClient,
  type LogtoRequest,
  type LogtoResponse,
  LogtoServer,
  type LogtoServerConfig,
  type RequestBody,
  type RequireAuthOptions,
  requestUrl,
  responseBody,
  responseHeaders,
} from '@logto-machine/core';
import type { Context, Middleware, Next, ParameterizedContext } from 'koa';

export type {
  LogtoClient,
  LogtoRequest,
  LogtoResponse,
  LogtoRoutes,
  LogtoServerConfig,
  RequireAuthOptions,
} from '@logto-machine/core';

/**
 * What {@link logto} puts on `ctx.state`; type the app with it to use them in handlers.
 *
 * @example
 * ```ts
 * const app = new Koa<LogtoState>();
 * const router = new Router<LogtoState>();
 * ```
 */
export interface LogtoState {
  /** The signed-in user's client for this request. */
  logto: LogtoClient;
  /** This request's view of Logto: its cookies, `requireAuth` and `failure`. */
  logtoRequest: LogtoRequest;
}

/** Options of the {@link logto} middleware beyond the Logto configuration. */
export interface LogtoMiddlewareOptions {
  /**
   * Whether a request is an API call, answered with JSON (401) rather than a redirect to sign-in.
   * Default {@link isApiRequest}.
   */
  readonly isApiRequest?: ((ctx: Context) => boolean) | undefined;
}

/**
 * The default API rule: the path is `/api` or under `/api/`, or the `Accept` header asks for JSON
 * and not for HTML (so browser navigations and requests that accept anything count as pages). The
 * path is the request's full one (`ctx.originalUrl`, which `koa-mount` leaves alone).
 */
export const isApiRequest = (ctx: Context): boolean =>
  isApiPathOrAccept(ctx.originalUrl.split('?', 1)[0] ?? '', ctx.get('accept'));

/**
 * The request URL as the server received it: never `X-Forwarded-*`, even with `app.proxy` (the
 * public origin behind a proxy is `config.baseUrl`), so a client cannot choose the redirect URI.
 * Throws a `TypeError` (answered 400) when the Host header is not a host or the target not a path.
 */
const urlOf = (ctx: ParameterizedContext): string => {
  const { headers } = ctx.req;
  const host = headers.host || headers[':authority'];
  const protocol = (ctx.req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  return requestUrl(protocol, typeof host === 'string' ? host : undefined, ctx.originalUrl);
};

/** A core answer as the Koa response (cookies aside: {@link logto} appends them on the way out). */
const send = (ctx: ParameterizedContext, response: LogtoResponse) => {
  ctx.status = response.status;
  // Koa's own redirect: it also writes the short "Redirecting to" body Koa apps answer with.
  if (response.kind === 'redirect') return ctx.redirect(response.location);
  for (const [name, value] of responseHeaders(response)) ctx.set(name, value);
  ctx.body = responseBody(response) ?? '';
};

/**
 * The request body for core, which reads it with its own cap: the Node stream itself, unread; or,
 * when a body parser mounted before has read it, its `rawBody` or the `logout_token` it parsed.
 */
const requestBody = (ctx: ParameterizedContext): RequestBody => {
  const { rawBody, body } = ctx.request as {
    rawBody?: unknown;
    body?: { logout_token?: unknown } | undefined;
  };
  if (typeof rawBody === 'string') return rawBody;
  if (!ctx.req.readableEnded) return ctx.req;
  const token = body?.logout_token;
  return typeof token === 'string' ? new URLSearchParams({ logout_token: token }).toString() : '';
};

const appendCookies = (ctx: ParameterizedContext, cookies: readonly string[]) => {
  for (const cookie of cookies) ctx.append('Set-Cookie', cookie);
};

/**
 * The Logto middleware: answers the auth routes (`/sign-in`, `/sign-up`, `/callback`, `/sign-out`,
 * or `config.routes`), sets `ctx.state.logto` (the request's {@link LogtoClient}) for every other
 * route, appends the session cookies the request changed, and turns the SDK's errors thrown
 * downstream into their HTTP answer (an ended session: pages redirect to sign-in, APIs get 401; bad
 * input: 4xx). The configuration is checked here, once: a bad one throws a `ConfigError` when the
 * app is built. Behind a proxy set `config.baseUrl`; `app.proxy` is not consulted.
 *
 * @example
 * ```ts
 * const app = new Koa<LogtoState>();
 * app.use(logto({ endpoint, appId, appSecret, session: { secrets: [process.env.SESSION_SECRET!] } }));
 * app.use(async (ctx) => {
 *   ctx.body = (await ctx.state.logto.isAuthenticated()) ? 'Signed in' : 'Not authenticated';
 * });
 * ```
 */
export const logto = (
  config: LogtoServerConfig,
  options: LogtoMiddlewareOptions = {},
): Middleware<LogtoState> => {
  const server = new LogtoServer(config);
  const isApi = options.isApiRequest ?? isApiRequest;
  // Not `async`: most requests are for the app, and chaining on `next()` spares each of them a
  // promise and a tick of their own (Koa awaits what a middleware returns).
  return (ctx, next) => {
    const { headers } = ctx.req;
    let request: LogtoRequest;
    try {
      request = server.open({
        url: urlOf(ctx),
        method: ctx.req.method ?? 'GET',
        cookie: headers.cookie,
        api: () => isApi(ctx),
        contentType: () => headers['content-type'],
        body: () => requestBody(ctx),
      });
    } catch (error) {
      // A TypeError: the Host header and request target do not make a URL. Anything else is the app's.
      if (!(error instanceof TypeError)) throw error;
      return ctx.throw(400, 'Bad Host header or request target.');
    }
    if (request.isAuthRoute) return answerAuthRoute(ctx, next, request);
    return handOver(ctx, next, request);
  };
};

/** An auth route: the core's answer, or the app's route when the core leaves it to the app. */
const answerAuthRoute = async (ctx: ParameterizedContext<LogtoState>, next: Next, request: LogtoRequest) => {
  const routed = await request.route();
  if (!routed) return handOver(ctx, next, request);
  appendCookies(ctx, routed.setCookie);
  return send(ctx, routed);
};

/**
 * Runs the rest of the app with the request's client, then answers SDK errors and appends the
 * session cookies, also before another error goes up (for the app's error handler to keep: Koa's
 * own drops headers).
 */
const handOver = (
  ctx: ParameterizedContext<LogtoState>,
  next: Next,
  request: LogtoRequest,
): Promise<void> => {
  ctx.state.logto = request.client;
  ctx.state.logtoRequest = request;
  return next().then(
    () => appendCookies(ctx, request.setCookieHeaders()),
    (error: unknown) => {
      try {
        if (!isLogtoMachineError(error)) throw error;
        send(ctx, request.failure(error));
      } finally {
        appendCookies(ctx, request.setCookieHeaders());
      }
    },
  );
};

/**
 * A guard for routes that need a signed-in user (the tutorial's `@authenticated`): signed-out pages
 * are redirected to sign-in (and come back after it), signed-out API calls get 401 JSON (`api`
 * defaults to the {@link logto} middleware's API rule). Mount it after {@link logto}; it works as app
 * middleware and on `@koa/router` routes.
 *
 * @example
 * ```ts
 * router.get('/protected', requireAuth(), (ctx) => { ctx.body = 'Protected page'; });
 * router.get('/api/data', requireAuth({ api: true }), (ctx) => { ctx.body = { ok: true }; });
 * ```
 */
export const requireAuth = (options: RequireAuthOptions = {}): Middleware<LogtoState> => {
  return async (ctx, next) => {
    const request: LogtoRequest | undefined = ctx.state.logtoRequest;
    if (!request) throw new Error('requireAuth() needs the logto() middleware mounted before it.');
    const denied = await request.requireAuth(options);
    // Its cookies are appended by the logto middleware, on the way out.
    if (denied) return send(ctx, denied);
    await next();
  };
};
