/**
 * Every SDK error as an HTTP answer, in one place: adapters never decide statuses themselves.
 *
 * @module
 */

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
    ? (error as { _tag: string; reason?: string; message?: string; status?: number; error?: string })
    : undefined;

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
      return { status: 400, message, signInAgain: false };
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
