/**
 * Astro (server output, any adapter): `src/middleware.ts` answers the auth routes, puts the request's
 * `LogtoContext` on `locals`, and the session cookies on every response. Compiled and exercised by
 * `docs/test/examples.test.ts` (called the way Astro calls middleware), but not run inside an Astro app.
 *
 * @module
 */
// #region middleware
// src/middleware.ts
import { isLogtoMachineError } from '@logto-machine/core';
import { handleLogto, type LogtoContext } from '@logto-machine/core/web';

const logto = handleLogto({
  endpoint: process.env.LOGTO_ENDPOINT!,
  appId: process.env.LOGTO_APP_ID!,
  appSecret: process.env.LOGTO_APP_SECRET!,
  baseUrl: process.env.BASE_URL,
  session: { secrets: [process.env.SESSION_SECRET!] },
});

/** Astro's middleware: `(context, next) => Response`; type `locals` in `src/env.d.ts` (`App.Locals`). */
export const onRequest = async (
  context: { request: Request; locals: { logto?: LogtoContext } },
  next: () => Promise<Response>,
): Promise<Response> => {
  const handled = await logto(context.request);
  if (handled.response) return handled.response;
  context.locals.logto = handled;
  try {
    return handled.withCookies(await next());
  } catch (error) {
    // An SDK error a page or endpoint let through: sign in again, 4xx or 502, never a 500.
    if (isLogtoMachineError(error)) return handled.failure(error);
    throw error;
  }
};
// #endregion middleware
