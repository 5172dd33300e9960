/**
 * The session vocabulary, written down once.
 *
 * | name                   | what it is                                                                 |
 * | ---------------------- | -------------------------------------------------------------------------- |
 * | `Storage`              | the client's storage port: async `get`/`set`/`delete` of strings           |
 * | `StorageShape`         | the same port as Effects, behind the `StorageService` tag                  |
 * | {@link Sessions}       | where a server app's sessions live, one per app; `kind` says which         |
 * | `CookieSessions`       | `kind: 'cookie'`: the session sealed in the browser's cookies              |
 * | `StoreSessions`        | `kind: 'store'`: the session in an unstorage store, a signed id in the cookie |
 * | {@link RequestSession} | one request's session, from `Sessions.open`: a `Storage` plus `Set-Cookie` |
 *
 * Internal: `CookieRequestSession` and `StoreRequestSession` are the two `RequestSession`s;
 * `SessionStore` is the key layout over the unstorage store of `StoreSessions`.
 *
 * @module
 */
import type { Storage } from '../ports/Storage.ts';

/**
 * One request's session, as `Sessions.open` binds it: the client's {@link Storage} over the
 * request's cookies (and, in store mode, the store), whose changes become `Set-Cookie` headers.
 */
export interface RequestSession extends Storage {
  /**
   * The `Set-Cookie` header values for everything set or deleted since `open()`, stale chunks
   * included; empty when nothing changed. Call it after every `set`/`delete` has settled.
   */
  setCookieHeaders(): string[];
  /**
   * The `Set-Cookie` header values of {@link setCookieHeaders} for a copy of the request that never
   * leaves the server, such as the request Next's middleware hands the page it renders. A cookie
   * session over its `chunkBudget` keeps its cached access tokens here, where the browser's copy leaves
   * them out; sealed with the session secret like every session cookie, and at most `maxChunks`
   * cookies. Never send these to a browser. Store sessions: the same as `setCookieHeaders()`.
   */
  forwardedSetCookieHeaders(): string[];
}

/** How `Sessions.open` binds a request. */
export interface OpenSessionOptions {
  /** Whether the app is served over https: sets the cookies' Secure attribute. */
  readonly secure: boolean;
}

/** Which sessions a store ends: those of an OpenID session (`sid`), of a user (`sub`), or both. */
export interface SessionSelector {
  readonly sid?: string | undefined;
  readonly sub?: string | undefined;
}

/**
 * Where a server app's sessions live, one per app: `kind: 'cookie'` (`CookieSessions`) or
 * `kind: 'store'` (`StoreSessions`, which can also end sessions by `sid`/`sub`). Built by
 * `makeSessions` from the `session` option; `kind` tells them apart, so store mode is known by type.
 */
export type Sessions =
  | {
      /** The session lives in the browser's encrypted cookies. */
      readonly kind: 'cookie';
      /** Binds one request's `Cookie` header; synchronous, nothing is decrypted until read. */
      open(cookieHeader: string | null | undefined, options: OpenSessionOptions): RequestSession;
    }
  | {
      /** The session lives in a server-side store; the cookie holds a signed id. */
      readonly kind: 'store';
      /** Binds one request's `Cookie` header; synchronous, the store is read on first use. */
      open(cookieHeader: string | null | undefined, options: OpenSessionOptions): RequestSession;
      /**
       * Ends the sessions `selector` names, as a back-channel logout asks; returns how many.
       *
       * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCActions
       */
      deleteSessions(selector: SessionSelector): Promise<number>;
    };

/** Sessions of one kind. */
export type SessionsOfKind<Kind extends Sessions['kind']> = Extract<Sessions, { readonly kind: Kind }>;
