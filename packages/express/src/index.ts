/**
 * `@logto-machine/express`: sign users in with Logto from an Express app (Express 4.21+ or 5). One
 * middleware answers the auth routes, keeps the session in encrypted cookies (no `express-session`)
 * and gives handlers a {@link LogtoClient}; all auth logic lives in `@logto-machine/core`'s
 * `LogtoServer`, this file only translates Express ⇄ core.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
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
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

// The types of this package's own API (its parameters, its request fields), so apps need not import core.
export type {
  LogtoClient,
  LogtoRequest,
  LogtoResponse,
  LogtoRoutes,
  LogtoServerConfig,
  RequireAuthOptions,
} from '@logto-machine/core';

declare global {
  // Express's own way to type request fields that middleware adds (`@types/express` 4 and 5).
  namespace Express {
    interface Request {
      /** The signed-in user's client for this request (set by {@link logto}). */
      logto: LogtoClient;
      /** This request's view of Logto: its cookies, `requireAuth` and `failure` (set by {@link logto}). */
      logtoRequest: LogtoRequest;
    }
  }
}

/** Options of the {@link logto} middleware beyond the Logto configuration. */
export interface LogtoMiddlewareOptions {
  /**
   * Whether a request is an API call, answered with JSON (401) rather than a redirect to sign-in.
   * Default {@link isApiRequest}.
   */
  readonly isApiRequest?: ((request: Request) => boolean) | undefined;
}

/**
 * The default API rule: the path is `/api` or under `/api/`, or the `Accept` header asks for JSON
 * and not for HTML (so browser navigations and requests that accept anything count as pages). The
 * path is the request's full one (`req.originalUrl`, which mounted routers leave alone).
 */
export const isApiRequest = (request: Request): boolean =>
  isApiPathOrAccept(request.originalUrl.split('?', 1)[0] ?? '', request.headers.accept);

/**
 * The request URL as the server received it: never `X-Forwarded-*`, whatever `trust proxy` says (the
 * public origin behind a proxy is `config.baseUrl`), so a client cannot choose the redirect URI.
 * Throws a `TypeError` (answered 400) when the Host header is not a host or the target not a path.
 */
const urlOf = (request: Request): string => {
  const { headers } = request;
  const host = headers.host || headers[':authority'];
  const protocol = (request.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  return requestUrl(protocol, typeof host === 'string' ? host : undefined, request.originalUrl);
};

/**
 * The request body for core, which reads it with its own cap: the Node stream itself, unread; or,
 * when a body parser mounted before has read it, its text (`express.text()`, `express.raw()`) or the
 * `logout_token` it parsed (`express.urlencoded()`).
 */
const requestBody = (request: Request): RequestBody => {
  if (!request.readableEnded) return request;
  const body: unknown = request.body;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  const token = (body as { logout_token?: unknown } | undefined)?.logout_token;
  return typeof token === 'string' ? new URLSearchParams({ logout_token: token }).toString() : '';
};

const appendCookies = (response: ServerResponse, cookies: readonly string[]) => {
  for (const cookie of cookies) response.appendHeader('set-cookie', cookie);
};

/** Sends a core answer (its cookies too, when `cookies` are given). */
const send = (response: Response, answer: LogtoResponse, cookies: readonly string[] = []) => {
  response.statusCode = answer.status;
  for (const [name, value] of responseHeaders(answer)) response.setHeader(name, value);
  appendCookies(response, cookies);
  response.end(responseBody(answer) ?? undefined);
};

/**
 * Appends the session cookies the request changed when the response's headers go out, whatever sends
 * them (`res.send`, `res.json`, `res.redirect`, a stream, the app's error handler): Express has no
 * "after the handlers" step, and Node's `res.end()` and first `res.write()` both go through `writeHead`.
 */
const appendCookiesOnHeaders = (response: ServerResponse, request: LogtoRequest) => {
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    response.writeHead = writeHead;
    appendCookies(this, request.setCookieHeaders());
    return writeHead.apply(this, args);
  } as ServerResponse['writeHead'];
};

/** Hands the request to the app with its client; the session cookies go out with the app's answer. */
const handOver = (request: Request, response: Response, next: NextFunction, logtoRequest: LogtoRequest) => {
  request.logto = logtoRequest.client;
  request.logtoRequest = logtoRequest;
  appendCookiesOnHeaders(response, logtoRequest);
  next();
};

/**
 * The Logto middleware: answers the auth routes (`/sign-in`, `/sign-up`, `/callback`, `/sign-out`,
 * or `config.routes`), sets `req.logto` (the request's {@link LogtoClient}) for every other route,
 * and appends the session cookies the request changed to whatever response the app sends. Mount
 * {@link logtoErrorHandler} after the routes to answer the SDK's errors. The configuration is checked
 * here, once: a bad one throws a `ConfigError` when the app is built. Behind a proxy set
 * `config.baseUrl`; `trust proxy` is not consulted (it still sets the app's own `req.protocol`).
 *
 * @example
 * ```ts
 * const app = express();
 * app.use(logto({ endpoint, appId, appSecret, session: { secrets: [process.env.SESSION_SECRET!] } }));
 * app.get('/', async (req, res) => {
 *   res.send((await req.logto.isAuthenticated()) ? 'Signed in' : 'Not authenticated');
 * });
 * app.use(logtoErrorHandler());
 * ```
 */
export const logto = (config: LogtoServerConfig, options: LogtoMiddlewareOptions = {}): RequestHandler => {
  const server = new LogtoServer(config);
  const isApi = options.isApiRequest ?? isApiRequest;
  return (request, response, next) => {
    let logtoRequest: LogtoRequest;
    try {
      logtoRequest = server.open({
        url: urlOf(request),
        method: request.method,
        cookie: request.headers.cookie,
        api: () => isApi(request),
        contentType: () => request.headers['content-type'],
        body: () => requestBody(request),
      });
    } catch (error) {
      // A TypeError: the Host header and request target do not make a URL. Anything else is the app's.
      if (!(error instanceof TypeError)) return next(error);
      response.status(400).type('text/plain').send('Bad Host header or request target.');
      return;
    }
    if (!logtoRequest.isAuthRoute) return handOver(request, response, next, logtoRequest);
    // `route()` never rejects (failures are answers); `next` takes what sending would throw.
    logtoRequest
      .route()
      .then((answer) => {
        if (answer === null) handOver(request, response, next, logtoRequest);
        else send(response, answer, answer.setCookie);
      })
      .catch(next);
  };
};

/**
 * A guard for routes that need a signed-in user (the tutorial's `@authenticated`): signed-out pages
 * are redirected to sign-in (and come back after it), signed-out API calls get 401 JSON (`api`
 * defaults to the {@link logto} middleware's API rule). Mount it after {@link logto}.
 *
 * @example
 * ```ts
 * app.get('/protected', requireAuth(), (req, res) => { res.send('Protected page'); });
 * app.get('/api/data', requireAuth({ api: true }), (req, res) => { res.json({ ok: true }); });
 * ```
 */
export const requireAuth = (options: RequireAuthOptions = {}): RequestHandler => {
  return (request, response, next) => {
    const logtoRequest = request.logtoRequest as LogtoRequest | undefined;
    if (!logtoRequest)
      return next(new Error('requireAuth() needs the logto() middleware mounted before it.'));
    // Its cookies are appended by the logto middleware, when the headers go out.
    logtoRequest
      .requireAuth(options)
      .then((denied) => (denied ? send(response, denied) : next()))
      .catch(next);
  };
};

/**
 * The error handler for the SDK's errors thrown by handlers (or passed to `next`): an ended session
 * sends pages to sign-in and gives APIs 401; bad input (a resource that was not configured, a refused
 * token request) is a 4xx page or JSON; an unreachable provider 502. Other errors, and SDK errors
 * after the response started, go on to the app's error handling. Mount it after the routes (and
 * before an error handler of the app's own). On Express 4, async handlers pass their errors to
 * `next` themselves (Express 5 does it for them).
 *
 * @example
 * ```ts
 * app.get('/api/token', async (req, res) => {
 *   res.json({ accessToken: await req.logto.getAccessToken('https://api.example.com') });
 * });
 * app.use(logtoErrorHandler());
 * ```
 */
export const logtoErrorHandler = (): ErrorRequestHandler => {
  return (error, request, response, next) => {
    const logtoRequest = request.logtoRequest as LogtoRequest | undefined;
    if (!logtoRequest || response.headersSent || !isLogtoMachineError(error)) return next(error);
    send(response, logtoRequest.failure(error));
  };
};
