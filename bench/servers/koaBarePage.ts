/**
 * Bare Koa serving the Koa example's `/protected` page (examples/koa/src/app.ts) as the example does,
 * through `@koa/router` with the same plain string, without any auth: what the page and its router
 * cost apart from signing in. Counted as the example is (`countOkResponses`).
 */
import Router from '@koa/router';
import Koa from 'koa';
import { listenCounted } from './control.ts';

const html = `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × Koa</title></head>
  <body><p>Protected page</p></body>
</html>`;

const app = new Koa();
const router = new Router();
router.get('/protected', (ctx) => {
  ctx.body = html;
});
app.use(router.routes()).use(router.allowedMethods());

listenCounted((port, host, onListening) => app.listen(port, host, onListening));
