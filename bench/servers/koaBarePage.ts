/**
 * Bare Koa serving the Koa example's `/protected` page (examples/koa/src/app.ts) as the example does,
 * through `@koa/router` with the same plain string, without any auth: what the page and its router
 * cost apart from signing in. Counted as the example is (`countOkResponses`).
 */
import Router from '@koa/router';
import Koa from 'koa';
import { listenCounted } from './control.ts';
import { protectedPage } from './protectedPage.ts';

const html = protectedPage('Koa');

const app = new Koa();
const router = new Router();
router.get('/protected', (ctx) => {
  ctx.body = html;
});
app.use(router.routes()).use(router.allowedMethods());

listenCounted((port, host, onListening) => app.listen(port, host, onListening));
