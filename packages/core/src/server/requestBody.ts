/**
 * Reading a request body with a byte cap that holds *while* reading: a hostile client that sends a
 * huge body makes the server hold at most the cap plus one chunk, never the whole body. Adapters hand
 * the body over as it comes (a Web `ReadableStream`, a Node stream, any async iterable of bytes), so
 * the cap is written once, here, for every framework.
 *
 * @module
 */

/**
 * A request body as an adapter passes it: a Web `ReadableStream` (`request.body`), a Node stream or
 * any async iterable of bytes, text a body parser already read (or a promise of it), or nothing.
 */
export type RequestBody =
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | string
  | Promise<string>
  | null
  | undefined;

const encoder = new TextEncoder();

const byteLength = (chunk: Uint8Array | string) =>
  typeof chunk === 'string' ? encoder.encode(chunk).byteLength : chunk.byteLength;

const isReadableStream = (body: unknown): body is ReadableStream<Uint8Array> =>
  typeof (body as ReadableStream | null)?.getReader === 'function';

/**
 * The body as UTF-8 text, or `null` as soon as more than `maxBytes` have arrived (a stream is
 * cancelled then, so the rest is never buffered). Rejects when reading fails.
 */
export const readBodyText = async (body: RequestBody, maxBytes: number): Promise<string | null> => {
  if (body === null || body === undefined) return '';
  if (typeof body === 'string' || body instanceof Promise) {
    // Already read by someone else (a body parser with its own limit): only checked.
    const text = await body;
    return typeof text === 'string' && byteLength(text) <= maxBytes ? text : null;
  }
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  const add = (chunk: Uint8Array | string) => {
    size += byteLength(chunk);
    if (size > maxBytes) return false;
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    return true;
  };
  if (isReadableStream(body)) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!add(value)) {
        reader.cancel().catch(() => {});
        return null;
      }
    }
  } else {
    // Leaving the loop early ends the iterator: a Node request stream is destroyed, not buffered.
    for await (const chunk of body) {
      if (!add(chunk)) return null;
    }
  }
  return text + decoder.decode();
};
