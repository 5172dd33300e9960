/**
 * The one response type of the core ⇄ adapter contract, and the primitives adapters use to translate
 * it: {@link toWebResponse} for frameworks built on Web `Response` (Hono, SvelteKit, Workers), and
 * {@link responseHeaders} for the ones that set headers one by one (Koa, Express, `node:http`).
 *
 * @module
 */

/** What an adapter sends back: a redirect or a page, plus cookies; adapters translate it, nothing more. */
export type LogtoResponse =
  | {
      readonly kind: 'redirect';
      readonly status: 302;
      readonly location: string;
      readonly setCookie: readonly string[];
    }
  | {
      readonly kind: 'page' | 'json';
      readonly status: number;
      readonly body: string;
      readonly setCookie: readonly string[];
      /** Further response headers, e.g. `Cache-Control`. */
      readonly headers?: Readonly<Record<string, string>> | undefined;
    }
  | {
      /** A status without a body (the back-channel logout route's 200). */
      readonly kind: 'empty';
      readonly status: number;
      readonly setCookie: readonly string[];
      readonly headers?: Readonly<Record<string, string>> | undefined;
    };

/** The `Content-Type` of each kind of answer with a body. */
export const responseContentTypes = {
  page: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

/**
 * Every header of `response` but its cookies, as `[name, value]` pairs in lower case: `location` of a
 * redirect, `content-type` of a page or JSON, and the answer's own headers. Adapters that set headers
 * one by one use it, then append `response.setCookie` where their framework keeps cookies.
 *
 * @example
 * ```ts
 * for (const [name, value] of responseHeaders(answer)) ctx.set(name, value);
 * for (const cookie of answer.setCookie) ctx.append('set-cookie', cookie);
 * ```
 */
export const responseHeaders = (response: LogtoResponse): [name: string, value: string][] => {
  if (response.kind === 'redirect') return [['location', response.location]];
  const headers = Object.entries(response.headers ?? {});
  if (response.kind !== 'empty') headers.push(['content-type', responseContentTypes[response.kind]]);
  return headers;
};

/** The body of `response`, or `null` for a redirect or an empty answer. */
export const responseBody = (response: LogtoResponse): string | null =>
  response.kind === 'page' || response.kind === 'json' ? response.body : null;

/**
 * `response` as a Web `Response`, its cookies included (one `Set-Cookie` header each).
 *
 * @example
 * ```ts
 * const answer = await request.route();
 * if (answer) return toWebResponse(answer);
 * ```
 */
export const toWebResponse = (response: LogtoResponse): Response => {
  const headers = new Headers(responseHeaders(response));
  appendSetCookie(headers, response.setCookie);
  return new Response(responseBody(response), { status: response.status, headers });
};

/**
 * `response` with `cookies` appended as `Set-Cookie` headers: the same object when its headers can
 * change, a copy when they cannot (a `fetch` response's are immutable).
 */
export const withSetCookie = (response: Response, cookies: readonly string[]): Response => {
  if (cookies.length === 0) return response;
  try {
    appendSetCookie(response.headers, cookies);
    return response;
  } catch {
    // The headers are immutable (the first append threw, so none was added).
    const copy = new Response(response.body, response);
    appendSetCookie(copy.headers, cookies);
    return copy;
  }
};

/** Appends each of `cookies` to `headers` as its own `Set-Cookie` header. */
export const appendSetCookie = (headers: Headers, cookies: readonly string[]): void => {
  for (const cookie of cookies) headers.append('set-cookie', cookie);
};
