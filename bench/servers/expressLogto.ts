/**
 * Express with the official `@logto/express` (Logto's Express tutorial): express-session (its
 * memory store; `resave: false, saveUninitialized: false`, the cheapest settings), the auth routes
 * under `/logto`, and `withLogto` on `/me`.
 */
import { handleAuthRoutes, type LogtoExpressConfig, withLogto } from '@logto/express';
import express from 'express';
import session from 'express-session';
import { sessionSecret } from './config.ts';
import { controlAction, counted, ready, requiredEnv } from './control.ts';

const config: LogtoExpressConfig = {
  endpoint: requiredEnv('LOGTO_ENDPOINT'),
  appId: 'demo-app',
  appSecret: 'demo-app-secret',
  baseUrl: 'http://127.0.0.1', // the port is added once the server listens
  scopes: ['email', 'custom_data', 'urn:logto:scope:organizations', 'urn:logto:scope:organization_roles'],
  resources: ['https://api.example.com'],
};

/** The same with `getAccessToken: true` (the default access token, refreshed when expired), for `/token`. */
const tokenConfig: LogtoExpressConfig = { ...config, getAccessToken: true };

const store = new session.MemoryStore();
const app = express();
app.use(
  session({
    store,
    secret: sessionSecret,
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: 14 * 24 * 60 * 60 * 1000 },
  }),
);
app.use(handleAuthRoutes(config));
app.get('/me', withLogto(config), (request, response) => {
  if (!request.user.isAuthenticated || !request.user.claims) {
    response.status(401).send('signed out');
    return;
  }
  counted();
  response.send(request.user.claims.sub);
});
app.get('/token', withLogto(tokenConfig), (request, response) => {
  if (!request.user.isAuthenticated || !request.user.accessToken) {
    response.status(401).send('no token');
    return;
  }
  counted();
  response.send(request.user.accessToken.slice(0, 8));
});

// For the memory scenario: copy the session behind a `connect.sid` cookie to `count` new session ids.
controlAction('/clone-sessions', async (query) => {
  const signed = decodeURIComponent(/connect\.sid=([^;]+)/.exec(query.get('cookie') ?? '')?.[1] ?? '');
  const id = signed.slice(2, signed.lastIndexOf('.'));
  const data = await new Promise<session.SessionData | null | undefined>((resolve, reject) =>
    store.get(id, (error, value) => (error ? reject(error) : resolve(value))),
  );
  if (!data) throw new Error('the cookie has no session');
  const count = Number(query.get('count'));
  for (let index = 0; index < count; index += 1) {
    await new Promise<void>((resolve, reject) =>
      store.set(`bench-${index}-${id}`, data, (error) => (error ? reject(error) : resolve())),
    );
  }
  return { samples: [] };
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) {
    config.baseUrl = `http://127.0.0.1:${address.port}`;
    tokenConfig.baseUrl = config.baseUrl;
    void ready(address.port);
  }
});
