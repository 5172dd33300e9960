/**
 * React Router 7 / Remix 2: the loader of `app/routes/protected.tsx` (its component reads
 * `useLoaderData()`). See `app/logto.server.ts`.
 *
 * @module
 */
// #region protected
// app/routes/protected.tsx (the loader)
import { logto } from '../logto.server';

export async function loader({ request }: { request: Request }): Promise<Response> {
  const handled = await logto(request);
  if (handled.response) return handled.response;
  // Signed out: a redirect to /sign-in that comes back here (thrown, as React Router redirects are).
  const denied = await handled.requireAuth();
  if (denied) throw denied;
  try {
    const claims = await handled.client.getIdTokenClaims();
    // React Router copies a loader's Set-Cookie headers onto the document response.
    return handled.withCookies(Response.json({ sub: claims.sub, name: claims.name ?? null }));
  } catch (error) {
    // An ended session → redirect to sign-in; bad input → 4xx.
    throw handled.failure(error);
  }
}
// #endregion protected
