/**
 * Express with our adapter (`@logto-machine/express`), cookie sessions or store mode (BENCH_SESSIONS,
 * servers/config.ts); `/me` answers the user's `sub`, the shape of servers/koaLogto.ts.
 */
import { logto, logtoErrorHandler } from '@logto-machine/express';
import express from 'express';
import { logtoConfig } from './config.ts';
import { counted, ready } from './control.ts';

const app = express();
app.use(logto(logtoConfig()));
app.get('/me', async (request, response) => {
  const client = request.logto;
  if (!(await client.isAuthenticated())) {
    response.status(401).send('signed out');
    return;
  }
  const { sub } = await client.getIdTokenClaims();
  counted();
  response.send(sub);
});
app.use(logtoErrorHandler());

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
