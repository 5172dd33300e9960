import { ConfigError, isLogtoMachineError, LogoutTokenError } from '../errors.ts';
import { type LogtoConfig, normalizeConfig } from '../oidc/config.ts';
import type { SignInOptions } from '../oidc/signIn.ts';
import type { Logger } from '../ports/Logger.ts';
import { LogtoClient, type LogtoClientOptions } from '../runtime/LogtoClient.ts';
import { defaultCookieName, makeSessions, type SessionsConfig } from '../session/makeSessions.ts';
import type { RequestSession, Sessions } from '../session/Sessions.ts';
import { type BackchannelAnswer, backchannelError, loggedOut, readLogoutToken } from './backchannelLogout.ts';
import { errorPage, toHttpFailure } from './errorMapping.ts';
import type { RequestBody } from './requestBody.ts';
import { plainPathname, splitUrl } from './requestTarget.ts';
import { safeReturnTo } from './returnTo.ts';

/** The paths of the auth routes. */
export interface LogtoRoutes {
  readonly signIn: string;
  readonly signUp: string;
  readonly callback: string;
  readonly signOut: string;
  /** Where the provider POSTs logout tokens (OpenID Connect Back-Channel Logout 1.0); store mode only. */
  readonly backchannelLogout: string;
}

/** Configuration of a server app: the Logto app, its session cookies and its auth routes. */
export interface LogtoServerConfig extends LogtoConfig {
  /** The app's public origin (`https://app.example`); default each request's own origin. Set it behind a proxy. */
  readonly baseUrl?: string;
  /**
   * Where sessions live. `{ secrets }`: in encrypted cookies (the default; `secrets` is required: 32+
   * characters, a list for rotation). `{ store, secrets }`: in an unstorage store (Redis, KV, …), the
   * cookie holding only a signed id — shared by every instance, needed for back-channel logout. Or
   * a `RequestSessions` / `StoreSessions` already built. The cookie is named `__Host-logto_session`
   * when `baseUrl` is https (so no other origin can plant one), else `logto_session`; set
   * `cookieName` to choose.
   */
  readonly session: SessionsConfig;
  /** Auth route paths; defaults `/sign-in`, `/sign-up`, `/callback`, `/sign-out`, `/backchannel-logout`. */
  readonly routes?: Partial<LogtoRoutes>;
  /** Where sign-out returns to, a path on the app; default `/`. */
  readonly postSignOutPath?: string;
  /** Options for every sign-in (scopes and resources come from the config). */
  readonly signInOptions?: Omit<SignInOptions, 'redirectUri' | 'postRedirectUri' | 'interactionMode'>;
  /**
   * Ports and tunables of the per-request clients (the storage is the request's cookies). Its `clock`
   * is the sessions' clock too (store mode measures entry expiry with it).
   */
  readonly clientOptions?: Omit<LogtoClientOptions, 'storage'>;
  /** Where the SDK's warnings go (an oversized session cookie); default `console.warn`. Pino's logger fits. */
  readonly logger?: Logger;
}

/** What an adapter sends back: a redirect or a page, plus cookies; adapters translate it, nothing more. */
export type LogtoResponse =
  | {
      readonly kind: 'redirect';
      readonly status: 302;
      readonly location: string;
      readonly setCookie: readonly string[];
    }
  | {
      readonly kind: 'page' | 'json';
      readonly status: number;
      readonly body: string;
      readonly setCookie: readonly string[];
      /** Further response headers, e.g. `Cache-Control`. */
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      /** A status without a body (the back-channel logout route's 200). */
      readonly kind: 'empty';
      readonly status: number;
      readonly setCookie: readonly string[];
      readonly headers?: Readonly<Record<string, string>>;
    };

/** A request as adapters describe it: the full URL, the method and the Cookie header. */
export interface LogtoRequestInput {
  readonly url: string;
  readonly method: string;
  readonly cookie: string | null | undefined;
  /**
   * Whether the request is an API call (answered with JSON and 401) rather than a page; default
   * false. A function is called only when an answer depends on it (most requests never ask).
   */
  readonly api?: boolean | (() => boolean);
  /** The `Content-Type` header, or a function that reads it; read by the back-channel logout route only. */
  readonly contentType?: string | null | (() => string | null | undefined);
  /**
   * The request body, asked for only by the routes that need one (back-channel logout): pass it lazily
   * and unread — a Web `ReadableStream` (`request.body`), a Node request stream, any async iterable of
   * bytes, or text a body parser already read. Core reads it with its own byte cap (16 KiB; a logout
   * token is about 1 KB), enforced while reading, so a huge body is never buffered.
   */
  readonly body?: () => RequestBody;
}

const defaultRoutes: LogtoRoutes = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  callback: '/callback',
  signOut: '/sign-out',
  backchannelLogout: '/backchannel-logout',
};

const invalid = (message: string) => new ConfigError({ reason: 'InvalidOption', message });

const checkPath = (path: string, name: string) => {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw invalid(`${name} must be a path starting with "/"; got ${JSON.stringify(path)}.`);
  }
  return path;
};

/**
 * The auth logic every server adapter shares, on Web-standard inputs: the auth routes (sign-in,
 * sign-up, callback, sign-out), the session cookies, `requireAuth`, and errors as HTTP. Validates its
 * configuration once, at construction.
 *
 * @example
 * ```ts
 * const logto = new LogtoServer({ endpoint, appId, appSecret, session: { secrets: [process.env.SESSION_SECRET!] } });
 * const request = logto.open({ url: req.url, method: req.method, cookie: req.headers.get('cookie') });
 * const routed = await request.route();
 * ```
 */
export class LogtoServer {
  readonly config: LogtoServerConfig;
  readonly routes: LogtoRoutes;
  /** The sessions every request opens: `RequestSessions`, or `StoreSessions` (with `deleteSessions`) in store mode. */
  readonly sessions: Sessions;
  readonly #baseUrl: URL | undefined;
  /** Without `baseUrl`: each request origin's parse (scheme and authority → origin), a few at a time. */
  readonly #origins = new Map<string, URL>();
  /** The client options of every request but its storage, spread once. */
  readonly #clientOptions: Omit<LogtoClientOptions, 'storage'>;

  constructor(config: LogtoServerConfig) {
    const normalized = normalizeConfig(config);
    if (normalized instanceof ConfigError) throw normalized;
    if (config.baseUrl !== undefined && !URL.canParse(config.baseUrl)) {
      throw invalid(
        `baseUrl must be the app's absolute origin, e.g. "https://app.example"; got ${JSON.stringify(config.baseUrl)}.`,
      );
    }
    this.config = config;
    this.#baseUrl = config.baseUrl === undefined ? undefined : new URL(new URL(config.baseUrl).origin);
    const routes = { ...defaultRoutes, ...config.routes };
    for (const [name, path] of Object.entries(routes)) checkPath(path, `routes.${name}`);
    checkPath(config.postSignOutPath ?? '/', 'postSignOutPath');
    this.routes = routes;
    const { path } = (config.session ?? {}) as { path?: string };
    this.sessions = makeSessions(config.session, {
      cookieName: defaultCookieName(this.#baseUrl, typeof path === 'string' ? path : undefined),
      clock: config.clientOptions?.clock,
      logger: config.logger,
    });
    this.#clientOptions = { ...config.clientOptions };
    // Fail now rather than on the first request if the client options are wrong.
    new LogtoClient(config, config.clientOptions);
  }

  /**
   * Binds one request: its client (on the request's cookies) and its auth-route handling. Cheap: the
   * URL is split, not parsed (a request's origin is parsed once per distinct origin), and nothing is
   * decrypted until the client reads the session. Throws a `TypeError` when `url` is not an absolute
   * URL (adapters that build it from the Host header answer 400).
   */
  open(input: LogtoRequestInput): LogtoRequest {
    const split = splitUrl(input.url);
    let base: URL;
    let url: URL | undefined;
    if (split === null) {
      url = new URL(input.url);
      base = this.#baseUrl ?? new URL(url.origin);
    } else {
      const origin = this.#originOf(split.prefix);
      base = this.#baseUrl ?? origin;
    }
    const session = this.sessions.open(input.cookie, { secure: base.protocol === 'https:' });
    const client = new LogtoClient(this.config, { ...this.#clientOptions, storage: session });
    const path = split === null ? url!.pathname : plainPathname(split.rest);
    return new LogtoRequest(this, client, session, input, base, path, url);
  }

  /** The origin of a request URL's scheme and authority; throws a `TypeError` when they are not a URL's. */
  #originOf(prefix: string): URL {
    let origin = this.#origins.get(prefix);
    if (origin === undefined) {
      origin = new URL(new URL(prefix).origin);
      // Hosts come from clients: keep a few, never an unbounded number.
      if (this.#origins.size >= 16) this.#origins.clear();
      this.#origins.set(prefix, origin);
    }
    return origin;
  }
}

/** An auth route's answer when the request is for the app; shared, so such requests allocate nothing. */
const notAnAuthRoute: Promise<null> = Promise.resolve(null);

/** One request's view of Logto: its client, its cookies, and the answers the adapter sends. */
export class LogtoRequest {
  readonly server: LogtoServer;
  /** The client for this request, on this request's session cookies. */
  readonly client: LogtoClient;
  readonly session: RequestSession;
  /** The app's public origin. */
  readonly baseUrl: URL;
  readonly method: string;
  /** The request's body and its type, for the back-channel logout route. */
  readonly input: LogtoRequestInput;
  /** The URL's pathname; `undefined` until asked when it needs the full parser. */
  #path: string | undefined;
  #url: URL | undefined;
  #api: boolean | undefined;

  constructor(
    server: LogtoServer,
    client: LogtoClient,
    session: RequestSession,
    input: LogtoRequestInput,
    baseUrl: URL,
    path?: string,
    url?: URL,
  ) {
    this.server = server;
    this.client = client;
    this.session = session;
    this.input = input;
    this.baseUrl = baseUrl;
    this.method = input.method.toUpperCase();
    this.#path = path;
    this.#url = url;
  }

  /** The request's URL, parsed on first use. */
  get url(): URL {
    this.#url ??= new URL(this.input.url);
    return this.#url;
  }

  /** The request's pathname. */
  get path(): string {
    this.#path ??= this.url.pathname;
    return this.#path;
  }

  /** Whether this request is an API call: the default of `requireAuth` and `failure`. */
  get api(): boolean {
    if (this.#api === undefined) {
      const { api } = this.input;
      this.#api = typeof api === 'function' ? api() === true : api === true;
    }
    return this.#api;
  }

  /** `Set-Cookie` values for what this request changed; the adapter appends them to its response. */
  setCookieHeaders(): readonly string[] {
    return this.session.setCookieHeaders();
  }

  #redirect(location: string): LogtoResponse {
    return { kind: 'redirect', status: 302, location, setCookie: this.setCookieHeaders() };
  }

  #signInPath(returnTo: string) {
    return `${this.server.routes.signIn}?returnTo=${encodeURIComponent(returnTo)}`;
  }

  /**
   * Answers an auth route (sign-in, sign-up, callback, sign-out), or `null` when the request is for
   * the app. Never throws: failures become the page or redirect they call for.
   */
  route(): Promise<LogtoResponse | null> {
    return this.isAuthRoute ? this.#route(this.path, this.server.routes) : notAnAuthRoute;
  }

  /**
   * Whether the path is one of the auth routes, which {@link route} answers (synchronous, so adapters
   * skip the `await` for every other request).
   */
  get isAuthRoute(): boolean {
    const { routes } = this.server;
    const { path } = this;
    return (
      path === routes.signIn ||
      path === routes.signUp ||
      path === routes.callback ||
      path === routes.signOut ||
      path === routes.backchannelLogout
    );
  }

  async #route(path: string, routes: LogtoRoutes): Promise<LogtoResponse | null> {
    const isGet = this.method === 'GET' || this.method === 'HEAD';
    try {
      if (isGet && (path === routes.signIn || path === routes.signUp))
        return await this.#signIn(path === routes.signUp);
      if (isGet && path === routes.callback) return await this.#callback();
      if ((isGet || this.method === 'POST') && path === routes.signOut) return await this.#signOut();
      if (path === routes.backchannelLogout) return await this.#backchannelLogout();
    } catch (error) {
      return this.failure(error, { api: false });
    }
    return null;
  }

  async #signIn(signUp: boolean): Promise<LogtoResponse> {
    const returnTo = safeReturnTo(this.url.searchParams.get('returnTo'), this.baseUrl);
    const location = await this.client.signIn({
      ...this.server.config.signInOptions,
      redirectUri: new URL(this.server.routes.callback, this.baseUrl).href,
      postRedirectUri: returnTo,
      ...(signUp ? { interactionMode: 'signUp' as const } : {}),
    });
    return this.#redirect(location);
  }

  async #callback(): Promise<LogtoResponse> {
    // Rebuilt on the public origin, so a proxy in front of the app never causes a redirect-URI mismatch.
    const callbackUrl = new URL(`${this.url.pathname}${this.url.search}`, this.baseUrl).href;
    try {
      const { postRedirectUri } = await this.client.handleSignInCallback(callbackUrl);
      return this.#redirect(safeReturnTo(postRedirectUri, this.baseUrl));
    } catch (error) {
      const failure = toHttpFailure(error);
      const message =
        (error as { reason?: string }).reason === 'UnknownState'
          ? 'This sign-in link has expired or was already used (or was started in another browser); please sign in again.'
          : failure.message;
      // A failed callback creates no session (and leaves an existing one alone: a forged callback link
      // must not be able to sign anyone out).
      return {
        kind: 'page',
        status: failure.status >= 500 ? failure.status : 400,
        body: errorPage(message, this.server.routes.signIn),
        setCookie: this.setCookieHeaders(),
      };
    }
  }

  async #signOut(): Promise<LogtoResponse> {
    const home = new URL(this.server.config.postSignOutPath ?? '/', this.baseUrl).href;
    const endSessionUrl = await this.client.signOut(home);
    return this.#redirect(endSessionUrl ?? home);
  }

  /**
   * OpenID Connect Back-Channel Logout 1.0: verifies the provider's `logout_token` and deletes the
   * sessions it names (`sid`, else every session of `sub`) from the store. 200 with `Cache-Control:
   * no-store` when done (also when no session matched); 400 with `{ error, error_description }` for
   * every broken token or failed logout (§2.8); 405 for other methods; 501 in cookie mode, where the
   * sessions live in browsers and there is nothing on the server to delete.
   *
   * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse
   */
  async #backchannelLogout(): Promise<LogtoResponse> {
    const answer = (result: BackchannelAnswer): LogtoResponse => ({ ...result, setCookie: [] });
    if (this.method !== 'POST')
      return answer(backchannelError(405, 'Logout tokens are POSTed to this route.', { allow: 'POST' }));
    const { sessions } = this.server;
    if (sessions.kind !== 'store') {
      return answer(
        backchannelError(
          501,
          'Back-channel logout needs server-side sessions (store mode): this app keeps its sessions in cookies, so there is none to delete.',
        ),
      );
    }
    if (!this.input.body) {
      return answer(
        backchannelError(
          501,
          'This server adapter does not pass request bodies to LogtoServer (input.body).',
        ),
      );
    }
    try {
      const { contentType } = this.input;
      const token = await readLogoutToken(
        typeof contentType === 'function' ? contentType() : contentType,
        this.input.body,
      );
      if (token instanceof LogoutTokenError) return answer(backchannelError(400, token.message));
      const { sid, sub } = await this.client.verifyLogoutToken(token);
      await sessions.deleteSessions({ sid, sub });
      return answer(loggedOut);
    } catch (error) {
      // §2.8: a logout that failed for any reason (a broken token, an unreachable provider or store) is 400.
      const message = isLogtoMachineError(error)
        ? error.message
        : 'The logout failed unexpectedly; try again.';
      return answer(backchannelError(400, message));
    }
  }

  /**
   * The guard of the tutorial's `@authenticated`: `null` when signed in; otherwise a redirect to
   * sign-in that comes back here (pages), or 401 (APIs).
   */
  async requireAuth(options: { api?: boolean; redirectTo?: string } = {}): Promise<LogtoResponse | null> {
    if (await this.client.isAuthenticated()) return null;
    if (options.api ?? this.api) {
      return {
        kind: 'json',
        status: 401,
        body: JSON.stringify({ error: 'unauthorized' }),
        setCookie: this.setCookieHeaders(),
      };
    }
    return this.#redirect(options.redirectTo ?? this.#signInPath(`${this.url.pathname}${this.url.search}`));
  }

  /**
   * Any error as the answer it calls for — the one place errors become HTTP. An ended session sends
   * pages to sign-in and gives APIs 401; bad input is 4xx; an unreachable provider 502.
   */
  failure(error: unknown, options: { api?: boolean } = {}): LogtoResponse {
    const api = options.api ?? this.api;
    const failure = toHttpFailure(error);
    const setCookie = this.setCookieHeaders();
    if (failure.signInAgain && !api) {
      return {
        kind: 'redirect',
        status: 302,
        location: this.#signInPath(`${this.url.pathname}${this.url.search}`),
        setCookie,
      };
    }
    if (api) {
      return {
        kind: 'json',
        status: failure.status,
        body: JSON.stringify({ error: failure.message }),
        setCookie,
      };
    }
    return {
      kind: 'page',
      status: failure.status,
      body: errorPage(failure.message, this.server.routes.signIn),
      setCookie,
    };
  }
}
