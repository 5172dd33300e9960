// Express 4 (installed as `express4`) has the same API as Express 5 for what the tests use.
declare module 'express4' {
  import express from 'express';
  export default express;
}
