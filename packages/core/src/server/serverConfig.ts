/**
 * What configures a server app (`LogtoServerConfig`, `LogtoRoutes`) and what each request needs of
 * it ({@link ServerSettings}), apart from `LogtoServer`, so requests and routes depend on data only.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import type { LogtoConfig } from '../oidc/config.ts';
import type { SignInOptions } from '../oidc/signIn.ts';
import type { Logger } from '../ports/Logger.ts';
import type { LogtoClientOptions } from '../runtime/LogtoClient.ts';
import type { SessionsConfig } from '../session/makeSessions.ts';
import type { Sessions } from '../session/Sessions.ts';

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
  readonly baseUrl?: string | undefined;
  /**
   * Where sessions live. `{ secrets }`: in encrypted cookies (the default; `secrets` is required: 32+
   * characters, a list for rotation). `{ store, secrets }`: in an unstorage store (Redis, KV, …), the
   * cookie holding only a signed id — shared by every instance, needed for back-channel logout. Or
   * a `CookieSessions` / `StoreSessions` already built. The cookie is named `__Host-logto_session`
   * when `baseUrl` is https (so no other origin can plant one), else `logto_session`; set
   * `cookieName` to choose.
   */
  readonly session: SessionsConfig;
  /** Auth route paths; defaults `/sign-in`, `/sign-up`, `/callback`, `/sign-out`, `/backchannel-logout`. */
  readonly routes?: { readonly [Route in keyof LogtoRoutes]?: LogtoRoutes[Route] | undefined } | undefined;
  /** Where sign-out returns to, a path on the app; default `/`. */
  readonly postSignOutPath?: string | undefined;
  /** Options for every sign-in (scopes and resources come from the config). */
  readonly signInOptions?:
    | Omit<SignInOptions, 'redirectUri' | 'postRedirectUri' | 'interactionMode'>
    | undefined;
  /**
   * Ports and tunables of the per-request clients (the storage is the request's cookies). Its `clock`
   * is the sessions' clock too (store mode measures entry expiry with it).
   */
  readonly clientOptions?: Omit<LogtoClientOptions, 'storage'> | undefined;
  /**
   * Where the SDK logs: every failed auth request once (its error tag, reason and status, never a
   * token, code, cookie value or secret), refused refreshes and back-channel logouts, an oversized
   * session cookie. `{ debug, info, warn, error }`, each `(details, message)`: pino's logger as it is;
   * default `consoleLogger` (the console).
   */
  readonly logger?: Logger | undefined;
}

/** What every request of a server app shares: its configuration, routes and sessions (a `LogtoServer` is one). */
export interface ServerSettings {
  readonly config: LogtoServerConfig;
  /** Where failures are logged (the config's `logger`, or `consoleLogger`). */
  readonly logger: Logger;
  readonly routes: LogtoRoutes;
  readonly sessions: Sessions;
}

const defaultRoutes: LogtoRoutes = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  callback: '/callback',
  signOut: '/sign-out',
  backchannelLogout: '/backchannel-logout',
};

const checkPath = (path: string, name: string) => {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new ConfigError({
      reason: 'InvalidOption',
      message: `${name} must be a path starting with "/"; got ${JSON.stringify(path)}.`,
    });
  }
  return path;
};

/** The routes `config` asks for, defaults filled in; throws `ConfigError('InvalidOption')` for a path that is not one. */
export const resolveRoutes = (config: LogtoServerConfig): LogtoRoutes => {
  const routes: { -readonly [Route in keyof LogtoRoutes]: string } = { ...defaultRoutes };
  // A route given as `undefined` (`signIn: process.env.SIGN_IN_PATH`) keeps its default.
  for (const [name, path] of Object.entries(config.routes ?? {}) as Array<
    [keyof LogtoRoutes, string | undefined]
  >) {
    if (path !== undefined) routes[name] = path;
  }
  for (const [name, path] of Object.entries(routes)) checkPath(path, `routes.${name}`);
  checkPath(config.postSignOutPath ?? '/', 'postSignOutPath');
  return routes;
};
