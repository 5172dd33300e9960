/**
 * Validation of {@link CookieSessionsConfig}, once, at construction: every problem is a
 * `ConfigError('InvalidOption')` that says what to fix.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';
import type { Logger } from '../ports/Logger.ts';
import { maxChunks } from './chunking.ts';
import { isCookieName } from './cookieHeader.ts';

/** How `CookieSessions` names, encrypts, sizes and ages its cookies. */
export interface CookieSessionsConfig {
  /** One secret or a list for rotation: the first encrypts, all decrypt. Each ≥ 32 characters. */
  readonly secrets: string | readonly string[];
  /**
   * Cookie name prefix; default `'logto_session'`. Must be a cookie name without `.`; `_session`,
   * `_interaction`, `_interaction_resume` and names starting with `_ldp_` (the provider's) are refused.
   */
  readonly cookieName?: string | undefined;
  /** Max-Age of the session cookie in seconds; default 14 days (Logto's refresh-token TTL). */
  readonly maxAgeSeconds?: number | undefined;
  /** Max-Age of a sign-in transaction cookie in seconds; default 600. */
  readonly transactionMaxAgeSeconds?: number | undefined;
  /** Largest Set-Cookie header (name + value + attributes) in bytes; default 4096; chunks above that. */
  readonly maxCookieBytes?: number | undefined;
  /** Cookie Path, default `'/'`. */
  readonly path?: string | undefined;
  /**
   * How many cookies the session may use before it leaves out cached access tokens and a one-time
   * warning to `logger`; default 2, at most 64 (`maxChunks`: a session needing more cannot be written).
   */
  readonly chunkBudget?: number | undefined;
  /** Where the one-time warning of an oversized session goes; default `consoleLogger`. */
  readonly logger?: Logger | undefined;
}

/** A config with every default filled in and every value checked. */
export interface ResolvedSessionConfig {
  readonly secrets: readonly string[];
  readonly cookieName: string;
  readonly maxAgeSeconds: number;
  readonly transactionMaxAgeSeconds: number;
  readonly maxCookieBytes: number;
  readonly path: string;
  readonly chunkBudget: number;
}

const minimumSecretLength = 32;
/** The fewest value characters a chunk must hold, so a small `maxCookieBytes` cannot explode into hundreds. */
const minimumChunkRoom = 256;
/** Cookie names the dev provider (and oidc-provider by default) use on the same host. */
const reservedNames = new Set(['_session', '_interaction', '_interaction_resume']);

const invalid = (message: string) => new ConfigError({ reason: 'InvalidOption', message });

const positiveInteger = (value: unknown, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw invalid(`CookieSessions: ${name} must be a positive whole number, got ${String(value)}.`);
  }
  return value;
};

const checkSecrets = (value: unknown): readonly string[] => {
  const secrets: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  if (secrets.length === 0) {
    throw invalid(
      'CookieSessions: secrets must be a string or a non-empty list of strings (the first encrypts, all decrypt).',
    );
  }
  secrets.forEach((secret, index) => {
    if (typeof secret !== 'string' || secret.length < minimumSecretLength) {
      throw invalid(
        `CookieSessions: secrets[${index}] must be a string of at least ${minimumSecretLength} characters; generate one with \`openssl rand -base64 32\`.`,
      );
    }
  });
  return [...new Set(secrets as string[])];
};

const checkCookieName = (value: unknown, path: string): string => {
  if (value === undefined) return 'logto_session';
  if (typeof value !== 'string' || !isCookieName(value) || value.includes('.')) {
    throw invalid(
      `CookieSessions: cookieName must be a cookie name of letters, digits and !#$%&'*+-^_\`|~ (no "."; chunks are named "<name>.0", "<name>.1", …), got ${JSON.stringify(value)}.`,
    );
  }
  if (reservedNames.has(value) || value.startsWith('_ldp_')) {
    throw invalid(
      `CookieSessions: cookieName "${value}" is used by the OpenID provider's own cookies; choose another, e.g. "logto_session".`,
    );
  }
  if (value.startsWith('__Host-') && path !== '/') {
    throw invalid('CookieSessions: a "__Host-" cookieName requires path "/" (RFC 6265bis §4.1.3.2).');
  }
  return value;
};

const checkPath = (value: unknown): string => {
  if (value === undefined) return '/';
  if (typeof value !== 'string' || !/^\/[\x21-\x3a\x3c-\x7e]*$/.test(value)) {
    throw invalid(
      `CookieSessions: path must start with "/" and hold only printable ASCII without spaces or ";", got ${JSON.stringify(value)}.`,
    );
  }
  return value;
};

/** Checks `config` and fills in the defaults; throws `ConfigError('InvalidOption')`. */
export const resolveSessionConfig = (config: CookieSessionsConfig): ResolvedSessionConfig => {
  if (typeof config !== 'object' || config === null) {
    throw invalid(
      'CookieSessions: pass a config object, e.g. `new CookieSessions({ secrets: process.env.SESSION_SECRET })`.',
    );
  }
  const secrets = checkSecrets(config.secrets);
  const path = checkPath(config.path);
  const cookieName = checkCookieName(config.cookieName, path);
  const maxAgeSeconds = positiveInteger(config.maxAgeSeconds, 14 * 24 * 60 * 60, 'maxAgeSeconds');
  const transactionMaxAgeSeconds = positiveInteger(
    config.transactionMaxAgeSeconds,
    600,
    'transactionMaxAgeSeconds',
  );
  const chunkBudget = positiveInteger(config.chunkBudget, 2, 'chunkBudget');
  if (chunkBudget > maxChunks) {
    throw invalid(
      `CookieSessions: chunkBudget must be at most ${maxChunks} (no more cookies can be read back), got ${chunkBudget}; for larger sessions use store mode (\`session: { store, secrets }\`).`,
    );
  }
  // The longest name and attributes any header can have: a transaction chunk with Secure.
  const overhead =
    `${cookieName}_tx_${'x'.repeat(16)}.9999=; Path=${path}; Max-Age=${Math.max(maxAgeSeconds, transactionMaxAgeSeconds)}; HttpOnly; SameSite=Lax; Secure`
      .length;
  const maxCookieBytes = positiveInteger(config.maxCookieBytes, 4096, 'maxCookieBytes');
  if (maxCookieBytes < overhead + minimumChunkRoom) {
    throw invalid(
      `CookieSessions: maxCookieBytes must be at least ${overhead + minimumChunkRoom} with this cookieName and path (browsers accept 4096), got ${maxCookieBytes}.`,
    );
  }
  return { secrets, cookieName, maxAgeSeconds, transactionMaxAgeSeconds, maxCookieBytes, path, chunkBudget };
};
