/**
 * React Router 7 (framework mode) or Remix 2: `app/logto.server.ts`, the one handler every route
 * module below asks. Compiled and exercised by `docs/test/examples.test.ts` (its loaders called the
 * way React Router calls them), but not run inside a React Router app.
 *
 * @module
 */
// #region logto
// app/logto.server.ts
import { handleLogto } from '@logto-machine/core/web';

/** Built once per server process: it keeps the cookie keys, sessions and provider metadata cached. */
export const logto = handleLogto({
  endpoint: process.env.LOGTO_ENDPOINT!,
  appId: process.env.LOGTO_APP_ID!,
  appSecret: process.env.LOGTO_APP_SECRET!,
  baseUrl: process.env.BASE_URL,
  session: { secrets: [process.env.SESSION_SECRET!] },
});
// #endregion logto
