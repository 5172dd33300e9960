/**
 * React Router 7 / Remix 2: `app/routes/auth.ts`, a resource route (no component) mounted at
 * `/sign-in`, `/sign-up`, `/callback` and `/sign-out` in `app/routes.ts`. See `app/logto.server.ts`.
 *
 * @module
 */
// #region auth
// app/routes/auth.ts
import { logto } from '../logto.server';

/** The auth routes: the redirect to Logto, the callback, the sign-out; their answers carry the cookies. */
export async function loader({ request }: { request: Request }): Promise<Response> {
  const handled = await logto(request);
  if (handled.response) return handled.response;
  throw new Response('Not found', { status: 404 });
}
// #endregion auth
