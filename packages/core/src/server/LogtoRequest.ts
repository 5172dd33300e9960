/**
 * One request's view of Logto, as `LogtoServer.open` binds it: its client on the request's session,
 * its auth-route answer, `requireAuth`, and errors as HTTP.
 *
 * @module
 */
import type { LogtoClient } from '../runtime/LogtoClient.ts';
import type { RequestSession } from '../session/Sessions.ts';
import { answerAuthRoute, authRouteOf } from './authRoutes.ts';
import { failureResponse } from './errorMapping.ts';
import type { LogtoRequestInput } from './LogtoRequestInput.ts';
import type { LogtoResponse } from './LogtoResponse.ts';
import { signInPathFor } from './returnTo.ts';
import type { LogtoRoutes, ServerSettings } from './serverConfig.ts';

/** Everything a {@link LogtoRequest} is made of; `LogtoServer.open` builds it. */
export interface LogtoRequestOptions {
  /** The app's configuration, routes and sessions (the `LogtoServer`). */
  readonly settings: ServerSettings;
  /** The request as the adapter described it. */
  readonly input: LogtoRequestInput;
  /** The client on this request's session. */
  readonly client: LogtoClient;
  /** This request's session (its cookies, and the store in store mode). */
  readonly session: RequestSession;
  /** The app's public origin. */
  readonly baseUrl: URL;
  /** The URL's pathname when already known without the full URL parser. */
  readonly path?: string | undefined;
  /** The URL, when already parsed. */
  readonly url?: URL | undefined;
}

/** Options of {@link LogtoRequest.requireAuth}, and of every adapter's `requireAuth`. */
export interface RequireAuthOptions {
  /** Answer 401 instead of redirecting to sign-in; default the adapter's API rule for the request. */
  readonly api?: boolean | undefined;
  /** Where to send signed-out users; default the sign-in route, coming back to this URL afterwards. */
  readonly redirectTo?: string | undefined;
}

/** An auth route's answer when the request is for the app; shared, so such requests allocate nothing. */
const notAnAuthRoute: Promise<null> = Promise.resolve(null);

/** One request's view of Logto: its client, its cookies, and the answers the adapter sends. */
export class LogtoRequest {
  /** The app's configuration, routes and sessions. */
  readonly settings: ServerSettings;
  /** The client for this request, on this request's session. */
  readonly client: LogtoClient;
  /** This request's session: a `RequestSession` in cookie and store mode alike. */
  readonly session: RequestSession;
  /** The app's public origin. */
  readonly baseUrl: URL;
  /** The method, upper case. */
  readonly method: string;
  /** The request as the adapter described it (its body and type, for the back-channel logout route). */
  readonly input: LogtoRequestInput;
  /** The URL's pathname; `undefined` until asked when it needs the full parser. */
  #path: string | undefined;
  #url: URL | undefined;
  #api: boolean | undefined;

  constructor(options: LogtoRequestOptions) {
    this.settings = options.settings;
    this.client = options.client;
    this.session = options.session;
    this.input = options.input;
    this.baseUrl = options.baseUrl;
    this.method = options.input.method.toUpperCase();
    this.#path = options.path;
    this.#url = options.url;
  }

  /** The paths of the auth routes. */
  get routes(): LogtoRoutes {
    return this.settings.routes;
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

  /**
   * Answers an auth route (sign-in, sign-up, callback, sign-out, back-channel logout), or `null` when
   * the request is for the app. Never throws: failures become the page or redirect they call for.
   */
  route(): Promise<LogtoResponse | null> {
    const route = authRouteOf(this.path, this.settings.routes);
    return route === null ? notAnAuthRoute : answerAuthRoute(this, route);
  }

  /**
   * Whether the path is one of the auth routes, which {@link route} answers (synchronous, so adapters
   * skip the `await` for every other request).
   */
  get isAuthRoute(): boolean {
    return authRouteOf(this.path, this.settings.routes) !== null;
  }

  /**
   * The guard of the tutorial's `@authenticated`: `null` when signed in; otherwise a redirect to
   * sign-in that comes back here (pages), or 401 (APIs).
   */
  async requireAuth(options: RequireAuthOptions = {}): Promise<LogtoResponse | null> {
    if (await this.client.isAuthenticated()) return null;
    if (options.api ?? this.api) {
      return {
        kind: 'json',
        status: 401,
        body: JSON.stringify({ error: 'unauthorized' }),
        setCookie: this.setCookieHeaders(),
      };
    }
    return {
      kind: 'redirect',
      status: 302,
      location: options.redirectTo ?? signInPathFor(this.settings.routes.signIn, this.#here()),
      setCookie: this.setCookieHeaders(),
    };
  }

  /**
   * Any error as the answer it calls for (see `failureResponse`, the one place errors become HTTP): an
   * ended session sends pages to sign-in and gives APIs 401; bad input is 4xx; an unreachable provider 502.
   */
  failure(error: unknown, options: { api?: boolean | undefined } = {}): LogtoResponse {
    return failureResponse(error, {
      answer: (options.api ?? this.api) ? 'api' : 'page',
      signInPath: this.settings.routes.signIn,
      returnTo: this.#here(),
      setCookie: this.setCookieHeaders(),
      logger: this.settings.logger,
      path: this.path,
    });
  }

  /** This request's path and query: where sign-in comes back to. */
  #here(): string {
    return `${this.url.pathname}${this.url.search}`;
  }
}
