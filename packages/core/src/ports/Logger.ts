/**
 * The logger port: where the SDK reports what an operator should know but no caller can act on: every
 * auth failure (with its error tag, reason and status), a refresh that failed, a session cookie over
 * its budget. Shaped like pino's `logger.warn(obj, msg)`, so a pino (or bunyan-style) logger can be
 * passed as it is.
 *
 * @module
 */
import { ConfigError } from '../errors.ts';

/** One level of a {@link Logger}: structured `details`, and a `message` that says everything on its own. */
export type LogMethod = (details: Readonly<Record<string, unknown>>, message: string) => void;

/**
 * Where the SDK's log entries go. `details` are structured fields (an error's tag and reason, a status,
 * sizes and counts; never a token, an authorization code, a cookie value or a secret); `message` says
 * what happened and what to do, on its own. Pino's logger is one as it is.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 *
 * const logger = pino();
 * new LogtoServer({ ...config, logger }); // a failed callback becomes logger.warn({ event, route, status, error, reason }, message)
 * ```
 */
export interface Logger {
  /** Detail for whoever is debugging the SDK. */
  readonly debug: LogMethod;
  /** Expected events worth a line, such as a session that ended and sends its user to sign in. */
  readonly info: LogMethod;
  /** Refused requests (4xx) and anything else worth an operator's attention that the app survives. */
  readonly warn: LogMethod;
  /** Failures of the app or its peers (5xx): an unreachable provider or session store, a bug. */
  readonly error: LogMethod;
}

/** The levels of a {@link Logger}. */
export type LogLevel = keyof Logger;

const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The default {@link Logger}: `console[level](message)` (the message already says everything in
 * `details`), with `debug` dropped.
 */
export const consoleLogger: Logger = {
  debug: () => {},
  info: (_details, message) => console.info(message),
  warn: (_details, message) => console.warn(message),
  error: (_details, message) => console.error(message),
};

/** Whether `value` can serve as a {@link Logger}: it has `debug`, `info`, `warn` and `error` methods. */
export const isLogger = (value: unknown): value is Logger =>
  typeof value === 'object' &&
  value !== null &&
  levels.every((level) => typeof (value as Record<string, unknown>)[level] === 'function');

/** What a `logger` option must be, said once for every place that checks one. */
export const loggerRequirement =
  'logger must have debug, info, warn and error methods taking (details, message), like pino’s logger';

/** The `logger` option of `owner`, checked; {@link consoleLogger} when absent. */
export const checkLogger = (logger: unknown, owner: string): Logger => {
  if (logger === undefined) return consoleLogger;
  if (isLogger(logger)) return logger;
  throw new ConfigError({ reason: 'InvalidOption', message: `${owner}: ${loggerRequirement}.` });
};

/** Failures already logged: an error the client logged (a refused refresh) is not logged again when the server answers it. */
const logged = new WeakSet<object>();

/**
 * Logs the failure `error` at `level`, unless it was logged before (each failure is logged once,
 * wherever it is first seen). Returns whether it logged.
 */
export const logFailureOnce = (
  logger: Logger,
  level: LogLevel,
  error: unknown,
  details: Readonly<Record<string, unknown>>,
  message: string,
): boolean => {
  if (typeof error === 'object' && error !== null) {
    if (logged.has(error)) return false;
    logged.add(error);
  }
  logger[level](details, message);
  return true;
};
