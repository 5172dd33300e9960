import { ConfigError } from '../errors.ts';
import { type LogtoConfig, normalizeConfig } from '../oidc/config.ts';
import type { SignInOptions } from '../oidc/signIn.ts';
import { LogtoClient, type LogtoClientOptions } from '../runtime/LogtoClient.ts';
import { type CookieSession, CookieSessions, type CookieSessionsConfig } from '../session/CookieSessions.ts';
import { errorPage, toHttpFailure } from './errorMapping.ts';
import { safeReturnTo } from './returnTo.ts';

/** The paths of the auth routes. */
export interface LogtoRoutes {
  readonly signIn: string;
  readonly signUp: string;
  readonly callback: string;
  readonly signOut: string;
}

/** Configuration of a server app: the Logto app, its session cookies and its auth routes. */
export interface LogtoServerConfig extends LogtoConfig {
  /** The app's public origin (`https://app.example`); default each request's own origin. Set it behind a proxy. */
  readonly baseUrl?: string;
  /** The encrypted session cookies (`secrets` is required: 32+ characters, a list for rotation). */
  readonly session: CookieSessionsConfig;
  /** Auth route paths; defaults `/sign-in`, `/sign-up`, `/callback`, `/sign-out`. */
  readonly routes?: Partial<LogtoRoutes>;
  /** Where sign-out returns to, a path on the app; default `/`. */
  readonly postSignOutPath?: string;
  /** Options for every sign-in (scopes and resources come from the config). */
  readonly signInOptions?: Omit<SignInOptions, 'redirectUri' | 'postRedirectUri' | 'interactionMode'>;
  /** Ports and tunables of the per-request clients (the storage is the request's cookies). */
  readonly clientOptions?: Omit<LogtoClientOptions, 'storage'>;
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
    };

/** A request as adapters describe it: the full URL, the method and the Cookie header. */
export interface LogtoRequestInput {
  readonly url: string;
  readonly method: string;
  readonly cookie: string | null | undefined;
  /** Whether the request is an API call (answered with JSON and 401) rather than a page; default false. */
  readonly api?: boolean;
}

const defaultRoutes: LogtoRoutes = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  callback: '/callback',
  signOut: '/sign-out',
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
  readonly #sessions: CookieSessions;
  readonly #baseUrl: URL | undefined;

  constructor(config: LogtoServerConfig) {
    const normalized = normalizeConfig(config);
    if (normalized instanceof ConfigError) throw normalized;
    if (config.baseUrl !== undefined && !URL.canParse(config.baseUrl)) {
      throw invalid(
        `baseUrl must be the app's absolute origin, e.g. "https://app.example"; got ${JSON.stringify(config.baseUrl)}.`,
      );
    }
    if (typeof config.session !== 'object' || config.session === null) {
      throw invalid(
        'session must be an object with the cookie secrets: { secrets: [process.env.SESSION_SECRET] }.',
      );
    }
    this.config = config;
    this.#baseUrl = config.baseUrl === undefined ? undefined : new URL(new URL(config.baseUrl).origin);
    const routes = { ...defaultRoutes, ...config.routes };
    for (const [name, path] of Object.entries(routes)) checkPath(path, `routes.${name}`);
    checkPath(config.postSignOutPath ?? '/', 'postSignOutPath');
    this.routes = routes;
    this.#sessions = new CookieSessions(config.session);
    // Fail now rather than on the first request if the client options are wrong.
    new LogtoClient(config, config.clientOptions);
  }

  /** Binds one request: its client (on the request's cookies) and its auth-route handling. */
  open(input: LogtoRequestInput): LogtoRequest {
    const url = new URL(input.url);
    const base = this.#baseUrl ?? new URL(url.origin);
    const session = this.#sessions.open(input.cookie, { secure: base.protocol === 'https:' });
    const client = new LogtoClient(this.config, { ...this.config.clientOptions, storage: session });
    return new LogtoRequest(this, client, session, url, base, input.method.toUpperCase(), input.api ?? false);
  }
}

/** One request's view of Logto: its client, its cookies, and the answers the adapter sends. */
export class LogtoRequest {
  constructor(
    readonly server: LogtoServer,
    /** The client for this request, on this request's session cookies. */
    readonly client: LogtoClient,
    readonly session: CookieSession,
    readonly url: URL,
    /** The app's public origin. */
    readonly baseUrl: URL,
    readonly method: string,
    /** Whether this request is an API call: the default of `requireAuth` and `failure`. */
    readonly api: boolean,
  ) {}

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
  async route(): Promise<LogtoResponse | null> {
    const { routes } = this.server;
    const path = this.url.pathname;
    const isGet = this.method === 'GET' || this.method === 'HEAD';
    try {
      if (isGet && (path === routes.signIn || path === routes.signUp))
        return await this.#signIn(path === routes.signUp);
      if (isGet && path === routes.callback) return await this.#callback();
      if ((isGet || this.method === 'POST') && path === routes.signOut) return await this.#signOut();
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
