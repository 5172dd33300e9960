/**
 * The HTTP side of the back-channel logout route (OpenID Connect Back-Channel Logout 1.0 §2.5, §2.8):
 * reading `logout_token` from the form body, and the answers. `LogtoServer` verifies the token and
 * ends the sessions.
 *
 * @module
 */
import { LogoutTokenError } from '../errors.ts';
import { type RequestBody, readBodyText } from './requestBody.ts';

/** The largest body read: a logout token is about 1 KB. */
export const maxBackchannelBodyBytes = 16 * 1024;

/** §2.8: no answer of the route may be cached. */
const noStore = { 'cache-control': 'no-store' } as const;

/** What the route answers; `LogtoServer` turns it into a `LogtoResponse`. */
export type BackchannelAnswer =
  | { readonly kind: 'empty'; readonly status: 200; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly kind: 'json';
      readonly status: 400 | 405 | 501;
      readonly body: string;
      readonly headers: Readonly<Record<string, string>>;
    };

/** §2.8: 200, no body, `Cache-Control: no-store`. */
export const loggedOut: BackchannelAnswer = { kind: 'empty', status: 200, headers: noStore };

/** An OAuth-style error answer (§2.8: 400 with `error` and `error_description`). */
export const backchannelError = (
  status: 400 | 405 | 501,
  description: string,
  headers: Readonly<Record<string, string>> = {},
): BackchannelAnswer => ({
  kind: 'json',
  status,
  body: JSON.stringify({ error: 'invalid_request', error_description: description }),
  headers: { ...headers, ...noStore },
});

const malformed = (message: string) => new LogoutTokenError({ reason: 'Missing', message });

const isForm = (contentType: string | null | undefined) =>
  (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

/**
 * §2.5: the request is a form POST with exactly one `logout_token`. Reads at most
 * {@link maxBackchannelBodyBytes} of the body, however much the client sends. Returns the token, or
 * why the request is refused (a {@link LogoutTokenError} with reason `Missing`).
 */
export const readLogoutToken = async (
  contentType: string | null | undefined,
  body: RequestBody | (() => RequestBody),
): Promise<string | LogoutTokenError> => {
  if (!isForm(contentType))
    return malformed('The back-channel logout request must be application/x-www-form-urlencoded.');
  let text: string | null;
  try {
    text = await readBodyText(typeof body === 'function' ? body() : body, maxBackchannelBodyBytes);
  } catch {
    return malformed('The back-channel logout request body could not be read.');
  }
  if (text === null)
    return malformed(`The back-channel logout request body is larger than ${maxBackchannelBodyBytes} bytes.`);
  const tokens = new URLSearchParams(text).getAll('logout_token');
  if (tokens.length !== 1 || tokens[0] === '')
    return malformed('The back-channel logout request must carry exactly one logout_token.');
  return tokens[0]!;
};
