import * as Context from 'effect/Context';
import * as Effect from 'effect/Effect';
import * as Layer from 'effect/Layer';
import { HttpError } from '../errors.ts';

/** The HTTP port: one `fetch`-shaped call that fails only with a typed transport error. */
export interface HttpShape {
  /** Sends `request`; any response, 5xx included, is a success here. Network failures and timeouts fail. */
  readonly fetch: (request: Request) => Effect.Effect<Response, HttpError>;
}

/** The HTTP port's service tag. */
export class Http extends Context.Service<Http, HttpShape>()('@logto-machine/core/Http') {}

/** Options of {@link makeFetchHttp}. */
export interface FetchHttpOptions {
  /** The `fetch` to call; defaults to `globalThis.fetch`, so it runs on Node, Bun, Deno and Workers. */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Milliseconds before a request is abandoned as `HttpError('Timeout')`. Default 10 000. */
  readonly timeoutMs?: number | undefined;
}

const defaultTimeoutMs = 10_000;

/**
 * An {@link HttpShape} over a Web-standard `fetch`, with a per-request timeout.
 *
 * @example
 * ```ts
 * const http = makeFetchHttp({ timeoutMs: 5_000 });
 * ```
 */
export const makeFetchHttp = (options: FetchHttpOptions = {}): HttpShape => {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return {
    fetch: (request) =>
      Effect.callback<Response, HttpError>((resume) => {
        const controller = new AbortController();
        const origin = new URL(request.url).origin;
        let settled = false;
        const settle = (effect: Effect.Effect<Response, HttpError>) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resume(effect);
        };
        // The timeout wins on its own, even against a `fetch` that ignores the abort signal.
        const timer = setTimeout(() => {
          controller.abort();
          settle(
            Effect.fail(
              new HttpError({
                reason: 'Timeout',
                message: `No answer from ${origin} within ${timeoutMs} ms; check that the provider is reachable, or raise timeoutMs.`,
              }),
            ),
          );
        }, timeoutMs);
        // `fetch` is looked up per call so a test or polyfill that replaces it later is honoured.
        const doFetch = options.fetch ?? globalThis.fetch;
        doFetch(request, { signal: controller.signal, redirect: 'manual' }).then(
          (response) => settle(Effect.succeed(response)),
          (cause: unknown) =>
            settle(
              Effect.fail(
                new HttpError({
                  reason: 'Network',
                  message: `Could not reach ${origin} (${cause instanceof Error ? cause.message : 'network error'}); check the endpoint and the network.`,
                }),
              ),
            ),
        );
        return Effect.sync(() => {
          settled = true;
          clearTimeout(timer);
          controller.abort();
        });
      }),
  };
};

/** The default HTTP layer: `globalThis.fetch` with a 10 s timeout per request. */
export const layerFetch = (options?: FetchHttpOptions): Layer.Layer<Http> =>
  Layer.succeed(Http, makeFetchHttp(options));
