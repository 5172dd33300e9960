/**
 * Every SDK error as an HTTP answer, in one place: {@link toHttpFailure} decides the status and the
 * message, {@link failureResponse} the answer of each route (pages, APIs, the sign-in callback, the
 * back-channel logout). Neither routes nor adapters decide statuses themselves.
 *
 * @module
 */
import { isLogtoMachineError } from '../errors.ts';
import type { Logger } from '../ports/Logger.ts';
import { backchannelError } from './backchannelLogout.ts';
import { logFailure } from './failureLog.ts';
import type { LogtoResponse } from './LogtoResponse.ts';
import { signInPathFor } from './returnTo.ts';

/** How an error should be answered: its status, a message safe to show, and whether to sign in again. */
export interface HttpFailure {
  readonly status: number;
  /** Safe for users: says what happened and what to do; never contains a token. */
  readonly message: string;
  /** The session is gone: pages should send the user to sign in, APIs answer 401. */
  readonly signInAgain: boolean;
}

const tagOf = (error: unknown) =>
  typeof error === 'object' && error !== null && typeof (error as { _tag?: unknown })._tag === 'string'
    ? (error as {
        _tag: string;
        reason?: string | undefined;
        message?: string | undefined;
        status?: number | undefined;
        error?: string | undefined;
      })
    : undefined;

/** What a user who followed a stale or foreign callback link can do about it. */
const unknownStateMessage =
  'This sign-in link has expired or was already used (or was started in another browser); please sign in again.';

const unexpected: HttpFailure = {
  status: 500,
  message: 'Unexpected error; see the server log.',
  signInAgain: false,
};

/**
 * Maps an error from the client to an HTTP failure: bad input and refused requests are 4xx, an
 * unreachable provider 502, an ended session 401 (sign in again), an unreachable session store 503.
 * Only the app's own faults (storage) are 5xx beyond those.
 */
export const toHttpFailure = (error: unknown): HttpFailure => {
  const tagged = tagOf(error);
  const message = tagged?.message ?? 'Unexpected error.';
  switch (tagged?._tag) {
    case 'SessionExpired':
    case 'NotAuthenticated':
      return { status: 401, message, signInAgain: true };
    case 'CallbackError':
      return {
        status: 400,
        message: tagged.reason === 'UnknownState' ? unknownStateMessage : message,
        signInAgain: false,
      };
    case 'ConfigError':
      // A request naming an unconfigured resource or organization is bad input, not a server fault.
      return { status: 400, message, signInAgain: false };
    case 'TokenRequestError':
    case 'UserInfoError':
    case 'DiscoveryError':
      if (tagged.reason === 'Rejected') {
        const status = tagged.status === 403 || tagged.error === 'access_denied' ? 403 : 400;
        return { status, message, signInAgain: false };
      }
      return { status: 502, message, signInAgain: false };
    case 'IdTokenError':
      return { status: 400, message, signInAgain: false };
    case 'LogoutTokenError':
      // A broken logout token is the sender's fault (§2.8: 400); keys the provider cannot serve are not.
      return { status: tagged.reason === 'KeysUnavailable' ? 502 : 400, message, signInAgain: false };
    case 'StorageError':
      // The session store is down or slow (store mode): the session is not lost, so no sign-in loop;
      // the request can be tried again once the store is back. Other storage faults are the app's.
      if (tagged.reason !== 'Unavailable') return unexpected;
      return {
        status: 503,
        message: 'The session store is unavailable; please try again in a moment.',
        signInAgain: false,
      };
    default:
      return unexpected;
  }
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A minimal error page whose visible text starts with `Error`, with a link to sign in again. */
export const errorPage = (message: string, signInPath: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Error</title></head><body><p>Error: ${escapeHtml(
    message,
  )}</p><p><a href="${escapeHtml(signInPath)}">Sign in again</a></p></body></html>`;

/**
 * How the failed request is answered: `'page'` (HTML; an ended session redirects to sign-in), `'api'`
 * (JSON; an ended session is 401), `'callback'` (the sign-in callback: always a page, 400 unless the
 * provider or the store is down, never a redirect), `'backchannelLogout'` (§2.8: every failure is 400
 * with an OAuth error body, no cookies).
 */
export type FailureAnswer = 'page' | 'api' | 'callback' | 'backchannelLogout';

/** Where a failure happened: what {@link failureResponse} needs besides the error. */
export interface FailureContext {
  readonly answer: FailureAnswer;
  /** The sign-in route, linked from error pages. */
  readonly signInPath: string;
  /** Where sign-in comes back to after an ended session: the failed request's path and query. */
  readonly returnTo: string;
  /** The cookies the request changed, sent with the answer (a callback's failure changes none). */
  readonly setCookie: readonly string[];
  /** Where the failure is logged, once, with its status (see `logFailure`); not logged without one. */
  readonly logger?: Logger | undefined;
  /** The failed request's path, for the log (never its query). */
  readonly path?: string | undefined;
  /** What a callback without a sign-in transaction says instead of the generic "link has expired". */
  readonly unknownStateMessage?: string | undefined;
}

/**
 * Any error as the response its route calls for — the one place errors become HTTP, for every route
 * and every adapter.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse
 */
export const failureResponse = (error: unknown, context: FailureContext): LogtoResponse => {
  const response = answerFailure(error, context);
  if (context.logger) {
    logFailure(context.logger, error, {
      path: context.path ?? context.returnTo.split('?', 1)[0]!,
      status: response.status,
      signInAgain: response.kind === 'redirect' || response.status === 401,
    });
  }
  return response;
};

const answerFailure = (error: unknown, context: FailureContext): LogtoResponse => {
  const { answer, signInPath, returnTo, setCookie } = context;
  if (answer === 'backchannelLogout') {
    // §2.8: a logout that failed for any reason (a broken token, an unreachable provider or store) is 400.
    const message = isLogtoMachineError(error) ? error.message : 'The logout failed unexpectedly; try again.';
    return { ...backchannelError(400, message), setCookie: [] };
  }
  const failure = toHttpFailure(error);
  if (answer === 'callback') {
    // A failed callback creates no session (and leaves an existing one alone: a forged callback link
    // must not be able to sign anyone out), so it never sends the user around the sign-in loop.
    const status = failure.status >= 500 ? failure.status : 400;
    const unknownState =
      context.unknownStateMessage !== undefined && tagOf(error)?.reason === 'UnknownState'
        ? context.unknownStateMessage
        : undefined;
    return { kind: 'page', status, body: errorPage(unknownState ?? failure.message, signInPath), setCookie };
  }
  if (failure.signInAgain && answer === 'page') {
    return { kind: 'redirect', status: 302, location: signInPathFor(signInPath, returnTo), setCookie };
  }
  if (answer === 'api') {
    return {
      kind: 'json',
      status: failure.status,
      body: JSON.stringify({ error: failure.message }),
      setCookie,
    };
  }
  return { kind: 'page', status: failure.status, body: errorPage(failure.message, signInPath), setCookie };
};
