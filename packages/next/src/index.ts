/**
 * `@logto-machine/next`: sign users in with Logto from a Next.js App Router app (Next 15 and 16). One
 * route handler answers the auth routes; the proxy (`proxy.ts`, or `middleware.ts` before Next 16)
 * refreshes an expiring session, writes its cookies and guards routes; `getLogto()` reads the session
 * in Server Components without ever writing a cookie. All auth logic lives in `@logto-machine/core`'s
 * `LogtoServer`; this file only translates Next ⇄ core.
 *
 * @module
 */
import {
  appendSetCookie,
  ConfigError,
  isApiRequest as isApiPathOrAccept,
  isLogtoMachineError,
  type LockShape,
  LogtoClient,
  type LogtoRequest,
  type LogtoRequestInput,
  LogtoServer,
  type LogtoServerConfig,
  makeMemoryLock,
  RefreshLedger,
  type RequireAuthOptions,
  toWebResponse,
  withSetCookie,
} from '@logto-machine/core';
import * as Effect from 'effect/Effect';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { NextResponse } from 'next/server';
// The type from `next/server.js`: our declarations import it, and a user's `moduleResolution:
// "NodeNext"` finds only that file (next has no `exports` map). Values stay on `next/server`, the
// request Next's bundler aliases.
import type { NextRequest } from 'next/server.js';
import { cookieHeaderAfter, parseSetCookie } from './cookies.ts';

export type {
  IdTokenClaims,
  LogtoClient,
  LogtoRequest,
  LogtoRoutes,
  LogtoServerConfig,
  RequireAuthOptions,
} from '@logto-machine/core';

/**
 * Thrown by {@link LogtoNext.getLogto}'s client when an access token must be refreshed: a Server
 * Component cannot write the refreshed session's cookies, and refreshing without writing them would
 * spend the refresh token (Logto rotates it) and sign the user out on the next request. Let the proxy
 * refresh it instead: match the route in the proxy's `config.matcher` and list the token in
 * {@link LogtoProxyOptions.keepFresh}, or read the token in a route handler ({@link LogtoNext.route}).
 */
export class RefreshInServerComponent extends Error {
  /** Tells this error apart without `instanceof` (across bundles). */
  readonly _tag = 'RefreshInServerComponent' as const;

  constructor() {
    super(
      'An access token must be refreshed, and a Server Component cannot write cookies. Let the proxy (proxy.ts / middleware.ts) refresh it: match this route in its config.matcher and list the token in keepFresh, or read the token in a route handler wrapped with logto.route().',
    );
    this.name = 'RefreshInServerComponent';
  }
}

/** A token the proxy keeps fresh: the default access token (`{}`), an API resource's, an organization's. */
export interface TokenTarget {
  readonly resource?: string | undefined;
  readonly organizationId?: string | undefined;
}

/** Options of {@link LogtoNext.proxy}. */
export interface LogtoProxyOptions {
  /**
   * The routes only signed-in users may see: path prefixes (`'/dashboard'` guards `/dashboard` and
   * everything under `/dashboard/`), or a function of the request. Signed-out pages are redirected to
   * sign-in and come back afterwards; API calls get 401. Default: none.
   */
  readonly protect?: readonly string[] | ((request: NextRequest) => boolean) | undefined;
  /**
   * The access tokens the proxy refreshes, when they are about to expire, before the request reaches
   * the app: what the Server Components behind it read. Default: the default access token (which
   * `fetchUserInfo()` uses) for pages, none for API calls (route handlers refresh what they need).
   */
  readonly keepFresh?: ((request: NextRequest, api: boolean) => readonly TokenTarget[]) | undefined;
  /** Whether a request is an API call (401 rather than a redirect); default {@link isApiRequest}. */
  readonly isApiRequest?: ((request: Request) => boolean) | undefined;
  /**
   * The largest `Cookie` header, in bytes, the proxy hands the app with the whole session in it: a
   * cookie session too large for the browser's cookie budget leaves its cached access tokens out of the
   * browser's cookies, but the request the app renders gets them all (sealed like any session cookie),
   * so a Server Component reads the tokens the proxy just fetched. Past this size the app gets the
   * browser's copy instead. Default 16 384: the most one request header may hold on Vercel (32 KB for
   * all of them); `next start` hands the headers over in memory and sets no limit of its own.
   */
  readonly maxForwardedCookieBytes?: number | undefined;
}

/** Vercel's limit for one request header (its functions and middleware answer REQUEST_HEADER_TOO_LARGE past it). */
const defaultMaxForwardedCookieBytes = 16_384;

/** What a handler wrapped by {@link LogtoNext.route} receives beside the request. */
export interface LogtoRouteContext {
  /** The client for this request: it may refresh tokens; the wrapper writes the cookies. */
  readonly logto: LogtoClient;
  /** This request's view of Logto: `requireAuth`, and `failure` (errors as HTTP answers). */
  readonly logtoRequest: LogtoRequest;
}

/** Options of {@link LogtoNext.signIn}, the server action. */
export interface SignInActionOptions {
  /** Where to come back to after signing in (a path of this app); default `/`. */
  readonly returnTo?: string | undefined;
  /** Open the register screen instead of the sign-in screen. */
  readonly signUp?: boolean | undefined;
}

/** Options of {@link LogtoNext.getLogto}. */
export interface GetLogtoOptions {
  /**
   * The `Cookie` header to read instead of the request's (`headers()`): for code that runs outside a
   * request of Next's, such as tests.
   */
  readonly cookie?: string | null | undefined;
}

/** What {@link createLogto} returns: everything an App Router app uses. */
export interface LogtoNext {
  /** The `LogtoServer` (built on first use when the configuration is a function). */
  readonly server: LogtoServer;
  /**
   * The auth routes as one route handler: export them from the route file(s) of your auth paths
   * (`export const { GET, POST } = logto.handlers;`). Paths that are not auth routes answer 404.
   */
  readonly handlers: {
    readonly GET: (request: Request) => Promise<Response>;
    readonly POST: (request: Request) => Promise<Response>;
  };
  /**
   * The proxy (Next 16 `proxy.ts`; `middleware.ts` on Next 15): refreshes the tokens of
   * {@link LogtoProxyOptions.keepFresh} when they are about to expire and writes the session cookies,
   * both to the response and to the request the app sees (there the whole session, even the cached
   * tokens a session too large for the browser's cookies leaves out of them), then guards the
   * {@link LogtoProxyOptions.protect | protected} routes. Runs on the Node and the Edge runtime.
   */
  proxy(options?: LogtoProxyOptions): (request: NextRequest) => Promise<Response>;
  /**
   * The client for Server Components (and anywhere else on the server): reads the session and its
   * cached tokens and never writes a cookie, so it never throws Next's "Cookies can only be modified
   * in a Server Action or Route Handler". A token that must be refreshed throws
   * {@link RefreshInServerComponent} instead (the proxy refreshes ahead of time).
   */
  getLogto(options?: GetLogtoOptions): Promise<LogtoClient>;
  /**
   * Wraps a route handler: it gets a client that may refresh tokens, the cookies it changed are
   * written to its response, and SDK errors it lets through become their HTTP answers (401 for an
   * ended session, 4xx for bad input, 502 for an unreachable provider).
   */
  route(
    handler: (request: NextRequest, context: LogtoRouteContext) => Response | Promise<Response>,
  ): (request: NextRequest) => Promise<Response>;
  /** Server action: starts a sign-in (cookies written with `cookies().set()`) and redirects to Logto. */
  signIn(options?: SignInActionOptions): Promise<never>;
  /** Server action: clears the session and redirects to Logto's end-session page. */
  signOut(): Promise<never>;
}

/**
 * The default API rule: the path is `/api` or under `/api/`, or the `Accept` header asks for JSON and
 * not for HTML.
 */
export const isApiRequest = (request: Request): boolean =>
  isApiPathOrAccept(new URL(request.url).pathname, request.headers.get('accept'));

/**
 * One lock table and one refresh ledger per process, on `globalThis`: Next bundles the proxy and each
 * route apart, each with its own copy of core, and every copy must take the same lock before presenting
 * a refresh token (Logto rotates it; presenting it twice ends the session). A lock in
 * `config.clientOptions` (Redis, across instances) wins.
 */
const processWide = (): { lock: LockShape; ledger: RefreshLedger } => {
  const key = Symbol.for('@logto-machine/next/process');
  const global = globalThis as typeof globalThis & { [key]?: { lock: LockShape; ledger: RefreshLedger } };
  global[key] ??= { lock: makeMemoryLock(), ledger: new RefreshLedger() };
  return global[key];
};

/** A Server Component's lock: refuses, so a refresh grant is never sent where its cookies cannot be written. */
const noRefresh: LockShape = {
  withLock: () => Effect.die(new RefreshInServerComponent()),
};

const pathMatches = (prefixes: readonly string[], path: string): boolean =>
  prefixes.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));

/**
 * The URL the client asked for: `NextRequest.url` shows `127.0.0.1` and `[::1]` as `localhost`, which
 * would put the redirect URI on another origin than the browser's, so the Host header's is used.
 */
const requestUrl = (request: Request): string => {
  const host = request.headers.get('host');
  if (host === null) return request.url;
  const url = new URL(request.url);
  const origin = `${url.protocol}//${host}`;
  return URL.canParse(origin) && new URL(origin).host === host.toLowerCase()
    ? `${origin}${url.pathname}${url.search}`
    : request.url;
};

const notFound = (): Response =>
  new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * Builds the Logto integration of a Next.js app; put it in one module (`lib/logto.ts`) and import it
 * from the route handler, the proxy, Server Components and server actions. Pass the configuration as a
 * function to read the environment at the first request rather than at `next build`; an object is
 * checked at once (a bad one throws a `ConfigError`).
 *
 * @example
 * ```ts
 * // lib/logto.ts
 * import { createLogto } from '@logto-machine/next';
 *
 * export const logto = createLogto(() => ({
 *   endpoint: process.env.LOGTO_ENDPOINT!,
 *   appId: process.env.LOGTO_APP_ID!,
 *   appSecret: process.env.LOGTO_APP_SECRET!,
 *   baseUrl: process.env.BASE_URL!,
 *   session: { secrets: [process.env.SESSION_SECRET!] },
 * }));
 * ```
 */
export const createLogto = (config: LogtoServerConfig | (() => LogtoServerConfig)): LogtoNext => {
  let built: LogtoServer | undefined;
  const serverOf = (): LogtoServer => {
    if (built) return built;
    const resolved = typeof config === 'function' ? config() : config;
    const shared = processWide();
    built = new LogtoServer({
      ...resolved,
      clientOptions: { lock: shared.lock, ledger: shared.ledger, ...resolved?.clientOptions },
    });
    return built;
  };
  if (typeof config !== 'function') serverOf();

  const open = (request: Request, isApi: (request: Request) => boolean = isApiRequest): LogtoRequest =>
    serverOf().open({
      url: requestUrl(request),
      method: request.method,
      cookie: request.headers.get('cookie'),
      api: () => isApi(request),
      contentType: () => request.headers.get('content-type'),
      // Unread: core reads it with its own cap (back-channel logout only).
      body: () => request.body,
    } satisfies LogtoRequestInput);

  const handler = async (request: Request): Promise<Response> => {
    const answer = await open(request).route();
    return answer ? toWebResponse(answer) : notFound();
  };

  /** Runs an auth route from a server action: cookies through `cookies().set()`, then `redirect()`. */
  const act = async (path: string, method: string): Promise<never> => {
    const server = serverOf();
    const requestHeaders = await headers();
    // Next checks that a server action's Origin is the app's own; baseUrl, when set, wins in core.
    const origin = requestHeaders.get('origin') ?? `http://${requestHeaders.get('host') ?? 'localhost'}`;
    const request = server.open({
      url: new URL(path, URL.canParse(origin) ? origin : 'http://localhost').href,
      method,
      cookie: requestHeaders.get('cookie'),
    });
    const answer = await request.route();
    const cookieStore = await cookies();
    for (const header of answer?.setCookie ?? []) {
      const { name, value, ...options } = parseSetCookie(header);
      cookieStore.set(name, value, options);
    }
    if (answer?.kind === 'redirect') redirect(answer.location);
    throw new Error(
      `Logto ${path} answered ${answer?.status ?? 404}${answer?.kind === 'page' || answer?.kind === 'json' ? `: ${answer.body}` : ''}`,
    );
  };

  return {
    get server() {
      return serverOf();
    },
    handlers: { GET: handler, POST: handler },

    proxy: (options = {}) => {
      const { protect, keepFresh, maxForwardedCookieBytes = defaultMaxForwardedCookieBytes } = options;
      if (!Number.isSafeInteger(maxForwardedCookieBytes) || maxForwardedCookieBytes < 0) {
        throw new ConfigError({
          reason: 'InvalidOption',
          message: `proxy(): maxForwardedCookieBytes must be a whole number of bytes, got ${String(maxForwardedCookieBytes)}.`,
        });
      }
      const isApi = options.isApiRequest ?? isApiRequest;
      return async (request) => {
        const logto = open(request, isApi);
        // The route handler answers these; refreshing in front of a callback would only race it.
        if (logto.isAuthRoute) return NextResponse.next();
        try {
          const guarded =
            typeof protect === 'function'
              ? protect(request)
              : pathMatches(protect ?? [], request.nextUrl.pathname);
          const denied = guarded ? await logto.requireAuth() : null;
          if (denied) {
            // Next wants absolute redirect URLs from a proxy; it shortens same-origin ones again.
            return toWebResponse(
              denied.kind === 'redirect'
                ? { ...denied, location: new URL(denied.location, request.url).href }
                : denied,
            );
          }
          if (await logto.client.isAuthenticated()) {
            const targets = keepFresh ? keepFresh(request, logto.api) : logto.api ? [] : [{}];
            for (const { resource, organizationId } of targets)
              await logto.client.getAccessToken(resource, organizationId);
          }
        } catch (error) {
          const answer = logto.failure(error);
          return toWebResponse(
            answer.kind === 'redirect'
              ? { ...answer, location: new URL(answer.location, request.url).href }
              : answer,
          );
        }
        const setCookie = logto.setCookieHeaders();
        if (setCookie.length === 0) return NextResponse.next();
        // The app behind the proxy reads the refreshed session in this very request: all of it, even
        // the cached tokens the browser's copy had to leave out, since this copy never leaves the server.
        const cookie = request.headers.get('cookie');
        const whole = cookieHeaderAfter(cookie, logto.session.forwardedSetCookieHeaders());
        const forwarded = new Headers(request.headers);
        forwarded.set(
          'cookie',
          whole.length <= maxForwardedCookieBytes ? whole : cookieHeaderAfter(cookie, setCookie),
        );
        const response = NextResponse.next({ request: { headers: forwarded } });
        appendSetCookie(response.headers, setCookie);
        return response;
      };
    },

    getLogto: async (options = {}) => {
      // `headers()` first: it marks the page dynamic, so `next build` never renders it without a request.
      const cookie = options.cookie !== undefined ? options.cookie : (await headers()).get('cookie');
      const server = serverOf();
      // Never written: its Set-Cookie headers are dropped, and it refuses to refresh (see noRefresh).
      const session = server.sessions.open(cookie, { secure: false });
      return new LogtoClient(server.config, {
        ...server.config.clientOptions,
        storage: session,
        lock: noRefresh,
      });
    },

    route: (routeHandler) => async (request) => {
      const logto = open(request);
      let response: Response;
      try {
        response = await routeHandler(request, { logto: logto.client, logtoRequest: logto });
      } catch (error) {
        if (!isLogtoMachineError(error)) throw error;
        response = toWebResponse(logto.failure(error));
      }
      return withSetCookie(response, logto.setCookieHeaders());
    },

    signIn: (options = {}) => {
      const { routes } = serverOf();
      const path = options.signUp ? routes.signUp : routes.signIn;
      return act(options.returnTo ? `${path}?returnTo=${encodeURIComponent(options.returnTo)}` : path, 'GET');
    },
    signOut: () => act(serverOf().routes.signOut, 'POST'),
  };
};

/**
 * The guard for one route handler (the tutorial's `@authenticated`) inside {@link LogtoNext.route}:
 * `null` when signed in, else the answer to return — a redirect to sign-in for pages, 401 for APIs.
 *
 * @example
 * ```ts
 * export const GET = logto.route(async (request, { logto: client, logtoRequest }) => {
 *   const denied = await requireAuth(logtoRequest);
 *   if (denied) return denied;
 *   return Response.json({ claims: await client.getIdTokenClaims() });
 * });
 * ```
 */
export const requireAuth = async (
  logtoRequest: LogtoRequest,
  options: RequireAuthOptions = {},
): Promise<Response | null> => {
  const denied = await logtoRequest.requireAuth(options);
  // The cookies are written by logto.route(), on the way out.
  return denied ? toWebResponse({ ...denied, setCookie: [] }) : null;
};
