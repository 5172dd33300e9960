/**
 * Koa with our adapter (`@logto-machine/koa`), cookie sessions or store mode (BENCH_SESSIONS,
 * servers/config.ts); `/me` answers the user's `sub`.
 */
import { type LogtoState, logto } from '@logto-machine/koa';
import Koa from 'koa';
import { logtoConfig } from './config.ts';
import { counted, ready } from './control.ts';

const app = new Koa<LogtoState>();
app.use(logto(logtoConfig()));
app.use(async (ctx) => {
  if (ctx.path !== '/me') return;
  const client = ctx.state.logto;
  if (!(await client.isAuthenticated())) {
    ctx.status = 401;
    ctx.body = 'signed out';
    return;
  }
  const { sub } = await client.getIdTokenClaims();
  counted();
  ctx.body = sub;
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
