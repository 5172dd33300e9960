/**
 * Test drivers that click through the dev provider's pages with plain `fetch`: manual redirects,
 * their own cookie jar, no browser. Also a {@link Browser} for the app side of a test: one app
 * origin's cookies, over the network or in process. Import from `@logto-machine/dev-provider/testing`.
 *
 * @module
 */
import { CookieJar } from './cookieJar.js';
import { alertText, type HtmlForm, parseForms } from './htmlForm.js';

export { Browser, decodeEntities, type Fetch, jwtPayload, locationOf, visibleText } from './browser.js';
export { CookieJar } from './cookieJar.js';
export { endlessChunkBytes, endlessPost } from './endlessBody.js';
export { junkPaths } from './junkPaths.js';
export { backchannelLogoutEvent, createTestSigningKey, type TestSigningKey } from './testKeys.js';

/** Options of {@link completeSignIn}. */
export interface SignInOptions {
  username: string;
  password: string;
  /** Create the user on the register screen instead of signing in. */
  register?: boolean | undefined;
  /** Share a jar to keep the provider session, e.g. for {@link completeSignOut}. */
  cookieJar?: CookieJar | undefined;
}

/** Options of {@link completeSignOut}. */
export interface SignOutOptions {
  /** The jar that holds the session to end, usually the one given to {@link completeSignIn}. */
  cookieJar?: CookieJar | undefined;
}

/** Thrown when a flow stops somewhere other than the app: a wrong password, an error page. */
export class FlowError extends Error {
  override readonly name = 'FlowError';
  constructor(
    message: string,
    /** The URL of the last request. */
    readonly url: string,
    /** The HTTP status of the last response. */
    readonly status: number,
  ) {
    super(message);
  }
}

interface Step {
  url: string;
  method: string;
  body?: URLSearchParams | undefined;
}

const maxSteps = 25;

const isAt = (url: string, target: string) => {
  const [a, b] = [new URL(url), new URL(target)];
  return a.origin === b.origin && a.pathname === b.pathname;
};

/** Sends one request of a flow; returns the next URL if the response redirects. */
async function send(jar: CookieJar, { url, method, body }: Step) {
  const headers = new Headers({ accept: 'text/html' });
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  if (body) headers.set('content-type', 'application/x-www-form-urlencoded');
  const response = await fetch(url, { method, headers, body: body ?? null, redirect: 'manual' });
  jar.store(url, response);
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    await response.body?.cancel();
    return { redirect: new URL(location, url).href, response, html: '' };
  }
  return { redirect: undefined, response, html: await response.text() };
}

const submit = (form: HtmlForm, base: string, values: Record<string, string> = {}): Step => {
  const body = new URLSearchParams(form.fields);
  for (const [name, value] of Object.entries(values)) body.set(name, value);
  const url = new URL(form.action || base, base).href;
  return form.method === 'GET'
    ? { url: `${url.split('?')[0]}?${body}`, method: 'GET' }
    : { url, method: 'POST', body };
};

/**
 * Follows an authorization URL through sign-in (or registration) and consent, and returns the URL
 * the provider finally redirects to at the app's `redirect_uri` (with `code`, `state` and `iss`,
 * or `error`), without requesting it.
 *
 * @example
 * ```ts
 * const callback = await completeSignIn(signInUrl, { username: 'demo', password: 'demo-password' });
 * await client.handleSignInCallback(callback);
 * ```
 * @throws {FlowError} on a rejected password, a taken username or an error page.
 */
export async function completeSignIn(authorizationUrl: string, options: SignInOptions): Promise<string> {
  const { username, password, register = false, cookieJar = new CookieJar() } = options;
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  const providerOrigin = new URL(authorizationUrl).origin;
  const isAtApp = (url: string) =>
    redirectUri ? isAt(url, redirectUri) : new URL(url).origin !== providerOrigin;
  let step: Step = { url: authorizationUrl, method: 'GET' };
  for (let count = 0; count < maxSteps; count += 1) {
    const { redirect, response, html } = await send(cookieJar, step);
    if (redirect) {
      if (isAtApp(redirect)) return redirect;
      step = { url: redirect, method: 'GET' };
      continue;
    }
    const [form] = parseForms(html);
    if (!form || response.status >= 400) {
      const reason = alertText(html) ?? (html.slice(0, 300) || response.statusText);
      throw new FlowError(
        `sign-in stopped at ${step.url} (${response.status}): ${reason}`,
        step.url,
        response.status,
      );
    }
    const action = new URL(form.action, step.url);
    const screen = action.pathname.endsWith('/register')
      ? 'register'
      : action.pathname.endsWith('/login')
        ? 'sign_in'
        : undefined;
    if (screen && screen !== (register ? 'register' : 'sign_in')) {
      // The first screen is not the one asked for: switch like the page's link does.
      const page = new URL(step.url);
      page.search = `?screen=${register ? 'register' : 'sign_in'}`;
      step = { url: page.href, method: 'GET' };
      continue;
    }
    step = submit(form, step.url, screen ? { username, password } : {});
  }
  throw new FlowError(`sign-in did not reach ${redirectUri ?? 'the app'} in ${maxSteps} steps`, step.url, 0);
}

/**
 * Follows an end-session URL through the sign-out confirmation and returns the URL the provider
 * finally redirects to (the `post_logout_redirect_uri`, with `state` if one was sent), without
 * requesting it. Without a `post_logout_redirect_uri`, returns the provider's success page URL.
 *
 * @throws {FlowError} on an error response, e.g. an unregistered `post_logout_redirect_uri`.
 */
export async function completeSignOut(endSessionUrl: string, options: SignOutOptions = {}): Promise<string> {
  const { cookieJar = new CookieJar() } = options;
  const target = new URL(endSessionUrl).searchParams.get('post_logout_redirect_uri');
  const providerOrigin = new URL(endSessionUrl).origin;
  const isAtApp = (url: string) => (target ? isAt(url, target) : new URL(url).origin !== providerOrigin);
  let step: Step = { url: endSessionUrl, method: 'GET' };
  for (let count = 0; count < maxSteps; count += 1) {
    const { redirect, response, html } = await send(cookieJar, step);
    if (redirect) {
      if (isAtApp(redirect)) return redirect;
      step = { url: redirect, method: 'GET' };
      continue;
    }
    if (response.status >= 400) {
      throw new FlowError(
        `sign-out failed at ${step.url} (${response.status}): ${html.slice(0, 300)}`,
        step.url,
        response.status,
      );
    }
    const [form] = parseForms(html);
    if (!form) return step.url;
    step = submit(form, step.url);
  }
  throw new FlowError(`sign-out did not finish in ${maxSteps} steps`, step.url, 0);
}
