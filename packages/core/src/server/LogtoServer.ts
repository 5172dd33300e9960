/**
 * The auth logic every server adapter shares, on Web-standard inputs. `LogtoServer` holds what an app
 * configures once; `open` binds each request as a {@link LogtoRequest}.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import { normalizeConfig } from '../oidc/config.ts';
import { checkLogger, type Logger } from '../ports/Logger.ts';
import { checkClientOptions, LogtoClient, type LogtoClientOptions } from '../runtime/LogtoClient.ts';
import { defaultCookieName, makeSessions } from '../session/makeSessions.ts';
import type { Sessions } from '../session/Sessions.ts';
import { LogtoRequest } from './LogtoRequest.ts';
import type { LogtoRequestInput } from './LogtoRequestInput.ts';
import { plainPathname, splitUrl } from './requestTarget.ts';
import {
  type LogtoRoutes,
  type LogtoServerConfig,
  resolveRoutes,
  type ServerSettings,
} from './serverConfig.ts';

/**
 * The auth logic every server adapter shares, on Web-standard inputs: the auth routes (sign-in,
 * sign-up, callback, sign-out, back-channel logout), the session cookies, `requireAuth`, and errors as
 * HTTP. Validates its configuration once, at construction.
 *
 * @example
 * ```ts
 * const logto = new LogtoServer({ endpoint, appId, appSecret, session: { secrets: [process.env.SESSION_SECRET!] } });
 * const request = logto.open({ url: req.url, method: req.method, cookie: req.headers.get('cookie') });
 * const routed = await request.route();
 * ```
 */
export class LogtoServer implements ServerSettings {
  readonly config: LogtoServerConfig;
  readonly routes: LogtoRoutes;
  /** The sessions every request opens: `kind: 'cookie'` (`CookieSessions`), or `kind: 'store'` (`StoreSessions`, with `deleteSessions`). */
  readonly sessions: Sessions;
  readonly logger: Logger;
  readonly #baseUrl: URL | undefined;
  /** Without `baseUrl`: each request origin's parse (scheme and authority → origin), a few at a time. */
  readonly #origins = new Map<string, URL>();
  /** The client options of every request but its storage, spread once. */
  readonly #clientOptions: Omit<LogtoClientOptions, 'storage'>;

  constructor(config: LogtoServerConfig) {
    const appSecret = typeof config === 'object' && config !== null ? config.appSecret : null;
    if (appSecret === undefined || appSecret === '') {
      // Without a secret the app would sign in as a public client and fail only at the callback
      // (`invalid_client`); a server app is Logto's "Traditional web" app, which always has one.
      throw new ConfigError({
        reason: 'MissingAppSecret',
        message:
          'config.appSecret is missing: a server app signs in as a "Traditional web" application; copy its App secret from the Logto console (keep it in an environment variable).',
      });
    }
    const normalized = normalizeConfig(config);
    if (normalized instanceof ConfigError) throw normalized;
    if (config.baseUrl !== undefined && !URL.canParse(config.baseUrl)) {
      throw new ConfigError({
        reason: 'InvalidOption',
        message: `baseUrl must be the app's absolute origin, e.g. "https://app.example"; got ${JSON.stringify(config.baseUrl)}.`,
      });
    }
    this.config = config;
    this.#baseUrl = config.baseUrl === undefined ? undefined : new URL(new URL(config.baseUrl).origin);
    this.routes = resolveRoutes(config);
    this.logger = checkLogger(config.logger, 'LogtoServer');
    const { path } = (config.session ?? {}) as { path?: string | undefined };
    this.sessions = makeSessions(config.session, {
      cookieName: defaultCookieName(this.#baseUrl, typeof path === 'string' ? path : undefined),
      clock: config.clientOptions?.clock,
      logger: this.logger,
    });
    // Fail now rather than on the first request if the client options are wrong.
    checkClientOptions(config, config.clientOptions);
    // The clients log refused refreshes where the server logs everything else. A `storage` given here
    // (untyped callers) is dropped: each request's session is its client's storage.
    const { storage: _perRequest, ...clientOptions } = (config.clientOptions ?? {}) as LogtoClientOptions;
    this.#clientOptions = { ...clientOptions, logger: clientOptions.logger ?? this.logger };
  }

  /**
   * Binds one request: its client (on the request's cookies) and its auth-route handling. Cheap: the
   * URL is split, not parsed (a request's origin is parsed once per distinct origin), and nothing is
   * decrypted until the client reads the session. Throws a `TypeError` when `url` is not an absolute
   * URL (adapters that build it from the Host header answer 400).
   */
  open(input: LogtoRequestInput): LogtoRequest {
    const split = splitUrl(input.url);
    let baseUrl: URL;
    let url: URL | undefined;
    if (split === null) {
      url = new URL(input.url);
      baseUrl = this.#baseUrl ?? new URL(url.origin);
    } else {
      const origin = this.#originOf(split.prefix);
      baseUrl = this.#baseUrl ?? origin;
    }
    const session = this.sessions.open(input.cookie, { secure: baseUrl.protocol === 'https:' });
    // Not `{ ...this.#clientOptions, storage }`: V8 copies a non-empty object spread followed by a new
    // property through its slow path (~0.6 µs, a third of this method); `Object.assign` onto a literal
    // stays fast.
    const client = new LogtoClient(this.config, Object.assign({ storage: session }, this.#clientOptions));
    const path = split === null ? url!.pathname : plainPathname(split.rest);
    return new LogtoRequest({ settings: this, input, client, session, baseUrl, path, url });
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
