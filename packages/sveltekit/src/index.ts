/**
 * `@logto-machine/sveltekit`: sign users in with Logto from a SvelteKit app. One `handle` hook answers
 * the auth routes, keeps the session in encrypted cookies and gives load functions, actions and
 * endpoints a {@link LogtoClient} on `event.locals`; all auth logic lives in `@logto-machine/core`'s
 * `LogtoServer`, this file only translates SvelteKit ⇄ core.
 *
 * @module
 */
import {
  ConfigError,
  type IdTokenClaims,
  isApiRequest as isApiPathOrAccept,
  isLogtoMachineError,
  type LogtoClient,
  type LogtoRequest,
  LogtoServer,
  type LogtoServerConfig,
  type RequireAuthOptions,
  toHttpFailure,
  toWebResponse,
  withSetCookie,
} from '@logto-machine/core';
import {
  error,
  type Handle,
  type HandleServerError,
  json,
  type RequestEvent,
  redirect,
  text,
} from '@sveltejs/kit';

export type {
  IdTokenClaims,
  LogtoClient,
  LogtoRequest,
  LogtoResponse,
  LogtoRoutes,
  LogtoServerConfig,
  RequireAuthOptions,
} from '@logto-machine/core';

/**
 * What {@link handleLogto} puts on `event.locals`. Add it to `App.Locals` in `src/app.d.ts`, so
 * `locals.logto` and `locals.user` are typed everywhere.
 *
 * @example
 * ```ts
 * // src/app.d.ts
 * import type { LogtoLocals } from '@logto-machine/sveltekit';
 *
 * declare global {
 *   namespace App {
 *     interface Locals extends LogtoLocals {}
 *   }
 * }
 * export {};
 * ```
 */
export interface LogtoLocals {
  /** The client for this request, on its session cookies. */
  logto: LogtoClient;
  /** This request's view of Logto: its cookies, `requireAuth` and `failure` (errors as HTTP answers). */
  logtoRequest: LogtoRequest;
  /** The signed-in user's ID-token claims, or `null` when signed out. */
  user: IdTokenClaims | null;
}

/**
 * {@link handleLogto}'s check of cross-site form submissions: SvelteKit's own `kit.csrf` check, which
 * the app turns off in `svelte.config.js` so that the provider's back-channel logout POST gets through.
 *
 * @see https://svelte.dev/docs/kit/configuration#csrf
 */
export interface CsrfOptions {
  /**
   * Refuse `POST`, `PUT`, `PATCH` and `DELETE` requests with a form's `Content-Type` whose `Origin` is
   * not the app's own (403); default `true`. Turn it off only if something else in front of your
   * routes checks them.
   */
  readonly checkOrigin?: boolean | undefined;
  /**
   * Origins allowed to submit forms to the app from another site (a payment page posting back), each
   * a whole origin like `https://checkout.example`; `'*'` trusts every origin, which turns the check
   * off. The counterpart of `kit.csrf.trustedOrigins`: list here the origins you listed there.
   */
  readonly trustedOrigins?: readonly string[] | undefined;
}

/** Options of {@link handleLogto} beyond the Logto configuration. */
export interface HandleLogtoOptions {
  /**
   * Whether a request is an API call, answered with 401 rather than a redirect to sign-in.
   * Default {@link isApiRequest}.
   */
  readonly isApiRequest?: ((event: RequestEvent) => boolean) | undefined;
  /**
   * The CSRF check the hook applies to every request but the back-channel logout route, on by
   * default. Back-channel logout is a form POST from the provider's server, without an `Origin`
   * header: SvelteKit's own check refuses it before any hook runs, and can only be turned off for
   * the whole app (`kit.csrf.trustedOrigins: ['*']`, or `checkOrigin: false` before SvelteKit 2.36).
   * With it off there, this hook refuses the same requests with the same 403 — also in `vite dev`,
   * where SvelteKit skips its check — and lets only the back-channel route through, which verifies
   * the signed logout token instead and never reaches your routes.
   */
  readonly csrf?: CsrfOptions | undefined;
}

/**
 * The default API rule: the path is `/api` or under `/api/`, or the `Accept` header asks for JSON
 * and not for HTML (so `fetch`'s default `*∕*` and browsers' navigations count as pages).
 */
export const isApiRequest = (event: RequestEvent): boolean =>
  isApiPathOrAccept(event.url.pathname, event.request.headers.get('accept'));

// SvelteKit 2's check, as in its `respond.js` (`is_form_content_type`): the methods and the content
// types an HTML form (or a SvelteKit form remote function) can send without a CORS preflight.
const formMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const formContentTypes = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
  'application/x-sveltekit-formdata',
]);

const isForm = (request: Request): boolean => {
  const [type = ''] = (request.headers.get('content-type') ?? '').split(';', 1);
  return formContentTypes.has(type.trim().toLowerCase());
};

/**
 * Whether a request is a cross-site form submission to refuse, or `null` when nothing is checked;
 * `trustedOrigins` is validated here, once.
 */
const crossSiteFormCheck = (csrf: CsrfOptions = {}): ((event: RequestEvent) => boolean) | null => {
  const trusted = csrf.trustedOrigins ?? [];
  if (csrf.checkOrigin === false || trusted.includes('*')) return null;
  for (const origin of trusted) {
    // Browsers send the bare origin; `https://pay.example/` or a path would never match, silently.
    if (typeof origin !== 'string' || !URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new ConfigError({
        reason: 'InvalidOption',
        message: `csrf.trustedOrigins must hold origins like "https://checkout.example" (no path, no trailing slash); got ${JSON.stringify(origin)}.`,
      });
    }
  }
  const trustedOrigins = new Set(trusted);
  return ({ request, url }) => {
    if (!formMethods.has(request.method.toUpperCase()) || !isForm(request)) return false;
    const origin = request.headers.get('origin');
    return origin !== url.origin && (origin === null || !trustedOrigins.has(origin));
  };
};

/** SvelteKit's own answer to a cross-site form submission, so that apps see no difference. */
const crossSiteFormRefused = (request: Request): Response => {
  const message = `Cross-site ${request.method} form submissions are forbidden`;
  return request.headers.get('accept') === 'application/json'
    ? json({ message }, { status: 403 })
    : text(message, { status: 403 });
};

/** The SDK error a load function, action or endpoint let through, recorded by {@link handleLogtoError}. */
const failures = new WeakMap<object, unknown>();

/** The request {@link handleLogto} opened, from `locals` (the one object every event of a request shares). */
const logtoRequestOf = (locals: object): LogtoRequest | undefined =>
  (locals as Partial<LogtoLocals>).logtoRequest;

/**
 * The Logto `handle` hook: answers the auth routes (`/sign-in`, `/sign-up`, `/callback`, `/sign-out`,
 * or `config.routes`), sets {@link LogtoLocals} (`event.locals.logto`, `.logtoRequest`, `.user`) for
 * every other route, and appends the session cookies the request changed to its response — whatever
 * produced it: a page, an endpoint, an action, a thrown `redirect()` or `error()`. Compose it with
 * others through `sequence`. The configuration is checked here, once: a bad one throws a
 * `ConfigError` when the server starts.
 *
 * It also refuses cross-site form submissions, as SvelteKit does (see {@link HandleLogtoOptions.csrf}),
 * except at the back-channel logout route: the provider POSTs its logout tokens there as a form
 * without an `Origin` header, which SvelteKit's own check would refuse before any hook runs. For
 * back-channel logout (store mode), turn SvelteKit's check off in `svelte.config.js` with
 * `kit: { csrf: { trustedOrigins: ['*'] } }` (`checkOrigin: false` before SvelteKit 2.36) and put
 * this hook first in `sequence`, so that no hook before it sees a cross-site form.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * import { env } from '$env/dynamic/private';
 * import { handleLogto, handleLogtoError } from '@logto-machine/sveltekit';
 *
 * export const handle = handleLogto({
 *   endpoint: env.LOGTO_ENDPOINT!,
 *   appId: env.LOGTO_APP_ID!,
 *   appSecret: env.LOGTO_APP_SECRET,
 *   session: { secrets: [env.SESSION_SECRET!] },
 * });
 * export const handleError = handleLogtoError();
 * ```
 */
export const handleLogto = (config: LogtoServerConfig, options: HandleLogtoOptions = {}): Handle => {
  const server = new LogtoServer(config);
  const isApi = options.isApiRequest ?? isApiRequest;
  const isCrossSiteForm = crossSiteFormCheck(options.csrf);
  return async ({ event, resolve }) => {
    const request = server.open({
      url: event.url.href,
      method: event.request.method,
      cookie: event.request.headers.get('cookie'),
      api: () => isApi(event),
      contentType: () => event.request.headers.get('content-type'),
      // Unread: core reads it with its own cap, so a huge body is never buffered.
      body: () => event.request.body,
    });
    // Before the auth routes too, as SvelteKit's check was. The back-channel route is exempt by the
    // core's own path match, so an exempt request is always answered below and never reaches a route.
    if (isCrossSiteForm?.(event) && request.path !== server.routes.backchannelLogout)
      return crossSiteFormRefused(event.request);
    const routed = request.isAuthRoute ? await request.route() : null;
    if (routed) return toWebResponse(routed);

    const locals = event.locals as LogtoLocals;
    locals.logto = request.client;
    locals.logtoRequest = request;
    try {
      locals.user = (await request.client.isAuthenticated()) ? await request.client.getIdTokenClaims() : null;
    } catch (failure) {
      return toWebResponse(request.failure(failure));
    }

    const response = await resolve(event);
    const failure = failures.get(event.locals);
    if (failure !== undefined) {
      const answer = request.failure(failure);
      // A client-side navigation's data request can follow a redirect (SvelteKit turns it into one it
      // understands), but not an HTML or JSON answer in place of its data.
      if (!event.isDataRequest || answer.kind === 'redirect') return toWebResponse(answer);
    }
    // Raw, as the core wrote them (chunks, deletions of stale chunks, attributes): `event.cookies`
    // would re-encode the values, and a thrown `redirect()` passes through here all the same.
    return withSetCookie(response, request.setCookieHeaders());
  };
};

/**
 * The Logto `handleError` hook: an SDK error that a load function, action or endpoint lets through
 * gets its HTTP answer from {@link handleLogto} (an ended session: pages redirect to sign-in, APIs
 * get 401; bad input: 4xx; an unreachable provider: 502) instead of a 500. Other errors go to `next`.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * export const handleError = handleLogtoError(({ error }) => console.error(error));
 * ```
 */
export const handleLogtoError =
  (next?: HandleServerError): HandleServerError =>
  (input) => {
    if (!logtoRequestOf(input.event.locals) || !isLogtoMachineError(input.error)) return next?.(input);
    failures.set(input.event.locals, input.error);
    return { message: toHttpFailure(input.error).message } as App.Error;
  };

/**
 * A guard for load functions, actions and endpoints that need a signed-in user (the tutorial's
 * `@authenticated`): returns the user's ID-token claims, or throws SvelteKit's `redirect(302)` to
 * sign-in (which comes back here afterwards), or `error(401)` for API calls (`api` defaults to
 * {@link handleLogto}'s API rule).
 *
 * @example
 * ```ts
 * // src/routes/protected/+page.server.ts
 * export const load = async (event) => ({ user: await requireAuth(event) });
 * ```
 */
export const requireAuth = async (
  event: RequestEvent,
  options: RequireAuthOptions = {},
): Promise<IdTokenClaims> => {
  const request = logtoRequestOf(event.locals);
  if (!request)
    throw new Error('requireAuth() needs handleLogto() as the handle hook in src/hooks.server.ts.');
  const denied = await request.requireAuth(options);
  // Its cookies are appended by handleLogto, on the way out.
  if (denied?.kind === 'redirect') redirect(302, denied.location);
  if (denied) error(denied.status, { message: 'Sign in to use this.' });
  return request.client.getIdTokenClaims();
};
