/**
 * The Http port's contract suite.
 *
 * @module
 */
import { HttpError, type HttpShape } from '@logto-machine/core';
import * as Effect from 'effect/Effect';
import * as Fiber from 'effect/Fiber';
import { describe, expect, it } from 'vitest';
import { failureOf, sleep, within } from './waiting.ts';

/** What an HTTP implementation under test is built from: the `fetch` to call and its timeout. */
export interface HttpContractOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;
}

/**
 * The HTTP contract: any response is a success (5xx included); a failed fetch is
 * `HttpError('Network')`, no answer within the timeout is `HttpError('Timeout')`.
 *
 * @example
 * ```ts
 * httpContract('makeFetchHttp', (options) => makeFetchHttp(options));
 * ```
 */
export const httpContract = (name: string, make: (options: HttpContractOptions) => HttpShape): void => {
  describe(`${name} (Http contract)`, () => {
    const request = () =>
      new Request('https://tenant.example/oidc/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token',
      });
    const answering =
      (response: () => Response): typeof globalThis.fetch =>
      async () =>
        response();
    /** A fetch that never answers, and rejects when aborted, as a real fetch does. */
    const hangingUntilAborted: typeof globalThis.fetch = (_, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });

    it('sends the request as given and returns the response', async () => {
      const seen: Request[] = [];
      const fetch: typeof globalThis.fetch = async (input) => {
        seen.push(input as Request);
        return new Response('{"ok":true}', { status: 200 });
      };
      const response = await Effect.runPromise(make({ fetch, timeoutMs: 1000 }).fetch(request()));
      expect(await response.json()).toEqual({ ok: true });
      expect(seen).toHaveLength(1);
      const sent = new Request(seen[0]!);
      expect([sent.method, sent.url, sent.headers.get('content-type')]).toEqual([
        'POST',
        'https://tenant.example/oidc/token',
        'application/x-www-form-urlencoded',
      ]);
      expect(await sent.text()).toBe('grant_type=refresh_token');
    });

    it('returns a 500 as a response, not an error', async () => {
      const http = make({ fetch: answering(() => new Response('down', { status: 500 })), timeoutMs: 1000 });
      expect((await Effect.runPromise(http.fetch(request()))).status).toBe(500);
    });

    it('fails with HttpError Network when fetch rejects', async () => {
      const fetch: typeof globalThis.fetch = async () => {
        throw new TypeError('fetch failed');
      };
      const error = await failureOf(make({ fetch, timeoutMs: 1000 }).fetch(request()));
      expect(error).toBeInstanceOf(HttpError);
      expect(error.reason).toBe('Network');
    });

    it('fails with HttpError Timeout when fetch does not answer in time', async () => {
      const started = Date.now();
      const error = await failureOf(make({ fetch: hangingUntilAborted, timeoutMs: 20 }).fetch(request()));
      expect(error).toMatchObject({ _tag: 'HttpError', reason: 'Timeout' });
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('fails with HttpError Timeout even when fetch never settles', async () => {
      const neverSettles: typeof globalThis.fetch = () => new Promise(() => {});
      const outcome = await within(
        1000,
        failureOf(make({ fetch: neverSettles, timeoutMs: 20 }).fetch(request())),
      );
      expect(outcome).toMatchObject({ _tag: 'HttpError', reason: 'Timeout' });
    });

    it('aborts the fetch when the caller is interrupted', async () => {
      let signal: AbortSignal | undefined;
      const fetch: typeof globalThis.fetch = (input, init) => {
        signal = init?.signal ?? (input as Request).signal;
        return hangingUntilAborted(input, init);
      };
      const fiber = Effect.runFork(make({ fetch, timeoutMs: 10_000 }).fetch(request()));
      await sleep(5);
      await Effect.runPromise(Fiber.interrupt(fiber));
      expect(signal?.aborted).toBe(true);
    });
  });
};
