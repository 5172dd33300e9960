/**
 * The auth routes every server adapter answers: sign-in, sign-up, callback, sign-out and back-channel
 * logout. Each turns one request into one {@link LogtoResponse}; a failure becomes the answer
 * `errorMapping.ts` gives it.
 *
 * @module
 */
import { LogoutTokenError } from '../errors.ts';
import type { LogtoClient } from '../runtime/LogtoClient.ts';
import { backchannelError, loggedOut, readLogoutToken } from './backchannelLogout.ts';
import { type FailureAnswer, failureResponse } from './errorMapping.ts';
import type { LogtoRequestInput } from './LogtoRequestInput.ts';
import type { LogtoResponse } from './LogtoResponse.ts';
import { moveToBaseUrl, unknownTransactionMessage } from './originCheck.ts';
import { safeReturnTo } from './returnTo.ts';
import type { LogtoRoutes, ServerSettings } from './serverConfig.ts';

/** What an auth route reads of its request (a `LogtoRequest` is one). */
export interface AuthRouteRequest {
  readonly settings: ServerSettings;
  readonly client: LogtoClient;
  readonly input: LogtoRequestInput;
  /** The app's public origin. */
  readonly baseUrl: URL;
  /** The method, upper case. */
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  setCookieHeaders(): readonly string[];
}

/** Which auth route `path` is, if any. */
export const authRouteOf = (path: string, routes: LogtoRoutes): keyof LogtoRoutes | null => {
  if (path === routes.signIn) return 'signIn';
  if (path === routes.signUp) return 'signUp';
  if (path === routes.callback) return 'callback';
  if (path === routes.signOut) return 'signOut';
  if (path === routes.backchannelLogout) return 'backchannelLogout';
  return null;
};

const redirect = (request: AuthRouteRequest, location: string): LogtoResponse => ({
  kind: 'redirect',
  status: 302,
  location,
  setCookie: request.setCookieHeaders(),
});

/** The answer to `error` on `request`'s route, logged once. */
const failed = (request: AuthRouteRequest, error: unknown, answer: FailureAnswer): LogtoResponse =>
  failureResponse(error, {
    answer,
    signInPath: request.settings.routes.signIn,
    returnTo: `${request.url.pathname}${request.url.search}`,
    setCookie: answer === 'backchannelLogout' ? [] : request.setCookieHeaders(),
    logger: request.settings.logger,
    path: request.url.pathname,
    ...(answer === 'callback'
      ? { unknownStateMessage: unknownTransactionMessage(request.url, request.baseUrl) }
      : {}),
  });

/** A back-channel logout request refused before any token is read (405, 501), logged once. */
const refused = (
  request: AuthRouteRequest,
  status: 405 | 501,
  message: string,
  headers?: Readonly<Record<string, string>>,
): LogtoResponse => {
  request.settings.logger.warn(
    { event: 'logto.failure', path: request.url.pathname, status, error: 'BackchannelLogoutRefused' },
    `[logto-machine] ${request.url.pathname} answered ${status}: ${message}`,
  );
  return { ...backchannelError(status, message, headers), setCookie: [] };
};

/**
 * Answers the auth route `route`, or `null` when the method is not one it answers (the app's own
 * handlers then get the request). Never throws: failures become the page or redirect they call for.
 */
export const answerAuthRoute = async (
  request: AuthRouteRequest,
  route: keyof LogtoRoutes,
): Promise<LogtoResponse | null> => {
  const isGet = request.method === 'GET' || request.method === 'HEAD';
  try {
    if (isGet && (route === 'signIn' || route === 'signUp')) return await signIn(request, route === 'signUp');
    if (isGet && route === 'callback') return await callback(request);
    if ((isGet || request.method === 'POST') && route === 'signOut') return await signOut(request);
    if (route === 'backchannelLogout') return await backchannelLogout(request);
  } catch (error) {
    return failed(request, error, 'page');
  }
  return null;
};

const signIn = async (request: AuthRouteRequest, signUp: boolean): Promise<LogtoResponse> => {
  const moved = moveToBaseUrl(request);
  if (moved) return moved;
  const { config, routes } = request.settings;
  const returnTo = safeReturnTo(request.url.searchParams.get('returnTo'), request.baseUrl);
  const location = await request.client.signIn({
    ...config.signInOptions,
    redirectUri: new URL(routes.callback, request.baseUrl).href,
    postRedirectUri: returnTo,
    ...(signUp ? { interactionMode: 'signUp' as const } : {}),
  });
  return redirect(request, location);
};

const callback = async (request: AuthRouteRequest): Promise<LogtoResponse> => {
  // Rebuilt on the public origin, so a proxy in front of the app never causes a redirect-URI mismatch.
  const callbackUrl = new URL(`${request.url.pathname}${request.url.search}`, request.baseUrl).href;
  try {
    const { postRedirectUri } = await request.client.handleSignInCallback(callbackUrl);
    return redirect(request, safeReturnTo(postRedirectUri, request.baseUrl));
  } catch (error) {
    return failed(request, error, 'callback');
  }
};

const signOut = async (request: AuthRouteRequest): Promise<LogtoResponse> => {
  const home = new URL(request.settings.config.postSignOutPath ?? '/', request.baseUrl).href;
  const endSessionUrl = await request.client.signOut(home);
  return redirect(request, endSessionUrl ?? home);
};

/**
 * OpenID Connect Back-Channel Logout 1.0: verifies the provider's `logout_token` and deletes the
 * sessions it names (`sid`, else every session of `sub`) from the store. 200 with `Cache-Control:
 * no-store` when done (also when no session matched); 400 with `{ error, error_description }` for
 * every broken token or failed logout (§2.8); 405 for other methods; 501 in cookie mode, where the
 * sessions live in browsers and there is nothing on the server to delete.
 *
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse
 */
const backchannelLogout = async (request: AuthRouteRequest): Promise<LogtoResponse> => {
  if (request.method !== 'POST') {
    return refused(request, 405, 'Logout tokens are POSTed to this route.', { allow: 'POST' });
  }
  const { sessions } = request.settings;
  if (sessions.kind !== 'store') {
    return refused(
      request,
      501,
      'Back-channel logout needs server-side sessions (store mode): this app keeps its sessions in cookies, so there is none to delete.',
    );
  }
  const { body, contentType } = request.input;
  if (!body) {
    return refused(
      request,
      501,
      'This server adapter does not pass request bodies to LogtoServer (input.body).',
    );
  }
  try {
    const token = await readLogoutToken(
      typeof contentType === 'function' ? contentType() : contentType,
      body,
    );
    if (token instanceof LogoutTokenError) return failed(request, token, 'backchannelLogout');
    const { sid, sub } = await request.client.verifyLogoutToken(token);
    await sessions.deleteSessions({ sid, sub });
    return { ...loggedOut, setCookie: [] };
  } catch (error) {
    return failed(request, error, 'backchannelLogout');
  }
};
