/**
 * The code of "Migrating from `@logto/express`" (`guide/migrating-express.md`): the app after the
 * switch, the old route paths kept, and an async handler on Express 4. Compiled by the docs' typecheck.
 *
 * @module
 */
import { type LogtoServerConfig, logto, logtoErrorHandler } from '@logto-machine/express';
import express, { type Express, type RequestHandler } from 'express';

/** The app after the switch; `config` is what `LogtoExpressConfig` held, less its `@logto/express` options. */
export const migratedApp = (config: Omit<LogtoServerConfig, 'session'>): Express => {
  const app = express();
  // #region after
  app.use(logto({ ...config, session: { secrets: [process.env.SESSION_SECRET ?? ''] } }));
  app.get('/', async (req, res) => {
    const signedIn = await req.logto.isAuthenticated();
    res.send(signedIn ? (await req.logto.getIdTokenClaims()).sub : 'Not authenticated');
  });
  app.use(logtoErrorHandler()); // after the routes
  // #endregion after
  return app;
};

/** The same, on `@logto/express`'s paths (and the redirect URI registered for them). */
export const oldPaths = (config: Omit<LogtoServerConfig, 'session' | 'routes'>): RequestHandler =>
  // #region old-paths
  logto({
    ...config,
    routes: {
      signIn: '/logto/sign-in',
      signUp: '/logto/sign-up',
      callback: '/logto/sign-in-callback',
      signOut: '/logto/sign-out',
    },
    session: { secrets: [process.env.SESSION_SECRET ?? ''] },
  });
// #endregion old-paths

/** An async handler on Express 4, which does not pass a rejected promise to the error handlers itself. */
export const express4Route = (app: Express, resource: string): void => {
  // #region express4
  app.get('/api/token', (req, res, next) => {
    req.logto.getAccessToken(resource).then((accessToken) => res.json({ accessToken }), next);
  });
  // #endregion express4
};
