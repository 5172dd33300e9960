/**
 * Astro: `src/pages/api/token.ts`, an endpoint behind the middleware of `src/middleware.ts`.
 *
 * @module
 */
// #region endpoint
// src/pages/api/token.ts
import type { LogtoContext } from '@logto-machine/core/web';

export const GET = async ({ locals, url }: { locals: { logto?: LogtoContext }; url: URL }) => {
  const logto = locals.logto!;
  // Signed out: 401 JSON (an API path).
  const denied = await logto.requireAuth();
  if (denied) return denied;
  const accessToken = await logto.client.getAccessToken(url.searchParams.get('resource') ?? undefined);
  return Response.json({ accessToken }, { status: accessToken ? 200 : 401 });
};
// #endregion endpoint
