/**
 * The signed-in `/protected` page of the Hono and Koa examples (examples/hono/src/app.ts,
 * examples/koa/src/app.ts), byte for byte as the example of `framework` renders it: what the bare pages
 * and the page floors beside the examples answer, so every row of an example's group sends the same bytes.
 */
export const protectedPage = (framework: 'Hono' | 'Koa'): string => `<!doctype html>
<html>
  <head><meta charset="utf-8" /><title>Logto × ${framework}</title></head>
  <body><p>Protected page</p></body>
</html>`;
