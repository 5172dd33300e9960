/**
 * Choosing where sessions live from one option: cookies (the default) or a server-side store. The
 * words for the parts (`Storage`, `Sessions`, `RequestSession`, …) are listed in `Sessions.ts`.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import type { ClockShape } from '../ports/Clock.ts';
import type { Logger } from '../ports/Logger.ts';
import { CookieSessions, type CookieSessionsConfig } from './CookieSessions.ts';
import type { Sessions } from './Sessions.ts';
import { StoreSessions, type StoreSessionsConfig } from './StoreSessions.ts';

/**
 * The `session` option of a server app: `{ secrets }` keeps the session in encrypted cookies (the
 * default), `{ store, secrets }` keeps it in an unstorage store with only a signed id in the cookie;
 * or pass sessions already built.
 */
export type SessionsConfig = CookieSessionsConfig | StoreSessionsConfig | Sessions;

/** Whether `value` is sessions already built: it says its `kind` (configs do not). */
const isBuilt = (value: object): value is Sessions => {
  const { kind } = value as { kind?: unknown };
  return kind === 'cookie' || kind === 'store';
};

/** What the server knows that decides defaults of the session cookie. */
export interface SessionDefaults {
  /**
   * The cookie name when the config names none. `LogtoServer` passes `__Host-logto_session` when its
   * `baseUrl` is https: a `__Host-` cookie can only be set by this very origin over https, so neither
   * a sibling subdomain nor a plain-http page can plant one (no session fixation or login CSRF by
   * cookie tossing).
   */
  readonly cookieName?: string | undefined;
  /** The clock of store sessions when the config names none (`LogtoServer` passes its clients' clock). */
  readonly clock?: ClockShape | undefined;
  /** The logger of cookie sessions when the config names none (`LogtoServer` passes its `logger`). */
  readonly logger?: Logger | undefined;
}

/**
 * The sessions `config` asks for; throws `ConfigError('InvalidOption')` saying what to fix.
 *
 * @example
 * ```ts
 * makeSessions({ secrets: process.env.SESSION_SECRET! }); // CookieSessions
 * makeSessions({ store: createStorage({ driver }), secrets: process.env.SESSION_SECRET! }); // StoreSessions
 * ```
 */
export const makeSessions = (config: SessionsConfig, defaults: SessionDefaults = {}): Sessions => {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError({
      reason: 'InvalidOption',
      message:
        'session must be an object: { secrets: [process.env.SESSION_SECRET] } for cookie sessions, or { store, secrets } to keep sessions in a store.',
    });
  }
  if (isBuilt(config)) return config;
  const cookieName = config.cookieName ?? defaults.cookieName;
  if ('store' in config)
    return new StoreSessions({ ...config, cookieName, clock: config.clock ?? defaults.clock });
  return new CookieSessions({ ...config, cookieName, logger: config.logger ?? defaults.logger });
};

/**
 * The default session cookie name of an app served at `baseUrl`: `__Host-logto_session` over https
 * (with the cookie path `/`; `__Secure-logto_session` under another path), else `logto_session`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265bis#name-cookie-name-prefixes
 */
export const defaultCookieName = (baseUrl: URL | undefined, path: string | undefined): string | undefined => {
  if (baseUrl?.protocol !== 'https:') return undefined;
  return path === undefined || path === '/' ? '__Host-logto_session' : '__Secure-logto_session';
};
