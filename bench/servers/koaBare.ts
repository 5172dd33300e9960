/** Bare Koa: the same route as servers/koaLogto.ts without any auth. */
import Koa from 'koa';
import { counted, ready } from './control.ts';

const app = new Koa();
app.use((ctx) => {
  if (ctx.path !== '/me') return;
  counted();
  ctx.body = 'anonymous';
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) void ready(address.port);
});
