/**
 * The default rule every adapter uses to tell an API call (answered with JSON and 401) from a page
 * (redirected to sign-in), written once.
 *
 * @module
 */

const apiPath = /^\/api(\/|$)/;

/**
 * Whether a request is an API call: its path is `/api` or under `/api/`, or its `Accept` header asks
 * for JSON and not for HTML (so browser navigations and `fetch`'s default `*∕*` count as pages).
 * Adapters pass the request's path (without the query) and its `Accept` header.
 *
 * @example
 * ```ts
 * isApiRequest('/api/data', null); // true
 * isApiRequest('/me', 'application/json'); // true
 * isApiRequest('/me', 'text/html,application/xhtml+xml,application/json;q=0.9'); // false
 * ```
 */
export const isApiRequest = (path: string, accept: string | null | undefined): boolean => {
  if (apiPath.test(path)) return true;
  const types = accept ?? '';
  return types.includes('application/json') && !types.includes('text/html');
};
