/**
 * The floor of any session middleware on Koa, for scale: the shape of servers/koaLogto.ts with no auth
 * in it — a middleware that reads the Cookie header, sets two `ctx.state` fields and awaits the handler
 * in a try/finally, and a handler that awaits twice.
 */
import Koa from 'koa';
import { counted, ready } from './control.ts';

const app = new Koa<{ session: string; request: number }>();
app.use(async (ctx, next) => {
  ctx.state.session = ctx.get('cookie');
  ctx.state.request = 1;
  try {
    await next();
  } finally {
    ctx.state.request = 0;
  }
});
app.use(async (ctx) => {
  if (ctx.path !== '/me') return;
  if (!(await Promise.resolve(ctx.state.session !== ''))) {
    ctx.status = 401;
    ctx.body = 'signed out';
    return;
  }
  await Promise.resolve();
  counted();
  ctx.body = 'user_demo';
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
