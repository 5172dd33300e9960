/**
 * The `logger` option with pino ("Logging" in guide/debugging.md): every auth failure becomes one pino
 * line with its error tag, reason and status. The same config goes to `logto()` (Hono, Koa) or
 * `handleLogto()` (SvelteKit). `test/examples.test.ts` checks the line a stale callback link writes.
 *
 * @module
 */
// #region logger
import type { LogtoServerConfig } from '@logto-machine/core';
import pino from 'pino';

export const config: LogtoServerConfig = {
  endpoint: process.env.LOGTO_ENDPOINT ?? 'http://127.0.0.1:3001',
  appId: process.env.LOGTO_APP_ID ?? 'demo-app',
  appSecret: process.env.LOGTO_APP_SECRET ?? 'demo-app-secret',
  baseUrl: process.env.BASE_URL,
  session: { secrets: [process.env.SESSION_SECRET ?? 'a-dev-only-secret-of-at-least-32-chars'] },
  logger: pino(),
};
// #endregion logger
