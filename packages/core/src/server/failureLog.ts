/**
 * The one log entry of each failed request: which route, which status, which error (its tag and
 * reason) and its message, which the SDK's errors keep free of tokens, codes, cookie values and
 * secrets. Only failures call it, so an answered request costs nothing.
 *
 * @module
 */
import { isLogtoMachineError } from '../errors.ts';
import { type Logger, type LogLevel, logFailureOnce } from '../ports/Logger.ts';

/** Where and how a request failed. */
export interface FailureFacts {
  /** The request's path (never its query: a callback's carries the authorization code). */
  readonly path: string;
  readonly status: number;
  /** An ended session (the user is sent to sign in again): logged at `info`. */
  readonly signInAgain?: boolean | undefined;
}

const levelOf = ({ status, signInAgain }: FailureFacts): LogLevel =>
  status >= 500 ? 'error' : signInAgain ? 'info' : 'warn';

/**
 * Logs `error`, the failure of a request, once (an error the client already logged, such as a refused
 * refresh, is not logged again): `{ event: 'logto.failure', path, status, error, reason }` and a
 * message saying the same. The app's own errors (not the SDK's) are passed as `err`, pino's key for
 * an error with its stack.
 */
export const logFailure = (logger: Logger, error: unknown, facts: FailureFacts): void => {
  const sdk = isLogtoMachineError(error);
  const tag = sdk ? error._tag : error instanceof Error ? error.name : 'unknown';
  const reason = sdk ? (error as { reason?: string }).reason : undefined;
  const what = sdk ? error.message : 'Unexpected error (not the SDK’s; see err).';
  logFailureOnce(
    logger,
    levelOf(facts),
    error,
    {
      event: 'logto.failure',
      path: facts.path,
      status: facts.status,
      error: tag,
      ...(reason === undefined ? {} : { reason }),
      ...(sdk ? {} : { err: error }),
    },
    `[logto-machine] ${facts.path} answered ${facts.status}: ${tag}${reason ? ` (${reason})` : ''}: ${what}`,
  );
};
