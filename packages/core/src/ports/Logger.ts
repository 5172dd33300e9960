/**
 * The logger port: where the SDK reports what an operator should know but no caller can act on, such
 * as a session cookie over its budget. Shaped like pino's `logger.warn(obj, msg)`, so a pino (or
 * bunyan-style) logger and `console` can both be passed as they are.
 *
 * @module
 */

/**
 * Where warnings go. `details` are structured fields (sizes and counts, never a token or a cookie
 * value); `message` says what happened and what to do, on its own.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 *
 * const logger = pino();
 * new LogtoServer({ ...config, logger }); // warnings become `logger.warn({ bytes, cookies }, message)`
 * ```
 */
export interface Logger {
  /** Reports something worth an operator's attention that does not fail the request. */
  warn(details: Readonly<Record<string, unknown>>, message: string): void;
}

/** The default {@link Logger}: `console.warn(message)` (the message already says everything in `details`). */
export const consoleLogger: Logger = {
  warn: (_details, message) => console.warn(message),
};

/** Whether `value` can serve as a {@link Logger}. */
export const isLogger = (value: unknown): value is Logger =>
  typeof value === 'object' && value !== null && typeof (value as { warn?: unknown }).warn === 'function';
