import type { KoaContextWithOIDC } from 'oidc-provider';

/** A Koa middleware mounted with `provider.use`, which runs around all of oidc-provider's routes. */
export type OidcMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

/** Whether a response body is a JSON object. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
