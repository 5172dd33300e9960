/**
 * Choosing where sessions live from one option: cookies (the default) or a server-side store.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import { CookieSessions, type CookieSessionsConfig } from './CookieSessions.ts';
import { StoreSessions, type StoreSessionsConfig } from './StoreSessions.ts';

/** Sessions as a server uses them: one `open` per request. Built by {@link makeSessions}. */
export type Sessions = CookieSessions | StoreSessions;

/**
 * The `session` option of a server app: `{ secrets }` keeps the session in encrypted cookies (the
 * default), `{ store, secrets }` keeps it in an unstorage store with only a signed id in the cookie;
 * or pass sessions already built.
 */
export type SessionsConfig = CookieSessionsConfig | StoreSessionsConfig | Sessions;

/** Whether `value` is sessions already built (this package's, or any with the same `open`). */
const isBuilt = (value: object): value is Sessions =>
  value instanceof CookieSessions ||
  value instanceof StoreSessions ||
  (typeof (value as { open?: unknown }).open === 'function' && !('secrets' in value));

/**
 * The sessions `config` asks for; throws `ConfigError('InvalidOption')` saying what to fix.
 *
 * @example
 * ```ts
 * makeSessions({ secrets: process.env.SESSION_SECRET! }); // CookieSessions
 * makeSessions({ store: createStorage({ driver }), secrets: process.env.SESSION_SECRET! }); // StoreSessions
 * ```
 */
export const makeSessions = (config: SessionsConfig): Sessions => {
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError({
      reason: 'InvalidOption',
      message:
        'session must be an object: { secrets: [process.env.SESSION_SECRET] } for cookie sessions, or { store, secrets } to keep sessions in a store.',
    });
  }
  if (isBuilt(config)) return config;
  if ('store' in config) return new StoreSessions(config);
  return new CookieSessions(config);
};
