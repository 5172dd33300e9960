/**
 * The example's shape with no auth in it: bare Koa + `@koa/router` serving the Koa example's
 * `/protected` page (servers/koaBarePage.ts) behind what examples/koa puts in front of it — an
 * app-wide middleware that reads the Cookie header and sets two state variables (as `logto()` does)
 * and a route middleware that lets the request through (as `requireAuth()` does when signed in). What
 * Koa charges any app of that shape before its middleware does work: the floor of the example's row.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { listenCounted } from './control.ts';
import { protectedPage } from './protectedPage.ts';

const html = protectedPage('Koa');

const app = new Koa<{ session: string | undefined; request: number }>();
app.use((ctx, next) => {
  ctx.state.session = ctx.req.headers.cookie;
  ctx.state.request = 1;
  return next();
});
const router = new Router<{ session: string | undefined; request: number }>();
router.get(
  '/protected',
  (ctx, next) => (ctx.state.session === undefined ? ctx.throw(401) : next()),
  (ctx) => {
    ctx.body = html;
  },
);
app.use(router.routes()).use(router.allowedMethods());

listenCounted((port, host, onListening) => app.listen(port, host, onListening));
