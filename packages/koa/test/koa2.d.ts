// Koa 2 (installed as `koa2`) has the same API as Koa 3 for what the tests use.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
