/**
 * A sign-in opened at another host than `baseUrl`'s. The sign-in's transaction cookie is set on the
 * host the browser is at, while the provider sends the user back to `baseUrl`'s callback: a browser
 * keeps cookies per host (not per scheme or port; `localhost` and `127.0.0.1` are two hosts), so the
 * callback would find no transaction and answer "This sign-in link has expired". The sign-in is
 * moved to `baseUrl` first, once.
 *
 * Behind a proxy the adapter sees the internal URL (`http://app:3000`), not the browser's: there the
 * browser already is at `baseUrl`, and the moved request comes back as the same internal URL, with
 * the {@link originHopParam} marker, and signs in as usual. So the move never loops and never breaks a
 * proxied app; it costs such apps one redirect per sign-in when the proxy does not pass the Host.
 *
 * @module
 */
import type { LogtoResponse } from './LogtoResponse.ts';
import type { ServerSettings } from './serverConfig.ts';

/** The query parameter a moved sign-in carries, so that it is moved once at most. */
export const originHopParam = 'logto_moved';

/** What {@link moveToBaseUrl} reads of a request. */
export interface OriginCheckRequest {
  readonly settings: ServerSettings;
  readonly url: URL;
  readonly baseUrl: URL;
}

/** Whether the browser keeps cookies of `url` apart from `baseUrl`'s: another host. */
export const isOtherCookieHost = (url: URL, baseUrl: URL): boolean => url.hostname !== baseUrl.hostname;

/**
 * The redirect that moves a sign-in to the same route on `baseUrl`, or `null` when it can stay: no
 * `baseUrl` configured (each request's own origin is the app's), the same host, or already moved.
 * Logged at `info`, naming both origins.
 */
export const moveToBaseUrl = (request: OriginCheckRequest): LogtoResponse | null => {
  const { settings, url, baseUrl } = request;
  if (settings.config.baseUrl === undefined || !isOtherCookieHost(url, baseUrl)) return null;
  if (url.searchParams.has(originHopParam)) return null;
  const moved = new URL(`${url.pathname}${url.search}`, baseUrl);
  moved.searchParams.set(originHopParam, '1');
  settings.logger.info(
    { event: 'logto.signInMoved', path: url.pathname, requestOrigin: url.origin, baseUrl: baseUrl.origin },
    `[logto-machine] A sign-in was opened at ${url.origin}, but baseUrl is ${baseUrl.origin}; it was moved there, ` +
      'since the browser keeps the sign-in cookie per host and the callback comes back to baseUrl. ' +
      `Open the app at ${baseUrl.origin}, or set baseUrl (BASE_URL) to the address you open it at. ` +
      'Behind a proxy that does not pass the Host header this is expected, once per sign-in.',
  );
  return { kind: 'redirect', status: 302, location: moved.href, setCookie: [] };
};

/**
 * What a callback with no sign-in transaction tells its user: the link is stale, or the sign-in
 * started elsewhere; naming `baseUrl` and, when the request arrived at another host, that host too.
 */
export const unknownTransactionMessage = (url: URL, baseUrl: URL): string => {
  const base =
    'This sign-in link has expired or was already used, or the sign-in was started in another browser ' +
    `or at another address than ${baseUrl.origin} (the browser keeps the sign-in cookie per host: ` +
    `localhost and 127.0.0.1 are two). Open the app at ${baseUrl.origin} and sign in again.`;
  return isOtherCookieHost(url, baseUrl)
    ? `${base} This request arrived at ${url.origin}: if that is where the app is opened, set its baseUrl (BASE_URL) to it.`
    : base;
};
