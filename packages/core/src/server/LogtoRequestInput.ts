/**
 * The request half of the core ⇄ adapter contract: what an adapter says of a request.
 *
 * @module
 */
import type { RequestBody } from './requestBody.ts';

/** A request as adapters describe it: the full URL, the method and the Cookie header. */
export interface LogtoRequestInput {
  readonly url: string;
  readonly method: string;
  readonly cookie: string | null | undefined;
  /**
   * Whether the request is an API call (answered with JSON and 401) rather than a page; default
   * false. A function is called only when an answer depends on it (most requests never ask).
   */
  readonly api?: boolean | (() => boolean) | undefined;
  /** The `Content-Type` header, or a function that reads it; read by the back-channel logout route only. */
  readonly contentType?: string | null | (() => string | null | undefined) | undefined;
  /**
   * The request body, asked for only by the routes that need one (back-channel logout): pass it lazily
   * and unread — a Web `ReadableStream` (`request.body`), a Node request stream, any async iterable of
   * bytes, or text a body parser already read. Core reads it with its own byte cap (16 KiB; a logout
   * token is about 1 KB), enforced while reading, so a huge body is never buffered.
   */
  readonly body?: (() => RequestBody) | undefined;
}
